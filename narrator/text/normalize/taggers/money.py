"""Money: a currency sign written after the amount (4 500 ₸, 15$), or a currency name
written out (200 миллион еуроға). A sign before the amount ($15) is read with the
number (``cardinal.parse_signed_atom``), and currency abbreviations (тг, USD) with the
units (``measure.read_unit``)."""

from __future__ import annotations

import re
from functools import cache

from narrator.text.normalize.tables import currencies, currency_words
from narrator.text.normalize.taggers.common import CURRENCY_SIGNS, CYRILLIC, alternation


def currency_sign_after(text: str, pos: int) -> tuple[str, int] | None:
    """The currency said for a sign at ``pos`` (or after one space), and where it ends."""
    if pos < len(text) and text[pos] in CURRENCY_SIGNS:
        return currencies()[text[pos]].spoken, pos + 1
    if pos + 1 < len(text) and text[pos] in " \u00a0" and text[pos + 1] in CURRENCY_SIGNS:
        return currencies()[text[pos + 1]].spoken, pos + 2
    return None


_SPACES = frozenset(" \u00a0")


@cache
def _currency_word_re() -> re.Pattern[str]:
    return re.compile(
        rf"[ \u00a0]((?:{alternation(list(currency_words()))})[{CYRILLIC}]*)(?![\w-])",
        re.IGNORECASE,
    )


@cache
def _currency_word_starts() -> frozenset[str]:
    """The first letters of the currency names, lowercased (the regex ignores case)."""
    return frozenset(w[0].lower() for w in currency_words() if w)


def currency_word_after(text: str, pos: int) -> tuple[str, int] | None:
    """A currency name written out after the amount at ``pos`` (with its ending, which
    the word keeps as written), and where it ends."""
    if text[pos : pos + 1] not in _SPACES or text[pos + 1 : pos + 2].lower() not in (
        _currency_word_starts()
    ):
        return None  # a space and a currency name's first letter: most numbers stop here
    match = _currency_word_re().match(text, pos)
    return (match.group(1), match.end()) if match else None
