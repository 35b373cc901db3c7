"""Cardinal numbers: one written number (digits with grouping, a decimal part, a sign),
the scale word written after it (млн, млрд), and the words after a hyphen that keep it
a cardinal (4-бөлмелі, 30-жылдығы, 18-жасқа: ``data/count_words.tsv``).
"""

from __future__ import annotations

import re
from functools import cache

from narrator.text.normalize.endings import parse_ending
from narrator.text.normalize.semiotic import Number, new_number
from narrator.text.normalize.tables import count_words, currencies, scales
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

_GROUPING_RE = re.compile(r"[^0-9]+")
_DIGIT_RUN_RE = re.compile(r"[0-9]+")
_SIGNS = MINUS_SIGNS + "+"
# What may go on after a run of digits in one written number: grouping, a decimal part.
_GOES_ON = frozenset(GROUP_SPACES + ".,")


@cache
def scale_re() -> re.Pattern[str]:
    """A scale word (млн, млрд, мың) after a space."""
    return re.compile(rf"[ \u00a0\u202f]({alternation(list(scales()))})(?!\w)")


@cache
def scale_starts() -> frozenset[str]:
    """The first letters of the scale words, to skip ``scale_re`` where none can start."""
    return frozenset(word[0] for word in scales() if word)


def sign_word(ch: str) -> str:
    """плюс for +, минус for any minus sign or dash."""
    return "плюс" if ch == "+" else "минус"


def parse_atom(text: str, pos: int, sign: str = "", run_end: int = -1) -> tuple[Number, int] | None:
    """One written number: its digits (grouping removed) and its decimal digits.
    ``run_end`` is where the digits from ``pos`` end, if the caller has read them."""
    if run_end < 0:
        run = _DIGIT_RUN_RE.match(text, pos)
        if run is None:
            return None
        run_end = run.end()
    if text[run_end : run_end + 1] not in _GOES_ON:
        # plain digits: the common case
        return new_number((text[pos:run_end], None, sign)), run_end
    m = _NUMBER_ATOM_RE.match(text, pos)
    assert m is not None
    digits = m.group("int")
    if not digits.isdigit():  # grouped: 1 000 000, 1.000.000
        digits = _GROUPING_RE.sub("", digits)
    return Number(digits, m.group("frac"), sign), m.end()


def parse_signed_atom(text: str, pos: int, run_end: int = -1) -> tuple[Number, int, str] | None:
    """A number with an optional sign and currency sign before it; ``run_end`` as for
    ``parse_atom``."""
    sign = ""
    currency = ""
    if "0" <= text[pos : pos + 1] <= "9":
        parsed = parse_atom(text, pos, "", run_end)  # digits first: the common case
        return None if parsed is None else (parsed[0], parsed[1], currency)
    if pos < len(text) and text[pos] in _SIGNS:
        sign = sign_word(text[pos])
        pos += 1
    if pos < len(text) and text[pos] in CURRENCY_SIGNS:
        currency = currencies()[text[pos]].spoken
        pos += 1
        if pos < len(text) and text[pos] in GROUP_SPACES:
            pos += 1
    parsed = parse_atom(text, pos, sign)
    if parsed is None:
        return None
    return parsed[0], parsed[1], currency


# The adjective suffix of a count word: -лы/-ды/-ты (бөлмелі, қабатты) or -лық/-дық/-тық
# with anything after its voiced form (жылдығы, күндігіне).
_COUNT_ADJECTIVE_RE = re.compile(r"[лдт][ыі](?:[қк]|[ғг](?P<rest>.*))?")
# A verb after a short -ды/-ты form makes it an accusative noun: 2-орынды иеленді.
_VERB_AFTER_RE = re.compile(r"(?:[дт][ыі]|[ғгқк][ае]н|ады|еді|йды|йді|[ыі]п|мақ|мек|с[ае])$")


@cache
def _count_stems() -> dict[str, tuple[tuple[str, str], ...]]:
    """Count-word stems by their first letter, longest first."""
    by_letter: dict[str, list[tuple[str, str]]] = {}
    for stem, forms in sorted(count_words().items(), key=lambda item: -len(item[0])):
        by_letter.setdefault(stem[0], []).append((stem, forms))
    return {letter: tuple(stems) for letter, stems in by_letter.items()}


def is_count_word(word: str, following: str = "") -> bool:
    """Whether ``word`` (written after a hyphen) keeps the number before it a cardinal:
    an adjective of a count word (бөлмелі, күндік, жылдығы) or a form of жас, есе,
    дүркін. ``following`` is the next word, which tells 2-орынды иеленді (accusative)
    from 300-орынды мектеп."""
    word = word.lower()
    for stem, forms in _count_stems().get(word[:1], ()):
        if not word.startswith(stem):
            continue
        rest = word[len(stem) :]
        if len(stem) > 2 and stem[-1] == stem[-2] and rest[:1] in ("ы", "і"):
            rest = stem[-1] + rest  # мегаватт + тық is written мегаваттық
        if forms == "any":
            if rest == "" or parse_ending(rest) is not None:
                return True
            continue
        m = _COUNT_ADJECTIVE_RE.fullmatch(rest)
        if m is None:
            continue
        after = m.group("rest")
        if after and parse_ending(after) is None:
            continue
        # бол- takes no object: 2-кезеңді болады is an adjective before it
        accusative = _VERB_AFTER_RE.search(following) and not following.startswith("бол")
        return not (len(rest) == 2 and rest[0] in "дт" and accusative)
    return False
