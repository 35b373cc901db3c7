"""One order of articles for `speak FOLDER` and `feed build`; unique, meaningful titles."""

from __future__ import annotations

import json
import re
from pathlib import Path

from mutagen.id3 import ID3

from narrator.feed.sources import load_articles, order_articles
from tests.feed.feedcheck import BASE_URL, check_published, copy_articles, narrator

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


def _build(sources: Path, out: Path, *extra: str) -> str:
    result = narrator(
        "feed", "build", "--sources", str(sources), "--out", str(out), "--base-url", BASE_URL,
        "--quiet", *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_three_builds_in_a_minute_have_three_titles(tmp_path: Path) -> None:
    """The edition, plus the lead story; a title already in the feed gets a number."""
    sources, out = tmp_path / "sources", tmp_path / "out"
    sources.mkdir()
    stories = ["Жаңа көпір ашылды", "Жаңа мектеп ашылды", "Жаңа көпір ашылды"]
    for number, lead in enumerate(stories):
        (sources / f"{number:02d}.txt").write_text(f"{lead}\n\nҚалада {lead.lower()}.\n", "utf-8")
        assert _build(sources, out).startswith(f"{BASE_URL}/episodes/")
    entries = check_published(out).entries
    titles = [entry.title for entry in entries]
    assert len(set(titles)) == 3
    edition = re.compile(r"Narrator жаңалықтары, \d\d\.\d\d\.\d{4}, \d\d:\d\d: ")
    assert all(edition.match(title) for title in titles), titles
    leads = [edition.sub("", title) for title in titles]  # newest first
    assert [lead.removesuffix(" (2)") for lead in leads] == stories[::-1]
    # In the same minute, the third build repeats the first's title: it is numbered.
    same_minute = edition.match(titles[0]).group() == edition.match(titles[2]).group()  # type: ignore[union-attr]
    assert leads[0] == ("Жаңа көпір ашылды (2)" if same_minute else "Жаңа көпір ашылды")
    # The MP3's own title is the item's.
    (newest,) = [e for e in entries if e.title == titles[0]]
    audio = out / newest.enclosures[0].href.removeprefix(BASE_URL + "/")
    assert str(ID3(audio)["TIT2"]) == titles[0]


def test_per_article_pubdate_is_the_articles_date(tmp_path: Path) -> None:
    sources = copy_articles(tmp_path / "sources", "articles/01-garysh.md", "articles/04-sport.json")
    out = tmp_path / "out"
    _build(sources, out, "--per-article")
    published = {e.title: e.published for e in check_published(out).entries}
    assert published == {
        "Қазақстан жаңа спутник ұшырады": "Wed, 25 Nov 2026 02:30:00 +0000",
        "Боксшымыз алтын медаль алды": "Wed, 25 Nov 2026 06:00:00 +0000",
    }
