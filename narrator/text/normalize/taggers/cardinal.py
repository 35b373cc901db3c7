"""Cardinal numbers: one written number (digits with grouping, a decimal part, a sign)
and the scale word written after it (млн, млрд).
"""

from __future__ import annotations

import re
from functools import cache

from narrator.text.normalize.semiotic import Number
from narrator.text.normalize.tables import currencies, scales
from narrator.text.normalize.taggers.common import (
    CURRENCY_SIGNS,
    GROUP_SPACES,
    MINUS_SIGNS,
    alternation,
)

_NUMBER_ATOM_RE = re.compile(
    rf"""
    (?P<int>
        [0-9]{{1,3}}(?:[{GROUP_SPACES}][0-9]{{3}})+(?![0-9])
      | [0-9]{{1,3}}(?:\.[0-9]{{3}})+(?!\.?[0-9])
      | [0-9]{{1,3}}(?:,[0-9]{{3}}){{2,}}(?![0-9])
      | [0-9]+
    )
    (?:[,.](?P<frac>[0-9]+))?
    """,
    re.VERBOSE,
)


@cache
def scale_re() -> re.Pattern[str]:
    return re.compile(rf"[ \u00a0\u202f]({alternation(list(scales()))})(?!\w)")


def sign_word(ch: str) -> str:
    return "плюс" if ch == "+" else "минус"


def _parse_atom(text: str, pos: int, sign: str = "") -> tuple[Number, int] | None:
    """One written number: its digits (grouping removed) and its decimal digits."""
    m = _NUMBER_ATOM_RE.match(text, pos)
    if m is None:
        return None
    digits = "".join(ch for ch in m.group("int") if "0" <= ch <= "9")
    return Number(digits, m.group("frac"), sign), m.end()


def parse_signed_atom(text: str, pos: int) -> tuple[Number, int, str] | None:
    """A number with an optional sign and currency sign before it."""
    sign = ""
    currency = ""
    if pos < len(text) and text[pos] in MINUS_SIGNS + "+":
        sign = sign_word(text[pos])
        pos += 1
    if pos < len(text) and text[pos] in CURRENCY_SIGNS:
        currency = currencies()[text[pos]].spoken
        pos += 1
        if pos < len(text) and text[pos] in GROUP_SPACES:
            pos += 1
    parsed = _parse_atom(text, pos, sign)
    if parsed is None:
        return None
    return parsed[0], parsed[1], currency
