"""Jingles and the music bed: narrator's own sting, audio files, and ducking.

The default sting is synthesised here (a short bell arpeggio), so the repository
carries no third-party audio. A station can use its own jingles and a bed from WAV,
FLAC, OGG or MP3 files instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import soxr

from narrator.audio.export import read_audio
from narrator.errors import InputError

_INTRO_NOTES = (69, 73, 76, 81)  # A4 C#5 E5 A5: a rising A-major arpeggio
_OUTRO_NOTES = (81, 76, 73, 69)
_NOTE_STEP_S = 0.12
# A soft bell: harmonic partials that die away faster the higher they are.
_PARTIALS = ((1.0, 1.0, 1.0), (2.0, 0.30, 0.55), (3.0, 0.10, 0.30), (4.16, 0.04, 0.18))


def _midi_hz(note: int) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _bell(frequency: float, seconds: float, rate: int, decay_s: float) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    tone = np.zeros_like(t)
    for ratio, amplitude, decay in _PARTIALS:
        tone += (
            amplitude * np.sin(2 * np.pi * frequency * ratio * t) * np.exp(-t / (decay_s * decay))
        )
    attack = min(len(t), round(0.004 * rate))
    tone[:attack] *= 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, attack))
    return tone


def default_sting(rate: int, kind: Literal["intro", "outro"] = "intro") -> np.ndarray:
    """narrator's own sting: a bell arpeggio over a soft low fifth, about 2.4 s, mono.

    The intro rises, the outro falls back to the tonic. Peak at -6 dBFS; the assembler
    sets its loudness against the speech.
    """
    notes = _INTRO_NOTES if kind == "intro" else _OUTRO_NOTES
    length = 2.4
    out = np.zeros(round(length * rate))
    for index, note in enumerate(notes):
        start = round(index * _NOTE_STEP_S * rate)
        last = index == len(notes) - 1
        bell = _bell(_midi_hz(note), length - index * _NOTE_STEP_S, rate, 0.9 if last else 0.35)
        out[start : start + len(bell)] += bell * (0.8 if last else 0.6)
    # The pad: the tonic and fifth an octave below, swelling in and dying away.
    t = np.arange(len(out)) / rate
    envelope = (1 - np.exp(-t / 0.15)) * np.exp(-t / 0.9)
    for note, amplitude in ((57, 0.35), (64, 0.2)):
        out += amplitude * envelope * np.sin(2 * np.pi * _midi_hz(note) * t)
    fade = round(0.4 * rate)  # a gentle tail rather than a cut
    out[-fade:] *= np.linspace(1.0, 0.0, fade) ** 2
    return (out * (0.5 / np.abs(out).max())).astype(np.float32)


def load_audio(path: Path, rate: int) -> np.ndarray:
    """Read a WAV/FLAC/OGG/MP3 file as mono float32 at ``rate`` (resampled once, soxr VHQ)."""
    data, file_rate = read_audio(path)
    if len(data) == 0:
        raise InputError(f"{path}: the audio file is empty")
    mono = data.mean(axis=1)
    if file_rate != rate:
        mono = soxr.resample(mono, file_rate, rate, quality="VHQ")
    return np.asarray(mono, dtype=np.float32)


def duck_gain(
    frames: int,
    rate: int,
    speech: list[tuple[int, int]],
    duck_db: float,
    *,
    lead_ms: float = 250.0,
    hold_ms: float = 700.0,
    smooth_ms: float = 300.0,
    start: int = 0,
    stop: int | None = None,
) -> np.ndarray:
    """Gain (linear) for a bed: ``-duck_db`` while someone speaks, 0 dB in longer gaps.

    The bed goes down ``lead_ms`` before the words and stays down ``hold_ms`` after
    them, so sentence and paragraph pauses (up to about 950 ms) do not make it swell
    (no pumping); a story break lets it up for a moment. The curve is smoothed over
    ``smooth_ms``. Only frames ``start`` to ``stop`` of the programme are computed.
    """
    stop = frames if stop is None else min(stop, frames)
    width = max(1, round(rate * smooth_ms / 1000))
    half = width // 2
    # A centred moving average: frame i is the mean of active[i - (width - half - 1)
    # .. i + half]; before the programme 'active' repeats its first frame, after it is 0.
    lo, hi = start - (width - half - 1), stop + half
    lead, hold = round(rate * lead_ms / 1000), round(rate * hold_ms / 1000)
    active = np.zeros(max(0, hi - lo), dtype=np.float64)
    for first, last in speech:
        a, b = max(0, first - lead), min(frames, last + hold)
        if b > lo and a < hi:
            active[max(a, lo) - lo : min(b, hi) - lo] = 1.0
    if lo < 0 and frames:
        first_active = any(max(0, s - lead) <= 0 < min(frames, e + hold) for s, e in speech)
        active[:-lo] = 1.0 if first_active else 0.0
    cumulative = np.concatenate([[0.0], np.cumsum(active)])
    smoothed = (cumulative[width:] - cumulative[:-width]) / width
    return np.power(10.0, -duck_db * smoothed[: stop - start] / 20).astype(np.float32)


def lay_bed(
    bed: np.ndarray,
    frames: int,
    rate: int,
    speech: list[tuple[int, int]],
    *,
    duck_db: float,
    fade_s: float = 1.0,
    start: int = 0,
    stop: int | None = None,
) -> np.ndarray:
    """The bed track of a programme of ``frames``: looped, ducked under ``speech``.

    It fades in a second before the first words and out a second after the last.
    Only frames ``start`` to ``stop`` are made, so a long programme is laid block by
    block.
    """
    stop = frames if stop is None else min(stop, frames)
    out = np.zeros(max(0, stop - start), dtype=np.float32)
    if not speech or len(bed) == 0:
        return out
    fade = round(fade_s * rate)
    bed_start = max(0, speech[0][0] - fade)
    bed_stop = min(frames, speech[-1][1] + fade)
    lo, hi = max(start, bed_start), min(stop, bed_stop)
    if hi <= lo:
        return out
    seam = min(len(bed) // 4, round(0.01 * rate))  # 10 ms fades so the loop does not click
    loop = bed.copy()
    if seam:
        ramp = np.linspace(0.0, 1.0, seam, dtype=np.float32)
        loop[:seam] *= ramp
        loop[-seam:] *= ramp[::-1]
    offsets = np.arange(lo - bed_start, hi - bed_start)
    track = loop[offsets % len(loop)]
    length = bed_stop - bed_start
    edge = min(fade, length // 2)
    if edge:
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, edge))).astype(np.float32)
        rising = offsets < edge
        track[rising] *= ramp[offsets[rising]]
        falling = offsets >= length - edge
        track[falling] *= ramp[::-1][offsets[falling] - (length - edge)]
    gain = duck_gain(frames, rate, speech, duck_db, start=lo, stop=hi)
    out[lo - start : hi - start] = track * gain
    return out


def jingle(path: Path | None, kind: Literal["intro", "outro"], rate: int) -> np.ndarray:
    """The station's jingle file at ``rate``, or narrator's own sting when none is set."""
    return load_audio(path, rate) if path else default_sting(rate, kind)
