"""Cutting text into sentences, and sentences into engine-sized chunks.

Kazakh-aware: no sentence ends after a dotted abbreviation (``т.б.``, ``ж.``,
``проф.``), after an initial (``Қ.-Ж. Тоқаев``), inside a number (``3,5``,
``24.11.2026``) or inside quoted speech (``«... дайындалды. Қыркүйек ...»``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

from narrator.text.document import Document, Mark, Segment, SegmentKind, read_marks

# Closing quote -> the opening quote it closes. "“" closes "„" but opens English quotes.
_QUOTE_PAIRS = {"»": "«", "“": "„", "”": "“"}
_OPENING_QUOTES = "«„“"
_TERMINATORS = ".!?…"
_CLOSERS = "»”\"')]"
# A sentence may start with a capital letter, a digit, an opening quote or a dash.
_SENTENCE_START = re.compile(r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9«„“\"'(\-–—№$€₸]")
# After a closing quote a dash introduces the attribution ("», - деді"), not a new sentence.
_START_AFTER_QUOTE = re.compile(r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9«„“]")
_INITIAL = re.compile(r"(?:^|[\s(«\"-])(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]\.-?)+$")


@cache
def nonbreaking_prefixes() -> frozenset[str]:
    """Dotted abbreviations that never end a sentence (data files, extendable)."""
    words: set[str] = set()
    text_pkg = resources.files("narrator.text")
    for line in (text_pkg / "data" / "nonbreaking_prefixes.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.add(line.strip())
    abbreviations = text_pkg / "normalize" / "data" / "abbreviations.tsv"
    if abbreviations.is_file():
        for line in abbreviations.read_text("utf-8").splitlines():
            written = line.split("\t", 1)[0].strip()
            if written.endswith(".") and not line.startswith("#"):
                words.add(written)
    return frozenset(words)


def _ends_with_abbreviation(text: str) -> bool:
    """Whether ``text`` (up to and including a dot) ends with an abbreviation or initial."""
    word = text.rsplit(None, 1)[-1] if text.strip() else ""
    word = word.lstrip("«„“\"'(")
    prefixes = nonbreaking_prefixes()
    if word in prefixes or word.lower() in prefixes:
        return True
    # "ҚР-ның т.б." style tails are caught above; single capital letters are initials.
    return bool(_INITIAL.search(text))


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences."""
    text = " ".join(paragraph.split())
    sentences: list[str] = []
    start = 0
    open_quotes: list[str] = []  # no sentence ends inside quoted speech
    straight_quote_open = False
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _QUOTE_PAIRS and open_quotes and open_quotes[-1] == _QUOTE_PAIRS[ch]:
            open_quotes.pop()
            # «... дайын.» Келесі: a quote that ends a sentence ends it outside too.
            if (
                not open_quotes
                and text[i - 1] in _TERMINATORS
                and text[i + 1 : i + 2] == " "
                and _START_AFTER_QUOTE.match(text, i + 2)
            ):
                sentences.append(text[start : i + 1].strip())
                start = i + 2
        elif ch in _OPENING_QUOTES:
            open_quotes.append(ch)
        elif ch == '"':
            straight_quote_open = not straight_quote_open
        elif ch in _TERMINATORS and not open_quotes and not straight_quote_open:
            end = i + 1
            while end < n and text[end] in _TERMINATORS:
                end += 1
            while end < n and text[end] in _CLOSERS:
                end += 1
            if end >= n:
                break
            if text[end] == " " and _SENTENCE_START.match(text, end + 1):
                candidate = text[start:end]
                if not (ch == "." and end == i + 1 and _ends_with_abbreviation(candidate)):
                    sentences.append(candidate.strip())
                    start = end + 1
            i = end
            continue
        i += 1
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


# Where a long sentence may be cut, best first: sentence ends inside quotes, then
# semicolons and colons, then commas and dashes. Never inside a word.
_CLAUSE_BREAKS = (
    re.compile(r"(?<=[.!?…])[»”\"]?\s+"),
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"(?<=,)\s+|\s+(?=[–—-]\s)"),
)


def split_for_engine(sentence: str, max_chars: int) -> list[str]:
    """Cut ``sentence`` into chunks of at most ``max_chars`` at clause boundaries.

    A clause longer than ``max_chars`` with no boundary is cut between words; a single
    word longer than ``max_chars`` stays whole.
    """
    sentence = sentence.strip()
    if len(sentence) <= max_chars:
        return [sentence] if sentence else []
    return list(_split(sentence, max_chars, 0))


def _split(text: str, max_chars: int, level: int) -> Iterator[str]:
    if len(text) <= max_chars:
        yield text
        return
    if level < len(_CLAUSE_BREAKS):
        pieces = [p for p in _pieces(text, _CLAUSE_BREAKS[level]) if p]
    else:
        pieces = text.split()
    if len(pieces) == 1:
        if level < len(_CLAUSE_BREAKS):
            yield from _split(text, max_chars, level + 1)
        else:
            yield text
        return
    joiner = " "
    current = ""
    for piece in pieces:
        candidate = f"{current}{joiner}{piece}" if current else piece
        if len(candidate) <= max_chars:
            current = candidate
            continue
        if current:
            yield current
        if len(piece) > max_chars:
            yield from _split(piece, max_chars, level + 1)
            current = ""
        else:
            current = piece
    if current:
        yield current


def _pieces(text: str, pattern: re.Pattern[str]) -> list[str]:
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(text[last : match.start()] + match.group(0).strip())
        last = match.end()
    pieces.append(text[last:])
    return [p.strip() for p in pieces]


def segment_document(document: Document) -> list[Segment]:
    """The document's title, then each story's title and sentences, in reading order.

    Marks in the paragraphs (see :func:`~narrator.text.document.read_marks`) become the
    segments' ``pause_before``, ``rate`` and ``phonemes``. A pause or a change of rate
    cuts the text there, even inside a sentence; a change of rate inside a sentence is
    joined with the clause pause (``x-weak``).
    """
    segments: list[Segment] = []
    if document.title:
        segments.append(Segment(document.title, SegmentKind.TITLE, story=-1, paragraph=0))
    cutter = _Cutter(segments)
    for story_index, story in enumerate(document.stories):
        if story.title:
            segments.append(
                Segment(
                    story.title,
                    SegmentKind.TITLE,
                    story_index,
                    -1,
                    story_title=story.title,
                    pause_before=cutter.take_pauses(),
                )
            )
        for paragraph_index, paragraph in enumerate(story.paragraphs):
            cutter.paragraph(paragraph, story_index, paragraph_index, story.title)
    return segments


class _Cutter:
    """Cuts paragraphs into sentence segments, carrying pauses and the rate across them."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self.pauses: list[str] = []  # asked for, not yet placed before a segment
        self.rate = 1.0
        self.joined = False  # the next piece continues a sentence cut by a rate change

    def take_pauses(self) -> tuple[str, ...]:
        """The pauses asked for and not placed yet (for a title that comes next)."""
        pauses, self.pauses = tuple(self.pauses), []
        return pauses

    def paragraph(self, paragraph: str, story: int, index: int, title: str | None) -> None:
        text, marks = read_marks(paragraph)
        phonemes = [m for m in marks if m.kind == "phonemes"]
        start = 0
        for mark in marks:
            changes_rate = mark.kind == "rate" and float(mark.value) != self.rate
            if mark.kind == "break" or changes_rate:
                self.piece(text, start, mark.offset, phonemes, (story, index, title))
                start = mark.offset
            if mark.kind == "break":
                self.pauses.append(mark.value)
            elif changes_rate:
                before = text[: mark.offset].rstrip().rstrip(_CLOSERS)
                self.joined = bool(before) and not before.endswith(tuple(_TERMINATORS))
                self.rate = float(mark.value)
        self.piece(text, start, len(text), phonemes, (story, index, title))
        self.joined = False

    def piece(
        self,
        text: str,
        start: int,
        end: int,
        phonemes: list[Mark],
        place: tuple[int, int, str | None],
    ) -> None:
        story, paragraph, title = place
        cursor = start
        for sentence in split_sentences(text[start:end]):
            offset = text.find(sentence, cursor)
            cursor = offset + len(sentence)
            spans = tuple(
                (m.offset - offset, m.end - offset, m.value)
                for m in phonemes
                if offset <= m.offset and m.end <= cursor and m.end > m.offset
            )
            # A sentence cut by a change of rate is joined with the clause pause.
            joined = ("x-weak",) if self.joined else ()
            pauses = tuple(self.pauses) or joined
            self.pauses, self.joined = [], False
            self.segments.append(
                Segment(
                    sentence,
                    SegmentKind.SENTENCE,
                    story,
                    paragraph,
                    story_title=title,
                    pause_before=pauses,
                    rate=self.rate,
                    phonemes=spans,
                )
            )
