"""Unknown all-caps acronyms, spelled with Kazakh letter names, unless they stand in a
heading written in capitals.
"""

from __future__ import annotations

import re

from narrator.text.normalize.latin_fallback import LATIN_LETTERS
from narrator.text.normalize.roman import roman_value
from narrator.text.normalize.tables import abbreviations, acronym_words
from narrator.text.normalize.taggers.common import CYRILLIC, HOMOGLYPHS, UPPER, is_caps


def in_caps_run(text: str, start: int, end: int) -> bool:
    """Whether the token stands next to another unlisted all-caps Cyrillic word (a
    heading in capitals, not an acronym). Symmetric, and blind to Latin lookalikes, so
    that normalising twice changes nothing."""
    before = re.search(
        rf"(?<![{CYRILLIC}{LATIN_LETTERS}])([{UPPER}A-Z]{{2,}})[ \u00a0]+\Z",
        text[max(0, start - 40) : start],
    )
    after = re.match(
        rf"[ \u00a0]+([{UPPER}A-Z]{{2,}})(?![{CYRILLIC}{LATIN_LETTERS}])", text[end : end + 40]
    )
    return any(
        neighbour is not None and _is_unlisted_caps(neighbour.group(1))
        for neighbour in (before, after)
    )


def _is_unlisted_caps(token: str) -> bool:
    fixed = token.translate(HOMOGLYPHS)
    return (
        re.search(f"[{UPPER}]", token) is not None
        and is_caps(fixed)
        and fixed not in abbreviations()
        and fixed not in acronym_words()
        and not (set(fixed) <= set("ХІ") and roman_value(fixed) is not None)
    )
