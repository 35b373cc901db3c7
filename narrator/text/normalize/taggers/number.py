"""The reader of a numeric expression: tries the special shapes (telephone, date, time,
score, fraction), then a number with its range, per cent sign, scale word, unit or
currency and written ending, and lets the context decide cardinal or ordinal.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from narrator.text.normalize.semiotic import Tagged, new_amount
from narrator.text.normalize.tables import currencies, scales
from narrator.text.normalize.taggers.cardinal import (
    is_count_word,
    parse_signed_atom,
    scale_re,
    scale_starts,
    sign_word,
)
from narrator.text.normalize.taggers.common import (
    HYPHENS,
    MINUS_SIGNS,
    as_cardinal,
    as_ordinal,
    take_particle,
    with_ending,
)
from narrator.text.normalize.taggers.context import keeps_full_stop
from narrator.text.normalize.taggers.date import match_numeric_date
from narrator.text.normalize.taggers.dimension import match_dimension
from narrator.text.normalize.taggers.fraction import match_fraction
from narrator.text.normalize.taggers.identifier import match_identifier
from narrator.text.normalize.taggers.measure import read_unit
from narrator.text.normalize.taggers.money import currency_sign_after, currency_word_after
from narrator.text.normalize.taggers.ordinal import attach_ending, classify_by_context
from narrator.text.normalize.taggers.percent import PERCENT_RE
from narrator.text.normalize.taggers.range import (
    RANGE_DASH_RE,
    join_before_interval,
    may_start_range,
)
from narrator.text.normalize.taggers.score import match_score
from narrator.text.normalize.taggers.telephone import match_local_phone, match_phone
from narrator.text.normalize.taggers.time import (
    CLOCK_RE,
    drop_clock_zero,
    match_clock,
    match_duration,
)
from narrator.text.normalize.taggers.year import year_rest


def tag_number(text: str, start: int, *, forced_ordinal: bool = False) -> Tagged:
    """Tag a numeric expression starting at ``start`` (a digit, sign or currency sign)."""
    run = _DIGIT_RUN_RE.match(text, start)  # read once for the shapes and the number
    run_end = run.end() if run is not None else -1
    special = None if forced_ordinal else _tag_special_number(text, start, run_end)
    if special is not None:
        return special
    parsed = parse_signed_atom(text, start, run_end)
    if parsed is None:  # a sign or currency sign not followed by a number after all
        ch = text[start]
        word = currencies()[ch].spoken if ch in currencies() else sign_word(ch)
        return Tagged(start, start + 1, "abbreviation", words=word)
    first, pos, currency = parsed
    numbers = [first]
    joiner = "-"
    percent_at = pos
    # the next two characters rule out most shapes before any regex is tried
    percent = PERCENT_RE.match(text, pos) if "%" in text[pos : pos + 2] else None
    if percent is not None and RANGE_DASH_RE.match(text, percent.end()):
        pos = percent.end()  # 10%–15%: said once, after the range
    dash = RANGE_DASH_RE.match(text, pos) if may_start_range(text, pos) else None
    if dash is not None and not CLOCK_RE.match(text, dash.end()):
        second = parse_signed_atom(text, dash.end())
        if second is not None:
            numbers.append(second[0])
            pos = second[1]
            currency = currency or second[2]
            joiner = "-" if dash.group(1) in HYPHENS else " – "
    if pos < len(text) and text[pos] == "½" and len(numbers) == 1:
        return with_ending(text, Tagged(start, pos + 1, "fraction", values=(first.digits, "½")))

    cls = "cardinal"
    words = ""
    base_possessive = False
    scale = ""
    if pos != percent_at:
        percent = PERCENT_RE.match(text, pos)
    if percent is not None:
        cls, pos = "percent", percent.end()
    else:
        # a scale word comes after a space: a number followed by an ending, a sign,
        # punctuation or a word starting unlike any scale word skips the regex
        scale_match = (
            scale_re().match(text, pos)
            if text[pos : pos + 1] in _SPACES and text[pos + 1 : pos + 2] in scale_starts()
            else None
        )
        if scale_match is not None:
            scale = scales()[scale_match.group(1)].spoken
            pos = scale_match.end()
        unit = read_unit(text, pos, scale)
        if unit is not None:
            unit_class, spoken, base_possessive, pos = unit
            if unit_class == "measure":
                words = spoken
                cls = "measure"
            else:
                currency = spoken
        elif not currency:
            sign = currency_sign_after(text, pos) or currency_word_after(text, pos)
            if sign is not None:
                currency, pos = sign
    if currency:
        cls, words = "money", currency
    elif cls == "cardinal" and (first.fraction is not None or numbers[-1].fraction is not None):
        cls = "decimal"
    if cls == "cardinal" and len(numbers) == 2:
        cls = "range"

    amount = new_amount((tuple(numbers), joiner, False, scale, False))
    tagged = Tagged(start, pos, cls, amount, words, None, base_possessive)
    if pos > 0 and text[pos - 1] == "." and (scale or words) and keeps_full_stop(text, pos):
        tagged.tail = "."
    elif text[pos : pos + 1] == "+" and not text[pos + 1 : pos + 2].isdigit():
        tagged.tail, tagged.end = " плюс", pos + 1  # 18+
    attach_ending(text, tagged, plain_number=cls in ("cardinal", "range", "decimal"))
    if forced_ordinal:
        tagged.amount = as_ordinal(tagged.amount)
        tagged.cls = "ordinal"
    elif cls in ("cardinal", "range") and tagged.ending is None and not tagged.tail:
        classify_by_context(text, tagged)
    elif cls in ("cardinal", "range") and tagged.tail.startswith(" "):
        noun = tagged.tail.strip().lower()
        if (
            year_rest(noun) is not None
            and all(n.digits.isdigit() for n in numbers)
            and not (tagged.cls in ("cardinal", "range") and is_count_word(noun))
        ):
            tagged.cls = "year"
    drop_clock_zero(text, tagged)
    join_before_interval(text, tagged)
    take_particle(text, tagged)
    return tagged


_DIGIT_RUN_RE = re.compile(r"[0-9]+")
_SPACES = frozenset(" \u00a0\u202f")
# The special shapes, by the character right after the first run of digits: only these
# can match there, so a plain number (2025 жылы) tries none but the identifier.
_SHAPES_AFTER: dict[str, tuple[Callable[[str, int], Tagged | None], ...]] = {
    "-": (match_local_phone, match_numeric_date),
    ".": (match_numeric_date, match_clock, match_dimension),
    ",": (match_dimension,),
    "/": (match_numeric_date, match_fraction),
    ":": (match_duration, match_clock, match_score),
    "×": (match_dimension,),
    "х": (match_dimension,),
    "x": (match_dimension,),
}
_TIMES_SIGNS = "×хx"
# Signs of the shapes above that stand between digits (250-10-20, 15.00, 3/4, 2:1).
_SIGNS_BEFORE_DIGITS = frozenset("-.,/:")


def _tag_special_number(text: str, start: int, run_end: int) -> Tagged | None:
    """Identifiers, phone numbers, numeric dates, clock times, scores, fractions and
    sizes; ``run_end`` is where the digits from ``start`` end (-1: no digit there)."""
    ch = text[start]
    if ch == "8":
        identifier = match_identifier(text, start, run_end)
        if identifier is not None:
            return identifier
    if ch in "+8":
        phone = match_phone(text, start)
        if phone is not None:
            return phone
    if not ch.isdigit():
        return None
    assert run_end >= 0
    if ch != "8":
        identifier = match_identifier(text, start, run_end)
        if identifier is not None:
            return identifier
    following = text[run_end : run_end + 2]
    if following[:1] in " \u00a0":  # 9 × 9 м
        return match_dimension(text, start) if following[1:] in _TIMES_SIGNS else None
    if following[:1] in _SIGNS_BEFORE_DIGITS and not "0" <= following[1:] <= "9":
        return None  # 5-сынып, 2025. (no shape has a letter or a space after the sign)
    for match in _SHAPES_AFTER.get(following[:1], ()):
        tagged = match(text, start)
        if tagged is not None:
            return tagged
    return None


def handle_digit(text: str, m: re.Match[str]) -> Tagged | None:
    """A number starting with a digit; one stuck to a word (A320) is a cardinal said
    after a space."""
    start = m.start()
    tagged = tag_number(text, start)
    if start > 0 and (text[start - 1].isalpha()):
        tagged.start = start
        tagged.amount = as_cardinal(tagged.amount)
        if tagged.cls in ("ordinal",) and tagged.tail.startswith(" "):
            tagged.cls = "cardinal"
        tagged.prefix = " "  # a number stuck to a word (A320) is said after a space
    return tagged


def handle_sign(text: str, m: re.Match[str]) -> Tagged | None:
    """A sign before a digit: минус/плюс, or the hyphen of a model number (Ту-154)."""
    start = m.start()
    before = text[start - 1] if start > 0 else " "
    if m.group(0) == "+" and (before.isalnum()):
        tagged = tag_number(text, start)
        tagged.prefix = " "  # 2+2 → екі плюс екі
        return tagged
    if m.group(0) in MINUS_SIGNS and (before.isalpha() or before.isdigit()):
        # a model or series number (Ту-154, COVID-19) or a run of numbers (2-3-4)
        tagged = tag_number(text, start + 1)
        tagged.start = start
        tagged.amount = as_cardinal(tagged.amount)
        if tagged.cls == "ordinal" and tagged.tail.startswith(" "):
            tagged.cls = "cardinal"
        tagged.prefix = " " if before.isalpha() else "-"
        return tagged
    return tag_number(text, start)
