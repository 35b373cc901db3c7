"""Roman numerals (XXI ғасыр, Петр I, ІІ дәрежелі), also typed with Cyrillic Х and І."""

from __future__ import annotations

import re

from narrator.text.normalize.endings import parse_ending
from narrator.text.normalize.numbers import ONES, SCALES, TENS
from narrator.text.normalize.roman import roman_value
from narrator.text.normalize.semiotic import Amount, Number, Tagged
from narrator.text.normalize.tables import regnal_names
from narrator.text.normalize.taggers.common import (
    CYRILLIC,
    ENDING_RE,
    HYPHENS,
    LOWER,
    UPPER,
    is_dotted_abbreviation,
)
from narrator.text.normalize.taggers.context import keeps_full_stop, next_word
from narrator.text.normalize.taggers.ordinal import goes_on_in_latin
from narrator.text.normalize.taggers.range import comes_before_interval
from narrator.text.normalize.taggers.time import TIME_RANGE_DASH_RE
from narrator.text.normalize.taggers.year import (
    YEAR_ABBREVIATION_RE,
    century_word_for,
    is_century_word,
)

# Words a Roman numeral is read before (as an ordinal): I тоқсан, ІІ дәрежелі, XII съезд.
ROMAN_BEFORE = (
    "съез", "сессия", "дәреже", "том", "тарау", "бөлім", "халықаралық", "тоқсан", "жартыжыл",
    "орын", "топ", "кезең", "сынып", "курс", "санат", "лига", "дивизион", "шақырылым",
    "конгресс", "форум", "фестиваль", "дүниежүзілік", "мыңжылдық", "жиын", "пленум",
    "құрылтай", "спартакиада", "олимпиада", "азия", "бүкіл", "республикалық", "айлық",
    "отырыс",
)  # fmt: skip

# Number words: a capitalised one before a lone I is a sentence start, not a name.
NUMBER_WORDS = frozenset((*ONES, *TENS[1:], "жүз", *(name for _, name in SCALES)))

_ROMAN_RE = re.compile(r"[IVXLCDMІХ]+")
_LETTERS_RE = re.compile(rf"[{CYRILLIC}]+")


def is_roman_context(text: str, start: int, end: int, token: str) -> bool:
    """Whether a token of Roman digits is a numeral here (XXI ғасыр, ІІ дәрежелі, Петр I)."""
    second = _range_second(text, end)
    if second is not None and not _LETTERS_RE.match(text, second[1].end()):
        end = second[1].end()  # V-IV ғасырлар: the words after the range
    word, _, _ = next_word(text, end)
    if is_century_word(word) or YEAR_ABBREVIATION_RE.match(text, end):
        return True
    letters = _LETTERS_RE.match(word)
    # bare тоқсан is the number 90, whatever is stuck to it (тоқсанב from 90ב)
    if word.startswith(ROMAN_BEFORE) and (letters and letters.group(0)) != "тоқсан":
        return True
    latin = token.translate(str.maketrans("ХІ", "XI"))
    if set(latin) <= set("IVX") and len(token) > 1:
        return True
    if len(token) == 1 and latin not in "IVX":
        return False  # a lone C, D, L or M is a letter (C++), never a regnal number
    before = text[max(0, start - 30) : start]
    name = re.search(rf"([{UPPER}A-Z][{LOWER}a-z]+)[ \u00a0]+\Z", before)
    if name is None or name.group(1).lower() in NUMBER_WORDS:
        return False  # Петр I, but not a number said at the start of a sentence
    if not token.isascii() and name.group(1) not in regnal_names():
        return False  # a lone Cyrillic І or Х elsewhere may be an initial or a letter
    after = text[end : end + 3]
    return not re.match(rf"\.[ \u00a0]*[{UPPER}A-Z]", after)


def _range_second(text: str, end: int) -> tuple[re.Match[str], re.Match[str]] | None:
    """The dash and the second Roman numeral of a range when they follow ``end``."""
    dash = TIME_RANGE_DASH_RE.match(text, end)
    if dash is None:
        return None
    second = _ROMAN_RE.match(text, dash.end())
    if second is None or roman_value(second.group(0)) is None:
        return None
    return dash, second


def tag_roman(text: str, m: re.Match[str]) -> Tagged | None:
    """A Roman numeral (or a range of them) with ғ. or a written ending; None if the
    token is not a numeral here."""
    token = m.group(0)
    value = roman_value(token)
    if value is not None and is_roman_context(text, m.start(), m.end(), token):
        values = [str(value)]
        end = m.end()
        joiner = "-"
        second = _range_second(text, end)
        if second is not None:
            dash, numeral = second
            values.append(str(roman_value(numeral.group(0))))
            joiner = "-" if dash.group(0) in HYPHENS else " – "
            end = numeral.end()
        amount = Amount((Number("0"),), joiner)
        if len(values) == 2 and comes_before_interval(text, end, noun_between=True):
            amount = amount._replace(join_with_particle=True)
        tagged = Tagged(m.start(), end, "roman", amount, values=tuple(values))
        abbreviation = YEAR_ABBREVIATION_RE.match(text, end)
        if abbreviation is not None and abbreviation.group(1).startswith("ғ"):
            tagged.words = century_word_for(
                text, abbreviation.end(), plural=abbreviation.group(1) == "ғғ." or len(values) > 1
            )
            tagged.end = abbreviation.end()
            if keeps_full_stop(text, tagged.end) and text[tagged.end : tagged.end + 1] in (
                "",
                "\n",
            ):
                tagged.tail = "."
            return tagged
        m_end = ENDING_RE.match(text, tagged.end)
        if m_end is not None and m_end.group(1) is not None:
            ending = parse_ending(m_end.group(2))
            if ending is not None:
                tagged.ending = ending.without("ord")
                tagged.end = m_end.end()
            elif (
                m_end.group(1) in HYPHENS
                and not is_dotted_abbreviation(text, m_end)
                and not goes_on_in_latin(text, m_end.end())
            ):
                tagged.tail = f" {m_end.group(2)}"
                tagged.end = m_end.end()
        return tagged
    return None
