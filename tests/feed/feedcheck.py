"""Shared helpers of the feed tests: a station, a build, and the invariants of a published feed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

import feedparser

from narrator.cache import SegmentCache
from narrator.config import Station
from narrator.feed.publish import BuildOptions, BuildReport, build

FIXTURES = Path(__file__).parent / "fixtures"
BASE_URL = "https://radio.example.kz/podcast"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PODCAST_NS = "https://podcastindex.org/namespace/1.0"


def make_station(**feed: object) -> Station:
    """Defaults, named, with the given ``[feed]`` settings."""
    station = Station()
    station.station.name = "Тест радиосы"
    station.feed.timezone = "UTC"
    for key, value in feed.items():
        setattr(station.feed, key, value)
    return station


def copy_articles(target: Path, *names: str) -> Path:
    """Copy fixture articles (all of ``articles/`` when no names) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    if not names:
        for path in sorted((FIXTURES / "articles").iterdir()):
            shutil.copy(path, target / path.name)
    for name in names:
        shutil.copy(FIXTURES / name, target / Path(name).name)
    return target


def run_build(
    station: Station,
    sources: Path | str,
    out: Path,
    cache_dir: Path | None,
    *,
    now: datetime = NOW,
    per_article: bool = False,
) -> BuildReport:
    """One build in this process, with a fresh cache object (so its statistics are this run's)."""
    options = BuildOptions(
        sources=str(sources), out=out, base_url=BASE_URL, per_article=per_article
    )
    cache = SegmentCache(cache_dir) if cache_dir is not None else None
    return build(station, options, cache=cache, now=now)


def local_path(out: Path, url: str) -> Path:
    """The file in ``out`` that a feed URL names (it must be under the base URL)."""
    assert url.startswith(BASE_URL + "/"), url
    relative = unquote(urlparse(url).path)[len(urlparse(BASE_URL).path) + 1 :]
    path = (out / relative).resolve()
    assert path.is_relative_to(out.resolve()), url
    return path


def check_published(out: Path) -> feedparser.FeedParserDict:
    """The invariants a podcast app relies on: the feed parses, and every file it names
    exists whole (enclosure length = file size)."""
    data = (out / "feed.xml").read_bytes()
    ET.fromstring(data)  # well-formed XML
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    root = ET.fromstring(data)
    for item in root.iter("item"):
        enclosure = item.find("enclosure")
        assert enclosure is not None
        path = local_path(out, enclosure.get("url", ""))
        assert path.is_file(), path
        assert path.stat().st_size == int(enclosure.get("length", "-1")), path
        for tag in ("transcript", "chapters"):
            for element in item.findall(f"{{{PODCAST_NS}}}{tag}"):
                assert local_path(out, element.get("url", "")).is_file()
    return parsed


def named_files(out: Path) -> set[str]:
    """Paths (relative to ``out``) of every episode file that ``feed.xml`` names."""
    root = ET.fromstring((out / "feed.xml").read_bytes())
    urls = [e.get("url", "") for e in root.iter("enclosure")]
    for tag in ("transcript", "chapters"):
        urls += [e.get("url", "") for e in root.iter(f"{{{PODCAST_NS}}}{tag}")]
    return {local_path(out, url).relative_to(out.resolve()).as_posix() for url in urls}


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


NARRATOR = [sys.executable, "-m", "narrator"]


def cli_env(**extra: str) -> dict[str, str]:
    """The test environment (its isolated cache) plus ``extra``."""
    return {**os.environ, "COLUMNS": "200", **extra}


def build_args(sources: Path | str, out: Path, *extra: str) -> list[str]:
    """The arguments of a quiet ``feed build`` from ``sources`` into ``out``."""
    return [
        "feed",
        "build",
        "--sources",
        str(sources),
        "--out",
        str(out),
        "--base-url",
        BASE_URL,
        "--quiet",
        *extra,
    ]


def narrator(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line, as cron would."""
    return subprocess.run(
        [*NARRATOR, *args],
        capture_output=True,
        text=True,
        env=cli_env(**(env or {})),
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
