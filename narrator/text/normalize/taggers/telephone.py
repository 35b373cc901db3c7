"""Telephone numbers: +7 727 250 10 20, 8 (701) 123-45-67, 250-10-20."""

from __future__ import annotations

import re

from narrator.text.normalize.semiotic import Tagged

PHONE_RE = re.compile(
    r"(?:\+[0-9]{1,3}|8)(?:[ \-]?\(?[0-9]{2,5}\)?)(?:[ \-]?[0-9]{2,4}){2,4}(?![0-9])"
)

LOCAL_PHONE_RE = re.compile(r"[0-9]{3}-[0-9]{2}-[0-9]{2}(?![0-9])")


def match_phone(text: str, start: int) -> Tagged | None:
    """A telephone number starting with + or 8 at ``start``: 10 to 13 digits in groups."""
    ch = text[start]
    phone = PHONE_RE.match(text, start)
    if phone is None:
        return None
    written = phone.group(0)
    digit_count = sum(ch.isdigit() for ch in written)
    groups = re.findall(r"[0-9]+", written)
    kazakh_trunk = digit_count == 11 and written.startswith("87")  # 87011234567
    if 10 <= digit_count <= 13 and (
        ch == "+" or "(" in written or kazakh_trunk or any(len(g) == 2 for g in groups)
    ):
        plus = "плюс" if ch == "+" else ""
        if any(len(group) > 4 for group in groups):
            groups = _regroup(ch, "".join(groups))
        return Tagged(start, phone.end(), "telephone", words=plus, values=tuple(groups))
    return None


def match_local_phone(text: str, start: int) -> Tagged | None:
    """A local number written 250-10-20."""
    local_phone = LOCAL_PHONE_RE.match(text, start)
    if local_phone is None:
        return None
    groups = tuple(re.findall(r"[0-9]+", local_phone.group(0)))
    return Tagged(start, local_phone.end(), "telephone", values=groups)


# Two-digit country codes; +1 and +7 have one digit, the rest three (+996, +380).
_TWO_DIGIT_COUNTRY_CODES = frozenset(
    [
        "20",
        "27",
        "30",
        "31",
        "32",
        "33",
        "34",
        "36",
        "39",
        "40",
        "41",
        "43",
        "44",
        "45",
        "46",
        "47",
        "48",
        "49",
        "51",
        "52",
        "53",
        "54",
        "55",
        "56",
        "57",
        "58",
        "60",
        "61",
        "62",
        "63",
        "64",
        "65",
        "66",
        "81",
        "82",
        "84",
        "86",
        "90",
        "91",
        "92",
        "93",
        "94",
        "95",
        "98",
    ]
)


def _regroup(first: str, digits: str) -> list[str]:
    """Groups for a number written without spaces, as the spec groups them: the country
    code (+7) or trunk prefix (8), then 3-3-2-2: +77011234567 → 7, 701, 123, 45, 67."""
    if first == "8" or digits[0] in "17":
        code = 1
    elif digits[:2] in _TWO_DIGIT_COUNTRY_CODES:
        code = 2
    else:
        code = 3
    groups = [digits[:code]]
    rest = digits[code:]
    sizes = {10: (3, 3, 2, 2), 9: (3, 3, 3), 8: (3, 3, 2), 7: (3, 2, 2)}.get(len(rest))
    if sizes is None:
        sizes = (3,) * ((len(rest) + 2) // 3)
    pos = 0
    for size in sizes:
        if rest[pos : pos + size]:
            groups.append(rest[pos : pos + size])
        pos += size
    return groups
