"""Crash loop: many `narrator feed build`s, killed at random moments, on changing sources.

Each round adds an article, sometimes removes one, and keeps one poisoned article (a
JSON title with a lone surrogate) in the folder; then it runs the real command line
and, at random, SIGKILLs it part-way. After every round it checks what a podcast
app and a server rely on:

- ``feed.xml`` is well-formed and parses (feedparser, no bozo);
- every enclosure exists, with the byte length the feed announces;
- no GUID changes: an enclosure URL keeps its GUID, a GUID keeps its URL;
- no temporary files accumulate: after every build that ran to the end there are
  none (a killed build may leave some; the next whole build removes them);
- a build that was not killed exits 0 without a traceback;
- the poisoned article ends up quarantined, then dropped.

Run on demand (figures printed at the end)::

    .venv/bin/python tests/stress/crash_loop.py --builds 100

A 20-build version runs in ``make test`` (tests/stress/test_crash_loop.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import feedparser

BASE_URL = "https://radio.example.kz/podcast"
POISON = '{"id": "poison", "title": "T\\ud800", "body": "Бұл мақала оқылмайды."}'
_PLACES = ["Алматыда", "Астанада", "Шымкентте", "Ақтөбеде", "Қарағандыда", "Павлодарда"]
_EVENTS = ["жаңа көпір ашылды", "концерт өтті", "жаңа аурухана салынды", "жарыс өтті"]


@dataclass
class Figures:
    """What a crash loop did and found."""

    seed: int
    builds: int = 0
    killed: int = 0
    completed: int = 0
    articles_added: int = 0
    articles_removed: int = 0
    most_leftovers: int = 0
    """Most temporary files seen after a killed build (removed by the next whole one)."""
    episodes: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def report(self) -> str:
        return (
            f"seed {self.seed}: {self.builds} builds, {self.killed} killed, "
            f"{self.completed} ran to the end; {self.articles_added} articles added, "
            f"{self.articles_removed} removed; {self.episodes} episodes in the feed; "
            f"at most {self.most_leftovers} temporary files left by a kill; "
            f"{len(self.failures)} failures; {self.seconds:.0f} s"
        )


def _write_article(sources: Path, number: int) -> None:
    place = _PLACES[number % len(_PLACES)]
    event = _EVENTS[number // len(_PLACES) % len(_EVENTS)]
    text = f"{place} {event}\n\n{place} бүгін {event}. Бұл {number}-жаңалық.\n"
    (sources / f"{number:03d}.txt").write_text(text, "utf-8")


def _temporary_files(out: Path) -> list[str]:
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if ".part" in p.name or p.name == ".narrator-probe"
    )


def _local(out: Path, url: str) -> Path | None:
    if not url.startswith(BASE_URL + "/"):
        return None
    relative = unquote(urlparse(url).path)[len(urlparse(BASE_URL).path) + 1 :]
    path = (out / relative).resolve()
    return path if path.is_relative_to(out.resolve()) else None


def check_feed(out: Path, guids: dict[str, str], urls: dict[str, str]) -> list[str]:
    """Problems of the published feed (none when it is sound); records GUIDs seen."""
    feed = out / "feed.xml"
    if not feed.exists():
        return []  # nothing published yet (every build so far was killed early)
    problems: list[str] = []
    data = feed.read_bytes()
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return [f"feed.xml is not well-formed: {exc}"]
    parsed = feedparser.parse(data)
    if parsed.bozo:
        problems.append(f"feedparser: {parsed.get('bozo_exception')}")
    for item in root.iter("item"):
        enclosure = item.find("enclosure")
        guid = item.findtext("guid") or ""
        if enclosure is None:
            problems.append(f"item {guid} has no enclosure")
            continue
        url = enclosure.get("url", "")
        path = _local(out, url)
        if path is None or not path.is_file():
            problems.append(f"enclosure {url} is missing")
        elif path.stat().st_size != int(enclosure.get("length", "-1")):
            problems.append(
                f"enclosure {url} is {path.stat().st_size} bytes, "
                f"the feed says {enclosure.get('length')}"
            )
        if guids.setdefault(url, guid) != guid:
            problems.append(f"GUID of {url} changed from {guids[url]} to {guid}")
        if urls.setdefault(guid, url) != url:
            problems.append(f"GUID {guid} moved from {urls[guid]} to {url}")
    return problems


def run(builds: int, seed: int | None = None, workdir: Path | None = None) -> Figures:
    """``builds`` rounds of change, build and (maybe) kill; then one last whole build."""
    seed = random.randrange(1 << 30) if seed is None else seed
    rng = random.Random(seed)
    figures = Figures(seed=seed)
    started = time.monotonic()
    root = Path(workdir or tempfile.mkdtemp(prefix="narrator-crash-loop-"))
    sources, out = root / "sources", root / "out"
    sources.mkdir(parents=True, exist_ok=True)
    (sources / "poison.json").write_text(POISON, "utf-8")
    station = root / "station.toml"
    station.write_text(
        '[station]\nname = "Сынақ радиосы"\n'
        f'[feed]\nsources = "sources"\nout = "out"\nbase_url = "{BASE_URL}"\n'
        'link = "https://radio.example.kz/"\nkeep_episodes = 12\nmax_article_failures = 3\n'
        'timezone = "UTC"\n[audio]\njingles = false\n[cache]\ndir = "cache"\n'
        # Short episodes: the loop is about publishing, not about the programme.
        '[bulletin]\nintro = ""\noutro = ""\nheadlines = false\n',
        "utf-8",
    )
    env = {**os.environ, "NARRATOR_CACHE_DIR": ""}
    command = [sys.executable, "-m", "narrator", "feed", "build", "--station", str(station)]
    guids: dict[str, str] = {}
    urls: dict[str, str] = {}
    whole_build = 3.0
    next_article = 0
    for number in range(builds + 1):
        last = number == builds
        if not last:
            _write_article(sources, next_article)
            next_article += 1
            figures.articles_added += 1
            present = sorted(sources.glob("*.txt"))
            if len(present) > 2 and rng.random() < 0.2:
                rng.choice(present[:-1]).unlink()
                figures.articles_removed += 1
        kill = not last and rng.random() < 0.5
        delay = rng.uniform(0.05, whole_build * 1.1) if kill else None
        began = time.monotonic()
        process = subprocess.Popen(
            [*command, "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        try:
            process.wait(timeout=delay if delay is not None else 600)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
        _, stderr = process.communicate()
        figures.builds += 1
        where = f"build {number + 1} (seed {seed})"
        if process.returncode == -signal.SIGKILL:
            figures.killed += 1
            figures.most_leftovers = max(figures.most_leftovers, len(_temporary_files(out)))
        else:
            figures.completed += 1
            whole_build = time.monotonic() - began
            if process.returncode != 0 or "Traceback" in stderr:
                figures.failures.append(f"{where}: exit {process.returncode}: {stderr.strip()}")
            leftovers = _temporary_files(out)
            if leftovers:
                figures.failures.append(f"{where}: temporary files left: {leftovers}")
        figures.failures += [f"{where}: {p}" for p in check_feed(out, guids, urls)]
    state = json.loads((out / ".narrator-state.json").read_text("utf-8"))
    poison = state.get("quarantine", {}).get("poison.json")
    if figures.completed >= 3 and (poison is None or poison["failures"] < 3):
        figures.failures.append(f"the poisoned article is not dropped: {poison}")
    figures.episodes = len(state["episodes"])
    figures.seconds = time.monotonic() - started
    if workdir is None:
        shutil.rmtree(root, ignore_errors=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--builds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="Work in this folder, kept.")
    args = parser.parse_args()
    figures = run(args.builds, args.seed, args.keep)
    for failure in figures.failures:
        print(f"FAIL {failure}")
    print(figures.report())
    sys.exit(1 if figures.failures else 0)


if __name__ == "__main__":
    main()
