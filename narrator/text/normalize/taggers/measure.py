"""Units written after a number (км, кг, м²), and currency words (тг, USD) that stand
where a unit does."""

from __future__ import annotations

import re
from functools import cache

from narrator.text.normalize.tables import Entry, currencies, units
from narrator.text.normalize.taggers.common import USER_LEXICON, alternation, is_sign


@cache
def unit_re() -> re.Pattern[str]:
    """A unit or currency word after an amount, with an optional space before it."""
    written = list(units()) + [w for w in currencies() if not is_sign(w)]
    return re.compile(rf"[ \u00a0\u202f]?({alternation(written)})(?![\w²³])")


_SPACES = frozenset(" \u00a0\u202f")


@cache
def _unit_first_characters() -> frozenset[str]:
    return frozenset(w[0] for w in list(units()) + list(currencies()) if w and not is_sign(w))


def read_unit(text: str, pos: int, scale: str) -> tuple[str, str, bool, int] | None:
    """The unit or currency word written at ``pos`` after an amount: ("measure" or
    "money", its spoken form, whether that form ends in a possessive, where it ends).
    The user lexicon's reading wins over the table's."""
    first = text[pos : pos + 1]
    if first in _SPACES:
        first = text[pos + 1 : pos + 2]
    if first not in _unit_first_characters():
        return None  # no unit starts here: most numbers skip the regex
    unit_match = unit_re().match(text, pos)
    if unit_match is None:
        return None
    written = unit_match.group(1)
    entry: Entry = units().get(written) or currencies()[written]
    user_lexicon = USER_LEXICON.get()
    spoken = (user_lexicon.lookup(written) if user_lexicon else None) or entry.spoken
    if written in units() and not (written in currencies() and scale):
        base_possessive = "poss" in entry.flags and spoken == entry.spoken
        return "measure", spoken, base_possessive, unit_match.end()
    return "money", spoken, False, unit_match.end()
