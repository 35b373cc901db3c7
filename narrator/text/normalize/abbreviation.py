"""Abbreviations expanded in speech (ҚР → Қазақстан Республикасы, т.б. → тағы басқа)
and the words of the user lexicon."""

from __future__ import annotations

from narrator.text.normalize.semiotic import Tagged


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """The expansion, as the tagger found it (possessive already applied)."""
    del formal
    return tagged.words
