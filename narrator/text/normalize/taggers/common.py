"""Shared patterns and span helpers of the taggers: character classes, the candidate
regex that finds where a span may start, and reading a written ending after a span.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from functools import cache

from narrator.text.normalize.endings import parse_ending
from narrator.text.normalize.latin_fallback import LATIN_LETTERS
from narrator.text.normalize.lexicon import Lexicon
from narrator.text.normalize.semiotic import Amount, Tagged
from narrator.text.normalize.tables import abbreviations, is_mixed_case

UPPER = "А-ЯЁӘҒҚҢӨҰҮҺІ"

LOWER = "а-яёәғқңөұүһі"


CYRILLIC = UPPER + LOWER

HYPHENS = "-‐‑"


APOSTROPHES = "'’ʼ`"

GROUP_SPACES = " \u00a0\u202f\u2009"


MINUS_SIGNS = "-‐‑–−"

CURRENCY_SIGNS = "$€£¥₽₸₺₴"


CLOSING_QUOTES = "»\"”“'’"

ENDING_RE = re.compile(rf"([{HYPHENS}{APOSTROPHES}])?([{CYRILLIC}]+)")
# What ENDING_RE may start with, to skip it where it cannot match.
ENDING_FIRST = frozenset(
    HYPHENS
    + APOSTROPHES
    + "".join(ch for ch in map(chr, range(0x400, 0x530)) if re.fullmatch(f"[{CYRILLIC}]", ch))
)


_CAPS_WORD_RE = re.compile(rf"[{UPPER}]{{2,}}(?![{LOWER}])")

# The user lexicon of the call in progress, for readings deep inside the handlers.
USER_LEXICON: ContextVar[Lexicon | None] = ContextVar("user_lexicon", default=None)
# Where the span being read may start at the earliest: the end of the span before it.
# A word mixing scripts is extended back only this far (#ҚазақстанSamsung read once).
SPAN_FLOOR: ContextVar[int] = ContextVar("span_floor", default=0)


# A token boundary is a change from a letter to anything else: digits stuck to a token
# are said apart from it (5ТМД → бес ТМД), so they must not hide it from the tagger.
NOT_AFTER_LETTER = rf"(?<![{LATIN_LETTERS}{CYRILLIC}])"

NOT_BEFORE_LETTER = rf"(?![{LATIN_LETTERS}{CYRILLIC}])"


# Latin lookalikes typed inside Cyrillic words (бiр with a Latin i).
HOMOGLYPHS = str.maketrans(
    {"a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "x": "х", "y": "у",
     "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К", "M": "М",
     "O": "О", "P": "Р", "T": "Т", "X": "Х"}
)  # fmt: skip


_Trie = dict[str, "_Trie"]


def alternation(words: list[str]) -> str:
    """A regex alternation of ``words`` in which the longest one that fits wins.

    Written as a trie (ж(?:\\.(?:б\\.|т\\.б\\.)?|...)): the regex engine then tests one
    branch per letter instead of every word in turn. Longer continuations come before
    the end of a word, so backtracking tries the words longest first, as a flat
    longest-first alternation would. Under IGNORECASE the words must not differ only
    in case.
    """
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here
    return _trie_pattern(trie)


def _trie_pattern(node: _Trie) -> str:
    branches = [re.escape(ch) + _trie_pattern(child) for ch, child in node.items() if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" not in node:
        return body
    return ("(?:" + body + ")" if len(branches) == 1 and len(body) > 1 else body) + "?"


def is_sign(written: str) -> bool:
    """A currency sign written before or after the amount ($, ₸), not a word (тг, USD)."""
    return (len(written) == 1 and written in CURRENCY_SIGNS) or written == "US$"


def is_caps(word: str) -> bool:
    """Whether ``word`` is two or more Cyrillic capitals and nothing else."""
    return _CAPS_WORD_RE.fullmatch(word) is not None


@cache
def candidate_re(*, at_boundary: bool = False) -> re.Pattern[str]:
    """The regex that finds every place where a span may start.

    ``at_boundary`` drops the look-behinds, for the word right after a span: a span and
    the letters stuck to it (5G, 2/3НАТО) are said as separate words.
    """
    listed = [w for w in abbreviations() if not is_caps(w) and not is_mixed_case(w)]
    # at the start of a sentence: Проф. Әлиев, Б.з.б. III ғасыр (not one-letter ones such
    # as ж., which capitalised are initials)
    listed += [_capitalised(w) for w in listed if sum(ch.isalpha() for ch in w) >= 3]
    # names in mixed case may take an ending without a hyphen too: ҚазМұнайГаздың
    mixed_case = alternation([w for w in abbreviations() if is_mixed_case(w)]) or "(?!)"
    after_letter = "" if at_boundary else NOT_AFTER_LETTER
    after_dot = "" if at_boundary else r"(?<!\.)"
    after_digit_or_hyphen = "" if at_boundary else rf"(?<=[{HYPHENS}0-9])"
    # Every branch starts with one of these characters; the look-ahead lets the regex
    # engine skip plain letters quickly. A lowercase letter can only start a listed
    # abbreviation, which never follows a letter or a full stop: checked here once, so
    # that the letters inside words fail at once instead of in every branch.
    first = {ch for word in listed for ch in word[:1]}
    lower_first = sorted(ch for ch in first if re.fullmatch(f"[{LOWER}]", ch))
    starts = (
        "0-9" + LATIN_LETTERS + UPPER + re.escape(MINUS_SIGNS + "+" + CURRENCY_SIGNS + "№%‰±½¼¾⅓⅔°℃&²³#@")
        + "".join(re.escape(ch) for ch in sorted(first - set(lower_first)))
    )  # fmt: skip
    word_start = "" if at_boundary else rf"(?<![{LATIN_LETTERS}{CYRILLIC}.])"
    return re.compile(
        rf"""
          (?=[{starts}]|{word_start}[{"".join(lower_first)}])
        (?:
          (?![{LOWER}])  # only an abbreviation starts with a lowercase letter
          (?:
          (?P<digit>[0-9])
        | (?P<sign>[{MINUS_SIGNS}+](?=[0-9]))
        | (?P<symbol>[{CURRENCY_SIGNS}№%‰±½¼¾⅓⅔°℃&²³#@]|\++(?![0-9]))
        | (?P<roman>{after_letter}[IVXLCDMІХ]+(?:{NOT_BEFORE_LETTER}|(?=ғ{{1,2}}\.)))
        | (?P<model>{after_digit_or_hyphen}[{UPPER}](?![{CYRILLIC}A-Za-z])
            | {after_letter}[{UPPER}](?=[{HYPHENS}][0-9]))
        | (?P<latin>[{LATIN_LETTERS}])
        | (?P<caps>{after_letter}[{UPPER}]{{2,}}(?![{CYRILLIC}A-Za-z]))
          )
        | (?P<abbreviation>{after_letter}{after_dot}
            (?:(?:{alternation(listed)}){NOT_BEFORE_LETTER}
            |(?:{mixed_case})(?![{LATIN_LETTERS}{UPPER}])))
        )
        """,
        re.VERBOSE,
    )


def as_ordinal(amount: Amount | None) -> Amount | None:
    """The amount said as an ordinal (a new Amount: they are frozen)."""
    if amount is None or amount.ordinal:
        return amount
    return Amount(amount.numbers, amount.joiner, True, amount.scale, amount.join_with_particle)


def is_dotted_abbreviation(text: str, word: re.Match[str]) -> bool:
    """Whether the word after a hyphen is an abbreviation or acronym (ж., т.б., ҚР), not
    a noun that makes the number before it ordinal."""
    if is_caps(word.group(2)):
        return True
    candidate = candidate_re().match(text, word.start(2))
    return candidate is not None and candidate.lastgroup == "abbreviation"


_SPACES = frozenset(" \u00a0")
_PARTICLE_STARTS = frozenset("мбп \u00a0")
_PARTICLE_RE = re.compile(r"[ \u00a0]+(?:мен|бен|пен)(?!\w)")


def take_particle(text: str, tagged: Tagged) -> None:
    """Swallow a written мен/бен/пен after a number, to say it again in harmony with
    the spoken number (14:00 мен 16:00 → он төрт пен он алты)."""
    if (
        tagged.ending is None
        and not tagged.tail
        and text[tagged.end : tagged.end + 1] in _SPACES
        and text[tagged.end + 1 : tagged.end + 2] in _PARTICLE_STARTS
    ):
        m = _PARTICLE_RE.match(text, tagged.end)
        if m is not None:
            tagged.particle = True
            tagged.end = m.end()


def with_ending(text: str, tagged: Tagged) -> Tagged:
    """Take a written ending after a hyphen or apostrophe; a word stuck to the span is
    said after a space."""
    m = ENDING_RE.match(text, tagged.end)
    if m is not None and m.group(1) is not None:
        ending = parse_ending(m.group(2))
        if ending is not None:
            tagged.ending = ending
            tagged.end = m.end()
    elif text[tagged.end : tagged.end + 1].isalpha() and not tagged.tail:
        tagged.tail = " "
    return tagged


def as_cardinal(amount: Amount | None) -> Amount | None:
    """The amount said as a cardinal."""
    if amount is None or not amount.ordinal:
        return amount
    return Amount(amount.numbers, amount.joiner, False, amount.scale, amount.join_with_particle)


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]
