"""Mastering: loudness to the target (ITU-R BS.1770-4), then a true-peak limiter.

The finished programme is measured once and brought to the target integrated loudness
with one gain; a look-ahead limiter then holds the true peak (measured on a 4x
oversampled copy, see :mod:`narrator.audio.loudness`) under the ceiling. No
per-sentence normalising, no compressor: the limiter only touches the few peaks that
need it, with a smooth gain curve.

Everything here works block by block with its state carried across blocks
(:class:`Limiter`, :class:`RoomTone`), so a programme of any length is mastered in
constant memory; :func:`limit` and :func:`master` are the same machinery on one
whole array.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from narrator.audio.loudness import (
    TruePeakMeter,
    integrated_loudness,
    true_peak_dbtp,
    true_peak_envelope,
)

__all__ = [
    "Limiter",
    "Mastered",
    "MasteringReport",
    "RoomTone",
    "fill_gaps",
    "integrated_loudness",
    "limit",
    "master",
    "room_tone",
    "true_peak_dbtp",
    "true_peak_envelope",
]


def _sliding_max(values: np.ndarray, width: int) -> np.ndarray:
    """``out[i] = max(values[i : i + width])`` for every full window (van Herk/Gil-Werman)."""
    count = len(values) - width + 1
    if count <= 0:
        return np.zeros(0, dtype=values.dtype)
    padded = np.concatenate([values, np.zeros(-len(values) % width, dtype=values.dtype)])
    rows = padded.reshape(-1, width)
    prefix = np.maximum.accumulate(rows, axis=1).ravel()
    suffix = np.maximum.accumulate(rows[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.maximum(suffix[:count], prefix[width - 1 : width - 1 + count])


def _last(values: np.ndarray, count: int) -> np.ndarray:
    """The last ``count`` values (none for 0, where ``values[-0:]`` would be all)."""
    return values[len(values) - count :]


def _moving_mean(values: np.ndarray, tail: np.ndarray) -> np.ndarray:
    """Mean of each value with the ``len(tail)`` values before it (``tail`` first)."""
    span = len(tail) + 1
    joined = np.concatenate([tail, values])
    if not joined.any():
        return np.zeros(len(values))
    cumulative = np.concatenate([[0.0], np.cumsum(joined)])
    means = (cumulative[span:] - cumulative[:-span]) / span
    means[means < 1e-12] = 0.0  # rounding residue would make gains of 0.99999999
    return means


class Limiter:
    """A look-ahead true-peak limiter, fed block by block: its output's true peak stays
    under ``ceiling_dbtp``.

    The gain reduction each frame needs is held over the look-ahead window, released
    at a constant rate in dB (so a burst of peaks does not make the gain flutter) and
    smoothed by two moving averages, which turns every change of gain into an S-curve
    that is complete by the time the peak arrives. Only the stretches around peaks
    are touched; everything else passes bit for bit.

    :meth:`process` returns the frames that are final so far (the limiter holds back
    its look-ahead and the true-peak meter's context); :meth:`flush` returns the rest.
    The output has exactly as many frames as the input, and does not depend on where
    the blocks fall.
    """

    def __init__(
        self,
        rate: int,
        ceiling_dbtp: float = -1.0,
        *,
        channels: int = 1,
        lookahead_ms: float = 5.0,
        release_db_per_s: float = 40.0,
    ) -> None:
        self.ceiling_dbtp = ceiling_dbtp
        self.channels = channels
        self.span = max(1, round(rate * lookahead_ms / 1000))
        self.window = 2 * self.span - 1
        self.step = release_db_per_s / rate
        self._meters = [TruePeakMeter(rate) for _ in range(channels)]
        self._pending_env: list[np.ndarray] = [np.zeros(0, np.float32)] * channels
        shape = (0,) if channels == 1 else (0, channels)
        self._audio = np.zeros(shape, dtype=np.float32)  # frames waiting for their gain
        self._ceiling = np.float32(10 ** (ceiling_dbtp / 20))
        self._need_tail = np.zeros(self.window - 1)
        self._release = 0.0
        self._r_tail = np.zeros(self.span - 1)
        self._m_tail = np.zeros(self.span - 1)
        self._skip = self.window - 1  # reductions that belong before the first frame

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Feed ``samples`` (frames, or frames x channels); the limited frames now final."""
        data = np.asarray(samples, dtype=np.float32)
        self._audio = np.concatenate([self._audio, data]) if len(self._audio) else data
        columns = [data] if data.ndim == 1 else [data[:, c] for c in range(data.shape[1])]
        envelopes = [m.add(col) for m, col in zip(self._meters, columns, strict=True)]
        return self._apply(self._envelope(envelopes))

    def flush(self) -> np.ndarray:
        """The remaining frames, limited."""
        out = [self._apply(self._envelope([m.flush() for m in self._meters]))]
        out.append(self._apply_need(np.zeros(self.window - 1)))
        return np.concatenate(out)

    def _envelope(self, envelopes: list[np.ndarray]) -> np.ndarray:
        joined = [np.concatenate([p, e]) for p, e in zip(self._pending_env, envelopes, strict=True)]
        ready = min(len(e) for e in joined)
        envelope = joined[0][:ready].copy()
        for other in joined[1:]:
            np.maximum(envelope, other[:ready], out=envelope)
        self._pending_env = [e[ready:] for e in joined]
        return envelope

    def _apply(self, envelope: np.ndarray) -> np.ndarray:
        need = np.zeros(len(envelope))
        over = np.flatnonzero(envelope > self._ceiling)
        if len(over):
            need[over] = 20 * np.log10(envelope[over].astype(np.float64)) - self.ceiling_dbtp
        return self._apply_need(need)

    def _apply_need(self, need: np.ndarray) -> np.ndarray:
        reduction = self._reduction(need)
        if self._skip:
            dropped = min(self._skip, len(reduction))
            reduction, self._skip = reduction[dropped:], self._skip - dropped
        frames = self._audio[: len(reduction)].copy()
        self._audio = self._audio[len(reduction) :]
        touched = np.flatnonzero(reduction)
        if len(touched):
            gain = np.power(10.0, -reduction[touched] / 20).astype(np.float32)
            frames[touched] *= gain if frames.ndim == 1 else gain[:, None]
        return frames

    def _reduction(self, need: np.ndarray) -> np.ndarray:
        """The smoothed reduction (dB) for each new need value, carrying the state.

        Peaks are rare (a few hundred frames in an hour), so the reduction is worked
        out only on the stretches a peak (or the state carried in) can reach: the
        hold window before it, the release after it and the two smoothing windows.
        Between stretches it is exactly zero, and so is the state entering each one.
        """
        count = len(need)
        if count == 0:
            return need
        joined = np.concatenate([self._need_tail, need])
        self._need_tail = joined[len(joined) - (self.window - 1) :]
        reduction = np.zeros(count)
        stretches = self._stretches(joined, count)
        release, r_tail, m_tail = self._release, self._r_tail, self._m_tail
        zeros = np.zeros(self.span - 1)
        self._release, self._r_tail, self._m_tail = 0.0, zeros, zeros
        for start, end in stretches:
            entering = start == 0  # only the first stretch can inherit a state
            held = _sliding_max(joined[start : end + self.window - 1], self.window)
            # Release: r[n] = max(held[n], r[n-1] - step), in closed form.
            ramp = self.step * np.arange(len(held))
            released = np.maximum.accumulate(held + ramp) - ramp
            if entering and release > 0.0:
                released = np.maximum(released, release - self.step * (1 + np.arange(len(held))))
            released = np.maximum(released, 0.0)
            first = _moving_mean(released, r_tail if entering else zeros)
            reduction[start:end] = _moving_mean(first, m_tail if entering else zeros)
            if end == count:  # the stretch runs on into the next block: carry its state
                self._release = float(released[-1])
                before_r, before_m = (r_tail, m_tail) if entering else (zeros, zeros)
                self._r_tail = _last(np.concatenate([before_r, released]), self.span - 1)
                self._m_tail = _last(np.concatenate([before_m, first]), self.span - 1)
        return reduction

    def _stretches(self, joined: np.ndarray, count: int) -> list[tuple[int, int]]:
        """The [start, end) ranges of this block's frames that the reduction can reach."""
        smoothing = 2 * (self.span - 1) + 2
        starts: list[np.ndarray] = []
        ends: list[np.ndarray] = []
        if self._release > 0.0 or self._r_tail.any() or self._m_tail.any():
            starts.append(np.zeros(1, dtype=np.int64))
            ends.append(np.array([math.ceil(self._release / self.step) + smoothing]))
        peaks = np.flatnonzero(joined)
        if len(peaks):
            # joined[j] is held over output frames j - window + 1 .. j, then released.
            starts.append(np.maximum(peaks - (self.window - 1), 0))
            ends.append(peaks + 1 + np.ceil(joined[peaks] / self.step).astype(np.int64) + smoothing)
        if not starts:
            return []
        first, last = np.concatenate(starts), np.concatenate(ends)
        order = np.argsort(first, kind="stable")
        first, last = first[order], np.maximum.accumulate(last[order])
        new = np.flatnonzero(first[1:] > last[:-1]) + 1
        bounds = np.concatenate([[0], new])
        closes = np.concatenate([new - 1, [len(first) - 1]])
        return [
            (int(first[a]), int(min(count, last[b])))
            for a, b in zip(bounds, closes, strict=True)
            if first[a] < count
        ]


def limit(
    samples: np.ndarray,
    rate: int,
    ceiling_dbtp: float = -1.0,
    *,
    lookahead_ms: float = 5.0,
    release_db_per_s: float = 40.0,
) -> np.ndarray:
    """The :class:`Limiter` on a whole signal: its true peak is at most the ceiling."""
    data = np.asarray(samples, dtype=np.float32)
    limiter = Limiter(
        rate,
        ceiling_dbtp,
        channels=1 if data.ndim == 1 else data.shape[1],
        lookahead_ms=lookahead_ms,
        release_db_per_s=release_db_per_s,
    )
    return np.concatenate([limiter.process(data), limiter.flush()])


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
    """Bring a whole signal to ``target_lufs`` integrated, true peak under the ceiling.

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

    White noise whose spectrum falls like a real room's: shaped by the response of a
    one-pole low-pass at about 1 kHz. Repeatable for a given ``seed``.
    """
    if frames <= 0:
        return np.zeros(0, dtype=np.float32)
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(frames))
    pole = math.exp(-2 * math.pi * 1000 / rate)
    omega = np.linspace(0.0, math.pi, len(spectrum))
    shaped = np.fft.irfft(spectrum * (1 - pole) / (1 - pole * np.exp(-1j * omega)), frames)
    rms = float(np.sqrt(np.mean(shaped**2))) or 1.0
    return (shaped * (10 ** (level_dbfs / 20) / rms)).astype(np.float32)


class RoomTone:
    """Lays room tone into the pauses of a programme streamed block by block.

    ``gaps`` are the frame ranges of the pauses in order (the list may grow while the
    programme streams); each gets its own repeatable noise at ``level_dbfs``, faded
    in and out. Laid after mastering so that the room tone
    sits at exactly ``level_dbfs`` in the file, whatever gain the target needed.
    """

    def __init__(
        self,
        rate: int,
        gaps: Sequence[tuple[int, int]],
        level_dbfs: float,
        *,
        fade_ms: float = 10.0,
    ) -> None:
        self.rate = rate
        self.gaps = gaps
        self.level_dbfs = level_dbfs
        self.fade = max(1, round(rate * fade_ms / 1000))
        self._first = 0  # gaps before this index end before the current block
        self._tone: tuple[int, np.ndarray] | None = None  # (gap index, its tone)

    def _tone_for(self, index: int) -> np.ndarray:
        if self._tone is None or self._tone[0] != index:
            start, stop = self.gaps[index]
            tone = room_tone(stop - start, self.rate, self.level_dbfs, seed=index)
            ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, math.pi, self.fade, dtype=np.float32))
            tone[: self.fade] *= ramp
            tone[-self.fade :] *= ramp[::-1]
            self._tone = (index, tone)
        return self._tone[1]

    def lay(self, block: np.ndarray, start: int) -> np.ndarray:
        """``block`` (frames ``start`` onwards, mono or frames x channels) with the tone laid."""
        stop = start + len(block)
        while self._first < len(self.gaps) and self.gaps[self._first][1] <= start:
            self._first += 1
        out = block
        index = self._first
        while index < len(self.gaps) and self.gaps[index][0] < stop:
            gap_start, gap_stop = self.gaps[index]
            if gap_stop - gap_start > 2 * self.fade:
                lo, hi = max(start, gap_start), min(stop, gap_stop)
                piece = self._tone_for(index)[lo - gap_start : hi - gap_start]
                if out is block:
                    out = block.copy()
                if out.ndim == 1:
                    out[lo - start : hi - start] += piece
                else:
                    out[lo - start : hi - start] += piece[:, None]
            index += 1
        return out


def fill_gaps(
    samples: np.ndarray,
    rate: int,
    gaps: list[tuple[int, int]],
    level_dbfs: float,
    *,
    fade_ms: float = 10.0,
) -> np.ndarray:
    """:class:`RoomTone` on a whole signal."""
    out = RoomTone(rate, gaps, level_dbfs, fade_ms=fade_ms).lay(np.asarray(samples), 0)
    return np.array(out, dtype=np.float32, copy=True)


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
