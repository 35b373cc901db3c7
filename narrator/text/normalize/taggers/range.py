"""Ranges of numbers (3-4, 10–12, -3...-8) and the мен/бен/пен join before аралығында."""

from __future__ import annotations

import re

from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.taggers.common import CURRENCY_SIGNS, HYPHENS
from narrator.text.normalize.taggers.context import next_word

# Weather ranges are also written with an ellipsis: -3...-8 градус.
RANGE_DASH_RE = re.compile(rf"(\s?[–—]\s?|[{HYPHENS}]|\.\.\.|…)(?=[-–−+]?[{CURRENCY_SIGNS}]?[0-9])")
_RANGE_DASH_FIRST = frozenset(f"–—{HYPHENS}.…")
_DASHES = frozenset("–—")


def may_start_range(text: str, pos: int) -> bool:
    """Whether a range dash may start at ``pos``: its first characters, checked before
    ``RANGE_DASH_RE`` is tried, which most numbers do not need."""
    first = text[pos : pos + 1]
    return first in _RANGE_DASH_FIRST or (first.isspace() and text[pos + 1 : pos + 2] in _DASHES)


def join_before_interval(text: str, tagged: Tagged) -> None:
    """Before аралығында a range is said with мен/бен/пен between its ends: right before
    it (10-20 аралығында, 10:00–18:00 аралығында), or with its unit, currency or one
    counted noun between (480-520 теңге аралығында, 3-6 жас аралығындағы), a month
    (12-15 қараша аралығында) or a form of жыл or ғасыр (2020-2025 жылдар аралығында)."""
    amount = tagged.amount
    if amount is None or (len(amount.numbers) != 2 and tagged.cls != "time"):
        return
    if tagged.cls == "time" and len(tagged.values) != 4:
        return
    if tagged.words and not (amount.ordinal or tagged.cls in _COUNTED):
        return
    if comes_before_interval(text, tagged.end, noun_between=not tagged.words):
        tagged.amount = amount._replace(join_with_particle=True)


def comes_before_interval(text: str, end: int, *, noun_between: bool) -> bool:
    """Whether аралығ- (аралығында, аралығындағы) follows ``end``, or follows the next
    word when ``noun_between`` (3-6 жас аралығындағы, XIII-XIV ғасырлар аралығында)."""
    if "аралығ" not in text[end : end + 40]:
        return False  # the common case: no interval word near, decided without a regex
    word, _, word_end = next_word(text, end)
    if not word.startswith("аралығ") and noun_between:
        word, _, _ = next_word(text, word_end)
    return word.startswith("аралығ")


# Classes whose words (unit, currency, пайыз) come after the whole range.
_COUNTED = frozenset({"money", "measure", "percent"})
