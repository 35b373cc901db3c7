"""Telephone numbers: +7 727 250 10 20, 8 (701) 123-45-67, 8 (7172) 74-15-00,
250-10-20; a landline's area code and local number as the news groups them."""

from __future__ import annotations

import re
from functools import cache

from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.tables import phone_area_codes, phone_cues

PHONE_RE = re.compile(
    r"(?:\+[0-9]{1,3}|8)(?:[ \-]?\(?[0-9]{2,5}\)?)(?:[ \-]?[0-9]{1,4}){2,4}(?![0-9])"
)

# 250-10-20 anywhere; 74-15-00 (Астана) and 2-15-67 (a district) after a cue word.
LOCAL_PHONE_RE = re.compile(r"([0-9]{1,3})-[0-9]{2}-[0-9]{2}(?![0-9]|[\-‐‑][0-9])")

# How a local number is grouped by its length: 250 10 20, 74 15 00, 2 15 67.
_LOCAL_GROUPS = {7: (3, 2, 2), 6: (2, 2, 2), 5: (1, 2, 2)}


def match_phone(text: str, start: int) -> Tagged | None:
    """A telephone number starting with + or 8 at ``start``: 10 to 13 digits in groups."""
    ch = text[start]
    phone = PHONE_RE.match(text, start)
    if phone is None:
        return None
    written = phone.group(0)
    digit_count = sum(ch.isdigit() for ch in written)
    groups = re.findall(r"[0-9]+", written)
    # 87011234567, 8 7172 741500: the trunk prefix and a Kazakhstan number
    kazakh_trunk = digit_count == 11 and "".join(groups).startswith("87")
    if 10 <= digit_count <= 13 and (
        ch == "+" or "(" in written or kazakh_trunk or any(len(g) == 2 for g in groups)
    ):
        plus = "плюс" if ch == "+" else ""
        if any(len(group) > 4 for group in groups[1:]) or len(groups[0]) > 4:
            groups = _regroup(ch, groups)
        return Tagged(start, phone.end(), "telephone", words=plus, values=tuple(groups))
    return None


def match_local_phone(text: str, start: int) -> Tagged | None:
    """A local number written 250-10-20, or 74-15-00 and 2-15-67 after a cue word
    (Тел.: 74-15-00)."""
    local_phone = LOCAL_PHONE_RE.match(text, start)
    if local_phone is None:
        return None
    if (
        len(local_phone.group(1)) < 3
        and _cue_before_re().search(text, max(0, start - 80), start) is None
    ):
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


@cache
def _cue_before_re() -> re.Pattern[str]:
    """A cue word, then at most other numbers of the list: the end of the text before a
    local number (Тел.: 74-15-00, 74-15-01)."""
    cues = "|".join(re.escape(cue) for cue in sorted(phone_cues(), key=len, reverse=True))
    return re.compile(
        rf"(?<!\w)(?:{cues})\w*\.?[ \u00a0]*[:\-–—]?[ \u00a0]*(?:[0-9()+\- \u00a0]*[,;][ \u00a0]*)?\Z",
        re.IGNORECASE,
    )


def _regroup(first: str, written: list[str]) -> list[str]:
    """Groups for a number written with a group of more than four digits: the country
    code (+7) or trunk prefix (8); then the area code and local number of a Kazakhstan
    landline (8 7172 74 15 00, 8 727 250 10 20, 8 72138 2 15 67; an area code written
    apart is kept), or 3-3-2-2 for a mobile or any other number: +77011234567 → 7,
    701, 123, 45, 67."""
    digits = "".join(written)
    if first == "8" or digits[0] in "17":
        code = 1
    elif digits[:2] in _TWO_DIGIT_COUNTRY_CODES:
        code = 2
    else:
        code = 3
    groups = [digits[:code]]
    rest = digits[code:]
    if code == 1 and digits[0] in "78" and len(rest) == 10:  # +7 or 8: Kazakhstan
        area = _area_code(written, code, rest)
        if area:
            local = rest[len(area) :]
            return [*groups, area, *_split(local, _LOCAL_GROUPS.get(len(local), ()))]
    sizes = {10: (3, 3, 2, 2), 9: (3, 3, 3), 8: (3, 3, 2), 7: (3, 2, 2)}.get(len(rest), ())
    return [*groups, *_split(rest, sizes)]


def _area_code(written: list[str], code: int, national: str) -> str:
    """The area code of a Kazakhstan number's ten national digits: as written apart
    (8 (7172) 741500), else a listed landline code, else a district's five digits for
    71… and 72…, else "" (a mobile number)."""
    if len(written) >= 3 and len(written[0]) == code and 3 <= len(written[1]) <= 5:
        return written[1] if national.startswith(written[1]) else ""
    if national[:2] not in ("71", "72"):
        return ""
    codes = phone_area_codes()
    return next((national[:n] for n in (3, 4, 5) if national[:n] in codes), national[:5])


def _split(digits: str, sizes: tuple[int, ...]) -> list[str]:
    """``digits`` cut into groups of ``sizes``; groups of three for what is left."""
    groups: list[str] = []
    pos = 0
    for size in sizes:
        if digits[pos : pos + size]:
            groups.append(digits[pos : pos + size])
        pos += size
    while pos < len(digits):
        groups.append(digits[pos : pos + 3])
        pos += 3
    return groups
