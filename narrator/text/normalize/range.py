"""Ranges: `3-4 күн` → үш-төрт күн; `10–12%` → он – он екі пайыз; before аралығында
the ends are joined by мен/бен/пен (он мен он сегіз аралығында)."""

from __future__ import annotations

from narrator.text.normalize.cardinal import say_amount
from narrator.text.normalize.endings import instrumental_particle
from narrator.text.normalize.semiotic import Amount, Tagged


def join_ends(ends: list[str], amount: Amount) -> str:
    """Join the spoken ends of a range."""
    if amount.join_with_particle:
        first = ends[0]
        last_word = first.rsplit(" ", 1)[-1]
        return f"{first} {instrumental_particle(last_word)} {ends[1]}"
    return amount.joiner.join(ends)


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """A range of numbers, with any words written after it."""
    assert tagged.amount is not None
    words = say_amount(tagged.amount, formal=formal)
    return f"{words} {tagged.words}" if tagged.words else words
