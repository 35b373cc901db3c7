"""Identifiers and codes (see ``taggers/identifier.py`` for what is one): digit by digit
with the written groups apart, each group a cardinal, or a version with нүкте."""

from __future__ import annotations

from narrator.text.normalize import numbers
from narrator.text.normalize.semiotic import Tagged

POINT = "нүкте"


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """``values`` are the written groups; ``words`` is the reading: digits, number or
    version."""
    if tagged.words == "version":
        return f" {POINT} ".join(numbers.cardinal(part, formal=formal) for part in tagged.values)
    if tagged.words == "number":
        return ", ".join(numbers.cardinal(group, formal=formal) for group in tagged.values)
    return ", ".join(numbers.digit_words(group) for group in tagged.values)
