"""Clock times (19:45, 15.00 after сағат) and ranges of them; race times (2:05:31,
1:56,78) said as hours, minutes and seconds."""

from __future__ import annotations

import re

from narrator.text.normalize.semiotic import Amount, Number, Tagged
from narrator.text.normalize.taggers.common import HYPHENS, take_particle, with_ending
from narrator.text.normalize.taggers.context import next_word
from narrator.text.normalize.taggers.range import join_before_interval

CLOCK_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})(?![0-9:])")

_DOTTED_CLOCK_RE = re.compile(r"([0-9]{1,2})\.([0-9]{2})(?![0-9])")


# What makes 12.30 a time, not a decimal: a range to another time or a time's ending.
_TIME_AFTER_DOTTED_RE = re.compile(
    r"\s?[–—-]\s?[0-9]{1,2}[.:][0-9]{2}(?![0-9])|[-‐‑](?:[дт][ае]|[дт][ае]н|[ғгқк][ае])(?!\w)"
)

TIME_RANGE_DASH_RE = re.compile(r"\s?[–—]\s?|[-‐‑]")


_CLOCK_WORD_BEFORE_RE = re.compile(r"(?:сағат|сағ\.?)[ \u00a0]*\Z", re.IGNORECASE)


def dotted_clock(text: str, start: int) -> re.Match[str] | None:
    """A time written with a dot (15.00, 12.30): after сағат, with 00 minutes, in a
    range of times, or with the ending of a time (15.30-да, 18.00-ге дейін)."""
    dotted = _DOTTED_CLOCK_RE.match(text, start)
    if dotted is None:
        return None
    if (
        _CLOCK_WORD_BEFORE_RE.search(text, max(0, start - 8), start)
        or dotted.group(2) == "00"
        or _TIME_AFTER_DOTTED_RE.match(text, dotted.end())
    ):
        return dotted
    return None


def tag_clock(text: str, start: int, end: int, hour: str, minute: str) -> Tagged:
    """A clock time, or a range of two, with its ending."""
    values: tuple[str, ...] = (hour, minute)
    joiner = "-"
    dash = TIME_RANGE_DASH_RE.match(text, end)
    if dash is not None:
        second = CLOCK_RE.match(text, dash.end()) or _DOTTED_CLOCK_RE.match(text, dash.end())
        if second is not None and int(second.group(1)) <= 24 and int(second.group(2)) < 60:
            values = (hour, minute, second.group(1), second.group(2))
            joiner = "-" if dash.group(0) in HYPHENS else " – "
            end = second.end()
    tagged = Tagged(start, end, "time", Amount((Number(hour),), joiner), values=values)
    with_ending(text, tagged)
    join_before_interval(text, tagged)
    take_particle(text, tagged)
    return tagged


# A race or stopwatch time: hours:minutes:seconds, or minutes:seconds with a decimal
# part of the seconds (1:56,78); a clock time has neither.
_DURATION_RE = re.compile(
    r"(?:([0-9]{1,2}):)?([0-9]{1,2}):([0-5][0-9])(?:[,.]([0-9]{1,3}))?(?![0-9:]|[,.][0-9])"
)


def match_duration(text: str, start: int) -> Tagged | None:
    """A race time at ``start`` (2:05:31, 1:56,78), with its ending; ``values`` are the
    hours, minutes, seconds and decimal part of the seconds ("" where not written)."""
    duration = _DURATION_RE.match(text, start)
    if duration is None:
        return None
    hours, minutes, seconds, fraction = duration.groups(default="")
    if not (hours or fraction) or (hours and int(minutes) > 59):
        return None  # 19:45 is a clock time, 3:2 a score
    values = (hours, minutes, seconds, fraction)
    return with_ending(text, Tagged(start, duration.end(), "duration", values=values))


def match_clock(text: str, start: int) -> Tagged | None:
    """A clock time at ``start`` (not 1:3 есе, a ratio)."""
    clock = CLOCK_RE.match(text, start) or dotted_clock(text, start)
    if clock is None:
        return None
    hour, minute = clock.group(1), clock.group(2)
    word, _, _ = next_word(text, clock.end())
    if int(hour) <= 24 and int(minute) < 60 and not word.startswith("есе"):
        return tag_clock(text, start, clock.end(), hour, minute)
    return None


# Words after which a zero-padded number is an hour or a minute: 04 сағат 15 минутта.
CLOCK_UNITS = ("сағат", "минут", "секунд")


def drop_clock_zero(text: str, tagged: Tagged) -> None:
    """A zero-padded hour or minute before сағат / минут, or after сағат, is said
    without нөл (04 сағат 05 минут → төрт сағат бес минут, сағат 07-де → сағат жетіде)."""
    amount = tagged.amount
    if tagged.cls != "cardinal" or amount is None or len(amount.numbers) != 1:
        return
    number = amount.numbers[0]
    if number.fraction is not None or len(number.digits) != 2 or number.digits[0] != "0":
        return
    if next_word(text, tagged.end)[0].startswith(CLOCK_UNITS) or _CLOCK_WORD_BEFORE_RE.search(
        text, max(0, tagged.start - 8), tagged.start
    ):
        tagged.amount = amount._replace(numbers=(number._replace(digits=number.digits[1]),))
