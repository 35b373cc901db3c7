"""Mastering: loudness to the target (ITU-R BS.1770-4), then a true-peak limiter.

The finished programme is measured once and brought to the target integrated loudness
with one gain; a look-ahead limiter then holds the true peak (the peak of the signal
reconstructed between samples, measured on a 4x oversampled copy as BS.1770-4 Annex 2
describes) under the ceiling. No per-sentence normalising, no compressor: the
limiter only touches the few peaks that need it, with a smooth gain curve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyloudnorm
import soxr
from scipy.ndimage import maximum_filter1d
from scipy.signal import lfilter

_CHUNK = 1 << 17
"""Frames upsampled at a time, so long programmes need little memory."""
_MARGIN = 128
"""Input frames of context either side of a chunk (soxr's filter settles within ~100)."""
SILENT_LUFS = -70.0
"""BS.1770's absolute gate: a programme quieter than this has no measurable loudness."""


def oversampling_factor(rate: int) -> int:
    """4x below 96 kHz, 2x below 192 kHz, none above (BS.1770-4 Annex 2)."""
    if rate < 96000:
        return 4
    return 2 if rate < 192000 else 1


def _as_2d(samples: np.ndarray) -> np.ndarray:
    return samples[:, None] if samples.ndim == 1 else samples


def true_peak_envelope(samples: np.ndarray, rate: int) -> np.ndarray:
    """Per frame, the largest magnitude of the oversampled signal up to the next frame.

    The interpolator is libsoxr's linear-phase low-pass (HQ), run on overlapping
    chunks; its output is time-aligned, so oversampled point ``k * factor + j`` lies
    ``j / factor`` of a frame after frame ``k``. The maximum is taken over all
    channels, so a limiter driven by it keeps the stereo image.
    """
    data = _as_2d(np.asarray(samples, dtype=np.float32))
    frames = len(data)
    factor = oversampling_factor(rate)
    envelope = np.abs(data).max(axis=1) if frames else np.zeros(0, dtype=np.float32)
    if frames == 0 or factor == 1:
        return envelope
    for channel in range(data.shape[1]):
        signal = np.ascontiguousarray(data[:, channel])
        for start in range(0, frames, _CHUNK):
            stop = min(frames, start + _CHUNK)
            lo, hi = max(0, start - _MARGIN), min(frames, stop + _MARGIN)
            up = soxr.resample(signal[lo:hi], rate, rate * factor, quality="HQ")
            offset = (start - lo) * factor
            block = np.abs(up[offset : offset + (stop - start) * factor])
            block = np.pad(block, (0, (stop - start) * factor - len(block)))
            peak = envelope[start:stop]
            for phase in range(factor):  # elementwise maxima: much faster than an axis max
                np.maximum(peak, block[phase::factor], out=peak)
    return envelope


def true_peak_dbtp(samples: np.ndarray, rate: int) -> float:
    """True peak in dBTP (4x oversampled); -inf for digital silence."""
    peak = float(true_peak_envelope(samples, rate).max(initial=0.0))
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS (BS.1770-4, gated); -inf when too short or silent.

    A mono signal is measured as one channel, which is how Apple's -19 LUFS mono
    guidance is meant.
    """
    data = np.asarray(samples, dtype=np.float64)
    if len(data) < int(0.4 * rate) + 1:  # shorter than one 400 ms gating block
        return -math.inf
    with np.errstate(divide="ignore"):
        value = float(pyloudnorm.Meter(rate).integrated_loudness(data))
    return value if math.isfinite(value) and value > SILENT_LUFS else -math.inf


def _reduction(need: np.ndarray, span: int, step: float) -> np.ndarray:
    """Smoothed gain reduction (dB) that covers ``need`` (dB) at every frame.

    ``need`` is held over a forward window of ``2 * span - 1`` frames, released by
    ``step`` dB a frame, then smoothed by two moving averages of ``span`` frames: each
    of the frames the averages mix into a peak's frame already carries that peak's
    reduction, so the result is never less than ``need``.
    """
    frames = len(need)
    window = 2 * span - 1
    # The averages reach window-1 frames back, before the first frame too: pad there.
    padded = np.concatenate([np.zeros(window - 1), need, np.zeros(window - 1)])
    # maximum_filter1d centres an odd window: shifting by span-1 makes it look ahead.
    held = maximum_filter1d(padded, size=window, mode="constant")
    held = held[span - 1 : span - 1 + frames + window - 1]
    # Release: r[n] = max(held[n], r[n-1] - step), in closed form.
    ramp = step * np.arange(len(held))
    reduction = np.maximum.accumulate(held + ramp) - ramp
    for _ in range(2):
        cumulative = np.concatenate([np.zeros(span), np.cumsum(reduction)])
        reduction = (cumulative[span:] - cumulative[:-span]) / span
    return reduction[window - 1 :]


def limit(
    samples: np.ndarray,
    rate: int,
    ceiling_dbtp: float = -1.0,
    *,
    lookahead_ms: float = 5.0,
    release_db_per_s: float = 40.0,
) -> np.ndarray:
    """A look-ahead true-peak limiter: the returned signal's true peak is at most the ceiling.

    The gain reduction each frame needs is held over the look-ahead window, released
    at a constant rate in dB (so a burst of peaks does not make the gain flutter) and
    smoothed by two moving averages, which turns every change of gain into an S-curve
    that is complete by the time the peak arrives. Only the stretches around peaks
    are touched; everything else passes bit for bit.
    """
    data = np.asarray(samples, dtype=np.float32)
    envelope = true_peak_envelope(data, rate).astype(np.float64)
    with np.errstate(divide="ignore"):
        need = np.maximum(20 * np.log10(envelope) - ceiling_dbtp, 0.0)
    peaks = np.flatnonzero(need)
    if len(peaks) == 0:
        return data.copy()
    span = max(1, round(rate * lookahead_ms / 1000))
    step = release_db_per_s / rate
    # How far a peak's reduction reaches: the look-ahead, the release, the averages.
    reach = 4 * span + math.ceil(float(need.max()) / step)
    # Peaks closer than that are worked on together; far apart ones separately.
    splits = np.flatnonzero(np.diff(peaks) > 2 * reach) + 1
    gain = np.ones(len(data), dtype=np.float32)
    for group in np.split(peaks, splits):
        lo, hi = max(0, int(group[0]) - reach), min(len(data), int(group[-1]) + reach + 1)
        gain[lo:hi] = np.power(10.0, -_reduction(need[lo:hi], span, step) / 20)
    return data * (gain if data.ndim == 1 else gain[:, None])


@dataclass(frozen=True)
class Mastered:
    """A mastered programme and its figures."""

    samples: np.ndarray
    gain_db: float
    """Gain applied to bring the programme to the target."""
    loudness_lufs: float
    true_peak_dbtp: float


def master(
    samples: np.ndarray,
    rate: int,
    target_lufs: float,
    ceiling_dbtp: float = -1.0,
    *,
    tolerance_lu: float = 0.05,
) -> Mastered:
    """Bring ``samples`` to ``target_lufs`` integrated, with the true peak under the ceiling.

    The limiter lowers the loudness a little when it works hard, so the gain is
    corrected by what remains after limiting (two or three passes at most).
    """
    data = np.asarray(samples, dtype=np.float32)
    loudness = integrated_loudness(data, rate)
    if not math.isfinite(loudness):
        # Nothing to measure (silence or a blip): only make sure nothing peaks.
        out = limit(data, rate, ceiling_dbtp)
        return Mastered(out, 0.0, loudness, true_peak_dbtp(out, rate))
    gain_db = target_lufs - loudness
    out = data
    for _ in range(4):
        out = limit(data * np.float32(10 ** (gain_db / 20)), rate, ceiling_dbtp)
        loudness = integrated_loudness(out, rate)
        error = target_lufs - loudness
        if abs(error) <= tolerance_lu:
            break
        gain_db += error
    return Mastered(out, gain_db, loudness, true_peak_dbtp(out, rate))


def room_tone(frames: int, rate: int, level_dbfs: float, seed: int = 0) -> np.ndarray:
    """Quiet, soft noise at ``level_dbfs`` RMS: the sound of a room, not of a hiss.

    White noise through a gentle low-pass (a one-pole at about 1 kHz, so the
    spectrum falls like a real room's), repeatable for a given ``seed``.
    """
    if frames <= 0:
        return np.zeros(0, dtype=np.float32)
    rng = np.random.default_rng(seed)
    white = rng.standard_normal(frames + rate // 10)  # settle the filter first
    pole = math.exp(-2 * math.pi * 1000 / rate)
    shaped = lfilter([1 - pole], [1, -pole], white)[-frames:]
    rms = float(np.sqrt(np.mean(shaped**2))) or 1.0
    return (shaped * (10 ** (level_dbfs / 20) / rms)).astype(np.float32)


def fill_gaps(
    samples: np.ndarray,
    rate: int,
    gaps: list[tuple[int, int]],
    level_dbfs: float,
    *,
    fade_ms: float = 10.0,
) -> np.ndarray:
    """Lay room tone into the frame ranges ``gaps`` (the pauses), faded in and out.

    Done after mastering so that the room tone sits at exactly ``level_dbfs`` in the
    file, whatever gain the loudness target needed.
    """
    out = np.array(samples, dtype=np.float32, copy=True)
    fade = max(1, round(rate * fade_ms / 1000))
    for index, (start, stop) in enumerate(gaps):
        length = stop - start
        if length <= 2 * fade:
            continue
        tone = room_tone(length, rate, level_dbfs, seed=index)
        ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, math.pi, fade, dtype=np.float32))
        tone[:fade] *= ramp
        tone[-fade:] *= ramp[::-1]
        if out.ndim == 1:
            out[start:stop] += tone
        else:
            out[start:stop] += tone[:, None]
    return out


@dataclass(frozen=True)
class MasteringReport:
    """The figures of a finished file, as its one-line report shows them."""

    duration: float
    loudness_lufs: float
    true_peak_dbtp: float

    def __str__(self) -> str:
        minutes, seconds = divmod(self.duration, 60)
        return (
            f"{int(minutes)}:{seconds:04.1f}, {self.loudness_lufs:.1f} LUFS integrated, "
            f"{self.true_peak_dbtp:.1f} dBTP true peak"
        )
