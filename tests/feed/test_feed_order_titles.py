"""One order of articles for `speak FOLDER` and `feed build`; unique, meaningful titles."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from narrator.feed.sources import load_articles, order_articles
from tests.feed.feedcheck import (
    BASE_URL,
    NOW,
    check_published,
    copy_articles,
    make_station,
    narrator,
    run_build,
)

# The documented order: undated first (by file name), then by date, then file name.
EXPECTED = [
    "Елордада жаңа саябақ ашылды",  # 02-astana.txt, undated
    "Ертең қар жауады",  # 03-aua-rayy.html, undated
    "Қазақстан жаңа спутник ұшырады",  # 01-garysh.md, 2026-11-25T02:30Z
    "Боксшымыз алтын медаль алды",  # 04-sport.json, 2026-11-25T06:00Z
]


def _chapter_titles(chapters: Path) -> list[str]:
    return [c["title"] for c in json.loads(chapters.read_text("utf-8"))["chapters"]]


def test_order_articles_is_date_then_file_name(tmp_path: Path) -> None:
    sources = tmp_path / "s"
    sources.mkdir()
    for name, date in [("b.md", "2026-11-25"), ("a.md", "2026-11-25"), ("c.md", "2026-11-24")]:
        (sources / name).write_text(f"---\ndate: {date}\n---\n# {name}\n\nМәтін.\n", "utf-8")
    (sources / "z.txt").write_text("Күнсіз\n\nМәтін.\n", "utf-8")
    ordered = order_articles(load_articles(sources))
    assert [a.origin for a in ordered] == ["z.txt", "c.md", "a.md", "b.md"]


def test_speak_folder_and_feed_build_read_in_the_same_order(tmp_path: Path) -> None:
    sources = copy_articles(tmp_path / "sources")
    spoken = narrator("speak", str(sources), "-o", str(tmp_path / "folder.mp3"), "--quiet")
    assert spoken.returncode == 0, spoken.stderr
    speak_order = [t for t in _chapter_titles(tmp_path / "folder.chapters.json") if t in EXPECTED]
    out = tmp_path / "out"
    built = narrator(
        "feed", "build", "--sources", str(sources), "--out", str(out), "--base-url", BASE_URL
    )
    assert built.returncode == 0, built.stderr
    (chapters,) = (out / "episodes").glob("*.chapters.json")
    feed_order = [t for t in _chapter_titles(chapters) if t in EXPECTED]
    assert speak_order == feed_order == EXPECTED


def test_three_builds_in_a_minute_have_three_titles(tmp_path: Path) -> None:
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    sources.mkdir()
    station = make_station()
    leads = ["Жаңа көпір ашылды", "Жаңа мектеп ашылды", "Жаңа көпір ашылды"]
    for second, lead in zip((0, 20, 40), leads, strict=True):
        (sources / f"{second:02d}.txt").write_text(f"{lead}\n\nҚалада {lead.lower()}.\n", "utf-8")
        report = run_build(station, sources, out, cache, now=NOW + timedelta(seconds=second))
        assert len(report.new_episodes) == 1
    titles = [entry.title for entry in check_published(out).entries]
    assert titles == [
        "Тест радиосы жаңалықтары, 25.11.2026, 09:00: Жаңа көпір ашылды (2)",
        "Тест радиосы жаңалықтары, 25.11.2026, 09:00: Жаңа мектеп ашылды",
        "Тест радиосы жаңалықтары, 25.11.2026, 09:00: Жаңа көпір ашылды",
    ]
