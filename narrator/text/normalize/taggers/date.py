"""Numeric dates (dd.mm.yyyy, yyyy-mm-dd) and the year word the sentence needs."""

from __future__ import annotations

import re

from narrator.text.normalize.endings import inflect, parse_ending
from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.taggers.common import ENDING_RE
from narrator.text.normalize.taggers.context import next_word
from narrator.text.normalize.taggers.year import (
    FROM_YEAR_AFTER,
    TO_YEAR_AFTER,
    YEAR_ABBREVIATION_RE,
    year_rest,
    year_word_for,
)

DATE_RE = re.compile(r"([0-9]{1,2})([./])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})(?![0-9])")

ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])")


def tag_numeric_date(text: str, start: int, end: int, day: str, month: str, year: str) -> Tagged:
    """A date in digits: day, month name, year and the year word the text needs."""
    tagged = Tagged(start, end, "date", values=(day, month, year))
    abbreviation = YEAR_ABBREVIATION_RE.match(text, end)
    if abbreviation is not None and abbreviation.group(1).startswith("ж"):
        tagged.words = year_word_for(text, abbreviation.end(), plural=False)
        tagged.end = abbreviation.end()
        return tagged
    m = ENDING_RE.match(text, end)
    if m is not None and m.group(1) is not None and parse_ending(m.group(2)) is not None:
        tagged.words = inflect("жыл", parse_ending(m.group(2)))
        tagged.end = m.end()
        return tagged
    word, _, _ = next_word(text, end)
    if year_rest(word) is None:
        if word in FROM_YEAR_AFTER:
            tagged.words = "жылдан"
        elif word in TO_YEAR_AFTER:
            tagged.words = "жылға"
        else:
            tagged.words = "жылы"
    return tagged


def match_numeric_date(text: str, start: int) -> Tagged | None:
    """A date written dd.mm.yyyy, dd/mm/yy or yyyy-mm-dd at ``start``."""
    date = DATE_RE.match(text, start)
    if date is not None and 1 <= int(date.group(1)) <= 31 and 1 <= int(date.group(3)) <= 12:
        year = date.group(4)
        if len(year) == 2:  # 24.11.26
            year = ("20" if int(year) <= 50 else "19") + year
        return tag_numeric_date(text, start, date.end(), date.group(1), date.group(3), year)
    iso = ISO_DATE_RE.match(text, start)
    if iso is not None and 1 <= int(iso.group(2)) <= 12 and 1 <= int(iso.group(3)) <= 31:
        return tag_numeric_date(text, start, iso.end(), iso.group(3), iso.group(2), iso.group(1))
    return None
