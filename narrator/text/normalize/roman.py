"""Roman numerals, read as ordinals (`XXI ғасыр`, `Петр I`), typed in Latin letters or
with Cyrillic Х and І."""

from __future__ import annotations

import re

from narrator.text.normalize import numbers
from narrator.text.normalize.cardinal import join_ends
from narrator.text.normalize.semiotic import Tagged

CYRILLIC_TO_LATIN = str.maketrans({"Х": "X", "І": "I", "х": "x", "і": "i"})
VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
VALID_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def roman_value(token: str) -> int | None:
    """The value of a Roman numeral (Cyrillic Х and І allowed), or None if invalid."""
    latin = token.translate(CYRILLIC_TO_LATIN).upper()
    if not latin or VALID_ROMAN.fullmatch(latin) is None:
        return None
    total = 0
    for index, ch in enumerate(latin):
        value = VALUES[ch]
        following = VALUES[latin[index + 1]] if index + 1 < len(latin) else 0
        total += -value if value < following else value
    return total


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """One Roman numeral or a range of them (``values``), as ordinals."""
    ends = [numbers.ordinal(value, formal=formal) for value in tagged.values]
    words = join_ends(ends, tagged.amount) if tagged.amount is not None else "-".join(ends)
    return f"{words} {tagged.words}" if tagged.words else words
