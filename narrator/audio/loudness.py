"""Measuring loudness (ITU-R BS.1770-4) and true peak, block by block.

Both meters take audio in blocks of any size and carry their filter state across
them, so a programme of any length is measured in constant memory and the figures do
not depend on where the blocks fall.

* :class:`LoudnessMeter`: K-weighting, 400 ms gating blocks with 75 % overlap, the
  absolute (-70 LUFS) and relative (-10 LU) gates: libebur128, the reference C
  implementation, through ``pyebur128``.
* :class:`TruePeakMeter`: the peak of the signal reconstructed between samples,
  measured on a 4x oversampled copy (BS.1770-4 Annex 2) made by libsoxr's streaming
  linear-phase resampler. It yields a per-frame envelope, which the limiter uses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pyebur128
import soxr

SILENT_LUFS = -70.0
"""BS.1770's absolute gate: a programme quieter than this has no measurable loudness."""
_GATE_BLOCK_S = 0.4


class LoudnessMeter:
    """Integrated (gated) loudness of everything added so far, for 1 or 2 channels.

    A mono signal is measured as one channel, which is how Apple's -19 LUFS mono
    guidance is meant.
    """

    def __init__(self, rate: int, channels: int = 1) -> None:
        self.rate = rate
        self.channels = channels
        self.frames = 0
        self._state = pyebur128.R128State(channels, rate, pyebur128.MeasurementMode.MODE_I)

    def add(self, samples: np.ndarray) -> None:
        """Measure the next ``samples`` (float, frames or frames x channels)."""
        if len(samples) == 0:
            return
        data = np.ascontiguousarray(samples, dtype=np.float64)
        if data.ndim == 1 and self.channels > 1:
            data = np.repeat(data[:, None], self.channels, axis=1)
        self._state.add_frames(data.reshape(-1), len(data))
        self.frames += len(data)

    @property
    def loudness(self) -> float:
        """Integrated loudness in LUFS; -inf when shorter than one gating block or silent."""
        return combined_loudness([self])

    @property
    def seconds(self) -> float:
        """Length measured so far."""
        return self.frames / self.rate


def combined_loudness(meters: Iterable[LoudnessMeter]) -> float:
    """Integrated loudness of the gating blocks of several meters pooled together.

    For parts of a programme that do not overlap in time (jingles in the pauses left
    for them), this is the loudness of the whole without measuring it again.
    """
    measured = [m for m in meters if m.frames >= int(_GATE_BLOCK_S * m.rate) + 1]
    if not measured:
        return -math.inf
    value = float(pyebur128.get_loudness_global_multiple([m._state for m in measured]))
    return value if math.isfinite(value) and value > SILENT_LUFS else -math.inf


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness of a whole signal (mono or frames x channels) in LUFS."""
    data = np.asarray(samples)
    meter = LoudnessMeter(rate, 1 if data.ndim == 1 else data.shape[1])
    meter.add(data)
    return meter.loudness


def oversampling_factor(rate: int) -> int:
    """4x below 96 kHz, 2x below 192 kHz, none above (BS.1770-4 Annex 2)."""
    if rate < 96000:
        return 4
    return 2 if rate < 192000 else 1


class TruePeakMeter:
    """Per-frame true-peak envelope of a mono signal, block by block.

    :meth:`add` returns the envelope of the frames that are complete so far (the
    resampler holds back a few hundred frames of context); :meth:`flush` returns the
    rest. Envelope frame ``k`` is the largest magnitude of the oversampled signal
    from frame ``k`` up to frame ``k + 1``, and never less than ``|x[k]|``.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.factor = oversampling_factor(rate)
        self._stream = (
            soxr.ResampleStream(rate, rate * self.factor, 1, dtype="float32", quality="HQ")
            if self.factor > 1
            else None
        )
        self._held = np.zeros(0, dtype=np.float32)  # input frames not yet covered
        self._up = np.zeros(0, dtype=np.float32)  # oversampled points not yet used
        self.peak = 0.0
        """The largest envelope value returned so far."""

    def add(self, samples: np.ndarray) -> np.ndarray:
        """Feed mono ``samples``; the envelope of the frames now complete."""
        data = np.abs(np.asarray(samples, dtype=np.float32))
        if self._stream is None:
            self._note(data)
            return data
        up = self._stream.resample_chunk(np.asarray(samples, dtype=np.float32))
        return self._combine(data, up)

    def flush(self) -> np.ndarray:
        """The envelope of the frames still held back."""
        if self._stream is None:
            return np.zeros(0, dtype=np.float32)
        up = self._stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True)
        envelope = self._combine(np.zeros(0, dtype=np.float32), up)
        if len(self._held):  # the resampler's last points fell short of the last frames
            envelope = np.concatenate([envelope, self._held])
            self._note(self._held)
            self._held = self._held[:0]
        return envelope

    def _combine(self, magnitudes: np.ndarray, up: np.ndarray) -> np.ndarray:
        held = np.concatenate([self._held, magnitudes]) if len(self._held) else magnitudes
        points = np.abs(np.concatenate([self._up, up])) if len(self._up) else np.abs(up)
        ready = min(len(held), len(points) // self.factor)
        envelope = held[:ready].copy()
        for phase in range(self.factor):
            np.maximum(envelope, points[phase : ready * self.factor : self.factor], out=envelope)
        self._held = held[ready:]
        self._up = points[ready * self.factor :]
        self._note(envelope)
        return envelope

    def _note(self, envelope: np.ndarray) -> None:
        if len(envelope):
            self.peak = max(self.peak, float(envelope.max()))

    @property
    def dbtp(self) -> float:
        """True peak so far in dBTP; -inf for digital silence."""
        return 20 * math.log10(self.peak) if self.peak > 0 else -math.inf


def true_peak_envelope(samples: np.ndarray, rate: int) -> np.ndarray:
    """The per-frame true-peak envelope of a whole signal (the maximum over channels)."""
    data = np.asarray(samples, dtype=np.float32)
    channels = [data] if data.ndim == 1 else [data[:, c] for c in range(data.shape[1])]
    envelope = np.zeros(len(data), dtype=np.float32)
    for channel in channels:
        meter = TruePeakMeter(rate)
        np.maximum(envelope, np.concatenate([meter.add(channel), meter.flush()]), out=envelope)
    return envelope


def true_peak_dbtp(samples: np.ndarray, rate: int) -> float:
    """True peak in dBTP (4x oversampled); -inf for digital silence."""
    peak = float(true_peak_envelope(samples, rate).max(initial=0.0))
    return 20 * math.log10(peak) if peak > 0 else -math.inf
