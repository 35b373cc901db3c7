"""Unknown all-caps acronyms, spelled with Kazakh letter names, unless they stand in a
heading written in capitals.

The heading rule is decided once every span of the text is known
(:func:`keep_caps_runs`), on the spans the tagger actually made rather than on a guess
at what a neighbour will become: two unknown acronyms side by side (ЖАҢА ЗАҢ), or one
beside a long word in capitals (ЗАҢ ҚАБЫЛДАНДЫ), are words of a heading and stay as
written. A word joins a heading only when nothing around it can change on a second
pass (a space, the text's edge or punctuation, or a space the tagger puts there), so
that normalising the output again keeps the same heading.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import pairwise

from narrator.text.normalize.roman import roman_value
from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.tables import abbreviations, acronym_words
from narrator.text.normalize.taggers.common import HOMOGLYPHS, HYPHENS, UPPER, is_caps

# What may stand between a heading word and the space or edge beyond it: punctuation
# the tagger never reads as part of a span.
_OPENING = "«\"“„‘'([{"
_CLOSING = "»\"”’'.,;:!?…)]}"
_SPACES = " \u00a0"

# Longer words in capitals are never taken for acronyms (tag_caps leaves them alone).
_LONGEST_ACRONYM = 5
_LONG_CAPS_BEFORE_RE = re.compile(rf"[{UPPER}A-Z]{{{_LONGEST_ACRONYM + 1},}}\Z")
_LONG_CAPS_AFTER_RE = re.compile(rf"[{UPPER}A-Z]{{{_LONGEST_ACRONYM + 1},}}")
# How far back a long word in capitals is looked for (a longer one is cut, and its cut
# start is not clear of letters, so it is no heading word: never a wrong keep).
_LOOK_BACK = 100


def keep_caps_runs(text: str, spans: list[Tagged]) -> None:
    """Keep as written the unknown acronyms that are words of a heading in capitals.

    A heading word is a spelled-acronym span that stands clear of anything a second
    pass could read differently, next (across spaces only) to another such span or to
    a long unlisted word in capitals outside any span. Those spans are said as written
    (their Latin lookalikes in Cyrillic); a lone one is spelled.
    """
    members = [
        i for i, span in enumerate(spans) if span.cls == "letters" and _stands_clear(text, spans, i)
    ]
    if not members:
        return
    kept: set[int] = set()
    for left, right in pairwise(members):
        between = text[spans[left].end : spans[right].start]
        if between and not between.strip(_SPACES):
            kept.update((left, right))
    for i in members:
        if i not in kept and _beside_long_caps(text, spans, spans[i]):
            kept.add(i)
    for i in kept:
        _keep_as_written(text, spans[i])


def _stands_clear(text: str, spans: list[Tagged], i: int) -> bool:
    """Whether span ``i`` is an unknown acronym standing clear on both sides."""
    tagged = spans[i]
    if tagged.cls != "letters" or not _is_unlisted_caps(tagged.words):
        return False
    written = text[tagged.start : tagged.end].lstrip(HYPHENS)
    if written[: len(tagged.words)].translate(HOMOGLYPHS) != tagged.words:
        return False  # read into capitals from other letters (YhОПЕК): no heading word
    before = spans[i - 1] if i > 0 else None
    after = spans[i + 1] if i + 1 < len(spans) else None
    clear_before = (
        tagged.prefix == " "
        or (before is not None and before.end == tagged.start and before.tail.endswith(" "))
        or _clear_before(text, tagged.start)
    )
    clear_after = (
        tagged.tail == " "
        or (after is not None and after.start == tagged.end and after.prefix.startswith(" "))
        or _clear_after(text, tagged.end)
    )
    return clear_before and clear_after


def _clear_before(text: str, pos: int) -> bool:
    """Only opening punctuation between ``pos`` and a space or the start of the text."""
    while pos > 0 and text[pos - 1] in _OPENING:
        pos -= 1
    return pos == 0 or text[pos - 1].isspace()


def _clear_after(text: str, pos: int) -> bool:
    """Only closing punctuation between ``pos`` and a space or the end of the text."""
    while pos < len(text) and text[pos] in _CLOSING:
        pos += 1
    return pos == len(text) or text[pos].isspace()


def _beside_long_caps(text: str, spans: list[Tagged], tagged: Tagged) -> bool:
    """Whether a long unlisted word in capitals, outside any span and standing clear,
    is next to ``tagged`` across spaces (ЗАҢ ҚАБЫЛДАНДЫ)."""
    start = tagged.start
    while start > 0 and text[start - 1] in _SPACES:
        start -= 1
    if start < tagged.start:
        word = _LONG_CAPS_BEFORE_RE.search(text, max(0, start - _LOOK_BACK), start)
        if word is not None and _is_heading_word(text, spans, word.start(), word.end()):
            return True
    end = tagged.end
    while end < len(text) and text[end] in _SPACES:
        end += 1
    if end > tagged.end:
        word = _LONG_CAPS_AFTER_RE.match(text, end)
        if word is not None and _is_heading_word(text, spans, word.start(), word.end()):
            return True
    return False


def _is_heading_word(text: str, spans: list[Tagged], start: int, end: int) -> bool:
    """Whether text[start:end] is a whole long unlisted word in capitals, standing clear
    and left as written by the tagger (or only its lookalikes made Cyrillic)."""
    word = text[start:end]
    fixed = word.translate(HOMOGLYPHS)
    if not (_is_unlisted_caps(fixed) and _clear_before(text, start) and _clear_after(text, end)):
        return False
    # spans are in order and never overlap: only the last one starting before ``end``
    # can reach into the word, and when it starts with the word it is the only one
    last = bisect_left(spans, end, key=lambda tagged: tagged.start) - 1
    if last < 0 or spans[last].end <= start:
        return True
    tagged = spans[last]
    return (
        tagged.cls == "mixed"
        and (tagged.start, tagged.end) == (start, end)
        and tagged.words == fixed
        and not tagged.prefix
        and not tagged.tail
    )


def _keep_as_written(text: str, tagged: Tagged) -> None:
    """Say the span as written: its Cyrillic letters and any written ending."""
    written = text[tagged.start : tagged.end].lstrip(HYPHENS)
    tagged.cls = "heading"
    tagged.words = tagged.words + written[len(tagged.words) :]
    tagged.ending = None
    tagged.base_possessive = False


def _is_unlisted_caps(token: str) -> bool:
    """A word in Cyrillic capitals that no table knows and that is no Roman numeral."""
    return (
        is_caps(token)
        and token not in abbreviations()
        and token not in acronym_words()
        and not (set(token) <= set("ХІ") and roman_value(token) is not None)
    )
