"""Short Kazakh articles for the batch tests, and readers of what a batch writes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from narrator.config import Station

_TIMING = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})$")


def quick_station() -> Station:
    """A station that keeps each article short: no jingles, no intro or outro."""
    station = Station()
    station.audio.jingles = False
    station.bulletin.intro = ""
    station.bulletin.outro = ""
    station.performance.jobs = 1
    return station


def article_text(number: int) -> str:
    """Article ``number``: a title and two titled stories (so it has two chapters)."""
    return (
        f"# Жаңалықтар {number}\n\n"
        f"## Астана\n\nАстанада бүгін {number} маңызды оқиға болды. Ауа райы жылы.\n\n"
        f"## Алматы\n\nАлматыда {number + 3} жаңа мектеп ашылды.\n"
    )


def write_articles(folder: Path, count: int) -> list[Path]:
    """``count`` Markdown articles in ``folder``: ``a01.md``, ``a02.md``..."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, count + 1):
        path = folder / f"a{number:02d}.md"
        path.write_text(article_text(number), "utf-8")
        paths.append(path)
    return paths


def read_cues(vtt: Path) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue of a WebVTT file."""
    cues = []
    for block in vtt.read_text("utf-8").split("\n\n")[1:]:
        lines = block.strip().split("\n")
        match = _TIMING.match(lines[1])
        assert match, f"{vtt}: bad cue timing {lines[1]!r}"
        h1, m1, s1, f1, h2, m2, s2, f2 = (int(g) for g in match.groups())
        start = h1 * 3600 + m1 * 60 + s1 + f1 / 1000
        end = h2 * 3600 + m2 * 60 + s2 + f2 / 1000
        cues.append((start, end, " ".join(lines[2:])))
    return cues


def read_chapters(path: Path) -> list[tuple[float, str]]:
    """(start, title) of each chapter of a Podcasting 2.0 chapters file."""
    data = json.loads(path.read_text("utf-8"))
    return [(chapter["startTime"], chapter["title"]) for chapter in data["chapters"]]


def manifest_lines(out: Path) -> list[dict[str, Any]]:
    """Every line of the manifest in ``out``, parsed."""
    text = (out / "manifest.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]
