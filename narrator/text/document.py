"""What narrator reads: a document of stories, and the segments it is cut into.

Data flows one way: a :class:`Document` (as read from a file) is cut into
:class:`Segment` objects (one sentence each, in reading order), which the pipeline
normalises and synthesises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

# Marks: what a reader puts into a paragraph's text for what is not text (an exact
# pause, a speaking rate, phonemes): U+E000, a kind letter, a payload shifted into
# plane-15 private use, U+E001 (and U+E002 after the written words of phonemes). With no
# whitespace of their own they survive the readers' whitespace handling; they are taken
# out (read_marks, plain_text, split_phonemes) before any other text processing, and
# input never contains their characters (without_mark_characters).
_OPEN = "\ue000"
_CLOSE = "\ue001"
_PHONEME_END = "\ue002"
_SHIFT = 0xF0000
_MARK = re.compile("\ue000([bpr])([\U000f0000-\U000ffffd]*)\ue001")
_PHONEME = re.compile("\ue000p([\U000f0000-\U000ffffd]*)\ue001([^\ue000-\ue002]*)\ue002")
_MARK_CHARACTERS = re.compile("[\ue000-\ue002]")
_ANY_MARK = re.compile(f"{_MARK.pattern}|{_PHONEME_END}")
_SPACED_MARKS = re.compile(f" (?:{_MARK.pattern})+(?= )")
BREAK_STRENGTHS = ("x-weak", "weak", "medium", "strong", "x-strong")
"""``<break strength>`` values that give a pause (``none`` gives none)."""


def _shift(payload: str) -> str:
    if any(ord(ch) >= 0xFFFE for ch in payload):
        raise ValueError(f"{payload!r} has characters outside the Basic Multilingual Plane")
    return "".join(chr(_SHIFT + ord(ch)) for ch in payload)


def _unshift(payload: str) -> str:
    return "".join(chr(ord(ch) - _SHIFT) for ch in payload)


def break_mark(pause: int | str) -> str:
    """A pause before what follows: milliseconds, or one of :data:`BREAK_STRENGTHS`."""
    return f"{_OPEN}b{_shift(str(pause))}{_CLOSE}"


def rate_mark(factor: float) -> str:
    """The speaking rate (a multiple of the station's) from here on."""
    return f"{_OPEN}r{_shift(f'{factor:g}')}{_CLOSE}"


def phoneme_mark(phonemes: str, written: str) -> str:
    """``written`` (as the transcript shows it), said as espeak-ng phoneme mnemonics."""
    written = " ".join(written.split())
    return f"{_OPEN}p{_shift(' '.join(phonemes.split()))}{_CLOSE}{written}{_PHONEME_END}"


def without_mark_characters(text: str) -> str:
    """``text`` (as read from input) without the characters marks are made of, so that
    no input can pass for a mark."""
    return _MARK_CHARACTERS.sub("", text)


def plain_text(text: str) -> str:
    """``text`` without its marks (the written words of phonemes are kept; a mark
    between two spaces goes with one of them)."""
    return _ANY_MARK.sub("", _SPACED_MARKS.sub("", text))


def split_phonemes(text: str) -> list[tuple[str, str | None]]:
    """``text`` as pieces: ``(written, None)`` for plain text and ``(written, phonemes)``
    for what a phoneme mark covers (other marks are dropped)."""
    pieces: list[tuple[str, str | None]] = []
    last = 0
    for match in _PHONEME.finditer(text):
        pieces.append((plain_text(text[last : match.start()]), None))
        pieces.append((match.group(2), _unshift(match.group(1))))
        last = match.end()
    pieces.append((plain_text(text[last:]), None))
    return [(written, phonemes) for written, phonemes in pieces if written or phonemes]


@dataclass(frozen=True)
class Mark:
    """A mark found in a paragraph, at ``offset`` in its plain text."""

    offset: int
    kind: str
    """``break``, ``rate`` or ``phonemes``."""
    value: str
    """Milliseconds or a strength; a rate factor; phoneme mnemonics."""
    end: int = 0
    """Where the written words of phonemes end."""


def read_marks(paragraph: str) -> tuple[str, list[Mark]]:
    """A paragraph's plain text, its whitespace collapsed as sentence splitting has it,
    and its marks in order, with their offsets in that text."""
    text = ""
    marks: list[Mark] = []
    open_phonemes: tuple[int, str] | None = None
    pieces: list[str | re.Match[str]] = []
    last = 0
    for match in _ANY_MARK.finditer(paragraph):
        pieces += [paragraph[last : match.start()], match]
        last = match.end()
    pieces.append(paragraph[last:])
    for piece in pieces:
        if isinstance(piece, str):
            collapsed = " ".join(piece.split())
            if piece[:1].isspace() and text and not text.endswith(" "):
                collapsed = " " + collapsed
            if piece[-1:].isspace() and collapsed.strip():
                collapsed += " "
            text += collapsed
        elif piece.group(0) == _PHONEME_END:
            if open_phonemes is not None:
                start, phonemes = open_phonemes
                marks.append(Mark(start, "phonemes", phonemes, len(text.rstrip(" "))))
                open_phonemes = None
        elif piece.group(1) == "p":
            open_phonemes = (len(text), _unshift(piece.group(2)))
        elif _valid(kind := "break" if piece.group(1) == "b" else "rate", _unshift(piece.group(2))):
            marks.append(Mark(len(text), kind, _unshift(piece.group(2))))
    text = text.rstrip(" ")
    return text, [_clamped(mark, len(text)) for mark in marks]


def _valid(kind: str, value: str) -> bool:
    """Whether a mark's value is one a reader writes (anything else is dropped)."""
    if kind == "break":
        return value in BREAK_STRENGTHS or (value.isascii() and value.isdigit())
    try:
        return 0 < float(value) <= 10
    except ValueError:
        return False


def _clamped(mark: Mark, length: int) -> Mark:
    return Mark(min(mark.offset, length), mark.kind, mark.value, max(0, min(mark.end, length)))


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
    """Front matter such as ``date``, ``edition``, ``station``."""
    collection: bool = False
    """Read from a folder, a feed or a list of articles: a bulletin, whatever its length."""

    @property
    def is_empty(self) -> bool:
        return not any(plain_text(p).strip() for s in self.stories for p in s.paragraphs)


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
    pause_before: tuple[str, ...] = ()
    """Pauses the text asks for before this segment (SSML ``<break>``), each in
    milliseconds or one of :data:`BREAK_STRENGTHS`: together they replace the pause the
    segment's place would get."""
    rate: float = 1.0
    """Speaking rate, a multiple of the station's (SSML ``<prosody rate>``)."""
    phonemes: tuple[tuple[int, int, str], ...] = ()
    """``(start, end, mnemonics)``: stretches of ``text`` said as espeak-ng phonemes."""

    @property
    def reading(self) -> str:
        """``text`` with its phonemes marked: what the normaliser reads."""
        parts: list[str] = []
        last = 0
        for start, end, phonemes in self.phonemes:
            parts += [self.text[last:start], phoneme_mark(phonemes, self.text[start:end])]
            last = end
        parts.append(self.text[last:])
        return "".join(parts)
