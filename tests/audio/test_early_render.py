"""Pass 2 started while synthesis goes on: the encoder works with the gain measured on the
first 30 seconds of speech, and the file is kept only when the final loudness agrees
(and the decoded file meets the targets); otherwise it is mastered again."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import pytest
import soundfile as sf

import narrator.audio.render as render
import narrator.pipeline as pipeline
from narrator.config import Station
from narrator.pipeline import Production, produce
from narrator.text.readers import read_document
from tests.helpers import ROOT

SEED = ROOT / "examples" / "seed-article.txt"
STARTED = "pass 2 starts while synthesis goes on"
MOVED = "the loudness moved after pass 2 started early"


def _produce(
    out: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, *, early: bool
) -> tuple[Production, list[str]]:
    station = Station()
    station.cache.enabled = False
    # espeak is quick: let pass 2 start early whatever synthesis has left (or never).
    monkeypatch.setattr(pipeline, "EARLY_MIN_REMAINING_S", 0.0 if early else float("inf"))
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="narrator"):
        made = produce(read_document(SEED), out, station)
    return made, [record.getMessage() for record in caplog.records]


def test_an_early_pass_2_makes_the_file_the_sequential_one_makes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    early, early_log = _produce(tmp_path / "early.mp3", caplog, monkeypatch, early=True)
    late, late_log = _produce(tmp_path / "late.mp3", caplog, monkeypatch, early=False)
    assert any(STARTED in line for line in early_log)
    assert not any(STARTED in line for line in late_log)
    assert early.encodes == 1
    for made in (early, late):
        assert made.loudness_lufs == pytest.approx(-19.0, abs=0.2)
        assert made.true_peak_dbtp <= -1.0
    assert [c.text for c in early.programme.cues] == [c.text for c in late.programme.cues]
    assert early.programme.duration == pytest.approx(late.programme.duration, rel=0.01)
    frames = [sf.read(made.output)[0].shape[0] for made in (early, late)]
    assert frames[0] == pytest.approx(frames[1], rel=0.01)


def test_when_the_loudness_moves_the_early_file_is_made_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "EARLY_TOLERANCE_LU", -1.0)  # no final loudness agrees
    made, lines = _produce(tmp_path / "out.mp3", caplog, monkeypatch, early=True)
    assert any(STARTED in line for line in lines)
    assert any(MOVED in line for line in lines)
    assert made.loudness_lufs == pytest.approx(-19.0, abs=0.2)
    assert made.true_peak_dbtp <= -1.0
    assert not list(tmp_path.glob("*.tmp*")) and not list(tmp_path.glob(".*"))


def test_an_early_pass_2_in_the_background_makes_the_same_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a lower priority (a slow voice has long to go): the encoder process really
    runs re-niced, and the file is the same."""
    monkeypatch.setattr(pipeline, "BACKGROUND_AFTER_S", 0.0)
    seen: list[int] = []
    original = render.Encoder.__init__

    def spy(self: render.Encoder, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        early = threading.current_thread().name == "narrator-pass-2"
        if early and self._process is not None:  # it waits for its input: it cannot end
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                niceness = os.getpriority(os.PRIO_PROCESS, self._process.pid) - base
                if niceness:
                    break
                time.sleep(0.01)
            seen.append(niceness)

    base = os.getpriority(os.PRIO_PROCESS, 0)

    monkeypatch.setattr(render.Encoder, "__init__", spy)
    made, lines = _produce(tmp_path / "out.mp3", caplog, monkeypatch, early=True)
    assert any(STARTED in line for line in lines)
    assert seen[:1] == [render.BACKGROUND_NICE]
    assert made.encodes == 1
    assert made.loudness_lufs == pytest.approx(-19.0, abs=0.2)
    assert made.true_peak_dbtp <= -1.0
