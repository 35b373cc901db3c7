"""Common fractions: 2/3; two years written with a slash (2025/2026 оқу жылы); 24/7 and
50/50, said like sizes."""

from __future__ import annotations

import re

from narrator.text.normalize.semiotic import Amount, Number, Tagged
from narrator.text.normalize.taggers.common import with_ending

FRACTION_RE = re.compile(r"([0-9]+)/([0-9]+)(?![0-9/])")


def match_fraction(text: str, start: int) -> Tagged | None:
    """A fraction at ``start``; two years joined by a slash are a year range."""
    fraction = FRACTION_RE.match(text, start)
    if fraction is None:
        return None
    numerator, denominator = fraction.group(1), fraction.group(2)
    if len(numerator) == len(denominator) == 4 and all(
        1000 <= int(v) <= 2199 for v in (numerator, denominator)
    ):  # 2025/2026 оқу жылы
        amount = Amount((Number(numerator), Number(denominator)), "-", ordinal=True)
        return with_ending(text, Tagged(start, fraction.end(), "year", amount))
    if (numerator, denominator) == ("24", "7") or (numerator == denominator != "1"):
        # 24/7 (round the clock) and 50/50 (even chances) are said like sizes:
        # жиырма төртке жеті, елуге елу
        amount = Amount((Number(numerator), Number(denominator)))
        return with_ending(text, Tagged(start, fraction.end(), "dimension", amount))
    if len(denominator) <= 6 and int(denominator or "0") != 0:
        tagged = Tagged(start, fraction.end(), "fraction", values=(numerator, denominator))
        return with_ending(text, tagged)
    return None
