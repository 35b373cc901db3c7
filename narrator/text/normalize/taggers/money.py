"""Money: a currency sign written after the amount (4 500 ₸, 15$). A sign before the
amount ($15) is read with the number (``cardinal.parse_signed_atom``), and currency
words (тг, USD) with the units (``measure.read_unit``)."""

from __future__ import annotations

from narrator.text.normalize.tables import currencies
from narrator.text.normalize.taggers.common import CURRENCY_SIGNS


def currency_sign_after(text: str, pos: int) -> tuple[str, int] | None:
    """The currency said for a sign at ``pos`` (or after one space), and where it ends."""
    if pos < len(text) and text[pos] in CURRENCY_SIGNS:
        return currencies()[text[pos]].spoken, pos + 1
    if pos + 1 < len(text) and text[pos] in " \u00a0" and text[pos + 1] in CURRENCY_SIGNS:
        return currencies()[text[pos + 1]].spoken, pos + 2
    return None
