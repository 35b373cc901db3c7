"""Written forms of the user lexicon, with their endings regenerated."""

from __future__ import annotations

import re

from narrator.text.normalize.lexicon import Lexicon
from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.taggers.common import with_ending
from narrator.text.normalize.taggers.context import POSSESSED_SUFFIX_RE


def lexicon_span(text: str, m: re.Match[str], lexicon: Lexicon) -> Tagged:
    """A written form of the user lexicon, with its ending regenerated."""
    spoken = lexicon.spoken_for(m.group(0))
    tagged = Tagged(m.start(), m.end(), "lexicon", words=spoken)
    with_ending(text, tagged)
    # a several-word name whose last word is possessive: Қазақстан темір жолы-на
    last_word = spoken.rsplit(" ", 1)[-1].lower()
    tagged.base_possessive = (
        " " in spoken and len(last_word) > 3 and POSSESSED_SUFFIX_RE.search(last_word) is not None
    )
    return tagged
