"""The Kazakh text normaliser: written news Kazakh in, the words a newsreader says out.

``normalize`` rewrites numbers, dates, times, money, units, percentages, Roman numerals,
abbreviations, acronyms and Latin words as Kazakh words, regenerating written endings
for the last spoken word. ``explain`` lists the spans it rewrote; ``check`` lists what is
left that a Kazakh voice cannot say.
"""

from __future__ import annotations

import gc
import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from narrator.text.document import plain_text, split_phonemes
from narrator.text.normalize.digits import ascii_digits, say_left_digits
from narrator.text.normalize.endings import join_quoted_endings
from narrator.text.normalize.lexicon import Lexicon, load_lexicon
from narrator.text.normalize.semiotic import Span, Tagged
from narrator.text.normalize.tables import abbreviations
from narrator.text.normalize.taggers import tag
from narrator.text.normalize.verbalizer import verbalize

NORMALIZER_VERSION = "1.8.0"

__all__ = [
    "NORMALIZER_VERSION",
    "Lexicon",
    "Problem",
    "Span",
    "check",
    "explain",
    "load_lexicon",
    "normalize",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a Kazakh voice cannot say: 1-based line and column, the text, why."""

    line: int
    column: int
    text: str
    reason: str


_OPENERS = "«\"“„'(["
_SENTENCE_END = ".!?…"
_WORD_BEFORE_DOT_RE = re.compile(r"(\S+)\.\Z")


def _starts_sentence(text: str, start: int) -> bool:
    """Whether ``start`` begins a sentence (or the text, or a line)."""
    if text[start - 1 : start] == " " and text[start - 2 : start - 1].isalnum():
        return False  # after a word and a space: the common case
    pos = start - 1
    while pos >= 0 and text[pos] in _OPENERS:
        pos -= 1
    if pos < 0 or text[pos] in "\r\n":
        return True
    if not text[pos].isspace():
        return False
    while pos >= 0 and text[pos] in " \t\u00a0":
        pos -= 1
    if pos < 0 or text[pos] in "\r\n":
        return True
    if text[pos] not in _SENTENCE_END:
        return False
    if text[pos] == ".":
        word = _WORD_BEFORE_DOT_RE.search(text, max(0, pos - 12), pos + 1)
        if word is not None:
            dotted = word.group(0).lstrip(_OPENERS)
            table = abbreviations()
            if dotted in table or dotted[:1].lower() + dotted[1:] in table:
                return False
    return True


# Spoken forms by everything a verbaliser looks at: news repeats its spans (2025 жылы,
# 5%-ке, ҚР), and saying one again costs a dictionary lookup. Bounded: cleared when full.
_SPOKEN: dict[tuple[object, ...], str] = {}
_SPOKEN_LIMIT = 50_000


def _say(tagged: Tagged, formal: bool) -> str:
    key = (
        tagged.cls, tagged.amount, tagged.words, tagged.ending, tagged.base_possessive,
        tagged.prefix, tagged.tail, tagged.particle, tagged.values, formal,
    )  # fmt: skip
    spoken = _SPOKEN.get(key)
    if spoken is None:
        spoken = verbalize(tagged, formal=formal)
        if len(_SPOKEN) >= _SPOKEN_LIMIT:
            _SPOKEN.clear()
        _SPOKEN[key] = spoken
    return spoken


def _readings(text: str, register: str, lexicon: Lexicon | None) -> Iterator[tuple[Tagged, str]]:
    """Every span the tagger found with what is said for it."""
    formal = register == "formal"
    for tagged in tag(text, lexicon):
        try:
            spoken = _say(tagged, formal)
        except Exception:  # a span that cannot be said is left as written, never fatal
            continue
        if spoken and spoken[0].islower():
            first = text[tagged.start : tagged.end][:1]
            if (first.isupper() or not first.isalpha()) and _starts_sentence(text, tagged.start):
                spoken = spoken[0].upper() + spoken[1:]
        yield tagged, spoken


def explain(text: str, *, register: str = "news", lexicon: Lexicon | None = None) -> list[Span]:
    """Every non-plain span of ``text``: where it is, what was written, its class and
    what is said for it. Marks (see :mod:`narrator.text.document`) are left out first:
    the spans point into the text without them."""
    text = ascii_digits(plain_text(text))
    return [
        Span(tagged.start, tagged.end, text[tagged.start : tagged.end], tagged.cls, spoken)
        for tagged, spoken in _readings(text, register, lexicon)
    ]


def normalize(text: str, *, register: str = "news", lexicon: Lexicon | None = None) -> str:
    """Turn written Kazakh news text into the words a newsreader says.

    ``register="formal"`` says бір жүз / бір мың; ``lexicon`` is a user lexicon applied
    before the built-in tables. Deterministic, idempotent, and never raises on text.

    Phonemes marked in the text (SSML ``<phoneme alphabet="x-espeak">``, see
    :func:`~narrator.text.document.phoneme_mark`) are left alone and come out as
    ``[[mnemonics]]``, the voices' phoneme input; the text around them is normalised
    piece by piece, and ``[[``/``]]`` in it are broken up, so that written text is
    never read as phonemes. Other marks are dropped.
    """
    with _cyclic_gc_paused():
        if "\ue000" in text:
            return "".join(
                f"[[{phonemes}]]" if phonemes is not None else _spoken(written, register, lexicon)
                for written, phonemes in split_phonemes(text)
            )
        return _spoken(text, register, lexicon)


# The tagger makes a few objects per span and keeps them all until the text is read: on
# a long text the cyclic garbage collector, triggered by those allocations, rescans the
# growing heap again and again (a fifth of the time on 4 MB). They hold no reference
# cycles, so it has nothing to find; it is paused while any call runs, in any thread.
_GC_LOCK = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    global _gc_pauses, _gc_was_enabled
    with _GC_LOCK:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def _spoken(text: str, register: str, lexicon: Lexicon | None) -> str:
    """Written text normalised, with any ``[[``/``]]`` in it (written, or made by the
    normaliser, as ``[#[`` becomes ``[[``) broken up."""
    spoken = _normalize(text, register, lexicon)
    return _UNPROTECT.sub(r"\1 ", spoken) if "[[" in spoken or "]]" in spoken else spoken


# "[[" and "]]" in written text would open and close espeak-ng's phoneme input.
_UNPROTECT = re.compile(r"([\[\]])(?=\1)")
_PHONEME_INPUT = re.compile(r"\[\[.*?\]\]")


def _normalize(text: str, register: str, lexicon: Lexicon | None) -> str:
    text = ascii_digits(text)
    pieces: list[str] = []
    pos = 0
    for tagged, spoken in _readings(text, register, lexicon):
        pieces.append(text[pos : tagged.start])
        pieces.append(spoken)
        pos = tagged.end
    pieces.append(text[pos:])
    return say_left_digits(join_quoted_endings("".join(pieces)))


_PROBLEM_RE = re.compile(
    r"(?P<digits>\d+)|(?P<latin>[A-Za-z]+)"
    r"|(?P<symbol>[%‰№$€£¥₽₸₺₴°²³½¼¾⅓⅔×÷=@#§&~^*_\\|<>]|(?<=\w)[/:+](?=\w))"
)
_PROBLEM_REASONS = {
    "digits": "digits",
    "latin": "Latin letters",
    "symbol": "a symbol that needs reading",
    "script": "letters of a script a Kazakh voice cannot read",
}
# Punctuation-like symbols a voice passes over silently; any other symbol is reported.
_SILENT_SYMBOLS = frozenset("`´'\"^¨")


def check(text: str, *, register: str = "news", lexicon: Lexicon | None = None) -> list[Problem]:
    """What is left that a Kazakh voice cannot say once ``text`` is normalised: digits,
    Latin letters and symbols that need reading. Each line is normalised on its own, so
    ``line`` is the input line; ``column`` (1-based) and ``text`` point into that line's
    normalised form."""
    problems: list[Problem] = []
    for line_number, line in enumerate(text.split("\n"), start=1):
        # Phonemes given to the voice ([[...]]) are not text to check: blanked out.
        spoken = _PHONEME_INPUT.sub(
            lambda m: " " * len(m.group()), normalize(line, register=register, lexicon=lexicon)
        )
        found = [
            (m.start(), m.group(0), m.lastgroup or "symbol") for m in _PROBLEM_RE.finditer(spoken)
        ]
        # A mask, not a range(): the package's submodule range.py shadows the builtin here.
        covered = bytearray(len(spoken))
        for start, written, _ in found:
            covered[start : start + len(written)] = b"\x01" * len(written)
        for index, char in enumerate(spoken):
            if covered[index] or char in _SILENT_SYMBOLS:
                continue
            category = unicodedata.category(char)
            if category[0] == "S":
                found.append((index, char, "symbol"))
            elif category[0] == "L" and not ("\u0400" <= char <= "\u04ff"):
                found.append((index, char, "script"))
        merged: list[tuple[int, str, str]] = []
        for start, written, kind in sorted(found):
            last = merged[-1] if merged else None
            if last and kind == last[2] == "script" and last[0] + len(last[1]) == start:
                merged[-1] = (last[0], last[1] + written, kind)  # one report per foreign word
            else:
                merged.append((start, written, kind))
        problems.extend(
            Problem(line_number, start + 1, written, _PROBLEM_REASONS[kind])
            for start, written, kind in merged
        )
    return problems
