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
    """Before аралығында a range is said with мен/бен/пен between its ends."""
    amount = tagged.amount
    if amount is None or (len(amount.numbers) != 2 and tagged.cls != "time") or tagged.words:
        return  # only a range written right before аралығында
    if tagged.cls == "time" and len(tagged.values) != 4:
        return
    word, _, _ = next_word(text, tagged.end)
    if word.startswith("аралығ"):
        tagged.amount = amount._replace(join_with_particle=True)
