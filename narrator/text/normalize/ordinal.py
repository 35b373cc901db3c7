"""Ordinal numbers: `3-ші`, `7-інші`, `1-сынып`, `№ 7`, `19 ғасыр`."""

from __future__ import annotations

from narrator.text.normalize.cardinal import say_amount
from narrator.text.normalize.semiotic import Tagged


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """An ordinal number (every end of a range is ordinal)."""
    assert tagged.amount is not None
    words = say_amount(tagged.amount, formal=formal)
    return f"{words} {tagged.words}" if tagged.words else words
