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
    if 10 <= digit_count <= 13 and (
        ch == "+" or "(" in written or any(len(g) == 2 for g in groups)
    ):
        plus = "плюс" if ch == "+" else ""
        return Tagged(start, phone.end(), "telephone", words=plus, values=tuple(groups))
    return None


def match_local_phone(text: str, start: int) -> Tagged | None:
    """A local number written 250-10-20."""
    local_phone = LOCAL_PHONE_RE.match(text, start)
    if local_phone is None:
        return None
    groups = tuple(re.findall(r"[0-9]+", local_phone.group(0)))
    return Tagged(start, local_phone.end(), "telephone", values=groups)
