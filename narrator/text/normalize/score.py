"""Sports scores: `3:2` → үш-екі."""

from __future__ import annotations

from narrator.text.normalize import numbers
from narrator.text.normalize.semiotic import Tagged


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """A score: both numbers joined by a hyphen."""
    return "-".join(numbers.cardinal(value, formal=formal) for value in tagged.values)
