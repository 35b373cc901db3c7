"""The one small interface every TTS engine implements.

A :class:`Voice` is loaded once and then turns text into audio. Text reaching a voice
is already normalised (only Kazakh words and punctuation) and already cut into
engine-sized chunks; the voice yields one :class:`AudioChunk` per sentence or chunk it
synthesises.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class AudioChunk:
    """Mono audio produced by a voice."""

    samples: np.ndarray
    """float32 samples in [-1, 1], one channel."""
    sample_rate: int
    """Samples per second."""

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate


@dataclass(frozen=True)
class SynthesisParams:
    """What a newsroom tunes about the delivery; engines map these to their own knobs."""

    rate_wpm: int = 160
    """Speaking rate in words per minute (espeak's unit; others scale from 160 wpm)."""
    pitch: int = 50
    """Voice pitch, 0-100 (50 is the voice's own)."""
    volume: int = 100
    """Output volume, 0-200 (100 is the voice's own)."""
    speaker: str | None = None
    """Speaker name or index for multi-speaker voices."""
    extra: dict[str, str] = field(default_factory=dict)
    """Engine-specific settings, passed through as strings."""

    def cache_key(self) -> str:
        """A stable text form, part of the segment cache key."""
        extra = ",".join(f"{k}={v}" for k, v in sorted(self.extra.items()))
        return f"rate={self.rate_wpm};pitch={self.pitch};volume={self.volume};speaker={self.speaker};{extra}"


class Voice(ABC):
    """A loaded voice of one engine."""

    id: str
    """The voice's id as users name it (``kk-espeak``, ``kk_KZ-issai-high``, ...)."""
    engine: str
    """The engine's name (``espeak``, ``piper``, ``coqui``)."""
    sample_rate: int
    """Sample rate of the audio this voice yields."""

    @property
    def model_version(self) -> str:
        """Identifies the exact model (a file hash or library version); part of cache keys."""
        return self.engine

    @abstractmethod
    def synthesize(self, text: str, params: SynthesisParams | None = None) -> Iterator[AudioChunk]:
        """Yield audio for ``text``: one chunk per sentence or chunk synthesised."""

    def synthesize_all(self, text: str, params: SynthesisParams | None = None) -> AudioChunk:
        """Synthesise ``text`` and return one chunk with all its audio."""
        parts = [chunk.samples for chunk in self.synthesize(text, params)]
        samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
        return AudioChunk(samples.astype(np.float32, copy=False), self.sample_rate)
