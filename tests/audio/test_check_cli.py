"""``narrator check``: odd files, ``--json``, plain output in a pipe and ``--plot``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.helpers import ROOT, run_narrator


def _check(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI in a pipe, with the terminal width a pipe gets (no COLUMNS)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return subprocess.run(
        [sys.executable, "-m", "narrator", "check", *args],
        capture_output=True,
        text=True,
        env={**environment, **(env or {})},
        timeout=300,
    )


def test_a_one_frame_wav_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "one.wav"
    sf.write(path, np.zeros((1, 1)), 44100)
    result = _check(str(path))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {path}: too short to check (1 frame, 0.000 s; loudness needs at least 0.4 s)"
    ]


def test_an_eight_channel_wav_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "eight.wav"
    sf.write(path, np.random.default_rng(0).normal(0, 0.1, (22050, 8)), 22050)
    result = _check(str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"error: {path}: 8 channels;")


def test_an_all_silent_file_fails_its_longest_silence(tmp_path: Path) -> None:
    path = tmp_path / "silent.wav"
    sf.write(path, np.zeros(44100 * 5), 44100)
    result = _check(str(path))
    assert result.returncode == 1
    line = next(x for x in result.stdout.splitlines() if "longest silence" in x)
    assert "5.00 s" in line and "FAIL" in line, line
    assert "0.00 s" not in line


def _speech_file(tmp_path: Path) -> Path:
    """A real narrator programme with three chapters (the example bulletin)."""
    out = tmp_path / "bulletin.wav"
    result = run_narrator("speak", str(ROOT / "examples" / "bulletin.md"), "-o", str(out), "-q")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _speech_file(tmp_path_factory.mktemp("check"))


def test_json_output_has_the_figures_and_verdicts(bulletin: Path, tmp_path: Path) -> None:
    result = _check(str(bulletin), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["file"] == str(bulletin) and report["ok"] is True
    info = sf.info(bulletin)
    assert report["duration_s"] == pytest.approx(info.frames / info.samplerate, abs=0.01)
    assert report["sample_rate"] == 44100 and report["channels"] == 1
    assert report["loudness_lufs"] == pytest.approx(-19, abs=1)
    assert {c["name"] for c in report["checks"]} >= {"loudness", "true peak", "longest silence"}
    assert report["failed"] == []

    silent = tmp_path / "silent.wav"
    sf.write(silent, np.zeros(44100), 44100)
    result = _check(str(silent), "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["ok"] is False and report["all_silent"] is True
    assert report["loudness_lufs"] is None  # not -Infinity, which is not JSON
    assert "longest silence" in report["failed"]


def test_the_summary_does_not_wrap_in_a_pipe(tmp_path: Path) -> None:
    path = tmp_path / "a-rather-long-file-name-so-that-the-summary-line-passes-eighty-columns.wav"
    sf.write(path, np.zeros(44100 * 5), 44100)
    result = _check(str(path))
    assert result.returncode == 1
    summary = [line for line in result.stderr.splitlines() if line]
    assert len(summary) == 1, result.stderr
    assert len(summary[0]) > 80
    assert summary[0].endswith("loudness, longest silence, leading silence, trailing silence")


def _magenta_columns(pixels: np.ndarray, row: int) -> list[float]:
    """Centres of the runs of chapter-mark pixels in one row."""
    rgb = pixels[row, :, :3]
    hits = np.flatnonzero((rgb[:, 0] > 0.8) & (rgb[:, 1] < 0.25) & (rgb[:, 2] > 0.8))
    runs = np.split(hits, np.flatnonzero(np.diff(hits) > 1) + 1) if len(hits) else []
    return [float(run.mean()) for run in runs]


def test_the_plot_draws_chapter_marks_where_the_chapters_are(
    bulletin: Path, tmp_path: Path
) -> None:
    from matplotlib.image import imread

    png = tmp_path / "check.png"
    result = _check(str(bulletin), "--plot", str(png))
    assert result.returncode == 0, result.stderr
    pixels = imread(png)
    chapters = json.loads(bulletin.with_suffix(".chapters.json").read_text())["chapters"]
    info = sf.info(bulletin)
    duration = info.frames / info.samplerate

    marked_rows = np.nonzero(
        (pixels[:, :, 0] > 0.8) & (pixels[:, :, 1] < 0.25) & (pixels[:, :, 2] > 0.8)
    )[0]
    assert len(marked_rows), "no chapter marks drawn"
    row = int(marked_rows.max()) - 3  # inside the lower panel, just above its frame
    # The lower panel's frame: the dark columns at the ends of that row are its sides,
    # i.e. where the time axis starts (0 s) and ends (the file's duration).
    dark = np.flatnonzero(pixels[row, :, :3].max(axis=1) < 0.3)
    left, right = float(dark.min()), float(dark.max())
    expected = [left + (right - left) * c["startTime"] / duration for c in chapters]
    found = _magenta_columns(pixels, row)
    assert len(found) == len(chapters) == 5  # the opening, three stories, the close
    for column, want in zip(found, expected, strict=True):
        assert abs(column - want) <= 2.0, (found, expected)


def test_plot_errors_are_one_line(bulletin: Path, tmp_path: Path) -> None:
    result = _check(str(bulletin), "--plot", str(tmp_path / "missing" / "x.png"))
    assert result.returncode == 4
    assert len(result.stderr.strip().splitlines()) == 1
    assert "does not exist" in result.stderr


def test_chapters_are_read_from_the_file_when_there_is_no_sidecar(tmp_path: Path) -> None:
    from narrator.audio.plot import read_chapters

    out = tmp_path / "bulletin.mp3"
    result = run_narrator("speak", str(ROOT / "examples" / "bulletin.md"), "-o", str(out), "-q")
    assert result.returncode == 0, result.stderr
    sidecar = out.with_suffix(".chapters.json")
    expected = [
        (round(c["startTime"], 3), c["title"]) for c in json.loads(sidecar.read_text())["chapters"]
    ]
    sidecar.unlink()
    from_tags = [(round(c.start, 3), c.title) for c in read_chapters(out)]
    assert from_tags == expected and len(expected) == 5  # the opening, three stories, the close
