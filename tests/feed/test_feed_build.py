"""Building a feed from fixture articles with the real embedded voice, and rebuilding it."""

from __future__ import annotations

import json
import re
import shutil
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from narrator.feed.episodes import PODCAST_NAMESPACE
from narrator.feed.publish import BuildReport
from tests.feed.feedcheck import (
    BASE_URL,
    NOW,
    PODCAST_NS,
    check_published,
    copy_articles,
    local_path,
    make_station,
    named_files,
    narrator,
    run_build,
    tree,
)

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"


@dataclass
class Built:
    root: Path
    sources: Path
    out: Path
    cache: Path
    report: BuildReport


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """One bulletin of the four fixture articles (.md, .txt, .html, .json)."""
    root = tmp_path_factory.mktemp("feed")
    sources = copy_articles(root / "sources")
    report = run_build(make_station(), sources, root / "out", root / "cache")
    return Built(root, sources, root / "out", root / "cache", report)


def _copy(built: Built, target: Path) -> tuple[Path, Path]:
    """A private copy of the built feed and its sources, for tests that change them."""
    shutil.copytree(built.sources, target / "sources")
    shutil.copytree(built.out, target / "out")
    return target / "sources", target / "out"


def _items(out: Path) -> list[ET.Element]:
    return ET.fromstring((out / "feed.xml").read_bytes()).findall("channel/item")


def test_first_build_makes_one_bulletin_of_all_articles(built: Built) -> None:
    assert len(built.report.new_episodes) == 1
    episode = built.report.new_episodes[0]
    assert episode.id == "20261125-0900"
    # The documented order: undated articles (by file name), then by date.
    assert episode.articles == ["02-astana", "03-aua-rayy", "garysh-2026-11-25", "sport-boks"]
    assert built.report.cache is not None and built.report.cache.misses > 0
    assert sorted(p.name for p in (built.out / "episodes").iterdir()) == [
        "20261125-0900.chapters.json",
        "20261125-0900.mp3",
        "20261125-0900.srt",
        "20261125-0900.vtt",
    ]


def test_feed_has_every_required_tag(built: Built) -> None:
    parsed = check_published(built.out)
    feed = parsed.feed
    assert parsed.version == "rss20"
    assert feed.title == "Тест радиосы"
    assert feed.link == f"{BASE_URL}/"  # no feed.link: its own folder, with a warning
    assert feed.subtitle == "Қазақша аудио жаңалықтар."
    assert feed.language == "kk"
    assert feed.author == "Тест радиосы"
    assert feed.image.href == f"{BASE_URL}/cover.png"
    assert [t.term for t in feed.tags] == ["News"]
    assert not feed.itunes_explicit  # feedparser knows only yes/clean; the text is checked below
    assert any(link.rel == "self" and link.href == f"{BASE_URL}/feed.xml" for link in feed.links)
    (entry,) = parsed.entries
    # The edition and its lead story (the first in the documented order).
    assert entry.title == "Тест радиосы жаңалықтары, 25.11.2026, 09:00: Елордада жаңа саябақ ашылды"
    assert "Ертең қар жауады" in entry.summary
    (enclosure,) = entry.enclosures
    assert enclosure.type == "audio/mpeg"
    assert enclosure.href == f"{BASE_URL}/episodes/20261125-0900.mp3"
    assert int(enclosure.length) == (built.out / "episodes/20261125-0900.mp3").stat().st_size
    assert entry.guidislink is False
    assert entry.published == "Wed, 25 Nov 2026 09:00:00 +0000"
    assert entry.published_parsed[:5] == (2026, 11, 25, 9, 0)
    hours, minutes, seconds = map(int, entry.itunes_duration.split(":"))
    duration = hours * 3600 + minutes * 60 + seconds
    assert abs(duration - built.report.new_episodes[0].duration) <= 1


def test_itunes_and_podcasting20_tags(built: Built) -> None:
    channel = ET.fromstring((built.out / "feed.xml").read_bytes()).find("channel")
    assert channel is not None
    image = channel.find(f"{{{ITUNES_NS}}}image")
    assert image is not None and local_path(built.out, image.get("href", "")).is_file()
    assert channel.findtext(f"{{{ITUNES_NS}}}explicit") == "false"
    assert channel.findtext(f"{{{ITUNES_NS}}}author") == "Тест радиосы"
    category = channel.find(f"{{{ITUNES_NS}}}category")
    assert category is not None and category.get("text") == "News"
    expected = uuid.uuid5(PODCAST_NAMESPACE, "radio.example.kz/podcast/feed.xml")
    assert channel.findtext(f"{{{PODCAST_NS}}}guid") == str(expected)
    assert channel.findtext(f"{{{PODCAST_NS}}}locked") == "no"
    (item,) = channel.findall("item")
    transcripts = {t.get("type"): t for t in item.findall(f"{{{PODCAST_NS}}}transcript")}
    assert set(transcripts) == {"text/vtt", "application/x-subrip"}
    vtt = local_path(built.out, transcripts["text/vtt"].get("url", ""))
    assert vtt.read_text("utf-8").startswith("WEBVTT")
    assert "Ертең солтүстік өңірлерде қар жауады." in vtt.read_text("utf-8")
    chapters = item.find(f"{{{PODCAST_NS}}}chapters")
    assert chapters is not None and chapters.get("type") == "application/json+chapters"
    data = json.loads(local_path(built.out, chapters.get("url", "")).read_text("utf-8"))
    assert data["version"] == "1.2.0"
    titles = [c["title"] for c in data["chapters"]]
    assert "Қазақстан жаңа спутник ұшырады" in titles
    assert "Боксшымыз алтын медаль алды" in titles
    guid = item.find("guid")
    assert guid is not None and guid.get("isPermaLink") == "false"


def test_rebuild_with_the_same_sources_changes_nothing(built: Built) -> None:
    before = tree(built.out)
    mtimes = {p: p.stat().st_mtime_ns for p in built.out.rglob("*")}
    report = run_build(
        make_station(), built.sources, built.out, built.cache, now=NOW + timedelta(hours=1)
    )
    assert report.new_episodes == [] and report.pruned == [] and report.removed_files == []
    assert not report.feed_written
    assert "no new articles" in report.summary
    assert report.cache is not None
    assert (report.cache.hits, report.cache.misses, report.cache.stores) == (0, 0, 0)
    assert tree(built.out) == before
    assert {p: p.stat().st_mtime_ns for p in built.out.rglob("*")} == mtimes


def test_same_edition_elsewhere_synthesises_nothing(built: Built, tmp_path: Path) -> None:
    """The warm cache: the same edition built again (a fresh folder) reuses every segment."""
    report = run_build(make_station(), built.sources, tmp_path / "out", built.cache)
    assert report.cache is not None
    assert report.cache.misses == 0 and report.cache.stores == 0
    first = built.report.cache
    assert first is not None and report.cache.hits == first.hits + first.misses
    check_published(tmp_path / "out")


def test_one_new_article_makes_one_new_episode(built: Built, tmp_path: Path) -> None:
    sources, out = _copy(built, tmp_path)
    old = tree(out / "episodes")
    old_guid = _items(out)[0].findtext("guid")
    copy_articles(sources, "more/05-bilim.md")
    report = run_build(make_station(), sources, out, built.cache, now=NOW + timedelta(hours=1))
    (episode,) = report.new_episodes
    assert episode.id == "20261125-1000" and episode.articles == ["bilim-mektep"]
    # Only the new story is synthesised; station lines are reused from the cache.
    assert report.cache is not None and 0 < report.cache.misses < built.report.cache.misses  # type: ignore[union-attr]
    assert report.cache.hits > 0
    now_files = tree(out / "episodes")
    assert {k: now_files[k] for k in old} == old  # old episode byte-identical
    assert len(now_files) == len(old) + 4
    items = _items(out)
    guids = [i.findtext("guid") for i in items]
    assert len(guids) == 2 and len(set(guids)) == 2
    assert guids[1] == old_guid  # stable: the old item keeps its GUID
    assert items[0].findtext("title", "").endswith("10:00: Жаңа мектеп салынады")  # newest first
    check_published(out)


def test_guids_stay_when_the_feed_moves(built: Built, tmp_path: Path) -> None:
    """podcast:guid and item GUIDs are fixed at publication, not recomputed from the URL."""
    sources, out = _copy(built, tmp_path)
    before = ET.fromstring((out / "feed.xml").read_bytes())
    station = make_station()
    from narrator.cache import SegmentCache
    from narrator.feed.publish import BuildOptions, build

    options = BuildOptions(sources=str(sources), out=out, base_url="https://new.example.kz/p")
    build(station, options, cache=SegmentCache(built.cache), now=NOW)
    after = ET.fromstring((out / "feed.xml").read_bytes())
    guid = f"channel/{{{PODCAST_NS}}}guid"
    assert after.findtext(guid) == before.findtext(guid)
    assert after.findtext("channel/item/guid") == before.findtext("channel/item/guid")
    enclosure = after.find("channel/item/enclosure")
    assert enclosure is not None and enclosure.get("url", "").startswith(
        "https://new.example.kz/p/"
    )


def test_retention_prunes_files_and_items_together(built: Built, tmp_path: Path) -> None:
    sources, out = _copy(built, tmp_path)
    station = make_station(keep_episodes=2)
    first = _items(out)[0].findtext("guid")
    for hour, name in ((1, "more/05-bilim.md"), (2, "more/06-teatr.md")):
        copy_articles(sources, name)
        report = run_build(station, sources, out, built.cache, now=NOW + timedelta(hours=hour))
    assert [e.id for e in report.pruned] == ["20261125-0900"]
    items = _items(out)
    assert [i.findtext("guid") for i in items].count(first) == 0
    assert len(items) == 2
    on_disk = {p.relative_to(out).as_posix() for p in (out / "episodes").iterdir()}
    assert on_disk == named_files(out)
    assert not any("20261125-0900" in name for name in on_disk)
    check_published(out)
    # Pruned articles are not news again: a rebuild publishes nothing.
    assert (
        run_build(station, sources, out, built.cache, now=NOW + timedelta(hours=3)).new_episodes
        == []
    )


def test_retention_by_age(built: Built, tmp_path: Path) -> None:
    sources, out = _copy(built, tmp_path)
    copy_articles(sources, "more/05-bilim.md")
    later = NOW + timedelta(days=3)
    report = run_build(make_station(keep_days=2), sources, out, built.cache, now=later)
    assert [e.id for e in report.pruned] == ["20261125-0900"]
    assert [e.id for e in report.new_episodes] == ["20261128-0900"]
    assert len(_items(out)) == 1
    assert sorted(p.name for p in (out / "episodes").iterdir())[0].startswith("20261128-0900")
    check_published(out)


def test_one_episode_per_article(built: Built, tmp_path: Path) -> None:
    sources = copy_articles(tmp_path / "sources")
    out = tmp_path / "out"
    report = run_build(make_station(), sources, out, built.cache, per_article=True)
    # Oldest first (undated articles first, in file order), so the newest is on top.
    assert [e.id for e in report.new_episodes] == [
        "02-astana",
        "03-aua-rayy",
        "garysh-2026-11-25",
        "sport-boks",
    ]
    parsed = check_published(out)
    assert len(parsed.entries) == 4
    assert len({e.id for e in parsed.entries}) == 4
    # pubDate is each article's own date; undated articles are dated by the build.
    published = {entry.title: entry.published for entry in parsed.entries}
    assert published == {
        "Боксшымыз алтын медаль алды": "Wed, 25 Nov 2026 06:00:00 +0000",
        "Қазақстан жаңа спутник ұшырады": "Wed, 25 Nov 2026 02:30:00 +0000",
        "Елордада жаңа саябақ ашылды": "Wed, 25 Nov 2026 08:59:59 +0000",
        "Ертең қар жауады": "Wed, 25 Nov 2026 09:00:00 +0000",
    }
    assert [entry.title for entry in parsed.entries][:2] == [
        "Ертең қар жауады",
        "Елордада жаңа саябақ ашылды",
    ]  # newest first
    boxing = next(e for e in parsed.entries if e.title == "Боксшымыз алтын медаль алды")
    assert boxing.summary.startswith("Қазақстандық боксшы")


def test_command_line_build_and_cache_commands(tmp_path: Path) -> None:
    sources = copy_articles(tmp_path / "sources", "articles/02-astana.txt")
    station = tmp_path / "station.toml"
    station.write_text(
        '[station]\nname = "Тест радиосы"\n'
        f'[feed]\nsources = "sources"\nout = "public"\nbase_url = "{BASE_URL}/"\n'
        'link = "https://radio.example.kz/"\n[cache]\ndir = "cache"\n',
        "utf-8",
    )
    env_free = {"NARRATOR_CACHE_DIR": ""}  # the station file's cache dir applies
    first = narrator("feed", "build", "--station", str(station), env=env_free)
    assert first.returncode == 0, first.stderr
    (url,) = first.stdout.split()
    assert url.startswith(f"{BASE_URL}/episodes/") and url.endswith(".mp3")
    assert "1 new episode(s)" in first.stderr
    check_published(tmp_path / "public")
    again = narrator("feed", "build", "--station", str(station), "--quiet", env=env_free)
    assert again.returncode == 0 and again.stdout == ""
    # Quiet: no report, only the timestamped summary line.
    (line,) = again.stderr.splitlines()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ feed build: articles=1 new=0 quarantined=0 "
        r"episode=none .* feed=unchanged .*",
        line,
    ), line
    noisy = narrator("feed", "build", "--station", str(station), env=env_free)
    assert "no new articles" in noisy.stderr and "unchanged" in noisy.stderr

    info = narrator("cache", "info", "--station", str(station), env=env_free)
    assert info.returncode == 0
    assert str(tmp_path / "cache") in info.stdout
    entries = int(info.stdout.split("segments:")[1].split()[0])
    assert entries > 0
    cleared = narrator("cache", "clear", "--station", str(station), env=env_free)
    assert cleared.returncode == 0 and f"removed {entries} segment(s)" in cleared.stdout
    info = narrator("cache", "info", "--station", str(station), env=env_free)
    assert "segments:  0" in info.stdout
    assert sources.is_dir()


def test_missing_settings_are_one_line_errors(tmp_path: Path) -> None:
    result = narrator("feed", "build", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip() == "error: no sources: pass --sources PATH|URL or set feed.sources"
    result = narrator("feed", "build", "--sources", str(tmp_path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "no base URL" in result.stderr
    assert "Traceback" not in result.stderr
    result = narrator(
        "feed",
        "build",
        "--sources",
        str(tmp_path / "missing"),
        "--out",
        str(tmp_path / "out"),
        "--base-url",
        BASE_URL,
    )
    assert result.returncode == 2 and "no such sources folder" in result.stderr
    assert not (tmp_path / "out" / "feed.xml").exists()


def test_the_documented_station_file_loads(tmp_path: Path) -> None:
    from narrator.config import load_station
    from narrator.feed.publish import resolve_options

    docs = (Path(__file__).parents[2] / "docs" / "feed.md").read_text("utf-8")
    toml = docs.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "station.toml").write_text(toml, "utf-8")
    station = load_station(tmp_path / "station.toml")
    options = resolve_options(station)
    assert options.sources == str(tmp_path / "articles")
    assert options.base_url == "https://radio.example.kz/podcast"
    assert station.feed.keep_days == 7 and station.feed.locked
