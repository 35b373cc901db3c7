"""Digits the voices cannot read: decimal digits of other scripts, made ASCII before the
text is tagged, and any digit left unread after it (², ①, a span that failed), said
digit by digit.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from narrator.text.normalize.numbers import ONES

# Characters that are digits but not decimal digits (², ①, ⒈'s kin): Unicode's
# Numeric_Type=Digit, written out because finding them at run time means testing every
# code point; tests/normalize/test_api.py checks this Python's unicodedata against it.
_OTHER_DIGITS = (
    "\u00b2\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089"
    "\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff"
    "\u2776-\u277e\u2780-\u2788\u278a-\u2792\U00010a40-\U00010a43"
    "\U00010e60-\U00010e68\U00011052-\U0001105a\U0001f100-\U0001f10a"
)
_LEFT_DIGITS_RE = re.compile(rf"[\d{_OTHER_DIGITS}]+")
# A decimal digit other than 0-9.
_NON_ASCII_DIGIT_RE = re.compile(r"[^\D0-9]")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


@cache
def _bmp_digit_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """``_LEFT_DIGITS_RE`` and ``_NON_ASCII_DIGIT_RE`` for text within the Basic
    Multilingual Plane, their classes written as ranges. Ranges there cost the regex
    engine one table lookup a character, where \\d asks Unicode's database: several
    times faster on a long text."""
    digits = [chr(code) for code in range(0x10000) if chr(code).isdigit()]
    others = [ch for ch in digits if ch.isdecimal() and not "0" <= ch <= "9"]
    return re.compile(_character_class(digits) + "+"), re.compile(_character_class(others))


def _character_class(chars: list[str]) -> str:
    """A regex class of ``chars`` (in code point order) as runs of ranges."""
    runs: list[list[int]] = []
    for code in map(ord, chars):
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return (
        "["
        + "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in runs)
        + "]"
    )


def _digit_patterns(text: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The patterns for runs of any digit and for non-ASCII decimal digits that fit
    ``text``: the fast ones unless it has characters beyond the Basic Multilingual Plane."""
    if _ASTRAL_RE.search(text) is None:
        return _bmp_digit_res()
    return _LEFT_DIGITS_RE, _NON_ASCII_DIGIT_RE


def ascii_digits(text: str) -> str:
    """Decimal digits of any script written as ASCII digits, so that they are read."""
    non_ascii_digit = _digit_patterns(text)[1]
    if non_ascii_digit.search(text) is None:
        return text
    # only the digits are rewritten, not every character of the text
    return non_ascii_digit.sub(lambda m: str(unicodedata.decimal(m.group(0))), text)


def say_left_digits(spoken: str) -> str:
    """Digits nothing else read (a span that failed, ², ①): said digit by digit, as
    words of their own."""
    left_digits = _digit_patterns(spoken)[0]
    if left_digits.search(spoken) is None:
        return spoken

    def say(m: re.Match[str]) -> str:
        words = " ".join(ONES[unicodedata.digit(ch, 0) % 10] for ch in m.group(0) if ch.isdigit())
        before = " " if m.start() > 0 and spoken[m.start() - 1].isalnum() else ""
        after = " " if spoken[m.end() : m.end() + 1].isalnum() else ""
        return f"{before}{words}{after}"

    return left_digits.sub(say, spoken)
