"""Unknown all-caps acronyms, spelled with Kazakh letter names (ҚТЖ → қа-те-же)."""

from __future__ import annotations

from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.tables import letter_names


def spell(acronym: str) -> str:
    """Spell an acronym letter by letter, names joined by hyphens."""
    names = letter_names()
    return "-".join(names.get(ch.upper(), ch.lower()) for ch in acronym)


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """The spelled acronym."""
    del formal
    return spell(tagged.words)
