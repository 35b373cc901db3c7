"""Kazakh context shared by the taggers: the next word, month names, possessed nouns,
verbs and adverbials, organisation names, sentence ends.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from narrator.text.normalize.endings import parse_ending
from narrator.text.normalize.tables import months
from narrator.text.normalize.taggers.common import (
    CLOSING_QUOTES,
    CYRILLIC,
    LOWER,
    UPPER,
    alternation,
    is_caps,
)

# Words that a possessive abbreviation does not take the genitive before.
NOT_POSSESSED = frozenset(
    {
        "туралы", "арқылы", "бойынша", "сияқты", "жайлы", "тарапынан", "үшін", "мен", "бен",
        "пен", "және", "не", "немесе", "да", "де", "та", "те", "ғана", "әлі", "жоқ", "бар",
        "емес", "соңғы", "алғашқы", "бүгінгі", "ішкі", "сыртқы", "қазіргі", "кейінгі",
        "бұрынғы", "жоғарғы", "төменгі", "жылғы", "биылғы", "былтырғы", "кезекті", "тағы",
        "әрі", "бірі", "бәрі", "көбі", "кейбірі", "тиісті", "осы", "сол", "бұл",
        # words in -ын/-ін or -ына/-іне that are not possessed nouns: adverbs, adjectives,
        # nouns of their own, "per year" and the like
        "бүгін", "кейін", "бұрын", "жақын", "егін", "ақын", "қиын", "ұзын", "тұрғын",
        "орын", "жиын", "сайын", "ағын", "толқын", "салқын", "тұтқын", "жалын", "келін",
        "түйін", "бейін", "дарын", "шағын", "тірі",
        "жылына", "айына", "күніне", "аптасына", "сағатына", "басына",
        "дүйсенбі", "сейсенбі", "сәрсенбі", "бейсенбі", "сенбі", "жексенбі", "кіші", "ірі",
    }
)  # fmt: skip

POSSESSED_LOOKING_LIKE_VERBS = frozenset(
    {"өкілі", "өкілдері", "филиалы", "филиалдары", "мүлкі", "ауылы", "бөлімі", "кеңсесі"}
)


# -ынша/-інше: according to (мәліметінше, хабарлауынша), a possessed noun too.
POSSESSED_SUFFIX_RE = re.compile(r"(?:[ыі]|с[ыі])(?:н[ае]|нд[ае]|н[ае]н|н[ыі]ң|н|мен|нш[ае])?$")

# Verbs and adjectives in -ды/-лы/-ті, -ғы/-гі after a consonant or a locative (жылғы,
# қаладағы; after a vowel it is a possessive: академигі, салығы), participles in
# -атын/-йтін (салынатын, оқитын).
VERB_LIKE_RE = re.compile(
    r"(?:[дл][ыі]|[ткқпсшч]т[ыі]|[қк][ыі]|(?:[^аәеиоөұүыіэюя]|[дт][ае])[ғг][ыі]"
    r"|[нлр][ае]т[ыі]н|[йи]т[ыі]н|^к?етет[іі]н)$"
)


# Capitalised words at the start of a sentence that are not organisation names.
NOT_NAMES = frozenset(
    {"ол", "бұл", "осы", "сол", "олар", "біз", "мен", "сен", "ал", "және", "бірақ", "оның",
     "бұның", "осындай", "кейін", "биыл", "былтыр", "жаңа", "ірі", "бір", "әр", "барлық"}
)  # fmt: skip

# Words between an abbreviation and the noun it possesses: АҚ бас директоры.
HEAD_MODIFIERS = frozenset({"бас", "басқарма", "баспасөз", "вице", "атқарушы", "бірінші"})

# Nouns of compound verbs: өмір сүрді, жұмыс істеді, пайда болды, қол қойды.
LIGHT_VERB_NOUNS = frozenset({"өмір", "жұмыс", "пайда", "қол", "іске", "қоныс", "көз", "ат"})

# Words after `ж.` that make it жылы: verbs, participles, locatives, adverbs.
VERB_OR_ADVERB_RE = re.compile(
    r"(?:[дтн][ыі]|[ғгқк][ае]н?|[дтн][ае]н|[дт][ае]|[нм][ае][кқ]|еді|ады|йды|йді|ып|іп"
    r"|ған|ген|қан|кен|мақ|мек|ша|ше|лай|лей|сыз|сіз)$"
)

_NEXT_WORD_RE = re.compile(r"[ \u00a0\t]*[«\"“(]?([^\W\d_]+)")


@cache
def _month_re() -> re.Pattern[str]:
    return re.compile(rf"({alternation(list(months().values()))})(.*)")


def next_word(text: str, pos: int) -> tuple[str, int, int]:
    """The next word after ``pos`` (lowercased), its start and end; ("", pos, pos) if
    punctuation or a digit comes first."""
    m = _NEXT_WORD_RE.match(text, pos)
    if m is None:
        return "", pos, pos
    return m.group(1).lower(), m.start(1), m.end(1)


# Word predicates are asked again and again for the same few words after numbers: cached.
@lru_cache(maxsize=8192)
def stem_and_rest(word: str, stem: str) -> str | None:
    """The ending after ``stem`` if ``word`` is ``stem`` plus an ending, else None."""
    if not word.startswith(stem):
        return None
    rest = word[len(stem) :]
    if rest == "" or parse_ending(rest) is not None:
        return rest
    return None


@lru_cache(maxsize=4096)
def is_month_word(word: str) -> bool:
    """Whether a word is a month name with or without an ending (мамырда); not with the
    adjective suffix -дық, which makes another word of it (қазандық, a boiler)."""
    m = _month_re().match(word)
    if m is None or m.group(2) == "":
        return m is not None
    ending = parse_ending(m.group(2))
    return ending is not None and not ending.has("adj")


@lru_cache(maxsize=4096)
def is_possessed(word: str) -> bool:
    """Whether a word looks like a noun with a 3rd person possessive (президенті,
    төрағасының), not a verb, adjective or postposition."""
    if word in NOT_POSSESSED or len(word) <= 3:
        return False
    # Nouns whose possessive form looks like a verb or an adjective (-лі, -лы, -кі).
    if word.endswith(("банкі", "лары", "лері", "дары", "дері", "тары", "тері")) or word in (
        POSSESSED_LOOKING_LIKE_VERBS
    ):
        return True
    return POSSESSED_SUFFIX_RE.search(word) is not None and VERB_LIKE_RE.search(word) is None


def possesses_next(text: str, pos: int) -> bool:
    """Whether the next word (after a modifier such as бас, басқарма) is a possessed noun
    that an organisation before it stands in the genitive to (АҚ президенті)."""
    word, _, end = next_word(text, pos)
    if "\n" in text[pos:end]:
        return False
    if word in HEAD_MODIFIERS:
        word, _, _ = next_word(text, end)
    return is_possessed(word)


def after_name(text: str, start: int, org_forms: frozenset[str] = frozenset()) -> bool:
    """Whether an organisation name (a closing quote or a capitalised word) comes just
    before ``start``, or one of ``org_forms`` (legal forms: ҰК, АҚ) that follows one
    («ҚазМұнайГаз» ҰК АҚ)."""
    window_start = max(0, start - 40)
    before = text[window_start:start].rstrip()
    if not before:
        return False
    if before[-1] in CLOSING_QUOTES:
        return True
    m = re.search(rf"([A-Za-z{CYRILLIC}]+)\Z", before)
    if m is not None and m.group(1) in org_forms:
        return after_name(text, window_start + m.start(1))
    return (
        m is not None
        and m.group(1)[0].isupper()
        and not is_caps(m.group(1))
        and m.group(1).lower() not in NOT_NAMES
    )


def verb_follows(text: str, pos: int) -> bool:
    """Whether what follows ``pos`` reads as a predicate or an adverbial (салынған,
    Астанада, өмір сүрді), not a noun that a year or century would qualify."""
    word, word_start, word_end = next_word(text, pos)
    if not word:
        return False
    if text[word_start].isupper() or VERB_OR_ADVERB_RE.search(word):
        return True
    if word in LIGHT_VERB_NOUNS:
        following, _, _ = next_word(text, word_end)
        return VERB_OR_ADVERB_RE.search(following) is not None
    return False


def keeps_full_stop(text: str, end: int) -> bool:
    """Whether the full stop of an abbreviation ending at ``end`` also ends a sentence:
    at the end of a line, or before a capitalised word."""
    rest = text[end : end + 4]
    if not rest.strip(" \t\u00a0") or rest[0] == "\n":
        return True
    return re.match(rf"[ \u00a0]+[«\"“]?[{UPPER}A-Z][{LOWER}a-z]", rest) is not None
