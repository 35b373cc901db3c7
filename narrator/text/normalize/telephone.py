"""Telephone numbers, read in their written groups with leading zeros as нөл:
`+7 727 250 10 20` → плюс жеті, жеті жүз жиырма жеті, екі жүз елу, он, жиырма."""

from __future__ import annotations

from narrator.text.normalize import numbers
from narrator.text.normalize.semiotic import Tagged

PLUS = "плюс"


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """A phone number: ``values`` are its digit groups; ``words`` is плюс or empty."""
    del formal
    groups = [numbers.cardinal(group) for group in tagged.values]
    if tagged.words:
        groups[0] = f"{tagged.words} {groups[0]}"
    return ", ".join(groups)
