"""Years and dates. A year before a form of жыл is ordinal (2025 жылы → екі мың жиырма
бесінші жылы); the day of a month is ordinal (9 мамыр → тоғызыншы мамыр); numeric dates
`dd.mm.yyyy` are read day + month name + year + жылы (or the ending the text needs)."""

from __future__ import annotations

from narrator.text.normalize import numbers
from narrator.text.normalize.cardinal import say_amount
from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.tables import months


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """A year or day (ordinal ``amount`` + ``words``), or a numeric date (``values`` =
    day, month, year; ``words`` the year word: жылы, жылғы ...)."""
    if tagged.values:
        day, month, year = tagged.values
        parts = [numbers.ordinal(day.lstrip("0") or "0", formal=formal), months()[int(month)]]
        if year:
            parts.append(numbers.ordinal(year, formal=formal))
        if tagged.words:
            parts.append(tagged.words)
        return " ".join(parts)
    assert tagged.amount is not None
    words = say_amount(tagged.amount, formal=formal)
    return f"{words} {tagged.words}" if tagged.words else words
