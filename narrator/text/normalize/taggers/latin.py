"""Latin-script tokens, and Cyrillic words typed with Latin lookalikes (бiр)."""

from __future__ import annotations

import re

from narrator.text.normalize.latin_fallback import ENGLISH_LETTER_NAMES, LATIN_LETTERS, read_latin
from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.tables import letter_names
from narrator.text.normalize.taggers.abbreviation import tag_caps
from narrator.text.normalize.taggers.common import (
    CYRILLIC,
    HOMOGLYPHS,
    SPAN_FLOOR,
    is_caps,
    with_ending,
)

_LATIN_RUN_RE = re.compile(rf"[{LATIN_LETTERS}]+")

_LATIN_TOKEN_RE = re.compile(rf"[{LATIN_LETTERS}]+(?:['’][{LATIN_LETTERS}]+)?")


_WORD_AROUND_RE = re.compile(rf"[{LATIN_LETTERS}{CYRILLIC}]+")


def handle_latin(text: str, m: re.Match[str]) -> Tagged | None:
    """A Latin-script token, or a Cyrillic word typed with Latin lookalikes (бiр)."""
    start = m.start()
    word_match = _WORD_AROUND_RE.match(text, start)
    assert word_match is not None
    # extend back to the start of a word that mixes scripts (бiр with a Latin i)
    word_start = start
    floor = SPAN_FLOOR.get()
    while word_start > floor and _WORD_AROUND_RE.match(text[word_start - 1]):
        word_start -= 1  # only over Latin and Cyrillic letters: ҚРבx is two words
    word = text[word_start : word_match.end()]
    if re.search(f"[{CYRILLIC}]", word):
        # Latin lookalikes become Cyrillic; other Latin letters are read in Cyrillic
        end = word_match.end()
        fixed = word.translate(HOMOGLYPHS)
        if _LATIN_RUN_RE.search(fixed) is None:
            caps = tag_caps(text, word_start, end, fixed) if is_caps(fixed) else None
            return caps or Tagged(word_start, end, "mixed", words=fixed)
        if word.isupper():  # an acronym in mixed scripts: spell every letter
            names = letter_names()
            spelled = "-".join(
                names.get(ch) or ENGLISH_LETTER_NAMES.get(ch.lower(), ch.lower()) for ch in fixed
            )
            return Tagged(word_start, end, "mixed", words=spelled)
        fixed = _LATIN_RUN_RE.sub(lambda run: read_latin(run.group(0)), fixed).lower()
        if word[:1].isupper():
            fixed = fixed[:1].upper() + fixed[1:]
        return Tagged(word_start, end, "mixed", words=fixed)
    token_match = _LATIN_TOKEN_RE.match(text, start)
    assert token_match is not None
    tagged = Tagged(start, token_match.end(), "latin", words=token_match.group(0))
    return with_ending(text, tagged)
