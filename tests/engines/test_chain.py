"""Fallback: a segment a voice fails on is retried, then read by the next voice."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from narrator.engines.base import SynthesisParams
from narrator.engines.chain import VoiceChain
from narrator.engines.install import install
from narrator.errors import VoiceError
from tests.engines.conftest import PiperModels
from tests.helpers import run_narrator

FAILS = "Қала әкімдігі жаңа саябақ ашты."  # қ is /q/, which the broken voice's model fails on
WORKS = "Бүгін ауа райы жылы болады."


@pytest.fixture
def broken_voice(voices_dir: Path, piper_models: PiperModels) -> str:
    return install(str(piper_models.broken), progress=False, voice_id="kk-broken").id


def test_segment_falls_back_to_the_next_voice(
    broken_voice: str, caplog: pytest.LogCaptureFixture
) -> None:
    chain = VoiceChain([broken_voice, "kk-espeak"], SynthesisParams(), retries=1)
    chunk, voice = chain.synthesize(WORKS)
    assert voice.id == broken_voice and chunk.sample_rate == 22050
    assert chain.fallbacks == []

    with caplog.at_level(logging.INFO, logger="narrator.engines.chain"):
        chunk, voice = chain.synthesize(FAILS)
    assert voice.id == "kk-espeak"
    assert chunk.duration > 0.5
    attempts = [r.getMessage() for r in caplog.records]
    assert len(attempts) == 2  # tried, retried, then handed on
    assert "(attempt 2)" in attempts[1]
    (fallback,) = chain.fallbacks
    assert (fallback.text, fallback.failed_voice, fallback.used_voice) == (
        FAILS,
        broken_voice,
        "kk-espeak",
    )
    assert "out of data bounds" in fallback.reason
    assert chain.primary.id == broken_voice


def test_a_fallback_that_does_not_load_is_skipped(broken_voice: str) -> None:
    chain = VoiceChain([broken_voice, "not-installed", "kk-espeak"], retries=0)
    assert chain.synthesize(FAILS)[1].id == "kk-espeak"
    assert chain.synthesize(FAILS)[1].id == "kk-espeak"
    assert [f.used_voice for f in chain.fallbacks] == ["kk-espeak", "kk-espeak"]


def test_when_every_voice_fails_the_error_names_them(broken_voice: str) -> None:
    chain = VoiceChain([broken_voice], retries=0)
    with pytest.raises(VoiceError, match=r"no voice could read .*kk-broken: voice 'kk-broken'"):
        chain.synthesize(FAILS)
    with pytest.raises(VoiceError, match="unknown voice 'nope'"):
        VoiceChain(["nope", "kk-espeak"])


def test_speak_reports_the_segments_that_fell_back(tmp_path: Path, broken_voice: str) -> None:
    article = tmp_path / "article.txt"
    article.write_text(f"{WORKS}\n\n{FAILS}\n\nЕртең жаңбыр жауады.\n", encoding="utf-8")
    station = tmp_path / "station.toml"
    station.write_text(
        f'[voice]\nid = "{broken_voice}"\nfallbacks = ["kk-espeak"]\n', encoding="utf-8"
    )
    out = tmp_path / "out.wav"
    result = run_narrator("speak", str(article), "-o", str(out), "--station", str(station))
    assert result.returncode == 0, result.stderr
    reports = [line for line in result.stderr.splitlines() if line.startswith("fallback:")]
    assert any(
        line.startswith("fallback: kk-espeak read 'Қала әкімдігі") and "kk-broken failed" in line
        for line in reports
    ), result.stderr
    # the sentences the broken voice can say are not reported
    assert not any("Бүгін ауа райы" in line or "Ертең жаңбыр" in line for line in reports)
    assert out.stat().st_size > 0
