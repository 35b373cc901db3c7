"""Sizes: every number but the last in the dative, then the unit: `9×9 м` → тоғызға
тоғыз метр, `2×3×4 м` → екіге үшке төрт метр."""

from __future__ import annotations

from narrator.text.normalize.cardinal import say_number
from narrator.text.normalize.endings import Ending, inflect
from narrator.text.normalize.semiotic import Tagged

DATIVE = Ending(("dat",))


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """``amount`` holds the sides; ``words`` the unit, if one is written."""
    assert tagged.amount is not None
    sides = [say_number(n, ordinal=False, formal=formal) for n in tagged.amount.numbers]
    said = [inflect(side, DATIVE) for side in sides[:-1]] + [sides[-1]]
    if tagged.words:
        said.append(tagged.words)
    return " ".join(said)
