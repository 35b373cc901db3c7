"""Measures: a number and a unit (`5 км-ге` → бес километрге, `+25°C` → плюс жиырма бес
градус); the ending goes on the unit word."""

from __future__ import annotations

from narrator.text.normalize.cardinal import say_amount
from narrator.text.normalize.semiotic import Tagged


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """A measure: amount, scale word, unit word."""
    assert tagged.amount is not None
    unit = tagged.words
    if tagged.ending and tagged.base_possessive and unit.endswith(("на", "не")):
        unit = unit[:-2]  # сағатына + -дан → сағатынан
    return f"{say_amount(tagged.amount, formal=formal)} {unit}"
