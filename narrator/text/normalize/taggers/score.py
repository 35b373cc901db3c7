"""Sports scores: 3:2."""

from __future__ import annotations

import re

from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.taggers.common import with_ending

SCORE_RE = re.compile(r"([0-9]{1,3}):([0-9]{1,3})(?![0-9:])")


def match_score(text: str, start: int) -> Tagged | None:
    """A sports score at ``start``, with its ending."""
    score = SCORE_RE.match(text, start)
    if score is None:
        return None
    tagged = Tagged(start, score.end(), "score", values=(score.group(1), score.group(2)))
    return with_ending(text, tagged)
