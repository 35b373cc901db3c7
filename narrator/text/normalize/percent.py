"""Percentages: `12%-ға` → он екі пайызға; the ending goes on пайыз."""

from __future__ import annotations

from narrator.text.normalize.cardinal import say_amount
from narrator.text.normalize.semiotic import Tagged

PERCENT_WORD = "пайыз"


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """A percentage (or a range of them): the amount, then пайыз."""
    assert tagged.amount is not None
    return f"{say_amount(tagged.amount, formal=formal)} {PERCENT_WORD}"
