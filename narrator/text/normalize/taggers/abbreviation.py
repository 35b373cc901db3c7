"""Abbreviations and acronyms from the tables (ҚР, т.б., обл., НАТО): the expansion,
possessive after an organisation name, genitive before what it possesses.
"""

from __future__ import annotations

import re

from narrator.text.normalize.abbreviation import genitive_before_title
from narrator.text.normalize.endings import Ending, inflect, parse_ending
from narrator.text.normalize.roman import roman_value
from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.tables import (
    Entry,
    abbreviations,
    acronym_words,
    legal_forms,
    mixed_case_in_capitals,
)
from narrator.text.normalize.taggers.common import LOWER, NOT_BEFORE_LETTER, with_ending
from narrator.text.normalize.taggers.context import (
    HEAD_MODIFIERS,
    after_name,
    is_possessed,
    keeps_full_stop,
    next_word,
    possesses_next,
)
from narrator.text.normalize.taggers.roman import is_roman_context, tag_roman
from narrator.text.normalize.taggers.year import century_word_for, year_word_for

# Possessed nouns that make a set phrase with the body before them, said without the
# genitive: ҚР мен ҚХР арасында, КСРО кезінде, ҰОС жылдары, АҚШ доллары.
_BARE_HEADS = ("арасы", "кезі", "кезең", "тұсы", "жылдар", "доллар", "салдар")
# Adjectives between a body and the noun it possesses: ХВҚ жаңа болжамы.
_ADJECTIVES_BEFORE_HEAD = frozenset({"жаңа", "соңғы", "ресми", "алдағы", "алдыңғы", "кезекті"})
_GENITIVE_RE = re.compile(r"[ндт][ыі]ң$")
# -ны/-ні after a vowel is the accusative (ДСМ ережені бекітті), not a possessive; after
# о it is mostly a loanword in -он possessed (чемпионы, регионы).
_ACCUSATIVE_AFTER_VOWEL_RE = re.compile(r"[аәеиұүыіэюя]н[ыі]$")
# Possessives of nouns in -н that look like that accusative: ЖКО-лар саны.
_POSSESSED_IN_NY = frozenset({"саны", "ауданы", "экраны", "ұраны"})

_HYPHENATED_LOWER_RE = re.compile(rf"-[{LOWER}]+")
# Small letters written straight after a name in mixed case, up to the end of the word.
_GLUED_ENDING_RE = re.compile(rf"[{LOWER}]+{NOT_BEFORE_LETTER}")


def handle_caps(text: str, m: re.Match[str]) -> Tagged | None:
    """An all-caps Cyrillic token: a Roman numeral in Cyrillic letters, or an acronym."""
    token = m.group(0)
    start, end = m.start(), m.end()
    if set(token) <= set("ХІ") and is_roman_context(text, start, end, token):
        value = roman_value(token)
        if value is not None:
            return tag_roman(text, m)
    return tag_caps(text, start, end, token)


def tag_caps(text: str, start: int, end: int, token: str) -> Tagged | None:
    """An all-caps Cyrillic token: a listed abbreviation, an acronym said as a word, or
    one spelled by letter names."""
    entry = abbreviations().get(token) or mixed_case_in_capitals().get(token)
    if entry is None and text.startswith(token, start):
        # a listed form with a hyphenated part in lowercase after the capitals
        hyphenated = _HYPHENATED_LOWER_RE.match(text, start + len(token))
        if hyphenated and token + hyphenated.group(0) in abbreviations():
            token += hyphenated.group(0)
            end = start + len(token)
            entry = abbreviations()[token]
    if entry is not None:
        return _tag_abbreviation(text, start, end, entry)
    word = acronym_words().get(token)
    if word is not None:
        tagged = with_ending(text, Tagged(start, end, "abbreviation", words=word.spoken))
        if tagged.ending and word.spoken.isupper():
            tagged.words += "-"  # an acronym said as a word keeps its hyphen: НАТО-ға
        return tagged
    if len(token) > 5:
        return None  # a word in capitals (a heading), not an acronym
    return with_ending(text, Tagged(start, end, "letters", words=token))


def _tag_abbreviation(text: str, start: int, end: int, entry: Entry) -> Tagged:
    """An expansion from the table: possessive after an organisation name, genitive
    before what it possesses, the written ending regenerated."""
    tagged = Tagged(start, end, "abbreviation", words=entry.spoken)
    possessive = "poss" in entry.flags
    if "org" in entry.flags and after_name(text, start, legal_forms()):
        tagged.words = inflect(entry.spoken, Ending(("poss",)))
        possessive = True
    tagged.base_possessive = possessive
    with_ending(text, tagged)
    plural_only = tagged.ending is not None and tagged.ending.morphemes == ("pl",)
    if (
        possessive
        and (tagged.ending is None or plural_only)
        and (
            ("org" in entry.flags and possesses_next(text, tagged.end))
            or ("." not in text[start:end] and _possesses_common_noun(text, tagged.end))
        )
    ):
        # ЖОО-лар түлектері → жоғары оқу орындарының түлектері
        tagged.ending = Ending(("pl", "gen") if plural_only else ("gen",))
    genitive = genitive_before_title(entry, text, tagged.end, possesses_next)
    if genitive is not None and tagged.ending is None:
        tagged.words = genitive
    return tagged


def _possesses_common_noun(text: str, end: int) -> bool:
    """Whether an acronym ending at ``end`` possesses the lowercase noun after it (after
    бас, баспасөз or an adjective such as жаңа), so that its possessive expansion takes
    the genitive: ОСК мәліметінше → Орталық сайлау комиссиясының мәліметінше, ТЖМ
    қызметкерлері → Төтенше жағдайлар министрлігінің қызметкерлері.

    A noun in the genitive starts a chain whose first member stays bare (ТМД елдерінің
    басшылары), and so does a noun with one in the genitive after it (ТМД елдері
    басшыларының кеңесі); set phrases (КСРО кезінде, АҚШ доллары) stay bare; a capitalised noun
    is a title or a name, left to :func:`genitive_before_title`.
    """
    word, word_start, word_end = next_word(text, end)
    if word in HEAD_MODIFIERS or word in _ADJECTIVES_BEFORE_HEAD:
        word, word_start, word_end = next_word(text, word_end)
    if not word or not text[word_start].islower() or "\n" in text[end:word_end]:
        return False
    if (
        word.startswith(_BARE_HEADS)
        or _GENITIVE_RE.search(word)
        or (_ACCUSATIVE_AFTER_VOWEL_RE.search(word) and word not in _POSSESSED_IN_NY)
    ):
        return False
    if not is_possessed(word):
        return False
    following, _, _ = next_word(text, word_end)
    return not (_GENITIVE_RE.search(following) and is_possessed(following[:-3]))


def _glued_name(text: str, m: re.Match[str]) -> Tagged | None:
    """A name in mixed case with its ending written straight after it (ҚазМұнайГаздың,
    ҚазҰУ-дағы is the hyphenated kind); left as written when what follows is no
    ending."""
    entry = abbreviations()[m.group(0)]
    glued = _GLUED_ENDING_RE.match(text, m.end())
    ending = parse_ending(glued.group(0)) if glued is not None else None
    if glued is None or ending is None:
        return None
    return Tagged(
        m.start(),
        glued.end(),
        "abbreviation",
        words=entry.spoken,
        ending=ending,
        base_possessive="poss" in entry.flags,
    )


def handle_abbreviation(text: str, m: re.Match[str]) -> Tagged | None:
    """A listed lowercase or dotted abbreviation (т.б., обл., млн), or a name in mixed
    case (ҚазҰУ, ҚазМұнайГаздың)."""
    written = m.group(0)
    if text[m.end() : m.end() + 1].isalpha():
        return _glued_name(text, m)
    table = abbreviations()
    entry = table.get(written) or table[written[:1].lower() + written[1:]]
    return _handle_abbreviation_at(text, m.start(), m.end(), written, entry)


def _handle_abbreviation_at(text: str, start: int, end: int, written: str, entry: Entry) -> Tagged:
    flags = entry.flags
    tagged = _tag_abbreviation(text, start, end, entry)
    if "year" in flags or "years" in flags:
        tagged.words = year_word_for(text, end, plural="years" in flags)
        tagged.ending = None
    elif "century" in flags or "centuries" in flags:
        tagged.words = century_word_for(text, end, plural="centuries" in flags)
        tagged.ending = None
    if (written.endswith(".") and "final" in flags and keeps_full_stop(text, tagged.end)) or (
        written.endswith(".") and text[tagged.end : tagged.end + 1] in ("", "\n")
    ):
        tagged.tail = "."
    return tagged
