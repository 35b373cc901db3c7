"""Symbols: a currency sign or № before a number, vulgar fractions, a unit with ² or ³,
or a symbol said as a word (%, °, &).
"""

from __future__ import annotations

import re

from narrator.text.normalize.fraction import FRACTION_CHARACTERS
from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.tables import currencies, units
from narrator.text.normalize.taggers.common import (
    CURRENCY_SIGNS,
    CYRILLIC,
    GROUP_SPACES,
    with_ending,
)
from narrator.text.normalize.taggers.number import tag_number
from narrator.text.normalize.taggers.web import match_tag_or_handle

# Symbols said as a word when no number goes with them.
SYMBOL_WORDS = {
    "%": "пайыз", "‰": "промилле", "°": "градус", "℃": "градус", "&": "және", "№": "нөмір",
    "±": "плюс-минус", "@": "эт",
}  # fmt: skip


def handle_symbol(text: str, m: re.Match[str]) -> Tagged | None:
    """A symbol: a currency sign or № before a number, a vulgar fraction, a unit with
    ² or ³, or a symbol said as a word (%, °, &)."""
    start = m.start()
    ch = m.group(0)
    if ch[0] == "+":  # ОПЕК+ → ОПЕК плюс, C++ → Си плюс плюс
        tagged = with_ending(
            text, Tagged(start, m.end(), "abbreviation", words=" ".join(["плюс"] * len(ch)))
        )
        tagged.prefix = " " if start > 0 and text[start - 1].isalnum() else ""
        if text[tagged.end : tagged.end + 1].isalnum():
            tagged.tail = " "
        return tagged
    if ch in "#@":
        found = match_tag_or_handle(text, start)
        if found is not None:
            return found
        if ch == "#" and text[start + 1 : start + 2].isdigit():  # #1 → бірінші, as №
            tagged = tag_number(text, start + 1, forced_ordinal=True)
            tagged.start = start
            return tagged
        if ch == "#":  # a lone # is not said
            return Tagged(start, start + 1, "abbreviation", words="")
        tagged = Tagged(start, start + 1, "abbreviation", words=SYMBOL_WORDS[ch])
        tagged.prefix = " " if start > 0 and text[start - 1].isalnum() else ""
        tagged.tail = " " if text[start + 1 : start + 2].isalnum() else ""
        return tagged
    following = text[start + 1 : start + 3]
    if (ch in CURRENCY_SIGNS and following[:1].isdigit()) or (
        following[:1] in GROUP_SPACES and following[1:2].isdigit() and ch in CURRENCY_SIGNS
    ):
        return tag_number(text, start)
    if ch == "№":
        pos = start + 1
        while pos < len(text) and text[pos] in GROUP_SPACES:
            pos += 1
        if pos < len(text) and text[pos].isdigit():
            tagged = tag_number(text, pos, forced_ordinal=True)
            tagged.start = start
            return tagged
    if ch in "²³":  # a unit without a number: км², м³
        unit = re.search(rf"[{CYRILLIC}]+\Z", text[max(0, start - 6) : start])
        if unit is None or unit.group(0) + ch not in units():
            return None
        unit_start = start - len(unit.group(0))
        words = units()[unit.group(0) + ch].spoken
        return with_ending(text, Tagged(unit_start, start + 1, "abbreviation", words=words))
    if ch in FRACTION_CHARACTERS or ch == "½":
        values = FRACTION_CHARACTERS.get(ch, ("", "½"))
        tagged = with_ending(text, Tagged(start, start + 1, "fraction", values=values))
    else:
        spoken = SYMBOL_WORDS.get(ch) or (currencies()[ch].spoken if ch in currencies() else "")
        if not spoken:
            return None
        tagged = with_ending(text, Tagged(start, start + 1, "abbreviation", words=spoken))
    # a symbol stuck to a word is said as a word of its own
    if start > 0 and text[start - 1].isalnum():
        tagged.prefix = " "
    if text[tagged.end : tagged.end + 1].isalnum():
        tagged.tail = " "
    return tagged
