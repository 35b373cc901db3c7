"""A programme: the assembled audio with the exact timing of everything in it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Cue:
    """A stretch of speech and the written text it reads (one transcript cue)."""

    start: float
    """Seconds from the start of the programme."""
    end: float
    text: str
    """The written (not normalised) text, as the transcript shows it."""


@dataclass(frozen=True)
class Chapter:
    """A navigable part of the programme: one story."""

    start: float
    """Seconds: where the story's first words begin."""
    end: float
    """Seconds: where whatever follows the story begins (or the end of the programme)."""
    title: str


@dataclass
class Programme:
    """Assembled audio ready for mastering and export."""

    samples: np.ndarray
    """float32 samples, shape (frames,) for mono or (frames, channels)."""
    sample_rate: int
    cues: list[Cue] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    title: str | None = None
    gaps: list[tuple[int, int]] = field(default_factory=list)
    """Frame ranges of the pauses, where mastering lays room tone instead of silence."""

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate
