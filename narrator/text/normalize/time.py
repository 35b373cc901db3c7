"""Clock times: `19:45-те` → он тоғыз қырық бесте; `08:00` → сегіз (":00" is silent);
`06:05` → алты нөл бес; ranges of times as number ranges. Race times: `2:05:31` → екі
сағат бес минут отыз бір секунд; `1:56,78` → бір минут елу алты бүтін жүзден жетпіс
сегіз секунд (a part that is zero is not said)."""

from __future__ import annotations

from narrator.text.normalize import numbers
from narrator.text.normalize.cardinal import join_ends
from narrator.text.normalize.semiotic import Tagged


def say_time(hour: str, minute: str) -> str:
    """A time of day: the hour, then the minutes unless they are 00."""
    hours = numbers.cardinal(str(int(hour)))
    if int(minute) == 0:
        return hours
    if minute.startswith("0"):
        return f"{hours} нөл {numbers.cardinal(minute[1])}"
    return f"{hours} {numbers.cardinal(minute)}"


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """One time (``values`` = hour, minute) or a range (hour, minute, hour, minute)."""
    del formal  # times are never said with бір жүз
    values = tagged.values
    first = say_time(values[0], values[1])
    if len(values) == 2:
        return first
    second = say_time(values[2], values[3])
    if tagged.amount is None:
        return f"{first}-{second}"
    return join_ends([first, second], tagged.amount)


def verbalize_duration(tagged: Tagged, *, formal: bool) -> str:
    """A race time (``values`` = hours, minutes, seconds, decimal part of the seconds)."""
    del formal
    hours, minutes, seconds, fraction = tagged.values
    parts = [
        f"{numbers.cardinal(int(value))} {unit}"
        for value, unit in ((hours, "сағат"), (minutes, "минут"))
        if value and int(value)
    ]
    if fraction:
        parts.append(f"{numbers.decimal(str(int(seconds)), fraction)} секунд")
    elif int(seconds) or not parts:
        parts.append(f"{numbers.cardinal(int(seconds))} секунд")
    return " ".join(parts)
