"""Common fractions: `2/3` → үштен екі, `1/4-і` → төрттен бірі, `½` → жарты."""

from __future__ import annotations

from narrator.text.normalize import numbers
from narrator.text.normalize.semiotic import Tagged

# Vulgar-fraction characters: numerator and denominator; ½ has its own word.
FRACTION_CHARACTERS = {"¼": ("1", "4"), "¾": ("3", "4"), "⅓": ("1", "3"), "⅔": ("2", "3")}
HALF = "жарты"
AND_A_HALF = "жарым"


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """A fraction: ``values`` is (numerator, denominator), or (whole, "½") for 1½."""
    first, second = tagged.values
    if second == "½":
        return f"{numbers.cardinal(first, formal=formal)} {AND_A_HALF}" if first else HALF
    return numbers.fraction(first, second, formal=formal)
