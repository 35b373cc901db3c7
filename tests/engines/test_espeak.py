"""The embedded voice: real libespeak-ng from the espeakng-loader wheel, no mocks."""

from __future__ import annotations

import multiprocessing
import threading

import numpy as np

from narrator.engines import load_voice
from narrator.engines.base import SynthesisParams
from narrator.engines.espeak import EspeakVoice

SENTENCE = "Келер жылы еліміз ғарышқа екі спутник ұшырады."


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


def test_kazakh_sentence_is_spoken() -> None:
    voice = load_voice("kk-espeak")
    chunk = voice.synthesize_all(SENTENCE)
    assert chunk.sample_rate == voice.sample_rate == 22050
    assert chunk.samples.dtype == np.float32
    assert 1.5 < chunk.duration < 8.0
    assert _rms(chunk.samples) > 0.01
    assert np.abs(chunk.samples).max() <= 1.0


def test_rate_changes_duration() -> None:
    voice = EspeakVoice.load()
    slow = voice.synthesize_all(SENTENCE, SynthesisParams(rate_wpm=120)).duration
    fast = voice.synthesize_all(SENTENCE, SynthesisParams(rate_wpm=240)).duration
    assert fast < slow * 0.75


def test_volume_and_pitch_change_the_audio() -> None:
    voice = EspeakVoice.load()
    loud = voice.synthesize_all(SENTENCE, SynthesisParams(volume=150)).samples
    quiet = voice.synthesize_all(SENTENCE, SynthesisParams(volume=50)).samples
    assert _rms(loud) > 1.5 * _rms(quiet)
    low = voice.synthesize_all(SENTENCE, SynthesisParams(pitch=20)).samples
    high = voice.synthesize_all(SENTENCE, SynthesisParams(pitch=80)).samples
    assert not np.array_equal(low[: min(len(low), len(high))], high[: min(len(low), len(high))])


def _similar(a: float, b: float) -> bool:
    # espeak-ng's noise sources make runs differ slightly; durations stay within a few %.
    return abs(a - b) <= 0.05 * max(a, b)


def test_repeated_synthesis_is_consistent() -> None:
    voice = EspeakVoice.load()
    durations = [voice.synthesize_all(SENTENCE).duration for _ in range(3)]
    assert all(_similar(d, durations[0]) for d in durations)


def test_model_version_names_the_library() -> None:
    assert EspeakVoice.load().model_version.startswith("espeak-ng 1.")


def test_threads_are_serialised() -> None:
    voice = EspeakVoice.load()
    expected = voice.synthesize_all(SENTENCE)
    results: list[float] = []

    def work() -> None:
        chunk = voice.synthesize_all(SENTENCE)
        assert _rms(chunk.samples) > 0.01
        results.append(chunk.duration)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    assert all(_similar(r, expected.duration) for r in results)


def _duration_in_worker(text: str) -> float:
    return EspeakVoice.load().synthesize_all(text).duration


def test_usable_in_worker_processes() -> None:
    expected = EspeakVoice.load().synthesize_all(SENTENCE).duration
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        durations = pool.map(_duration_in_worker, [SENTENCE, SENTENCE])
    assert all(_similar(d, expected) for d in durations)
