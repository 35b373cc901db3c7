"""Money: the currency is said after the amount and its scale word
(`$15 млн` → он бес миллион доллар, `4 500 ₸` → төрт мың бес жүз теңге)."""

from __future__ import annotations

from narrator.text.normalize.cardinal import say_amount
from narrator.text.normalize.semiotic import Tagged


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """An amount of money: amount, scale word, currency word."""
    assert tagged.amount is not None
    return f"{say_amount(tagged.amount, formal=formal)} {tagged.words}"
