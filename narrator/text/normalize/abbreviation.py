"""Abbreviations expanded in speech (ҚР → Қазақстан Республикасы, т.б. → тағы басқа)
and the words of the user lexicon."""

from __future__ import annotations

import re
from collections.abc import Callable

from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.tables import Entry

# Lowercase words between a body and the office it holds: БҰҰ бас хатшысы, ІІМ баспасөз
# қызметі, ДДСҰ вице-президенті.
HEAD_MODIFIERS = frozenset({"бас", "баспасөз", "вице", "атқарушы", "ресми"})
_NEXT_TWO_WORDS_RE = re.compile(
    r"[ \u00a0]+([^\W\d_]+(?:-[^\W\d_]+)*)(?:[ \u00a0]+([^\W\d_]+(?:-[^\W\d_]+)*))?"
)
# A possessed noun that is itself in the genitive starts a chain whose first member stays
# bare: ҚР Президентінің Жарлығы → Қазақстан Республикасы Президентінің Жарлығы.
_GENITIVE_RE = re.compile(r"(?:н|д|т)[ыі]ң$")


def genitive_before_title(
    entry: Entry, text: str, end: int, possesses_next: Callable[[str, int], bool]
) -> str | None:
    """The genitive full form of an abbreviation ending at ``end`` when it stands before a
    title or office it holds (ҚР Президенті → Қазақстан Республикасының Президенті, БҰҰ
    Бас хатшысы, ІІМ баспасөз қызметі), else None.

    The office is a capitalised possessed noun, or a possessed noun after one of
    :data:`HEAD_MODIFIERS`; ``possesses_next`` is the tagger's test for a possessed noun
    after ``end``. The first member of a genitive chain keeps the bare form; a lowercase
    possessed noun is the tagger's (ҚР азаматы → Қазақстан Республикасының азаматы).
    """
    if not entry.genitive:
        return None
    m = _NEXT_TWO_WORDS_RE.match(text, end)
    if m is None:
        return None
    first, second = m.group(1), m.group(2) or ""
    modified = first.lower() in HEAD_MODIFIERS
    prefixed = first.split("-", 1)[0].lower() in HEAD_MODIFIERS  # вице-министрі
    if not (first[:1].isupper() or modified or prefixed):
        return None
    head = second if modified else first
    if not head or _GENITIVE_RE.search(head.lower()):
        return None
    if not modified and _part_of_a_name(text, m.end(1), possesses_next):
        return None
    # the head alone is tested; in Премьер-Министрі its last part is the possessed noun
    return entry.genitive if possesses_next(" " + head.rsplit("-", 1)[-1], 0) else None


def _part_of_a_name(text: str, end: int, possesses_next: Callable[[str, int], bool]) -> bool:
    """Whether the capitalised possessed noun ending at ``end`` is followed by another
    one: the parts of one name (ҚР Парламенті Мәжілісі → Қазақстан Республикасы
    Парламенті Мәжілісі), not a title before a person's name."""
    m = _NEXT_TWO_WORDS_RE.match(text, end)
    return m is not None and m.group(1)[:1].isupper() and possesses_next(text, end)


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """The expansion, as the tagger found it (possessive or genitive already applied)."""
    del formal
    return tagged.words
