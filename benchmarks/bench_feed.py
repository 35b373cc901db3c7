"""Feed build timings: a cold build, a warm re-run of the same edition, a run with nothing new.

    .venv/bin/python benchmarks/bench_feed.py

The edition is the four fixture articles of the feed tests plus the seed article, as
one bulletin with the embedded voice. "Cold" starts from an empty segment cache;
"warm" builds the same edition into a fresh folder with the cache the cold build
filled (every segment reused: what a re-run after a failed upload costs); "nothing
new" runs again on the published folder (what most hourly runs cost).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from narrator.cache import SegmentCache
from narrator.config import Station
from narrator.feed.publish import BuildOptions, BuildReport, build
from narrator.feed.sources import bulletin_document, load_articles
from narrator.pipeline import make_chain, plan_segments, synthesise

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "feed" / "fixtures" / "articles"
SEED = ROOT / "examples" / "seed-article.txt"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _run(station: Station, sources: Path, out: Path, cache: Path) -> tuple[float, BuildReport]:
    options = BuildOptions(sources=str(sources), out=out, base_url="https://example.kz/podcast")
    started = time.perf_counter()
    report = build(station, options, cache=SegmentCache(cache), now=NOW)
    return time.perf_counter() - started, report


def main() -> None:
    station = Station()
    station.feed.timezone = "UTC"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sources = root / "sources"
        shutil.copytree(ARTICLES, sources)
        shutil.copy(SEED, sources / "seed-article.txt")
        cache = root / "cache"

        cold, report = _run(station, sources, root / "cold", cache)
        (episode,) = report.new_episodes
        stats = report.cache
        assert stats is not None
        print(
            f"cold build:        {cold:6.2f} s  ({episode.duration:.0f} s of audio, "
            f"{stats.misses} segments synthesised, {stats.hits} reused)"
        )
        warm, report = _run(station, sources, root / "warm", cache)
        stats = report.cache
        assert stats is not None
        print(
            f"warm re-run:       {warm:6.2f} s  ({stats.misses} segments synthesised, "
            f"{stats.hits} reused; cold/warm {cold / warm:.2f})"
        )
        idle, report = _run(station, sources, root / "cold", cache)
        assert not report.new_episodes
        print(f"nothing new:       {idle:6.2f} s  ({report.summary.split(':')[0]})")

        document = bulletin_document(load_articles(sources), "Bench", {"date": "2026-11-25"})
        segments = plan_segments(document, station)
        chain = make_chain(station)
        for label, directory in (("cold", root / "synth-cache"), ("warm", root / "synth-cache")):
            segment_cache = SegmentCache(directory)
            started = time.perf_counter()
            list(synthesise(segments, station, chain, cache=segment_cache))
            took = time.perf_counter() - started
            print(
                f"synthesis, {label}:  {took:6.2f} s  ({segment_cache.stats.misses} synthesised, "
                f"{segment_cache.stats.hits} reused)"
            )


if __name__ == "__main__":
    main()
