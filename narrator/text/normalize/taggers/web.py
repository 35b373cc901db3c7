"""Web addresses, e-mails, hashtags and @handles.

Found where a Latin letter starts a token (https://..., www..., info@halyk.kz,
Tengrinews.kz) or at # and @ (#Қазақстан2050, @tokayev_kz). How they are said is in
``narrator/text/normalize/web.py``.
"""

from __future__ import annotations

import re

from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.taggers.common import CYRILLIC, with_ending

_TRAILING = ".,;:!?)»\"'’”"
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>«»\"“”]+", re.IGNORECASE)
_EMAIL_RE = re.compile(
    rf"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9{CYRILLIC}\-]+(?:\.[A-Za-z0-9{CYRILLIC}\-]+)+"
)
# A bare domain: a name and a known top-level domain (Tengrinews.kz, egov.kz).
_DOMAIN_RE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*\.(?:kz|ru|com|org|net|gov|edu|info|io|tv|uk|kg|uz)"
    r"(?![\w\-]|\.[A-Za-z0-9])(?:/[^\s<>«»\"“”]*)?",
    re.IGNORECASE,
)
_HASHTAG_RE = re.compile(r"#[^\W\d_]\w*")
_HANDLE_RE = re.compile(r"@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")


def _web_span(text: str, start: int, end: int, kind: str) -> Tagged:
    written = text[start:end].rstrip(_TRAILING)
    tagged = Tagged(start, start + len(written), "web", words=kind, values=(written,))
    return with_ending(text, tagged)


def match_address(text: str, start: int) -> Tagged | None:
    """A web address, e-mail or bare domain starting at ``start``, or None."""
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "@.#"):
        return None  # inside a word, or the rest of an address already read
    for pattern, kind in ((_URL_RE, "url"), (_EMAIL_RE, "email"), (_DOMAIN_RE, "url")):
        m = pattern.match(text, start)
        if m is not None:
            return _web_span(text, start, m.end(), kind)
    return None


def match_tag_or_handle(text: str, start: int) -> Tagged | None:
    """A hashtag or an @handle at ``start`` (on # or @), or None."""
    if start > 0 and text[start - 1].isalnum():
        return None  # an e-mail's @ or a symbol inside a word
    pattern, kind = (_HASHTAG_RE, "hashtag") if text[start] == "#" else (_HANDLE_RE, "handle")
    m = pattern.match(text, start)
    return None if m is None else _web_span(text, start, m.end(), kind)
