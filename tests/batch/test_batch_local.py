"""``narrator batch`` on this machine: manifest, re-runs, failures, the command line."""

from __future__ import annotations

import json
from pathlib import Path

from narrator.batch.inputs import gather
from narrator.batch.manifest import Manifest
from narrator.batch.run import Batch
from tests.batch.articles import manifest_lines, quick_station, write_articles
from tests.helpers import run_narrator


def test_rerun_skips_done_and_redoes_changed_and_failed(tmp_path: Path) -> None:
    sources = tmp_path / "in"
    paths = write_articles(sources, 4)
    (sources / "broken.txt").write_bytes(b"")
    out = tmp_path / "out"
    out.mkdir()
    station = quick_station()

    first = Batch(out, station).run(gather([str(sources)]))
    assert (first.done, first.skipped, first.failed) == (4, 0, 1)
    files = {p.name: p.stat().st_mtime_ns for p in out.glob("*.mp3")}
    assert sorted(files) == ["a01.mp3", "a02.mp3", "a03.mp3", "a04.mp3"]
    for name in files:
        stem = name.removesuffix(".mp3")
        for sidecar in (".vtt", ".srt", ".chapters.json"):
            assert (out / (stem + sidecar)).is_file()

    batch = Batch(out, station)
    again = batch.run(gather([str(sources)]))
    assert (again.done, again.skipped, again.failed) == (0, 4, 1)  # a failure is retried
    assert batch.cache is not None and batch.cache.stats.misses == 0  # nothing synthesised
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.mp3")} == files

    paths[2].write_text(paths[2].read_text("utf-8").replace("жылы", "суық"), "utf-8")
    changed = Batch(out, station).run(gather([str(sources)]))
    assert (changed.done, changed.skipped, changed.failed) == (1, 3, 1)
    now = {p.name: p.stat().st_mtime_ns for p in out.glob("*.mp3")}
    assert [name for name in files if now[name] != files[name]] == ["a03.mp3"]

    station.performance.jobs = 2  # how the work runs is not part of the audio
    station.check.max_silence_s = 9.0
    assert Batch(out, station).run(gather([str(sources)])).skipped == 4
    station.voice.rate_wpm += 20  # a setting that changes the sound redoes everything
    slower = Batch(out, station).run(gather([str(sources)]))
    assert (slower.done, slower.skipped) == (4, 0)


def test_manifest_records_each_article_once_with_its_figures(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 2)
    out = tmp_path / "out"
    out.mkdir()
    for _ in range(3):
        Batch(out, quick_station()).run(gather([str(tmp_path / "in")]))
    lines = manifest_lines(out)  # re-runs compact the manifest: one line per article
    assert [line["id"] for line in lines] == [str(tmp_path / "in" / f"a0{n}.md") for n in (1, 2)]
    for line in lines:
        assert line["status"] == "done" and line["error"] is None
        assert 3 < line["duration_s"] < 30
        assert abs(line["loudness_lufs"] + 19) <= 0.5
        assert line["true_peak_dbtp"] <= -1.0
        assert len(line["input_hash"]) == len(line["settings_hash"]) == 64


def test_a_torn_last_line_is_ignored_and_its_article_redone(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 2)
    out = tmp_path / "out"
    out.mkdir()
    Batch(out, quick_station()).run(gather([str(tmp_path / "in")]))
    manifest = out / "manifest.jsonl"
    text = manifest.read_text("utf-8")
    manifest.write_text(text[: len(text) - 25], "utf-8")  # killed mid-write
    assert len(Manifest(out).entries) == 1
    report = Batch(out, quick_station()).run(gather([str(tmp_path / "in")]))
    assert (report.done, report.skipped) == (1, 1)
    assert len(manifest_lines(out)) == 2


def test_cli_counts_failures_exits_1_and_logs_json(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 2)
    poisoned = tmp_path / "in" / "poisoned.md"
    poisoned.write_text("---\ndate: 2026-13-45\n---\n# Бас\n\nАстанада жаңбыр.\n", "utf-8")
    station = tmp_path / "station.toml"
    station.write_text(
        '[bulletin]\nintro = ""\noutro = ""\n[audio]\njingles = false\n'
        f'[cache]\ndir = "{tmp_path / "cache"}"\n',
        "utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    args = ("batch", str(tmp_path / "in"), "--out", str(out), "--station", str(station))
    result = run_narrator(*args, "--log-format", "json")
    assert result.returncode == 1, result.stderr
    events = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    outcomes = {e["id"]: e["outcome"] for e in events if e["event"] == "article"}
    assert outcomes[str(poisoned)] == "failed"
    assert sorted(outcomes.values()) == ["done", "done", "failed"]
    assert events[-1] | {"seconds": 0} == {
        "event": "summary",
        "done": 2,
        "skipped": 0,
        "failed": 1,
        "seconds": 0,
        "manifest": str(out / "manifest.jsonl"),
    }
    failed = next(line for line in manifest_lines(out) if line["status"] == "failed")
    assert "2026-13-45" in str(failed["error"]) and failed["output"] is None
    assert not list(out.glob("poisoned*")) and not list(out.glob(".*.part*"))

    poisoned.unlink()
    text = run_narrator(*args)
    assert text.returncode == 0, text.stderr
    assert "batch: 0 done, 2 skipped, 0 failed" in text.stderr


def test_cli_missing_output_folder_is_one_line(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 1)
    result = run_narrator("batch", str(tmp_path / "in"), "--out", str(tmp_path / "nowhere"))
    assert result.returncode != 0
    assert "nowhere: output folder does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_sources_of_every_kind_become_one_item_per_article(tmp_path: Path) -> None:
    fixtures = Path(__file__).resolve().parents[1] / "feed" / "fixtures"
    rss = tmp_path / "news.xml"
    rss.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<item><guid>one</guid><title>Бір</title><description>Бүгін жаңбыр.</description></item>"
        "<item><guid>two</guid><title>Екі</title><description>Ертең қар.</description></item>"
        "</channel></rss>",
        "utf-8",
    )
    pathlike = fixtures / "hostile" / "pathlike.json"
    folder = fixtures / "articles"
    items = gather([str(folder), str(pathlike), str(rss), str(tmp_path / "missing.md")])
    ids = [item.id for item in items]
    assert ids == [
        str(folder / "01-garysh.md"),
        str(folder / "02-astana.txt"),
        str(folder / "03-aua-rayy.html"),
        str(folder / "04-sport.json"),
        f"{pathlike}#../../x",
        f"{pathlike}#/etc/passwd",
        f"{rss}#one",
        f"{rss}#two",
        str(tmp_path / "missing.md"),
    ]
    names = [item.name for item in items]
    assert len(set(names)) == len(names)
    assert all(name and "/" not in name and "." not in name for name in names)
    assert all(item.document is not None for item in items[:-1])
    assert items[-1].document is None and "missing.md" in str(items[-1].error)
