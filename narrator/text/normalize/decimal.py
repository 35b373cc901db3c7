"""Decimal numbers, named by their fraction: `3,5` → үш бүтін оннан бес."""

from __future__ import annotations

from narrator.text.normalize.cardinal import say_amount
from narrator.text.normalize.semiotic import Tagged


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """A decimal number with any scale word (1,5 млн → бір бүтін оннан бес миллион)."""
    assert tagged.amount is not None
    words = say_amount(tagged.amount, formal=formal)
    return f"{words} {tagged.words}" if tagged.words else words
