"""What makes a number ordinal: a written ordinal ending, a hyphen before a noun
(1-сынып), or the next word (a form of жыл, a month, ғасыр, сынып with pupils).
"""

from __future__ import annotations

import re
from functools import lru_cache

from narrator.text.normalize.endings import Ending, parse_ending
from narrator.text.normalize.latin_fallback import LATIN_LETTERS
from narrator.text.normalize.semiotic import Number, Tagged
from narrator.text.normalize.taggers.cardinal import is_count_word
from narrator.text.normalize.taggers.common import (
    ENDING_FIRST,
    ENDING_RE,
    HYPHENS,
    as_ordinal,
    is_dotted_abbreviation,
)
from narrator.text.normalize.taggers.context import is_month_word, next_word, stem_and_rest
from narrator.text.normalize.taggers.year import (
    YEAR_ABBREVIATION_RE,
    century_word_for,
    is_century_word,
    year_is_ordinal,
    year_rest,
    year_word_for,
)

_LATIN_LETTER_RE = re.compile(f"[{LATIN_LETTERS}]")

# Particles written after a hyphen that are not endings: 5-ақ → бес-ақ.
PARTICLES = frozenset({"ақ", "ау", "ай", "мыс", "ғой", "ды", "ші"})

# Words written after a hyphen that are said as separate words: 20-шақты адам.
SEPARATE_WORDS = frozenset({"шақты", "шамасы", "шамасында"})

# A bare number before сынып / курс is a grade (ordinal) when pupils or students follow,
# or when сынып has an ending (1 сыныпқа, 2 курста).
GRADE_WORDS = frozenset({"сынып", "сыныб", "курс"})

GRADE_HOLDERS = ("оқушы", "студент", "түлек", "бала")

# Nothing but spaces up to the end of the line or of the text.
_LINE_END_RE = re.compile(r"[ \t\u00a0]*(?:\n|\Z)")


def goes_on_in_latin(text: str, pos: int) -> bool:
    """Whether the Cyrillic word ending at ``pos`` goes on in Latin letters (млнA): the
    Latin part is said apart, so the Cyrillic part is no word to read on its own."""
    return _LATIN_LETTER_RE.match(text, pos) is not None


def attach_ending(text: str, tagged: Tagged, *, plain_number: bool) -> None:
    """Read the written ending after a span; a hyphen and a word that is not an ending
    make a plain number ordinal (1-сынып → бірінші сынып)."""
    pos = tagged.end
    if text[pos : pos + 1] not in ENDING_FIRST:
        return  # a space, a sign or punctuation: no ending (most numbers)
    m = ENDING_RE.match(text, pos)
    if m is None or (plain_number and YEAR_ABBREVIATION_RE.match(text, pos)):
        return  # no ending, or ж. / ғ. stuck to the number (2025ж.): read with context
    separator, suffix = m.group(1), m.group(2)
    ending = parse_ending(suffix)
    if ending is not None:
        if plain_number and ending.has("ord"):
            tagged.amount = as_ordinal(tagged.amount)
            tagged.cls = "ordinal"
            ending = ending.without("ord")
        tagged.ending = ending
        tagged.end = m.end()
        return
    if separator is None:
        tagged.tail = tagged.tail or " "  # letters stuck to the number: 5G, 3D
        return
    if goes_on_in_latin(text, m.end()):
        return  # 0-млнA: only part of a word, which a second pass would see whole
    if separator in HYPHENS and suffix in PARTICLES:
        tagged.tail = f"-{suffix}"
        tagged.end = m.end()
        return
    if separator in HYPHENS and suffix in SEPARATE_WORDS:
        tagged.tail = f" {suffix}"  # 20-шақты → жиырма шақты
        tagged.end = m.end()
        return
    if separator in HYPHENS and plain_number and is_count_word(suffix, next_word(text, m.end())[0]):
        tagged.tail = f" {suffix}"  # 4-бөлмелі → төрт бөлмелі, 30-жылдығы → отыз жылдығы
        tagged.end = m.end()
        return
    if separator in HYPHENS and plain_number and not is_dotted_abbreviation(text, m):
        tagged.amount = as_ordinal(tagged.amount)
        tagged.cls = "ordinal"
        tagged.tail = f" {suffix}"
        tagged.end = m.end()


def classify_by_context(text: str, tagged: Tagged) -> None:
    """Make a plain number a year, a day of a month or a century from the next word."""
    assert tagged.amount is not None
    numbers = tagged.amount.numbers
    for number in numbers:
        if number.fraction is not None or number.sign:
            return
    near = text[tagged.end : tagged.end + 2]
    abbreviation = (
        YEAR_ABBREVIATION_RE.match(text, tagged.end) if "ж" in near or "ғ" in near else None
    )
    if abbreviation is not None:
        written = abbreviation.group(1)
        after = abbreviation.end()
        several = len(numbers) > 1  # 1990-2000 ж. are years: жылдары
        if written.startswith("ж"):
            tagged.words = year_word_for(text, after, plural=written != "ж." or several)
            tagged.cls = "year"
        else:
            tagged.words = century_word_for(text, after, plural=written == "ғғ." or several)
            tagged.cls = "ordinal"
        tagged.amount = as_ordinal(tagged.amount)
        tagged.end = after
        if _LINE_END_RE.match(text, after):
            tagged.tail = "."  # the abbreviation's full stop also ended the sentence
        return
    word, _, word_end = next_word(text, tagged.end)
    if not word:
        return
    if is_month_word(word) and all(1 <= v <= 31 for v in _values(numbers)):
        tagged.amount, tagged.cls = as_ordinal(tagged.amount), "date"
        return
    rest = year_rest(word)
    if rest is not None:
        # only жыл and жылдан... are told apart by the word after them (5 жыл бойы)
        following = next_word(text, word_end)[0] if not rest or rest.startswith("дан") else ""
        if all(year_is_ordinal(v, rest, following) for v in _values(numbers)):
            tagged.amount, tagged.cls = as_ordinal(tagged.amount), "year"
        return
    if is_century_word(word) and all(1 <= v <= 30 for v in _values(numbers)):
        tagged.amount, tagged.cls = as_ordinal(tagged.amount), "ordinal"
        return
    grade = _grade_stem(word)
    if grade is not None and all(1 <= v <= 12 for v in _values(numbers)):
        following, _, _ = next_word(text, word_end)
        rest = stem_and_rest(word, grade)
        plural = rest is not None and (parse_ending(rest) or Ending(())).has("pl")
        # 10-11 сынып оқушылары, 1-11 сыныптар: grades (a count takes a singular noun)
        if plural or rest or (rest == "" and following.startswith(GRADE_HOLDERS)):
            tagged.amount, tagged.cls = as_ordinal(tagged.amount), "ordinal"
        return
    if word == "оқу" and all(1000 <= v <= 2199 for v in _values(numbers)):
        following, _, _ = next_word(text, word_end)
        if year_rest(following) is not None:
            tagged.amount, tagged.cls = as_ordinal(tagged.amount), "year"


def _values(numbers: tuple[Number, ...]) -> list[int]:
    """The numbers' values, capped (a value beyond any year, day or grade stands for any
    longer one)."""
    return [int(n.digits) if len(n.digits) < 7 else 10**7 for n in numbers]


@lru_cache(maxsize=4096)
def _grade_stem(word: str) -> str | None:
    return next((w for w in GRADE_WORDS if word.startswith(w)), None)


_LIST_SEPARATOR_RE = re.compile(r",[ \u00a0]*|[ \u00a0]+(?:және|немесе|мен|бен|пен)[ \u00a0]+")


def share_ordinal_context(text: str, spans: list[Tagged]) -> None:
    """In a list of years or days only the last one stands before жыл or the month
    (2020, 2021 және 2022 жылдары; 5 және 6 мамырда): the others are ordinal too.

    From the last year or day back: a number that becomes one passes it on to the one
    before it."""
    for index in reversed([i for i, s in enumerate(spans) if i and s.cls in ("year", "date")]):
        while index and _share_with_previous(text, spans[index], spans[index - 1]):
            index -= 1


def _share_with_previous(text: str, current: Tagged, previous: Tagged) -> bool:
    """Make ``previous`` a year or day like ``current`` if it is one in a list with it."""
    if previous.cls != "cardinal":
        return False
    if previous.ending or previous.tail or previous.words or previous.amount is None:
        return False
    gap = text[previous.end : current.start]
    if not (_LIST_SEPARATOR_RE.fullmatch(gap) or (previous.particle and not gap.strip())):
        return False
    low, high = (1000, 2199) if current.cls == "year" else (1, 31)
    if not all(
        n.fraction is None and not n.sign and len(n.digits) <= 4 and low <= int(n.digits) <= high
        for n in previous.amount.numbers
    ):
        return False
    previous.amount, previous.cls = as_ordinal(previous.amount), current.cls
    return True
