"""The verbaliser dispatch: each class of span is said by its own module; the written
ending is then regenerated on the last spoken word."""

from __future__ import annotations

import re
from collections.abc import Callable

from narrator.text.normalize import (
    abbreviation,
    cardinal,
    date,
    decimal,
    dimension,
    fraction,
    identifier,
    letters,
    measure,
    money,
    ordinal,
    percent,
    range,
    roman,
    score,
    telephone,
    time,
    web,
)
from narrator.text.normalize.endings import inflect, instrumental_particle
from narrator.text.normalize.latin_fallback import read_latin
from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.taggers import candidate_re
from narrator.text.normalize.taggers.common import UPPER, is_caps

_ONE_CAPITAL_WORD_RE = re.compile(rf"(?<![^\W\d_])[{UPPER}](?![^\W\d_])")


def _say_latin(tagged: Tagged, *, formal: bool) -> str:
    # a lone Cyrillic capital (Yéé → И) would be taken for a model letter, an initial or
    # a Roman numeral on a second pass: it is said in lowercase
    spoken = _ONE_CAPITAL_WORD_RE.sub(lambda m: m.group(0).lower(), read_latin(tagged.words))
    if candidate_re().search(spoken):
        # the reading is itself something to expand (tg → тг → теңге)
        from narrator.text.normalize import normalize

        spoken = normalize(spoken, register="formal" if formal else "news")
    return spoken


def _say_mixed(tagged: Tagged, *, formal: bool) -> str:
    """A word typed in mixed scripts, as the tagger read it; normalised again when the
    reading is itself something to expand (Протон-МLn → ... Млн → миллион)."""
    spoken = tagged.words
    # an all-caps word was already read in its context (an acronym, or a heading)
    if not is_caps(spoken) and candidate_re().search(spoken):
        from narrator.text.normalize import normalize

        spoken = normalize(spoken, register="formal" if formal else "news")
    return spoken


VERBALIZERS: dict[str, Callable[..., str]] = {
    "cardinal": cardinal.verbalize,
    "ordinal": ordinal.verbalize,
    "year": date.verbalize,
    "date": date.verbalize,
    "decimal": decimal.verbalize,
    "fraction": fraction.verbalize,
    "percent": percent.verbalize,
    "range": range.verbalize,
    "time": time.verbalize,
    "duration": time.verbalize_duration,
    "score": score.verbalize,
    "money": money.verbalize,
    "measure": measure.verbalize,
    "telephone": telephone.verbalize,
    "identifier": identifier.verbalize,
    "dimension": dimension.verbalize,
    "web": web.verbalize,
    "roman": roman.verbalize,
    "abbreviation": abbreviation.verbalize,
    "lexicon": abbreviation.verbalize,
    "letters": letters.verbalize,
    "heading": abbreviation.verbalize,
    "latin": _say_latin,
    "mixed": _say_mixed,
}


def verbalize(tagged: Tagged, *, formal: bool = False) -> str:
    """The spoken form of a tagged span, with its ending regenerated."""
    words = VERBALIZERS[tagged.cls](tagged, formal=formal)
    words = inflect(words, tagged.ending, base_possessive=tagged.base_possessive)
    if tagged.particle:
        words = f"{words} {instrumental_particle(words.rsplit(' ', 1)[-1])}"
    return f"{tagged.prefix}{words}{tagged.tail}"
