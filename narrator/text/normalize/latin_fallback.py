"""A minimal reading of Latin-script tokens, used only while the Latin-script class
(``latin.py``) is missing or fails: it keeps Latin letters out of the output."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

# Latin letters the tagger hands to the Latin reader: ASCII, Latin-1 letters (not × ÷),
# Latin Extended-A/B and Latin Extended Additional, so that Zürich or Škoda is one word.
LATIN_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1e00-\u1eff"

ENGLISH_LETTER_NAMES = {
    "a": "эй", "b": "би", "c": "си", "d": "ди", "e": "и", "f": "эф", "g": "джи",
    "h": "эйч", "i": "ай", "j": "джей", "k": "кей", "l": "эл", "m": "эм", "n": "эн",
    "o": "о", "p": "пи", "q": "кью", "r": "ар", "s": "эс", "t": "ти", "u": "ю",
    "v": "ви", "w": "дабл-ю", "x": "экс", "y": "уай", "z": "зед",
}  # fmt: skip
DIGRAPHS = {"sh": "ш", "ch": "ч", "th": "т", "ph": "ф", "oo": "у", "ee": "и", "ck": "к", "qu": "кв"}
LETTERS = {
    "a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х",
    "i": "и", "j": "дж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
    "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "у", "x": "кс",
    "y": "и", "z": "з",
}  # fmt: skip
_PIECE_RE = re.compile("|".join(DIGRAPHS) + "|.", re.DOTALL)


def fallback_latin_to_cyrillic(word: str) -> str:
    """Spell short all-caps tokens with English letter names; transliterate the rest
    letter by letter, keeping an initial capital."""
    letters = [ch for ch in word if ch.isascii() and ch.isalpha()]
    if not letters:
        return word
    if word.isupper() and len(letters) <= 5:
        return "-".join(ENGLISH_LETTER_NAMES[ch.lower()] for ch in letters)
    lowered = "".join(letters).lower()
    spoken = "".join(
        DIGRAPHS.get(piece, LETTERS.get(piece, "")) for piece in _PIECE_RE.findall(lowered)
    )
    return spoken[:1].upper() + spoken[1:] if word[:1].isupper() else spoken


@cache
def latin_reader() -> Callable[[str], str]:
    """The Latin-script reader: ``latin.latin_to_cyrillic`` when it exists, else the
    fallback above."""
    try:
        from narrator.text.normalize.latin import latin_to_cyrillic
    except ImportError:
        return fallback_latin_to_cyrillic
    return latin_to_cyrillic


def read_latin(word: str) -> str:
    """Read one Latin-letter token in Cyrillic; never raises."""
    try:
        spoken = latin_reader()(word)
    except Exception:  # a broken reader must not stop normalisation
        spoken = ""
    if not spoken or any("a" <= ch.lower() <= "z" for ch in spoken):
        return fallback_latin_to_cyrillic(word)
    return spoken
