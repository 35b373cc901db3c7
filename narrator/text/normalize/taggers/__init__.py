"""The tagger: finds the spans of a text that are not plain words and classifies them.

One precompiled regex (``common.candidate_re``) finds candidates: a digit, a sign before
a digit, a symbol, a Roman numeral, a Latin letter, an all-caps token, a listed
abbreviation. A handler per kind of candidate reads as much as belongs to the span and
looks at the next word for what decides the class. Plain text between candidates is
never looked at again, which keeps the tagger fast.

One module per semiotic class, each owning its patterns and context rules:

- ``number``: the reader of any numeric expression; it asks the modules below in turn.
- ``cardinal`` (digits, grouping, sign, scale word), ``ordinal`` (what makes a number
  ordinal), ``year`` (years, centuries, ж. and ғ.), ``date``, ``time``, ``range``,
  ``percent``, ``measure``, ``money``, ``telephone``, ``score``, ``fraction``.
- ``roman``, ``abbreviation``, ``letters`` (spelled acronyms), ``latin``, ``symbol``,
  ``user_lexicon``.
- ``context``: the Kazakh context they share (the next word, month names, possessed
  nouns, verbs, organisation names); ``common``: character classes, the candidate
  regex and the written ending after a span.

A new class is a new module here with a ``match``-style function called from where its
candidates start (``number.tag_special_number`` for digits), and a verbaliser in
``narrator/text/normalize/`` registered in ``verbalizer.VERBALIZERS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from narrator.text.normalize.lexicon import Lexicon
from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.taggers.abbreviation import handle_abbreviation, handle_caps
from narrator.text.normalize.taggers.common import (
    HYPHENS,
    SPAN_FLOOR,
    USER_LEXICON,
    candidate_re,
    with_ending,
)
from narrator.text.normalize.taggers.latin import handle_latin
from narrator.text.normalize.taggers.letters import keep_caps_runs
from narrator.text.normalize.taggers.number import handle_digit, handle_sign
from narrator.text.normalize.taggers.ordinal import share_ordinal_context
from narrator.text.normalize.taggers.roman import tag_roman
from narrator.text.normalize.taggers.symbol import handle_symbol
from narrator.text.normalize.taggers.user_lexicon import lexicon_span
from narrator.text.normalize.taggers.web import match_address

__all__ = ["HANDLERS", "candidate_re", "tag"]


def _handle_roman(text: str, m: re.Match[str]) -> Tagged | None:
    """A Roman numeral; else a Latin word or an acronym."""
    tagged = tag_roman(text, m)
    if tagged is not None:
        return tagged
    token = m.group(0)
    if any("A" <= ch <= "Z" for ch in token):
        return handle_latin(text, m)
    if len(token) == 1:
        return None  # a lone Х or І that is not a numeral: an initial or a letter
    return handle_caps(text, m)


def _handle_model(text: str, m: re.Match[str]) -> Tagged | None:
    """A capital letter of a model name: Протон-М, Ту-154М, Т-72 (said by its name)."""
    return with_ending(text, Tagged(m.start(), m.end(), "letters", words=m.group(0)))


# Candidates where a web address or an e-mail may start.
_ADDRESS_STARTS = frozenset({"latin", "roman", "caps"})

HANDLERS: dict[str, Callable[[str, re.Match[str]], Tagged | None]] = {
    "digit": handle_digit,
    "sign": handle_sign,
    "symbol": handle_symbol,
    "roman": _handle_roman,
    "model": _handle_model,
    "latin": handle_latin,
    "caps": handle_caps,
    "abbreviation": handle_abbreviation,
}


def tag(text: str, lexicon: Lexicon | None = None) -> list[Tagged]:
    """All the non-plain spans of ``text``, in order, without overlaps.

    The user ``lexicon`` wins over the built-in tables: its written forms are taken
    where they start first or at the same place as a built-in candidate, and it
    overrides the reading of units and currencies after numbers.
    """
    token = USER_LEXICON.set(lexicon)
    try:
        spans = _tag(text, lexicon)
    finally:
        USER_LEXICON.reset(token)
    share_ordinal_context(text, spans)
    keep_caps_runs(text, spans)
    return spans


def _tag(text: str, lexicon: Lexicon | None) -> list[Tagged]:
    spans: list[Tagged] = []
    pos = 0
    length = len(text)
    search = candidate_re().search
    lexicon_re = lexicon.pattern if lexicon is not None else None
    lexicon_match = lexicon_re.search(text) if lexicon_re is not None else None
    at_boundary = candidate_re(at_boundary=True).match
    last_end = -1  # where the last span ended
    while pos < length:
        m = None
        if last_end == pos and text[pos : pos + 1].isalpha():
            m = at_boundary(text, pos)
        if m is None:
            m = search(text, pos)
        if lexicon_re is not None and lexicon_match is not None and lexicon_match.start() < pos:
            lexicon_match = lexicon_re.search(text, pos)
        if (
            lexicon_match is not None
            and lexicon is not None
            and (m is None or lexicon_match.start() <= m.start())
        ):
            tagged = lexicon_span(text, lexicon_match, lexicon)
        elif m is None:
            break
        else:
            found: Tagged | None
            try:
                kind = m.lastgroup or "digit"
                found = None
                if kind in _ADDRESS_STARTS:
                    SPAN_FLOOR.set(pos)
                    found = match_address(text, m.start())
                if found is None:
                    found = HANDLERS[kind](text, m)
            except Exception:  # an unforeseen shape must not stop a bulletin: leave it as written
                found = None
            if found is None or found.end <= pos:
                pos = m.end()
                continue
            tagged = found
        if tagged.start < pos:
            tagged.start = pos
        start = tagged.start
        before = text[start - 1] if start > 0 else ""
        if tagged.prefix or not before or before.isspace():
            pass  # the common case: a span after a space
        elif before.isalpha():
            # a span stuck to a word (ЖАҢА$1, НАТО-ҚТЖ) is said as words of its own
            if not (last_end == start and spans[-1].tail.endswith(" ")):
                tagged.prefix = " "
        elif last_end == start and not spans[-1].tail and before.isdigit():
            if text[start].isalpha():
                tagged.prefix = " "  # 5G → бес джи
        elif (
            before in HYPHENS
            and start > 1
            and not text[start - 2].isspace()
            and tagged.cls in ("abbreviation", "letters", "mixed")
        ):
            tagged.start -= 1
            tagged.prefix = " "
        spans.append(tagged)
        pos = last_end = tagged.end
    return spans
