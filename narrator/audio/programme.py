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


@dataclass(frozen=True)
class Clip:
    """A jingle placed on the timeline, mixed in at its level when the programme is rendered."""

    start: int
    """First frame."""
    samples: np.ndarray
    """Mono float32 at the programme's rate."""
    level_lu: float
    """Loudness relative to the speech."""


@dataclass(frozen=True)
class Bed:
    """Music looped under the whole programme, ducked under the speech."""

    samples: np.ndarray
    """Mono float32 at the programme's rate (one loop)."""
    level_lu: float
    """Loudness relative to the speech where no one speaks."""
    duck_db: float
    """How far under the speech it sits while someone speaks."""


@dataclass
class Programme:
    """The timeline of an assembled programme: everything but the speech audio itself,
    which streams through a spool (or sits in :attr:`samples` for small programmes)."""

    sample_rate: int
    frames: int = 0
    """Length in frames."""
    cues: list[Cue] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    title: str | None = None
    gaps: list[tuple[int, int]] = field(default_factory=list)
    """Frame ranges of the pauses, where mastering lays room tone instead of silence."""
    speech: list[tuple[int, int]] = field(default_factory=list)
    """Frame ranges of audible speech (what a music bed ducks under)."""
    clips: list[Clip] = field(default_factory=list)
    bed: Bed | None = None
    samples: np.ndarray | None = None
    """The rendered programme (speech, jingles and bed), when assembled in memory."""

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate
