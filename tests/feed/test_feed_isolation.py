"""One bad article, one bad state entry or one stray folder never stops the feed (issue 14)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from narrator import pipeline
from narrator.feed.episodes import load_state
from tests.feed.feedcheck import (
    BASE_URL,
    NOW,
    build_args,
    check_published,
    copy_articles,
    make_station,
    named_files,
    narrator,
    run_build,
)

POISON = '{"id": "poison", "title": "T\\ud800", "body": "Бұл мақала оқылмайды."}'


def _build(
    sources: Path, out: Path, cache: Path, *extra: str, link: bool = True
) -> tuple[int, str, str]:
    """``feed build --quiet`` through the real command line: (exit code, stdout, stderr)."""
    station = cache.parent / "station.toml"
    settings = '[feed]\nlink = "https://radio.example.kz/"\n' if link else ""
    station.write_text('[station]\nname = "Тест радиосы"\n' + settings, "utf-8")
    result = narrator(
        *build_args(sources, out, "--station", str(station), *extra),
        env={"NARRATOR_CACHE_DIR": str(cache)},
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout, result.stderr


def _lines(stderr: str, start: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(start)]


def _article(sources: Path, name: str, title: str, body: str) -> None:
    (sources / name).write_text(f"{title}\n\n{body}\n", "utf-8")


def test_a_poisoned_article_is_quarantined_retried_then_dropped(tmp_path: Path) -> None:
    """A JSON article with a lone surrogate: the rest of each edition is published; the
    bad one is retried on the next builds, dropped after three failures, and read again
    once it is corrected."""
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    copy_articles(sources, "articles/02-astana.txt")
    (sources / "poison.json").write_text(POISON, "utf-8")

    code, stdout, stderr = _build(sources, out, cache)
    assert code == 0, stderr
    assert stdout.startswith(f"{BASE_URL}/episodes/")
    (line,) = _lines(stderr, "WARNING narrator.feed.publish: quarantined")
    assert "(1 of 3 tries)" in line and "poison.json" in line and "lone surrogate" in line
    assert "U+D800" in line and "retried next build" in line
    parsed = check_published(out)
    assert len(parsed.entries) == 1
    state = load_state(out)
    assert state.quarantine["poison.json"].failures == 1
    assert "lone surrogate" in state.quarantine["poison.json"].reason
    assert set(state.seen) == {"02-astana"}

    _article(sources, "03-new.txt", "Жаңа көпір ашылды", "Қалада жаңа көпір ашылды.")
    code, stdout, stderr = _build(sources, out, cache)
    assert code == 0 and stdout.count("\n") == 1, stderr
    assert _lines(stderr, "WARNING narrator.feed.publish: quarantined (2 of 3 tries)")
    assert len(check_published(out).entries) == 2

    code, stdout, stderr = _build(sources, out, cache)
    assert code == 0 and stdout == ""
    (line,) = _lines(stderr, "WARNING narrator.feed.publish: dropped")
    assert "after 3 failed builds" in line and "poison.json" in line
    assert '"quarantined":1' not in stderr  # text summary by default
    assert re.search(r"feed build: articles=3 new=0 quarantined=1 ", stderr), stderr

    # Dropped: not read again, no more warnings, the state stays as it is.
    before = (out / ".narrator-state.json").read_bytes()
    code, stdout, stderr = _build(sources, out, cache)
    assert code == 0 and stdout == "" and "quarantined=0" in stderr
    assert not _lines(stderr, "WARNING")
    assert (out / ".narrator-state.json").read_bytes() == before

    # Corrected, it is news again.
    (sources / "poison.json").write_text(
        json.dumps({"id": "poison", "title": "Түзетілген", "body": "Енді оқылады."}), "utf-8"
    )
    code, stdout, stderr = _build(sources, out, cache)
    assert code == 0 and stdout.startswith(f"{BASE_URL}/episodes/"), stderr
    state = load_state(out)
    assert state.quarantine == {} and "poison" in state.seen
    assert len(check_published(out).entries) == 3


def test_bad_state_entries_are_repaired_or_dropped(tmp_path: Path) -> None:
    """A seen date that is no date, an episode whose audio leaves the folder, wrong
    types: warnings, a published feed, no file outside out/, no unpublished leftovers."""
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    copy_articles(sources, "articles/02-astana.txt")
    (tmp_path / "victim.txt").write_text("secret", "utf-8")
    out.mkdir()
    good = {
        "id": "old",
        "guid": "6b7c3d2e-0000-5000-8000-000000000001",
        "title": "Old",
        "description": "",
        "published": "2026-11-24T09:00:00+00:00",
        "audio": "episodes/old.mp3",
        "mime": "audio/mpeg",
        "length": 3,
        "duration": 1.0,
        "articles": ["old-article"],
    }
    (out / "episodes").mkdir()
    (out / "episodes" / "old.mp3").write_bytes(b"ID3")
    state = {
        "version": 1,
        "podcast_guid": "not-a-uuid",
        "episodes": [
            good,
            {**good, "id": "victim", "audio": "../victim.txt"},
            {**good, "id": "typed", "audio": "episodes/typed.mp3", "length": "lots"},
            "not an episode",
        ],
        "seen": {"a": "not-a-date", "b": [5]},
        "issued": ["old", 7],
        "updated": "yesterday",
        "quarantine": {"x": {"reason": 1}},
    }
    (out / ".narrator-state.json").write_text(json.dumps(state), "utf-8")

    code, stdout, stderr = _build(sources, out, cache)
    assert code == 0, stderr
    assert stdout.startswith(f"{BASE_URL}/episodes/")
    warnings = _lines(stderr, "WARNING narrator.feed.episodes")
    assert any("seen['a'] 'not-a-date': not a date, set to now" in w for w in warnings)
    assert any("episode 2 (audio: String should match pattern" in w for w in warnings)
    assert any("episode 3 (length" in w and "dropped from the feed" in w for w in warnings)
    assert len(warnings) == 9, warnings
    feed = (out / "feed.xml").read_bytes()
    assert b"../" not in feed and b"victim" not in feed
    parsed = check_published(out)
    assert [e.title for e in parsed.entries][1] == "Old"
    # Nothing unpublished is left behind, and nothing outside out/ was touched.
    on_disk = {p.relative_to(out).as_posix() for p in (out / "episodes").iterdir()}
    assert on_disk == named_files(out)
    assert (tmp_path / "victim.txt").read_text("utf-8") == "secret"
    repaired = load_state(out)
    assert {"a", "b", "02-astana", "old-article"} <= set(repaired.seen)
    assert {"old", "victim", "typed"} <= set(repaired.issued)  # never issued again
    # The repaired state is clean: the next build warns about nothing.
    code, stdout, stderr = _build(sources, out, cache)
    assert code == 0 and stdout == "" and not _lines(stderr, "WARNING"), stderr
    # A repair is saved even by a build with nothing new: it is not warned again.
    damaged = json.loads((out / ".narrator-state.json").read_text("utf-8"))
    damaged["seen"]["c"] = "not-a-date"
    (out / ".narrator-state.json").write_text(json.dumps(damaged), "utf-8")
    code, stdout, stderr = _build(sources, out, cache)
    assert code == 0 and stdout == "" and len(_lines(stderr, "WARNING")) == 1, stderr
    code, stdout, stderr = _build(sources, out, cache)
    assert code == 0 and stdout == "" and not _lines(stderr, "WARNING"), stderr


def test_json_nested_100000_deep_is_one_quarantined_article(tmp_path: Path) -> None:
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    copy_articles(sources, "articles/02-astana.txt")
    (sources / "deep.json").write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    code, stdout, stderr = _build(sources, out, cache)
    assert code == 0, stderr
    assert stdout.startswith(f"{BASE_URL}/episodes/")
    (line,) = _lines(stderr, "WARNING narrator.feed.publish: quarantined")
    assert "deep.json: JSON nested deeper than 32 (feed.max_depth)" in line
    assert "RecursionError" not in stderr
    assert len(check_published(out).entries) == 1


@pytest.mark.parametrize("name", ["feed.xml", "cover.png"])
def test_a_directory_in_the_way_is_one_clear_line(tmp_path: Path, name: str) -> None:
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    copy_articles(sources, "articles/02-astana.txt")
    (out / name).mkdir(parents=True)
    code, stdout, stderr = _build(sources, out, cache)
    assert code == 4
    assert stderr.strip() == (
        f"error: {out / name}: is a directory; move it away so the feed can be published"
    )
    assert stdout == "" and not (out / "episodes").exists()  # refused before any synthesis


def test_a_failed_build_has_a_json_record_too(tmp_path: Path) -> None:
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    copy_articles(sources, "articles/02-astana.txt")
    (out / "feed.xml").mkdir(parents=True)
    code, _, stderr = _build(sources, out, cache, "--log-format", "json")
    assert code == 4
    record, error = stderr.strip().splitlines()
    assert json.loads(record) == {
        "time": json.loads(record)["time"],
        "event": "feed build",
        "status": "error",
        "error": f"{out / 'feed.xml'}: is a directory; move it away so the feed can be published",
        "exit_code": 4,
    }
    assert error.startswith("error: ")


def test_a_later_build_removes_what_a_killed_one_left(tmp_path: Path) -> None:
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    copy_articles(sources, "articles/02-astana.txt")
    assert _build(sources, out, cache)[0] == 0
    leftovers = [
        out / ".feed.xml.k2j3.part.xml",
        out / "..narrator-state.json.x1.part.json",
        out / "episodes" / ".20261125-0900.mp3.ab12.part.mp3",
        out / "episodes" / ".20261125-0900.vtt.cd34.part.vtt",
        out / "episodes" / "20261129-1000.mp3",  # produced, never published
        out / ".narrator-probe" / "x.wav",
    ]
    for path in leftovers:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"partial")
    code, stdout, stderr = _build(sources, out, cache)
    assert code == 0 and stdout == "", stderr
    assert not [p for p in leftovers if p.exists()]
    assert not (out / ".narrator-probe").exists()
    assert {p.relative_to(out).as_posix() for p in (out / "episodes").iterdir()} == named_files(out)


def test_an_article_that_fails_in_production_is_left_out_of_the_bulletin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever breaks in production on one article's text: the bulletin is found to
    fail, each article is tried alone, and the bulletin goes out without the bad one."""
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    copy_articles(sources, "articles/02-astana.txt", "articles/03-aua-rayy.html")
    _article(sources, "04-bad.txt", "Сынақ мақала", "Мұнда сәтсіздік бар.")
    produce = pipeline.produce

    def failing_on_one_article(document, output, station, **kwargs):  # type: ignore[no-untyped-def]
        text = " ".join(p for s in document.stories for p in s.paragraphs)
        if "сәтсіздік" in text:
            raise RuntimeError("the engine gave up on this text")
        return produce(document, output, station, **kwargs)

    monkeypatch.setattr(pipeline, "produce", failing_on_one_article)
    report = run_build(make_station(), sources, out, cache)
    (episode,) = report.new_episodes
    assert episode.articles == ["02-astana", "03-aua-rayy"]
    ((key, entry),) = report.quarantined
    assert key == "04-bad" and entry.failures == 1
    assert entry.reason == "04-bad.txt: RuntimeError: the engine gave up on this text"
    assert not (out / ".narrator-probe").exists()
    check_published(out)
    # Retried on the next build (and still failing): counted, not published.
    report = run_build(make_station(), sources, out, cache, now=NOW + timedelta(hours=1))
    assert report.new_episodes == [] and report.quarantined[0][1].failures == 2


def test_quiet_json_summary_and_the_embedded_cover(tmp_path: Path) -> None:
    """--quiet --log-format json: the URL on stdout, one JSON summary line on stderr; the
    episode carries the feed's cover as its ID3 picture."""
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    copy_articles(sources, "articles/02-astana.txt")
    (sources / "poison.json").write_text(POISON, "utf-8")
    code, stdout, stderr = _build(sources, out, cache, "--log-format", "json")
    assert code == 0, stderr
    (url,) = stdout.split()
    summary = json.loads(stderr.splitlines()[-1])
    assert summary["event"] == "feed build" and summary["status"] == "ok"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", summary["time"])
    assert (summary["articles"], summary["new"], summary["quarantined"]) == (2, 1, 1)
    assert summary["episodes"] == [url]
    assert summary["duration_s"] > 1
    (loudness,) = summary["loudness_lufs"]
    assert -20.5 < loudness < -17.5
    assert set(summary["timings_s"]) == {"sources", "production", "publish"}
    audio = out / url.removeprefix(BASE_URL + "/")
    (picture,) = ID3(audio).getall("APIC")
    assert picture.mime == "image/png"
    assert picture.data == (out / "cover.png").read_bytes()


def test_without_a_feed_link_the_build_warns(tmp_path: Path) -> None:
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    copy_articles(sources, "articles/02-astana.txt")
    code, _, stderr = _build(sources, out, cache, link=False)
    assert code == 0
    (warning,) = _lines(stderr, "WARNING narrator.feed.publish: feed.link is not set")
    assert f"({BASE_URL}/)" in warning
    assert check_published(out).feed.link == f"{BASE_URL}/"
    assert b"example.com" not in (out / "feed.xml").read_bytes()


def test_speak_on_a_json_article_with_a_lone_surrogate_is_one_line(tmp_path: Path) -> None:
    """`speak` reads JSON with the feed's reader: the same check, one line, no audio."""
    article = tmp_path / "poison.json"
    article.write_text(POISON, "utf-8")
    result = narrator("speak", str(article), "-o", str(tmp_path / "a.mp3"), "--quiet")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {article}: article 'poison' has a lone surrogate (U+D800) in its title, "
        "not valid Unicode text"
    )
    assert not (tmp_path / "a.mp3").exists()
