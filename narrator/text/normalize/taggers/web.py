"""Web addresses, e-mails, hashtags and @handles.

Found where a Latin letter starts a token (https://..., www..., info@halyk.kz,
Tengrinews.kz) or at # and @ (#Қазақстан2050, @tokayev_kz). How they are said is in
``narrator/text/normalize/web.py``.
"""

from __future__ import annotations

import re
from functools import cache

from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.tables import abbreviations
from narrator.text.normalize.taggers.common import CYRILLIC, alternation, with_ending

_TRAILING = ".,;:!?)»\"'’”"
# The characters of an address: the ASCII ones of a URL (a Cyrillic word stuck to an
# address is read as a word of its own).
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
_URL_RE = re.compile(rf"(?:https?://|www\.){_URL_CHARS}+", re.IGNORECASE)
_EMAIL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# A bare domain: a name and a known top-level domain (Tengrinews.kz, egov.kz).
_DOMAIN_RE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*\.(?:kz|ru|com|org|net|gov|edu|info|io|tv|uk|kg|uz)"
    rf"(?![\w\-]|\.[A-Za-z0-9])(?:/{_URL_CHARS}*)?",
    re.IGNORECASE,
)
# A hashtag is written in one script; a change of script ends it.
_HASHTAG_RE = re.compile(rf"#(?:[A-Za-z][A-Za-z0-9_]*|[{CYRILLIC}][{CYRILLIC}0-9_]*)")
_HANDLE_RE = re.compile(r"@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")


# What may not stand right before an address: it would be inside a word or an address.
_STUCK_BEFORE_RE = re.compile(rf"[A-Za-z0-9{CYRILLIC}@.#_\-]")


def _web_span(text: str, start: int, end: int, kind: str) -> Tagged:
    written = text[start:end]
    if kind in ("url", "email"):
        written = written.rstrip(_TRAILING)  # the full stop of the sentence, a bracket
    tagged = Tagged(start, start + len(written), "web", words=kind, values=(written,))
    return with_ending(text, tagged)


def match_address(text: str, start: int) -> Tagged | None:
    """A web address, e-mail or bare domain starting at ``start``, or None."""
    if start > 0 and _STUCK_BEFORE_RE.match(text[start - 1]):
        return None  # inside a word, or the rest of an address already read
    for pattern, kind in ((_URL_RE, "url"), (_EMAIL_RE, "email"), (_DOMAIN_RE, "url")):
        m = pattern.match(text, start)
        if m is not None:
            return _web_span(text, start, m.end(), kind)
    return None


def match_tag_or_handle(text: str, start: int) -> Tagged | None:
    """A hashtag or an @handle at ``start`` (on # or @), or None."""
    if start > 0 and _STUCK_BEFORE_RE.match(text[start - 1]):
        return None  # an e-mail's @ or a symbol inside a word
    pattern, kind = (_HASHTAG_RE, "hashtag") if text[start] == "#" else (_HANDLE_RE, "handle")
    m = pattern.match(text, start)
    if m is None:
        return None
    end = m.end()
    dotted = _dotted_abbreviation_re().match(text, start + 1) if kind == "hashtag" else None
    if dotted is not None:
        end = dotted.end()  # #т.б. is a hashtag of т.б., said with its full stops
    elif kind == "hashtag" and text[end : end + 1] == ".":
        # #Қазақстан2025ж. : the hashtag ends before an abbreviation stuck to it
        letters = _LAST_LETTERS_RE.search(text, start + 1, end)
        if (
            letters is not None
            and letters.start() > start + 1
            and _dotted_abbreviation_re().match(text, letters.start())
        ):
            end = letters.start()
    return _web_span(text, start, end, kind)


_LAST_LETTERS_RE = re.compile(rf"[A-Za-z{CYRILLIC}]+\Z")


@cache
def _dotted_abbreviation_re() -> re.Pattern[str]:
    dotted = [word for word in abbreviations() if "." in word]
    return re.compile(rf"(?:{alternation(dotted)})(?![A-Za-z{CYRILLIC}])")
