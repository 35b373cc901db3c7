"""The true-peak meter, the limiter and loudness mastering, on signals with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from narrator.audio.master import (
    fill_gaps,
    integrated_loudness,
    limit,
    master,
    room_tone,
    true_peak_dbtp,
    true_peak_envelope,
)

RATE = 44100


def _tapered(signal: np.ndarray, ramp: int = 2000) -> np.ndarray:
    """Fade the ends so that no edge transient adds a peak of its own."""
    window = np.ones(len(signal))
    taper = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, ramp))
    window[:ramp], window[-ramp:] = taper, taper[::-1]
    return (signal * window).astype(np.float32)


def _speechlike(seconds: float, seed: int = 0) -> np.ndarray:
    """Noise shaped into 'syllables' with pauses: a loudness meter's view of speech."""
    rng = np.random.default_rng(seed)
    frames = int(seconds * RATE)
    t = np.arange(frames) / RATE
    envelope = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) * (np.sin(2 * np.pi * 0.3 * t) > -0.5)
    return (rng.standard_normal(frames) * envelope * 0.1).astype(np.float32)


def test_intersample_peak_of_a_quarter_rate_sine() -> None:
    # fs/4 at 45 degrees: every sample is at ±0.707, the waveform between them reaches 1.0.
    n = np.arange(2 * RATE)
    signal = _tapered(np.sin(2 * np.pi * n / 4 + np.pi / 4))
    sample_peak = 20 * math.log10(float(np.abs(signal).max()))
    assert sample_peak == pytest.approx(-3.01, abs=0.01)
    assert true_peak_dbtp(signal, RATE) == pytest.approx(0.0, abs=0.05)


def test_true_peak_of_a_sine_is_its_amplitude_at_any_phase() -> None:
    n = np.arange(RATE)
    for frequency, phase in ((997.0, 0.3), (5512.5, 1.1), (15000.0, 0.7)):
        signal = _tapered(0.5 * np.sin(2 * np.pi * frequency * n / RATE + phase))
        assert true_peak_dbtp(signal, RATE) == pytest.approx(-6.02, abs=0.05), frequency


def test_true_peak_of_stereo_is_the_louder_channel_and_of_silence_minus_inf() -> None:
    n = np.arange(RATE)
    left = _tapered(0.25 * np.sin(2 * np.pi * 440 * n / RATE))
    stereo = np.column_stack([left, 2 * left])
    assert true_peak_dbtp(stereo, RATE) == pytest.approx(-6.02, abs=0.05)
    assert true_peak_dbtp(np.zeros(RATE, dtype=np.float32), RATE) == -math.inf
    assert len(true_peak_envelope(stereo, RATE)) == RATE


def test_limiter_holds_the_true_peak_under_the_ceiling() -> None:
    rng = np.random.default_rng(1)
    noise = (rng.standard_normal(5 * RATE) * 0.3).astype(np.float32)
    assert true_peak_dbtp(noise, RATE) > 2.0
    for ceiling in (-1.0, -3.0):
        assert true_peak_dbtp(limit(noise, RATE, ceiling), RATE) <= ceiling + 0.01
    stereo = np.column_stack([noise, 0.5 * noise])
    limited = limit(stereo, RATE, -2.0)
    assert true_peak_dbtp(limited, RATE) <= -2.0 + 0.01
    # One gain for both channels: the image does not move.
    np.testing.assert_allclose(limited[:, 1], 0.5 * limited[:, 0], rtol=1e-5, atol=1e-7)


def test_limiter_leaves_everything_far_from_a_peak_untouched() -> None:
    signal = 0.1 * np.sin(2 * np.pi * 300 * np.arange(4 * RATE) / RATE)
    signal[2 * RATE : 2 * RATE + 2000] *= 15  # one loud burst, +3.5 dBFS
    signal = signal.astype(np.float32)
    limited = limit(signal, RATE, -1.0)
    assert true_peak_dbtp(limited, RATE) <= -1.0 + 0.01
    np.testing.assert_array_equal(limited[:RATE], signal[:RATE])
    np.testing.assert_array_equal(limited[3 * RATE :], signal[3 * RATE :])


def test_limiter_gain_is_smooth_looks_ahead_and_releases_slowly() -> None:
    # A steady tone that steps up 12 dB: the gain curve is read off the ratio.
    n = np.arange(3 * RATE)
    level = np.where((n >= RATE) & (n < 2 * RATE), 1.6, 0.4)
    signal = (level * np.sin(2 * np.pi * 220 * n / RATE)).astype(np.float32)
    limited = limit(signal, RATE, -1.0)
    # The gain, where the carrier is far from a zero crossing.
    usable = np.abs(signal) > 0.2
    gain_db = np.full(len(n), np.nan)
    gain_db[usable] = 20 * np.log10(np.abs(limited[usable]) / np.abs(signal[usable]))
    before = gain_db[RATE - 600 : RATE]  # the look-ahead window before the step
    assert np.nanmin(before) < -0.5, "the gain must already be falling before the step"
    inside = gain_db[RATE + 400 : 2 * RATE - 400]
    assert np.nanmax(inside) == pytest.approx(-5.1, abs=0.3)  # 1.6 -> -1 dBTP
    where = np.flatnonzero(usable)
    slope = np.abs(np.diff(gain_db[where])) / np.diff(where)  # dB per sample
    assert slope.max() < 0.05, "no jumps in the gain (clicks)"
    # Release at 40 dB/s: 100 ms after the burst it has come back about 4 dB, not all of it.
    after = np.nanmax(gain_db[2 * RATE + 4300 : 2 * RATE + 4500])
    assert -2.5 < after < -0.3


def test_master_reaches_the_target_and_the_ceiling() -> None:
    signal = _speechlike(20)
    for target in (-16.0, -19.0, -23.0):
        mastered = master(signal, RATE, target, -1.0)
        assert integrated_loudness(mastered.samples, RATE) == pytest.approx(target, abs=0.1)
        assert mastered.true_peak_dbtp <= -1.0 + 0.01
        assert mastered.loudness_lufs == pytest.approx(target, abs=0.1)


def test_master_of_silence_does_not_blow_up() -> None:
    silent = np.zeros(3 * RATE, dtype=np.float32)
    mastered = master(silent, RATE, -16.0)
    assert mastered.loudness_lufs == -math.inf
    assert not mastered.samples.any()


def test_room_tone_level_and_gaps() -> None:
    tone = room_tone(RATE, RATE, -66.0)
    rms_db = 20 * math.log10(float(np.sqrt(np.mean(tone.astype(np.float64) ** 2))))
    assert rms_db == pytest.approx(-66.0, abs=0.1)
    np.testing.assert_array_equal(tone, room_tone(RATE, RATE, -66.0))  # repeatable
    speech = np.zeros(3 * RATE, dtype=np.float32)
    speech[:RATE] = 0.3
    filled = fill_gaps(speech, RATE, [(RATE, 2 * RATE)], -66.0)
    np.testing.assert_array_equal(filled[:RATE], speech[:RATE])
    np.testing.assert_array_equal(filled[2 * RATE :], 0.0)
    assert np.abs(filled[RATE : 2 * RATE]).max() < 10 ** (-50 / 20)
    assert filled[RATE + 1000 : 2 * RATE - 1000].std() > 10 ** (-70 / 20)
