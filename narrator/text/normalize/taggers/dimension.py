"""Sizes written with a times sign: 9х9 м, 9×9 м, 1920x1080 пиксель, 2,5×3×4 м.

The sign is the multiplication sign ×, a Cyrillic х or a Latin x between two numbers;
the unit after the last number is read as after any amount. Said with the dative on
every number but the last: 9×9 м → тоғызға тоғыз метр.
"""

from __future__ import annotations

import re

from narrator.text.normalize.semiotic import Amount, Number, Tagged
from narrator.text.normalize.taggers.cardinal import parse_atom
from narrator.text.normalize.taggers.common import with_ending
from narrator.text.normalize.taggers.measure import read_unit

_TIMES_RE = re.compile(r"[ \u00a0]?[×хx][ \u00a0]?(?=[0-9])")


def match_dimension(text: str, start: int) -> Tagged | None:
    """A size of two or three numbers joined by a times sign at ``start``, or None."""
    first = parse_atom(text, start)
    if first is None:
        return None
    numbers: list[Number] = [first[0]]
    pos = first[1]
    while len(numbers) < 3:
        times = _TIMES_RE.match(text, pos)
        if times is None:
            break
        following = parse_atom(text, times.end())
        if following is None:
            break
        numbers.append(following[0])
        pos = following[1]
    if len(numbers) < 2:
        return None
    tagged = Tagged(start, pos, "dimension", Amount(tuple(numbers)))
    unit = read_unit(text, pos, "")
    if unit is not None and unit[0] == "measure":
        _, tagged.words, tagged.base_possessive, tagged.end = unit
    return with_ending(text, tagged)
