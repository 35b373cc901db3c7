"""Ranges: `3-4 күн` → үш-төрт күн; `10–12%` → он – он екі пайыз; before аралығында
the ends are joined by мен/бен/пен (он мен он сегіз аралығында)."""

from __future__ import annotations

from narrator.text.normalize.cardinal import say_amount
from narrator.text.normalize.semiotic import Tagged


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """A range of numbers (cardinal, or ordinal for years and days), with any words
    written after it."""
    assert tagged.amount is not None
    words = say_amount(tagged.amount, formal=formal)
    return f"{words} {tagged.words}" if tagged.words else words
