"""The Piper engine on tiny real Piper voices (through piper-tts and onnxruntime)."""

from __future__ import annotations

import hashlib
import logging
import sys

import numpy as np
import pytest

from narrator.engines.base import SynthesisParams
from narrator.engines.piper import PiperVoice, length_scale_for
from narrator.errors import VoiceError
from tests.engines.conftest import PiperModels
from tests.engines.models import AMPLITUDE, FRAME, REPEATS, SAMPLE_RATE

TWO_SENTENCES = "Қайырлы таң, құрметті тыңдармандар! Бүгінгі жаңалықтарды ұсынамыз."


def test_tiny_voice_speaks_one_chunk_per_sentence(piper_models: PiperModels) -> None:
    voice = PiperVoice.load("tiny", piper_models.single)
    chunks = list(voice.synthesize(TWO_SENTENCES))
    assert len(chunks) == 2
    for chunk in chunks:
        assert chunk.sample_rate == SAMPLE_RATE == voice.sample_rate
        assert chunk.samples.dtype == np.float32
        # Each phoneme id (and the pad after it) lasts REPEATS frames at the voice's pace.
        assert len(chunk.samples) % (FRAME * REPEATS) == 0
        assert np.abs(chunk.samples).max() > 0.1


def test_rate_maps_to_length_scale(piper_models: PiperModels) -> None:
    voice = PiperVoice.load("tiny", piper_models.single)
    own_pace = voice.synthesize_all("Сәлем, әлем.", SynthesisParams(rate_wpm=160))
    twice_as_fast = voice.synthesize_all("Сәлем, әлем.", SynthesisParams(rate_wpm=320))
    assert len(twice_as_fast.samples) * 2 == len(own_pace.samples)
    assert length_scale_for(200, 1.0) == pytest.approx(0.8)
    with pytest.raises(VoiceError, match="speaking rate must be positive"):
        length_scale_for(0, 1.0)


def test_no_per_sentence_peak_normalisation(piper_models: PiperModels) -> None:
    voice = PiperVoice.load("tiny", piper_models.single)
    audio = voice.synthesize_all("Сәлем.")
    # Piper's default would scale every sentence to a peak of 1.0.
    assert np.abs(audio.samples).max() == pytest.approx(AMPLITUDE, rel=0.01)
    half = voice.synthesize_all("Сәлем.", SynthesisParams(volume=50))
    assert np.abs(half.samples).max() == pytest.approx(AMPLITUDE / 2, rel=0.01)


def test_multi_speaker_by_name_index_and_default(piper_models: PiperModels) -> None:
    voice = PiperVoice.load("multi", piper_models.multi)
    assert voice.speakers == {"A": 0, "B": 1, "C": 2}

    def peak(speaker: str | None) -> float:
        samples = voice.synthesize_all("Сәлем.", SynthesisParams(speaker=speaker)).samples
        return float(np.abs(samples).max())

    assert peak("B") == pytest.approx(AMPLITUDE * 2 / 3, rel=0.01)
    assert peak("2") == pytest.approx(AMPLITUDE, rel=0.01)  # by index
    assert peak(None) == pytest.approx(AMPLITUDE / 3, rel=0.01)  # Piper's default speaker 0
    with pytest.raises(VoiceError, match=r"no speaker 'Z' \(speakers: A, B, C\)"):
        peak("Z")
    chosen = PiperVoice.load("multi", piper_models.multi, speaker="C")
    assert np.abs(chosen.synthesize_all("Сәлем.").samples).max() == pytest.approx(AMPLITUDE)
    with pytest.raises(VoiceError, match="no speaker 'Q'"):
        PiperVoice.load("multi", piper_models.multi, speaker="Q")


def test_missing_phonemes_are_reported_once(
    piper_models: PiperModels, caplog: pytest.LogCaptureFixture
) -> None:
    voice = PiperVoice.load("lacking", piper_models.lacking)
    with caplog.at_level(logging.WARNING):
        first = voice.synthesize_all("Бүгін.")  # has no /ɑ/
        assert not caplog.records
        voice.synthesize_all("Қайырлы таң.")
        voice.synthesize_all("Астана.")
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1, warnings
    assert "voice lacking cannot say the phonemes /ɑ/" in warnings[0]
    assert len(first.samples) > 0


def test_model_version_is_the_model_hash(piper_models: PiperModels) -> None:
    voice = PiperVoice.load("tiny", piper_models.single)
    digest = hashlib.sha256(piper_models.single.read_bytes()).hexdigest()
    assert voice.model_version == f"piper:{digest[:16]}"


def test_model_failure_is_a_one_line_voice_error(piper_models: PiperModels) -> None:
    voice = PiperVoice.load("broken", piper_models.broken)
    assert len(voice.synthesize_all("Бүгін.").samples) > 0
    with pytest.raises(VoiceError) as caught:
        voice.synthesize_all("Қайырлы таң.")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("voice 'broken' failed on 'Қайырлы таң.'")
    assert "out of data bounds" in message


def test_broken_model_file_does_not_load(tmp_path, piper_models: PiperModels) -> None:
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not an onnx model")
    (tmp_path / "bad.onnx.json").write_bytes(
        piper_models.single.with_name("kk_KZ-tiny-low.onnx.json").read_bytes()
    )
    with pytest.raises(VoiceError, match="does not load from"):
        PiperVoice.load("bad", bad)
    with pytest.raises(VoiceError, match="does not exist"):
        PiperVoice.load("gone", tmp_path / "gone.onnx")


def test_without_piper_tts_the_error_names_the_extra(
    piper_models: PiperModels, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "piper", None)  # as if piper-tts were not installed
    with pytest.raises(VoiceError, match=r"pip install 'narrator\[piper\]'"):
        PiperVoice.load("tiny", piper_models.single)
