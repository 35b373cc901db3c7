"""Cardinal numbers (with sign and scale word): `5`, `-7`, `1 250 000`, `12 млн`; and the
amount reader that every numeric class shares."""

from __future__ import annotations

from narrator.text.normalize import numbers
from narrator.text.normalize.endings import instrumental_particle
from narrator.text.normalize.semiotic import Amount, Number, Tagged


def say_number(number: Number, *, ordinal: bool, formal: bool) -> str:
    """One number in words: cardinal or ordinal, decimal if it has a fraction part."""
    if number.fraction is not None:
        words = numbers.decimal(number.digits, number.fraction, formal=formal)
    elif ordinal:
        words = numbers.ordinal(number.digits, formal=formal)
    else:
        words = numbers.cardinal(number.digits, formal=formal)
    return f"{number.sign} {words}" if number.sign else words


def join_ends(ends: list[str], amount: Amount) -> str:
    """Join the spoken ends of a range: with its written joiner, or before аралығында
    with мен/бен/пен fitted to the first end (он мен он сегіз, бес пен он)."""
    if amount.join_with_particle:
        first = ends[0]
        return f"{first} {instrumental_particle(first.rsplit(' ', 1)[-1])} {ends[1]}"
    return amount.joiner.join(ends)


def say_amount(amount: Amount, *, formal: bool) -> str:
    """An amount in words: one number or a range, then its scale word."""
    ends = [say_number(n, ordinal=amount.ordinal, formal=formal) for n in amount.numbers]
    words = join_ends(ends, amount) if len(ends) > 1 else ends[0]
    return f"{words} {amount.scale}" if amount.scale else words


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """A cardinal number, with any words written after it."""
    assert tagged.amount is not None
    words = say_amount(tagged.amount, formal=formal)
    return f"{words} {tagged.words}" if tagged.words else words
