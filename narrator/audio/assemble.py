"""Joining synthesised speech into one programme, with pauses, at the output rate."""

from __future__ import annotations

import hashlib

import numpy as np
import soxr

from narrator.audio.programme import Chapter, Cue, Programme
from narrator.engines.base import AudioChunk

FADE_MS = 8
"""Fade at every cut, so that no join clicks."""
SILENCE_THRESHOLD_DB = -50.0
"""Speech quieter than this at the edges of a piece is trimmed."""


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """High-quality resampling (libsoxr, VHQ); a no-op when the rates agree."""
    if from_rate == to_rate or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    return soxr.resample(samples, from_rate, to_rate, quality="VHQ").astype(np.float32)


def trim_silence(
    samples: np.ndarray, rate: int, threshold_db: float = SILENCE_THRESHOLD_DB
) -> np.ndarray:
    """Remove leading and trailing silence, keeping 10 ms of margin around the speech."""
    if len(samples) == 0:
        return samples
    frame = max(1, rate // 100)  # 10 ms frames
    frames = len(samples) // frame
    if frames == 0:
        return samples
    energy = np.sqrt(np.mean(samples[: frames * frame].reshape(frames, frame) ** 2, axis=1))
    loud = np.flatnonzero(energy > 10 ** (threshold_db / 20))
    if len(loud) == 0:
        return samples[:0]
    start = max(0, (loud[0] - 1) * frame)
    end = min(len(samples), (loud[-1] + 2) * frame)
    return samples[start:end]


def apply_fades(samples: np.ndarray, rate: int, ms: int = FADE_MS) -> np.ndarray:
    """Short raised-cosine fades in and out."""
    length = min(len(samples) // 2, rate * ms // 1000)
    if length == 0:
        return samples
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, length))).astype(np.float32)
    out = samples.copy()
    out[:length] *= ramp
    out[-length:] *= ramp[::-1]
    return out


def jittered_ms(base_ms: int, jitter_ms: int, key: str) -> int:
    """``base_ms`` varied by up to ``jitter_ms`` either way, decided by ``key`` (repeatable)."""
    if jitter_ms <= 0:
        return base_ms
    digest = hashlib.blake2b(key.encode(), digest_size=4).digest()
    fraction = int.from_bytes(digest, "big") / 0xFFFFFFFF  # 0..1
    return max(0, base_ms + round((2 * fraction - 1) * jitter_ms))


class Assembler:
    """Builds a :class:`Programme` piece by piece, keeping exact timings."""

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self._parts: list[np.ndarray] = []
        self._frames = 0
        self.cues: list[Cue] = []
        self.chapters: list[Chapter] = []
        self._chapter_start: tuple[float, str] | None = None

    @property
    def position(self) -> float:
        """Current length in seconds."""
        return self._frames / self.sample_rate

    def add_audio(self, samples: np.ndarray) -> None:
        """Append samples already at the programme's rate."""
        if len(samples):
            self._parts.append(samples.astype(np.float32, copy=False))
            self._frames += len(samples)

    def add_speech(self, chunks: list[AudioChunk], text: str, *, gap_ms: int = 0) -> Cue:
        """Append one sentence (its chunks joined by ``gap_ms``) and record its cue."""
        start = self.position
        for index, chunk in enumerate(chunks):
            if index:
                self.add_silence(gap_ms)
            audio = resample(chunk.samples, chunk.sample_rate, self.sample_rate)
            audio = trim_silence(audio, self.sample_rate)
            self.add_audio(apply_fades(audio, self.sample_rate))
        cue = Cue(start, self.position, text)
        self.cues.append(cue)
        return cue

    def add_silence(self, ms: int) -> None:
        """Append digital silence."""
        self.add_audio(np.zeros(self.sample_rate * ms // 1000, dtype=np.float32))

    def start_chapter(self, title: str) -> None:
        """End the open chapter (if any) here and open a new one."""
        self.end_chapter()
        self._chapter_start = (self.position, title)

    def end_chapter(self) -> None:
        if self._chapter_start is not None:
            start, title = self._chapter_start
            self.chapters.append(Chapter(start, self.position, title))
            self._chapter_start = None

    def build(self, title: str | None = None) -> Programme:
        """The finished programme."""
        self.end_chapter()
        samples = np.concatenate(self._parts) if self._parts else np.zeros(0, dtype=np.float32)
        return Programme(samples, self.sample_rate, list(self.cues), list(self.chapters), title)
