"""What narrator reads: a document of stories, and the segments it is cut into.

Data flows one way: a :class:`Document` (as read from a file) is cut into
:class:`Segment` objects (one sentence each, in reading order), which the pipeline
normalises and synthesises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass
class Story:
    """One news story: an optional headline and its paragraphs of written text."""

    title: str | None
    paragraphs: list[str]


@dataclass
class Document:
    """A whole input: a programme title, stories in order, and metadata."""

    title: str | None
    stories: list[Story]
    source: str
    """Where the text came from (a path, or ``-`` for standard input)."""
    meta: dict[str, str] = field(default_factory=dict)
    """Front matter such as ``date``, ``edition``, ``station`` (SSML: ``rate``)."""
    collection: bool = False
    """Read from a folder, a feed or a list of articles: a bulletin, whatever its length."""

    @property
    def is_empty(self) -> bool:
        return not any(p.strip() for s in self.stories for p in s.paragraphs)


class SegmentKind(StrEnum):
    """What a segment is, which decides its pauses and its place in chapters."""

    INTRO = "intro"
    HEADLINE = "headline"
    TITLE = "title"
    SENTENCE = "sentence"
    OUTRO = "outro"


@dataclass(frozen=True)
class Segment:
    """One sentence (or title line) to be spoken, with its place in the document."""

    text: str
    """The written text, as it appears in the transcript."""
    kind: SegmentKind
    story: int
    """Index of the story (-1 for programme-level segments such as intro and outro)."""
    paragraph: int
    """Index of the paragraph within its story."""
    story_title: str | None = None
    """Title of the story the segment belongs to (used for chapters)."""
