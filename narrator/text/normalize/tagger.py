"""The tagger: finds the spans of a text that are not plain words and classifies them.

One precompiled regex finds candidates (a digit, a sign before a digit, a symbol, a
Roman numeral, a Latin letter, an all-caps token, a listed abbreviation); a handler per
kind of candidate reads as much as belongs to the span (a number with its range, per
cent sign, scale word, unit, currency and written ending) and looks at the next word for
what decides the class (a form of жыл, a month name, ғасыр, аралығында). Plain text
between candidates is never looked at again, which keeps the tagger fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import replace
from functools import cache

from narrator.text.normalize.abbreviation import genitive_before_title
from narrator.text.normalize.endings import Ending, inflect, parse_ending
from narrator.text.normalize.fraction import FRACTION_CHARACTERS
from narrator.text.normalize.latin_fallback import ENGLISH_LETTER_NAMES, LATIN_LETTERS, read_latin
from narrator.text.normalize.lexicon import Lexicon
from narrator.text.normalize.numbers import ONES, SCALES, TENS
from narrator.text.normalize.roman import roman_value
from narrator.text.normalize.semiotic import Amount, Number, Tagged
from narrator.text.normalize.tables import (
    Entry,
    abbreviations,
    acronym_words,
    currencies,
    letter_names,
    months,
    regnal_names,
    scales,
    units,
)

UPPER = "А-ЯЁӘҒҚҢӨҰҮҺІ"
LOWER = "а-яёәғқңөұүһі"
CYRILLIC = UPPER + LOWER
HYPHENS = "-‐‑"
APOSTROPHES = "'’ʼ`"
GROUP_SPACES = " \u00a0\u202f\u2009"
MINUS_SIGNS = "-‐‑–−"
CURRENCY_SIGNS = "$€£¥₽₸₺₴"
CLOSING_QUOTES = "»\"”“'’"

# Symbols said as a word when no number goes with them.
SYMBOL_WORDS = {
    "%": "пайыз", "‰": "промилле", "°": "градус", "℃": "градус", "&": "және", "№": "нөмір",
    "±": "плюс-минус",
}  # fmt: skip
# Particles written after a hyphen that are not endings: 5-ақ → бес-ақ.
PARTICLES = frozenset({"ақ", "ау", "ай", "мыс", "ғой", "ды", "ші"})
# Words a Roman numeral is read before (as an ordinal): I тоқсан, ІІ дәрежелі, XII съезд.
ROMAN_BEFORE = (
    "съез", "сессия", "дәреже", "том", "тарау", "бөлім", "халықаралық", "тоқсан", "жартыжыл",
    "орын", "топ", "кезең", "сынып", "курс", "санат", "лига", "дивизион", "шақырылым",
    "конгресс", "форум", "фестиваль", "дүниежүзілік", "мыңжылдық", "жиын", "пленум",
    "құрылтай", "спартакиада", "олимпиада", "азия", "бүкіл", "республикалық", "айлық",
)  # fmt: skip
# Number words: a capitalised one before a lone I is a sentence start, not a name.
NUMBER_WORDS = frozenset((*ONES, *TENS[1:], "жүз", *(name for _, name in SCALES)))
# Words written after a hyphen that are said as separate words: 20-шақты адам.
SEPARATE_WORDS = frozenset({"шақты", "шамасы", "шамасында"})
# Words after "N жыл" that make it a duration, not a year.
DURATION_AFTER_YEAR = frozenset({"бойы", "бұрын", "ішінде", "өтті", "толды", "өтсе", "толады"})
DURATION_AFTER_FROM_YEAR = frozenset({"астам", "аса", "артық", "кем", "көп", "ұзақ"})
# What follows `ж.` decides how it is said.
FROM_YEAR_AFTER = frozenset({"бастап", "бері", "кейін", "соң", "әрі", "бұрын", "басталып"})
TO_YEAR_AFTER = frozenset({"дейін", "шейін", "таман", "қарай"})
# Words that a possessive abbreviation does not take the genitive before.
NOT_POSSESSED = frozenset(
    {
        "туралы", "арқылы", "бойынша", "сияқты", "жайлы", "тарапынан", "үшін", "мен", "бен",
        "пен", "және", "не", "немесе", "да", "де", "та", "те", "ғана", "әлі", "жоқ", "бар",
        "емес", "соңғы", "алғашқы", "бүгінгі", "ішкі", "сыртқы", "қазіргі", "кейінгі",
        "бұрынғы", "жоғарғы", "төменгі", "жылғы", "биылғы", "былтырғы", "кезекті", "тағы",
        "әрі", "бірі", "бәрі", "көбі", "кейбірі", "тиісті", "осы", "сол", "бұл",
    }
)  # fmt: skip
POSSESSED_LOOKING_LIKE_VERBS = frozenset(
    {"өкілі", "өкілдері", "филиалы", "филиалдары", "мүлкі", "ауылы", "бөлімі", "кеңсесі"}
)
POSSESSED_SUFFIX_RE = re.compile(r"(?:[ыі]|с[ыі])(?:н[ае]|нд[ае]|н[ае]н|н[ыі]ң|н|мен)?$")
VERB_LIKE_RE = re.compile(r"(?:[дл][ыі]|[ткқпсшч]т[ыі]|[ғгқк][ыі])$")
# Capitalised words at the start of a sentence that are not organisation names.
NOT_NAMES = frozenset(
    {"ол", "бұл", "осы", "сол", "олар", "біз", "мен", "сен", "ал", "және", "бірақ", "оның",
     "бұның", "осындай", "кейін", "биыл", "былтыр", "жаңа", "ірі", "бір", "әр", "барлық"}
)  # fmt: skip
# Words between an abbreviation and the noun it possesses: АҚ бас директоры.
HEAD_MODIFIERS = frozenset({"бас", "басқарма", "баспасөз", "вице", "атқарушы", "бірінші"})
# Nouns of compound verbs: өмір сүрді, жұмыс істеді, пайда болды, қол қойды.
LIGHT_VERB_NOUNS = frozenset({"өмір", "жұмыс", "пайда", "қол", "іске", "қоныс", "көз", "ат"})
# A bare number before сынып / курс is a grade (ordinal) when pupils or students follow.
GRADE_WORDS = frozenset({"сынып", "курс"})
GRADE_HOLDERS = ("оқушы", "студент", "түлек", "бала")
# Words after `ж.` that make it жылы: verbs, participles, locatives, adverbs.
VERB_OR_ADVERB_RE = re.compile(
    r"(?:[дтн][ыі]|[ғгқк][ае]н?|[дтн][ае]н|[дт][ае]|[нм][ае][кқ]|еді|ады|йды|йді|ып|іп"
    r"|ған|ген|қан|кен|мақ|мек|ша|ше|лай|лей|сыз|сіз)$"
)
POSSESSED_NOUNS_FOR_CENTURY = ("бас", "орта", "аяғ", "аяқ", "соң", "екінші", "бірінші", "жарт")

_NUMBER_ATOM_RE = re.compile(
    rf"""
    (?P<int>
        [0-9]{{1,3}}(?:[{GROUP_SPACES}][0-9]{{3}})+(?![0-9])
      | [0-9]{{1,3}}(?:\.[0-9]{{3}})+(?!\.?[0-9])
      | [0-9]{{1,3}}(?:,[0-9]{{3}}){{2,}}(?![0-9])
      | [0-9]+
    )
    (?:[,.](?P<frac>[0-9]+))?
    """,
    re.VERBOSE,
)
_PHONE_RE = re.compile(
    r"(?:\+[0-9]{1,3}|8)(?:[ \-]?\(?[0-9]{2,5}\)?)(?:[ \-]?[0-9]{2,4}){2,4}(?![0-9])"
)
_LOCAL_PHONE_RE = re.compile(r"[0-9]{3}-[0-9]{2}-[0-9]{2}(?![0-9])")
_DATE_RE = re.compile(r"([0-9]{1,2})([./])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})(?![0-9])")
_ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])")
_CLOCK_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})(?![0-9:])")
_DOTTED_CLOCK_RE = re.compile(r"([0-9]{1,2})\.([0-9]{2})(?![0-9])")
# What makes 12.30 a time, not a decimal: a range to another time or a time's ending.
_TIME_AFTER_DOTTED_RE = re.compile(
    r"\s?[–—-]\s?[0-9]{1,2}[.:][0-9]{2}(?![0-9])|[-‐‑](?:[дт][ае]|[дт][ае]н|[ғгқк][ае])(?!\w)"
)
_SCORE_RE = re.compile(r"([0-9]{1,3}):([0-9]{1,3})(?![0-9:])")
_FRACTION_RE = re.compile(r"([0-9]+)/([0-9]+)(?![0-9/])")
_TIME_RANGE_DASH_RE = re.compile(r"\s?[–—]\s?|[-‐‑]")
# Weather ranges are also written with an ellipsis: -3...-8 градус.
_RANGE_DASH_RE = re.compile(
    rf"(\s?[–—]\s?|[{HYPHENS}]|\.\.\.|…)(?=[-–−+]?[{CURRENCY_SIGNS}]?[0-9])"
)
_PERCENT_RE = re.compile(r"[ \u00a0]?%")
_ENDING_RE = re.compile(rf"([{HYPHENS}{APOSTROPHES}])?([{CYRILLIC}]+)")
_NEXT_WORD_RE = re.compile(r"[ \u00a0\t]*[«\"“(]?([^\W\d_]+)")
_YEAR_ABBREVIATION_RE = re.compile(r"[ \u00a0‐‑-]?(жж\.|ж\.ж\.|ж\.|ғғ\.|ғ\.)(?!\w)")
_CLOCK_WORD_BEFORE_RE = re.compile(r"(?:сағат|сағ\.?)[ \u00a0]*\Z", re.IGNORECASE)
_LATIN_RUN_RE = re.compile(rf"[{LATIN_LETTERS}]+")
_LATIN_TOKEN_RE = re.compile(rf"[{LATIN_LETTERS}]+(?:['’][{LATIN_LETTERS}]+)?")
_WORD_AROUND_RE = re.compile(rf"[{LATIN_LETTERS}{CYRILLIC}]+")
_ROMAN_RE = re.compile(r"[IVXLCDMІХ]+")
_CAPS_WORD_RE = re.compile(rf"[{UPPER}]{{2,}}(?![{LOWER}])")

# The user lexicon of the call in progress, for readings deep inside the handlers.
_USER_LEXICON: ContextVar[Lexicon | None] = ContextVar("user_lexicon", default=None)

# A token boundary is a change from a letter to anything else: digits stuck to a token
# are said apart from it (5ТМД → бес ТМД), so they must not hide it from the tagger.
NOT_AFTER_LETTER = rf"(?<![{LATIN_LETTERS}{CYRILLIC}])"
NOT_BEFORE_LETTER = rf"(?![{LATIN_LETTERS}{CYRILLIC}])"

# Latin lookalikes typed inside Cyrillic words (бiр with a Latin i).
HOMOGLYPHS = str.maketrans(
    {"a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "x": "х", "y": "у",
     "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К", "M": "М",
     "O": "О", "P": "Р", "T": "Т", "X": "Х"}
)  # fmt: skip


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _unit_re() -> re.Pattern[str]:
    written = list(units()) + [w for w in currencies() if not _is_sign(w)]
    return re.compile(rf"[ \u00a0\u202f]?({_alternation(written)})(?![\w²³])")


@cache
def _scale_re() -> re.Pattern[str]:
    return re.compile(rf"[ \u00a0\u202f]({_alternation(list(scales()))})(?!\w)")


@cache
def _month_re() -> re.Pattern[str]:
    return re.compile(rf"({_alternation(list(months().values()))})(.*)")


def _is_sign(written: str) -> bool:
    """A currency sign written before or after the amount ($, ₸), not a word (тг, USD)."""
    return (len(written) == 1 and written in CURRENCY_SIGNS) or written == "US$"


def _is_caps(word: str) -> bool:
    return _CAPS_WORD_RE.fullmatch(word) is not None


@cache
def candidate_re(*, at_boundary: bool = False) -> re.Pattern[str]:
    """The regex that finds every place where a span may start.

    ``at_boundary`` drops the look-behinds, for the word right after a span: a span and
    the letters stuck to it (5G, 2/3НАТО) are said as separate words.
    """
    listed = [w for w in abbreviations() if not _is_caps(w)]
    # at the start of a sentence: Проф. Әлиев, Б.з.б. III ғасыр (not one-letter ones such
    # as ж., which capitalised are initials)
    listed += [_capitalised(w) for w in listed if sum(ch.isalpha() for ch in w) >= 3]
    after_letter = "" if at_boundary else NOT_AFTER_LETTER
    after_dot = "" if at_boundary else r"(?<!\.)"
    return re.compile(
        rf"""
          (?P<digit>[0-9])
        | (?P<sign>[{MINUS_SIGNS}+](?=[0-9]))
        | (?P<symbol>[{CURRENCY_SIGNS}№%‰±½¼¾⅓⅔°℃&²³])
        | (?P<roman>{after_letter}[IVXLCDMІХ]+(?:{NOT_BEFORE_LETTER}|(?=ғ{{1,2}}\.)))
        | (?P<latin>[{LATIN_LETTERS}])
        | (?P<caps>{after_letter}[{UPPER}]{{2,}}(?![{CYRILLIC}A-Za-z]))
        | (?P<abbreviation>{after_letter}{after_dot}(?:{_alternation(listed)}){NOT_BEFORE_LETTER})
        """,
        re.VERBOSE,
    )


# ---------------------------------------------------------------------------
# Context helpers


def _next_word(text: str, pos: int) -> tuple[str, int, int]:
    """The next word after ``pos`` (lowercased), its start and end; ("", pos, pos) if
    punctuation or a digit comes first."""
    m = _NEXT_WORD_RE.match(text, pos)
    if m is None:
        return "", pos, pos
    return m.group(1).lower(), m.start(1), m.end(1)


def _stem_and_rest(word: str, stem: str) -> str | None:
    """The ending after ``stem`` if ``word`` is ``stem`` plus an ending, else None."""
    if not word.startswith(stem):
        return None
    rest = word[len(stem) :]
    if rest == "" or parse_ending(rest) is not None:
        return rest
    return None


def _is_month_word(word: str) -> bool:
    """Whether a word is a month name with or without an ending (мамырда)."""
    m = _month_re().match(word)
    return m is not None and (m.group(2) == "" or parse_ending(m.group(2)) is not None)


def _year_rest(word: str) -> str | None:
    """The ending of a form of жыл (жылы → ы), or None if the word is not one."""
    return _stem_and_rest(word, "жыл")


def _is_century_word(word: str) -> bool:
    """Whether a word is a form of ғасыр."""
    return _stem_and_rest(word, "ғасыр") is not None


def _year_is_ordinal(value: int, rest: str, following: str) -> bool:
    """Whether a number before a form of жыл is a year (ordinal) or a duration."""
    ending = parse_ending(rest) if rest else Ending(())
    if ending is None or ending.has("adj") or ending.has("sim"):
        return False
    plausible_year = 1000 <= value <= 2199
    if rest == "ы" or rest.startswith("дар"):
        return True
    if not plausible_year:
        return False
    if rest == "" and following in DURATION_AFTER_YEAR:
        return False
    return not (rest.startswith("дан") and following in DURATION_AFTER_FROM_YEAR)


def _is_possessed(word: str) -> bool:
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


def _possesses_next(text: str, pos: int) -> bool:
    """Whether the next word (after a modifier such as бас, басқарма) is a possessed noun
    that an organisation before it stands in the genitive to (АҚ президенті)."""
    word, _, end = _next_word(text, pos)
    if "\n" in text[pos:end]:
        return False
    if word in HEAD_MODIFIERS:
        word, _, _ = _next_word(text, end)
    return _is_possessed(word)


def _after_name(text: str, start: int) -> bool:
    """Whether an organisation name (a closing quote or a capitalised word) comes just
    before ``start``."""
    before = text[max(0, start - 40) : start].rstrip()
    if not before:
        return False
    if before[-1] in CLOSING_QUOTES:
        return True
    m = re.search(rf"([A-Za-z{CYRILLIC}]+)\Z", before)
    return (
        m is not None
        and m.group(1)[0].isupper()
        and not _is_caps(m.group(1))
        and m.group(1).lower() not in NOT_NAMES
    )


def _year_word_for(text: str, pos: int, plural: bool) -> str:
    """How `ж.` / `жж.` is said, from what follows it: жылдан before бастап, жылға before
    дейін, жылғы before a date or a bare noun, жылдың before a possessed noun, else жылы."""
    word, _, _ = _next_word(text, pos)
    if plural:
        if word.startswith("аралығ"):
            return "жылдар"
        return "жылдардан" if word in FROM_YEAR_AFTER else "жылдары"
    if word in FROM_YEAR_AFTER:
        return "жылдан"
    if word in TO_YEAR_AFTER:
        return "жылға"
    if not word:
        date = re.match(
            r"[ \u00a0]*[0-9]{1,2}(?:-[а-я]+)?[ \u00a0]+([^\W\d_]+)", text[pos : pos + 40]
        )
        return "жылғы" if date and _is_month_word(date.group(1).lower()) else "жылы"
    if _is_month_word(word):
        return "жылғы"
    if word.startswith(POSSESSED_NOUNS_FOR_CENTURY):
        return "жылдың"
    if _verb_follows(text, pos):
        return "жылы"
    if _is_possessed(word):
        return "жылдың"
    return "жылғы"


def _century_word_for(text: str, pos: int, plural: bool) -> str:
    """How `ғ.` / `ғғ.` is said, from what follows it: ғасырдың before a possessed noun
    (басында, 30-жылдары), ғасырда before a verb (салынған), else ғасыр."""
    word, _, _ = _next_word(text, pos)
    base = "ғасырлар" if plural else "ғасыр"
    if word.startswith(POSSESSED_NOUNS_FOR_CENTURY) or re.match(
        r"[ \u00a0]*[0-9]+-жылдар", text[pos : pos + 20]
    ):
        return base + "дың"
    if word and _verb_follows(text, pos):
        return base + "да"
    return base


def _verb_follows(text: str, pos: int) -> bool:
    """Whether what follows ``pos`` reads as a predicate or an adverbial (салынған,
    Астанада, өмір сүрді), not a noun that a year or century would qualify."""
    word, word_start, word_end = _next_word(text, pos)
    if not word:
        return False
    if text[word_start].isupper() or VERB_OR_ADVERB_RE.search(word):
        return True
    if word in LIGHT_VERB_NOUNS:
        following, _, _ = _next_word(text, word_end)
        return VERB_OR_ADVERB_RE.search(following) is not None
    return False


def _keeps_full_stop(text: str, end: int) -> bool:
    """Whether the full stop of an abbreviation ending at ``end`` also ends a sentence:
    at the end of a line, or before a capitalised word."""
    rest = text[end : end + 4]
    if not rest.strip(" \t\u00a0") or rest[0] == "\n":
        return True
    return re.match(rf"[ \u00a0]+[«\"“]?[{UPPER}A-Z][{LOWER}a-z]", rest) is not None


# ---------------------------------------------------------------------------
# Numbers


def _sign_word(ch: str) -> str:
    return "плюс" if ch == "+" else "минус"


def _parse_atom(text: str, pos: int, sign: str = "") -> tuple[Number, int] | None:
    """One written number: its digits (grouping removed) and its decimal digits."""
    m = _NUMBER_ATOM_RE.match(text, pos)
    if m is None:
        return None
    digits = "".join(ch for ch in m.group("int") if "0" <= ch <= "9")
    return Number(digits, m.group("frac"), sign), m.end()


def _parse_signed_atom(text: str, pos: int) -> tuple[Number, int, str] | None:
    """A number with an optional sign and currency sign before it."""
    sign = ""
    currency = ""
    if pos < len(text) and text[pos] in MINUS_SIGNS + "+":
        sign = _sign_word(text[pos])
        pos += 1
    if pos < len(text) and text[pos] in CURRENCY_SIGNS:
        currency = currencies()[text[pos]].spoken
        pos += 1
        if pos < len(text) and text[pos] in GROUP_SPACES:
            pos += 1
    parsed = _parse_atom(text, pos, sign)
    if parsed is None:
        return None
    return parsed[0], parsed[1], currency


def _tag_number(text: str, start: int, *, forced_ordinal: bool = False) -> Tagged:
    """Tag a numeric expression starting at ``start`` (a digit, sign or currency sign)."""
    special = None if forced_ordinal else _tag_special_number(text, start)
    if special is not None:
        return special
    parsed = _parse_signed_atom(text, start)
    if parsed is None:  # a sign or currency sign not followed by a number after all
        ch = text[start]
        word = currencies()[ch].spoken if ch in currencies() else _sign_word(ch)
        return Tagged(start, start + 1, "abbreviation", words=word)
    first, pos, currency = parsed
    numbers = [first]
    joiner = "-"
    first_percent = _PERCENT_RE.match(text, pos)
    if first_percent is not None and _RANGE_DASH_RE.match(text, first_percent.end()):
        pos = first_percent.end()  # 10%–15%: said once, after the range
    dash = _RANGE_DASH_RE.match(text, pos)
    if dash is not None and not _CLOCK_RE.match(text, dash.end()):
        second = _parse_signed_atom(text, dash.end())
        if second is not None:
            numbers.append(second[0])
            pos = second[1]
            currency = currency or second[2]
            joiner = "-" if dash.group(1) in HYPHENS else " – "
    if pos < len(text) and text[pos] == "½" and len(numbers) == 1:
        return _with_ending(text, Tagged(start, pos + 1, "fraction", values=(first.digits, "½")))

    cls = "cardinal"
    words = ""
    base_possessive = False
    scale = ""
    percent = _PERCENT_RE.match(text, pos)
    if percent is not None:
        cls, pos = "percent", percent.end()
    else:
        scale_match = _scale_re().match(text, pos)
        if scale_match is not None:
            scale = scales()[scale_match.group(1)].spoken
            pos = scale_match.end()
        unit_match = _unit_re().match(text, pos)
        if unit_match is not None:
            written = unit_match.group(1)
            entry: Entry = units().get(written) or currencies()[written]
            user_lexicon = _USER_LEXICON.get()
            spoken = (user_lexicon.lookup(written) if user_lexicon else None) or entry.spoken
            if written in units() and not (written in currencies() and scale):
                cls, words = "measure", spoken
                base_possessive = "poss" in entry.flags and spoken == entry.spoken
            else:
                currency = spoken
            pos = unit_match.end()
        elif pos < len(text) and text[pos] in CURRENCY_SIGNS and not currency:
            currency = currencies()[text[pos]].spoken
            pos += 1
        elif (
            pos + 1 < len(text)
            and text[pos] in " \u00a0"
            and text[pos + 1] in CURRENCY_SIGNS
            and not currency
        ):
            currency = currencies()[text[pos + 1]].spoken
            pos += 2
    if currency:
        cls, words = "money", currency
    elif cls == "cardinal" and any(n.fraction is not None for n in numbers):
        cls = "decimal"
    if cls == "cardinal" and len(numbers) == 2:
        cls = "range"

    tagged = Tagged(start, pos, cls, words=words, base_possessive=base_possessive)
    amount = Amount(tuple(numbers), joiner=joiner, scale=scale)
    tagged.amount = amount
    if pos > 0 and text[pos - 1] == "." and (scale or words) and _keeps_full_stop(text, pos):
        tagged.tail = "."
    elif text[pos : pos + 1] == "+" and not text[pos + 1 : pos + 2].isdigit():
        tagged.tail, tagged.end = " плюс", pos + 1  # 18+
    _attach_ending(text, tagged, plain_number=cls in ("cardinal", "range", "decimal"))
    if forced_ordinal:
        tagged.amount = _as_ordinal(tagged.amount)
        tagged.cls = "ordinal"
    elif cls in ("cardinal", "range") and tagged.ending is None and not tagged.tail:
        _classify_by_context(text, tagged)
    elif cls in ("cardinal", "range") and tagged.tail.startswith(" "):
        noun = tagged.tail.strip().lower()
        if _year_rest(noun) is not None and all(n.digits.isdigit() for n in numbers):
            tagged.cls = "year"
    _join_before_interval(text, tagged)
    _take_particle(text, tagged)
    return tagged


def _as_ordinal(amount: Amount | None) -> Amount | None:
    return None if amount is None else replace(amount, ordinal=True)


def _attach_ending(text: str, tagged: Tagged, *, plain_number: bool) -> None:
    """Read the written ending after a span; a hyphen and a word that is not an ending
    make a plain number ordinal (1-сынып → бірінші сынып)."""
    pos = tagged.end
    m = _ENDING_RE.match(text, pos)
    if m is None or (plain_number and _YEAR_ABBREVIATION_RE.match(text, pos)):
        return  # no ending, or ж. / ғ. stuck to the number (2025ж.): read with context
    separator, suffix = m.group(1), m.group(2)
    ending = parse_ending(suffix)
    if ending is not None:
        if plain_number and ending.has("ord"):
            tagged.amount = _as_ordinal(tagged.amount)
            tagged.cls = "ordinal"
            ending = ending.without("ord")
        tagged.ending = ending
        tagged.end = m.end()
        return
    if separator is None:
        tagged.tail = tagged.tail or " "  # letters stuck to the number: 5G, 3D
        return
    if separator in HYPHENS and suffix in PARTICLES:
        tagged.tail = f"-{suffix}"
        tagged.end = m.end()
        return
    if separator in HYPHENS and suffix in SEPARATE_WORDS:
        tagged.tail = f" {suffix}"  # 20-шақты → жиырма шақты
        tagged.end = m.end()
        return
    if separator in HYPHENS and plain_number and not _is_dotted_abbreviation(text, m):
        tagged.amount = _as_ordinal(tagged.amount)
        tagged.cls = "ordinal"
        tagged.tail = f" {suffix}"
        tagged.end = m.end()


def _is_dotted_abbreviation(text: str, word: re.Match[str]) -> bool:
    """Whether the word after a hyphen is an abbreviation or acronym (ж., т.б., ҚР), not
    a noun that makes the number before it ordinal."""
    if _is_caps(word.group(2)):
        return True
    candidate = candidate_re().match(text, word.start(2))
    return candidate is not None and candidate.lastgroup == "abbreviation"


def _classify_by_context(text: str, tagged: Tagged) -> None:
    """Make a plain number a year, a day of a month or a century from the next word."""
    assert tagged.amount is not None
    numbers = tagged.amount.numbers
    if any(n.fraction is not None or n.sign for n in numbers):
        return
    abbreviation = _YEAR_ABBREVIATION_RE.match(text, tagged.end)
    if abbreviation is not None:
        written = abbreviation.group(1)
        after = abbreviation.end()
        several = len(numbers) > 1  # 1990-2000 ж. are years: жылдары
        if written.startswith("ж"):
            tagged.words = _year_word_for(text, after, plural=written != "ж." or several)
            tagged.cls = "year"
        else:
            tagged.words = _century_word_for(text, after, plural=written == "ғғ." or several)
            tagged.cls = "ordinal"
        tagged.amount = _as_ordinal(tagged.amount)
        tagged.end = after
        if text[after:].lstrip(" \t\u00a0")[:1] in ("", "\n"):
            tagged.tail = "."  # the abbreviation's full stop also ended the sentence
        return
    word, _, word_end = _next_word(text, tagged.end)
    if not word:
        return
    values = [int(n.digits) if len(n.digits) < 7 else 10**7 for n in numbers]
    if _is_month_word(word) and all(1 <= v <= 31 for v in values):
        tagged.amount, tagged.cls = _as_ordinal(tagged.amount), "date"
        return
    rest = _year_rest(word)
    if rest is not None:
        following, _, _ = _next_word(text, word_end)
        if all(_year_is_ordinal(v, rest, following) for v in values):
            tagged.amount, tagged.cls = _as_ordinal(tagged.amount), "year"
        return
    if _is_century_word(word) and all(1 <= v <= 30 for v in values):
        tagged.amount, tagged.cls = _as_ordinal(tagged.amount), "ordinal"
        return
    grade = next((w for w in GRADE_WORDS if word.startswith(w)), None)
    if grade is not None and all(1 <= v <= 12 for v in values):
        following, _, _ = _next_word(text, word_end)
        rest = _stem_and_rest(word, grade)
        plural = rest is not None and (parse_ending(rest) or Ending(())).has("pl")
        # 10-11 сынып оқушылары, 1-11 сыныптар: grades (a count takes a singular noun)
        if plural or (rest == "" and following.startswith(GRADE_HOLDERS)):
            tagged.amount, tagged.cls = _as_ordinal(tagged.amount), "ordinal"
        return
    if word == "оқу" and all(1000 <= v <= 2199 for v in values):
        following, _, _ = _next_word(text, word_end)
        if _year_rest(following) is not None:
            tagged.amount, tagged.cls = _as_ordinal(tagged.amount), "year"


def _join_before_interval(text: str, tagged: Tagged) -> None:
    """Before аралығында a range is said with мен/бен/пен between its ends."""
    amount = tagged.amount
    if amount is None or (len(amount.numbers) != 2 and tagged.cls != "time") or tagged.words:
        return  # only a range written right before аралығында
    if tagged.cls == "time" and len(tagged.values) != 4:
        return
    word, _, _ = _next_word(text, tagged.end)
    if word.startswith("аралығ"):
        tagged.amount = replace(amount, join_with_particle=True)


_PARTICLE_RE = re.compile(r"[ \u00a0]+(?:мен|бен|пен)(?!\w)")


def _take_particle(text: str, tagged: Tagged) -> None:
    """Swallow a written мен/бен/пен after a number, to say it again in harmony with
    the spoken number (14:00 мен 16:00 → он төрт пен он алты)."""
    if tagged.ending is None and not tagged.tail:
        m = _PARTICLE_RE.match(text, tagged.end)
        if m is not None:
            tagged.particle = True
            tagged.end = m.end()


def _with_ending(text: str, tagged: Tagged) -> Tagged:
    """Take a written ending after a hyphen or apostrophe; a word stuck to the span is
    said after a space."""
    m = _ENDING_RE.match(text, tagged.end)
    if m is not None and m.group(1) is not None:
        ending = parse_ending(m.group(2))
        if ending is not None:
            tagged.ending = ending
            tagged.end = m.end()
    elif text[tagged.end : tagged.end + 1].isalpha() and not tagged.tail:
        tagged.tail = " "
    return tagged


def _tag_special_number(text: str, start: int) -> Tagged | None:
    """Phone numbers, numeric dates, clock times, scores and fractions."""
    ch = text[start]
    if ch in "+8":
        phone = _PHONE_RE.match(text, start)
        if phone is not None:
            written = phone.group(0)
            digit_count = sum(ch.isdigit() for ch in written)
            groups = re.findall(r"[0-9]+", written)
            if 10 <= digit_count <= 13 and (
                ch == "+" or "(" in written or any(len(g) == 2 for g in groups)
            ):
                plus = "плюс" if ch == "+" else ""
                return Tagged(start, phone.end(), "telephone", words=plus, values=tuple(groups))
    if not ch.isdigit():
        return None
    local_phone = _LOCAL_PHONE_RE.match(text, start)
    if local_phone is not None:
        return Tagged(
            start,
            local_phone.end(),
            "telephone",
            values=tuple(re.findall(r"[0-9]+", local_phone.group(0))),
        )
    date = _DATE_RE.match(text, start)
    if date is not None and 1 <= int(date.group(1)) <= 31 and 1 <= int(date.group(3)) <= 12:
        year = date.group(4)
        if len(year) == 2:  # 24.11.26
            year = ("20" if int(year) <= 50 else "19") + year
        return _tag_numeric_date(text, start, date.end(), date.group(1), date.group(3), year)
    iso = _ISO_DATE_RE.match(text, start)
    if iso is not None and 1 <= int(iso.group(2)) <= 12 and 1 <= int(iso.group(3)) <= 31:
        return _tag_numeric_date(text, start, iso.end(), iso.group(3), iso.group(2), iso.group(1))
    clock = _CLOCK_RE.match(text, start) or _dotted_clock(text, start)
    if clock is not None:
        hour, minute = clock.group(1), clock.group(2)
        word, _, _ = _next_word(text, clock.end())
        if int(hour) <= 24 and int(minute) < 60 and not word.startswith("есе"):
            return _tag_clock(text, start, clock.end(), hour, minute)
    score = _SCORE_RE.match(text, start)
    if score is not None:
        tagged = Tagged(start, score.end(), "score", values=(score.group(1), score.group(2)))
        return _with_ending(text, tagged)
    fraction = _FRACTION_RE.match(text, start)
    if fraction is not None:
        numerator, denominator = fraction.group(1), fraction.group(2)
        if len(numerator) == len(denominator) == 4 and all(
            1000 <= int(v) <= 2199 for v in (numerator, denominator)
        ):  # 2025/2026 оқу жылы
            amount = Amount((Number(numerator), Number(denominator)), "-", ordinal=True)
            return _with_ending(text, Tagged(start, fraction.end(), "year", amount))
        if int(denominator or "0") != 0 and len(denominator) <= 6:
            tagged = Tagged(start, fraction.end(), "fraction", values=(numerator, denominator))
            return _with_ending(text, tagged)
    return None


def _dotted_clock(text: str, start: int) -> re.Match[str] | None:
    """A time written with a dot (15.00, 12.30): after сағат, with 00 minutes, in a
    range of times, or with the ending of a time (15.30-да, 18.00-ге дейін)."""
    dotted = _DOTTED_CLOCK_RE.match(text, start)
    if dotted is None:
        return None
    if (
        _CLOCK_WORD_BEFORE_RE.search(text, max(0, start - 8), start)
        or dotted.group(2) == "00"
        or _TIME_AFTER_DOTTED_RE.match(text, dotted.end())
    ):
        return dotted
    return None


def _tag_numeric_date(text: str, start: int, end: int, day: str, month: str, year: str) -> Tagged:
    """A date in digits: day, month name, year and the year word the text needs."""
    tagged = Tagged(start, end, "date", values=(day, month, year))
    abbreviation = _YEAR_ABBREVIATION_RE.match(text, end)
    if abbreviation is not None and abbreviation.group(1).startswith("ж"):
        tagged.words = _year_word_for(text, abbreviation.end(), plural=False)
        tagged.end = abbreviation.end()
        return tagged
    m = _ENDING_RE.match(text, end)
    if m is not None and m.group(1) is not None and parse_ending(m.group(2)) is not None:
        tagged.words = inflect("жыл", parse_ending(m.group(2)))
        tagged.end = m.end()
        return tagged
    word, _, _ = _next_word(text, end)
    if _year_rest(word) is None:
        if word in FROM_YEAR_AFTER:
            tagged.words = "жылдан"
        elif word in TO_YEAR_AFTER:
            tagged.words = "жылға"
        else:
            tagged.words = "жылы"
    return tagged


def _tag_clock(text: str, start: int, end: int, hour: str, minute: str) -> Tagged:
    """A clock time, or a range of two, with its ending."""
    values: tuple[str, ...] = (hour, minute)
    joiner = "-"
    dash = _TIME_RANGE_DASH_RE.match(text, end)
    if dash is not None:
        second = _CLOCK_RE.match(text, dash.end()) or _DOTTED_CLOCK_RE.match(text, dash.end())
        if second is not None and int(second.group(1)) <= 24 and int(second.group(2)) < 60:
            values = (hour, minute, second.group(1), second.group(2))
            joiner = "-" if dash.group(0) in HYPHENS else " – "
            end = second.end()
    tagged = Tagged(start, end, "time", Amount((Number(hour),), joiner), values=values)
    _with_ending(text, tagged)
    _join_before_interval(text, tagged)
    _take_particle(text, tagged)
    return tagged


# ---------------------------------------------------------------------------
# Handlers per kind of candidate


def _handle_digit(text: str, m: re.Match[str]) -> Tagged | None:
    """A number starting with a digit; one stuck to a word (A320) is a cardinal said
    after a space."""
    start = m.start()
    tagged = _tag_number(text, start)
    if start > 0 and (text[start - 1].isalpha()):
        tagged.start = start
        tagged.amount = _as_cardinal(tagged.amount)
        if tagged.cls in ("ordinal",) and tagged.tail.startswith(" "):
            tagged.cls = "cardinal"
        tagged.prefix = " "  # a number stuck to a word (A320) is said after a space
    return tagged


def _as_cardinal(amount: Amount | None) -> Amount | None:
    return None if amount is None else replace(amount, ordinal=False)


def _handle_sign(text: str, m: re.Match[str]) -> Tagged | None:
    """A sign before a digit: минус/плюс, or the hyphen of a model number (Ту-154)."""
    start = m.start()
    before = text[start - 1] if start > 0 else " "
    if m.group(0) == "+" and (before.isalnum()):
        tagged = _tag_number(text, start)
        tagged.prefix = " "  # 2+2 → екі плюс екі
        return tagged
    if m.group(0) in MINUS_SIGNS and (before.isalpha() or before.isdigit()):
        # a model or series number (Ту-154, COVID-19) or a run of numbers (2-3-4)
        tagged = _tag_number(text, start + 1)
        tagged.start = start
        tagged.amount = _as_cardinal(tagged.amount)
        if tagged.cls == "ordinal" and tagged.tail.startswith(" "):
            tagged.cls = "cardinal"
        tagged.prefix = " " if before.isalpha() else "-"
        return tagged
    return _tag_number(text, start)


def _handle_symbol(text: str, m: re.Match[str]) -> Tagged | None:
    """A symbol: a currency sign or № before a number, a vulgar fraction, a unit with
    ² or ³, or a symbol said as a word (%, °, &)."""
    start = m.start()
    ch = m.group(0)
    following = text[start + 1 : start + 3]
    if (ch in CURRENCY_SIGNS and following[:1].isdigit()) or (
        following[:1] in GROUP_SPACES and following[1:2].isdigit() and ch in CURRENCY_SIGNS
    ):
        return _tag_number(text, start)
    if ch == "№":
        pos = start + 1
        while pos < len(text) and text[pos] in GROUP_SPACES:
            pos += 1
        if pos < len(text) and text[pos].isdigit():
            tagged = _tag_number(text, pos, forced_ordinal=True)
            tagged.start = start
            return tagged
    if ch in "²³":  # a unit without a number: км², м³
        unit = re.search(rf"[{CYRILLIC}]+\Z", text[max(0, start - 6) : start])
        if unit is None or unit.group(0) + ch not in units():
            return None
        unit_start = start - len(unit.group(0))
        words = units()[unit.group(0) + ch].spoken
        return _with_ending(text, Tagged(unit_start, start + 1, "abbreviation", words=words))
    if ch in FRACTION_CHARACTERS or ch == "½":
        values = FRACTION_CHARACTERS.get(ch, ("", "½"))
        tagged = _with_ending(text, Tagged(start, start + 1, "fraction", values=values))
    else:
        spoken = SYMBOL_WORDS.get(ch) or (currencies()[ch].spoken if ch in currencies() else "")
        if not spoken:
            return None
        tagged = _with_ending(text, Tagged(start, start + 1, "abbreviation", words=spoken))
    # a symbol stuck to a word is said as a word of its own
    if start > 0 and text[start - 1].isalnum():
        tagged.prefix = " "
    if text[tagged.end : tagged.end + 1].isalnum():
        tagged.tail = " "
    return tagged


def _is_roman_context(text: str, start: int, end: int, token: str) -> bool:
    """Whether a token of Roman digits is a numeral here (XXI ғасыр, ІІ дәрежелі, Петр I)."""
    word, _, _ = _next_word(text, end)
    if _is_century_word(word) or _YEAR_ABBREVIATION_RE.match(text, end):
        return True
    if word.startswith(ROMAN_BEFORE) and word != "тоқсан":  # bare тоқсан is the number 90
        return True
    latin = token.translate(str.maketrans("ХІ", "XI"))
    if set(latin) <= set("IVX") and len(token) > 1:
        return True
    before = text[max(0, start - 30) : start]
    name = re.search(rf"([{UPPER}A-Z][{LOWER}a-z]+)[ \u00a0]+\Z", before)
    if name is None or name.group(1).lower() in NUMBER_WORDS:
        return False  # Петр I, but not a number said at the start of a sentence
    if not token.isascii() and name.group(1) not in regnal_names():
        return False  # a lone Cyrillic І or Х elsewhere may be an initial or a letter
    after = text[end : end + 3]
    return not re.match(rf"\.[ \u00a0]*[{UPPER}A-Z]", after)


def _handle_roman(text: str, m: re.Match[str]) -> Tagged | None:
    """A Roman numeral (or a range of them) with ғ. or a written ending; else a Latin
    word or an acronym."""
    token = m.group(0)
    value = roman_value(token)
    if value is not None and _is_roman_context(text, m.start(), m.end(), token):
        values = [str(value)]
        end = m.end()
        joiner = "-"
        dash = _TIME_RANGE_DASH_RE.match(text, end)
        if dash is not None:
            second = _ROMAN_RE.match(text, dash.end())
            if second is not None and roman_value(second.group(0)) is not None:
                values.append(str(roman_value(second.group(0))))
                joiner = "-" if dash.group(0) in HYPHENS else " – "
                end = second.end()
        tagged = Tagged(
            m.start(), end, "roman", Amount((Number("0"),), joiner), values=tuple(values)
        )
        abbreviation = _YEAR_ABBREVIATION_RE.match(text, end)
        if abbreviation is not None and abbreviation.group(1).startswith("ғ"):
            tagged.words = _century_word_for(
                text, abbreviation.end(), plural=abbreviation.group(1) == "ғғ." or len(values) > 1
            )
            tagged.end = abbreviation.end()
            if _keeps_full_stop(text, tagged.end) and text[tagged.end : tagged.end + 1] in (
                "",
                "\n",
            ):
                tagged.tail = "."
            return tagged
        m_end = _ENDING_RE.match(text, tagged.end)
        if m_end is not None and m_end.group(1) is not None:
            ending = parse_ending(m_end.group(2))
            if ending is not None:
                tagged.ending = ending.without("ord")
                tagged.end = m_end.end()
            elif m_end.group(1) in HYPHENS and not _is_dotted_abbreviation(text, m_end):
                tagged.tail = f" {m_end.group(2)}"
                tagged.end = m_end.end()
        return tagged
    if any("A" <= ch <= "Z" for ch in token):
        return _handle_latin(text, m)
    if len(token) == 1:
        return None  # a lone Х or І that is not a numeral: an initial or a letter
    return _handle_caps(text, m)


def _handle_latin(text: str, m: re.Match[str]) -> Tagged | None:
    """A Latin-script token, or a Cyrillic word typed with Latin lookalikes (бiр)."""
    start = m.start()
    word_match = _WORD_AROUND_RE.match(text, start)
    assert word_match is not None
    # extend back to the start of a word that mixes scripts (бiр with a Latin i)
    word_start = start
    while word_start > 0 and text[word_start - 1].isalpha():
        word_start -= 1
    word = text[word_start : word_match.end()]
    if re.search(f"[{CYRILLIC}]", word):
        # Latin lookalikes become Cyrillic; other Latin letters are read in Cyrillic
        end = word_match.end()
        fixed = word.translate(HOMOGLYPHS)
        if _LATIN_RUN_RE.search(fixed) is None:
            caps = _tag_caps(text, word_start, end, fixed) if _is_caps(fixed) else None
            return caps or Tagged(word_start, end, "abbreviation", words=fixed)
        if word.isupper():  # an acronym in mixed scripts: spell every letter
            names = letter_names()
            spelled = "-".join(
                names.get(ch) or ENGLISH_LETTER_NAMES.get(ch.lower(), ch.lower()) for ch in fixed
            )
            return Tagged(word_start, end, "abbreviation", words=spelled)
        fixed = _LATIN_RUN_RE.sub(lambda run: read_latin(run.group(0)), fixed).lower()
        if word[:1].isupper():
            fixed = fixed[:1].upper() + fixed[1:]
        return Tagged(word_start, end, "abbreviation", words=fixed)
    token_match = _LATIN_TOKEN_RE.match(text, start)
    assert token_match is not None
    tagged = Tagged(start, token_match.end(), "latin", words=token_match.group(0))
    return _with_ending(text, tagged)


def _handle_caps(text: str, m: re.Match[str]) -> Tagged | None:
    """An all-caps Cyrillic token: a Roman numeral in Cyrillic letters, or an acronym."""
    token = m.group(0)
    start, end = m.start(), m.end()
    if set(token) <= set("ХІ") and _is_roman_context(text, start, end, token):
        value = roman_value(token)
        if value is not None:
            return _handle_roman(text, m)
    return _tag_caps(text, start, end, token)


def _tag_caps(text: str, start: int, end: int, token: str) -> Tagged | None:
    """An all-caps Cyrillic token: a listed abbreviation, an acronym said as a word, or
    one spelled by letter names."""
    entry = abbreviations().get(token)
    if entry is None:
        hyphenated = re.match(rf"{re.escape(token)}-[{LOWER}]+", text[start:])
        if hyphenated and hyphenated.group(0) in abbreviations():
            token = hyphenated.group(0)
            end = start + len(token)
            entry = abbreviations()[token]
    if entry is not None:
        return _tag_abbreviation(text, start, end, entry)
    word = acronym_words().get(token)
    if word is not None:
        tagged = _with_ending(text, Tagged(start, end, "abbreviation", words=word.spoken))
        if tagged.ending and word.spoken.isupper():
            tagged.words += "-"  # an acronym said as a word keeps its hyphen: НАТО-ға
        return tagged
    if len(token) > 5 or _in_caps_run(text, start, end):
        return None  # a word in capitals (a heading), not an acronym
    return _with_ending(text, Tagged(start, end, "letters", words=token))


def _in_caps_run(text: str, start: int, end: int) -> bool:
    """Whether the token stands next to another unlisted all-caps Cyrillic word (a
    heading in capitals, not an acronym). Symmetric, and blind to Latin lookalikes, so
    that normalising twice changes nothing."""
    before = re.search(
        rf"(?<![{CYRILLIC}A-Za-z])([{UPPER}A-Z]{{2,}})[ \u00a0]+\Z",
        text[max(0, start - 40) : start],
    )
    after = re.match(rf"[ \u00a0]+([{UPPER}A-Z]{{2,}})(?![{CYRILLIC}A-Za-z])", text[end : end + 40])
    return any(
        neighbour is not None and _is_unlisted_caps(neighbour.group(1))
        for neighbour in (before, after)
    )


def _is_unlisted_caps(token: str) -> bool:
    fixed = token.translate(HOMOGLYPHS)
    return (
        re.search(f"[{UPPER}]", token) is not None
        and _is_caps(fixed)
        and fixed not in abbreviations()
        and fixed not in acronym_words()
        and not (set(fixed) <= set("ХІ") and roman_value(fixed) is not None)
    )


def _tag_abbreviation(text: str, start: int, end: int, entry: Entry) -> Tagged:
    """An expansion from the table: possessive after an organisation name, genitive
    before what it possesses, the written ending regenerated."""
    tagged = Tagged(start, end, "abbreviation", words=entry.spoken)
    possessive = "poss" in entry.flags
    if "org" in entry.flags and _after_name(text, start):
        tagged.words = inflect(entry.spoken, Ending(("poss",)))
        possessive = True
    tagged.base_possessive = possessive
    _with_ending(text, tagged)
    if (
        possessive
        and "org" in entry.flags
        and tagged.ending is None
        and _possesses_next(text, tagged.end)
    ):
        tagged.ending = Ending(("gen",))
    genitive = genitive_before_title(entry, text, tagged.end, _possesses_next)
    if genitive is not None and tagged.ending is None:
        tagged.words = genitive
    return tagged


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def _handle_abbreviation(text: str, m: re.Match[str]) -> Tagged | None:
    """A listed lowercase or dotted abbreviation (т.б., обл., млн)."""
    written = m.group(0)
    table = abbreviations()
    entry = table.get(written) or table[written[:1].lower() + written[1:]]
    return _handle_abbreviation_at(text, m.start(), m.end(), written, entry)


def _handle_abbreviation_at(text: str, start: int, end: int, written: str, entry: Entry) -> Tagged:
    flags = entry.flags
    tagged = _tag_abbreviation(text, start, end, entry)
    if "year" in flags or "years" in flags:
        tagged.words = _year_word_for(text, end, plural="years" in flags)
        tagged.ending = None
    elif "century" in flags or "centuries" in flags:
        tagged.words = _century_word_for(text, end, plural="centuries" in flags)
        tagged.ending = None
    if (written.endswith(".") and "final" in flags and _keeps_full_stop(text, tagged.end)) or (
        written.endswith(".") and text[tagged.end : tagged.end + 1] in ("", "\n")
    ):
        tagged.tail = "."
    return tagged


HANDLERS: dict[str, Callable[[str, re.Match[str]], Tagged | None]] = {
    "digit": _handle_digit,
    "sign": _handle_sign,
    "symbol": _handle_symbol,
    "roman": _handle_roman,
    "latin": _handle_latin,
    "caps": _handle_caps,
    "abbreviation": _handle_abbreviation,
}


def _lexicon_span(text: str, m: re.Match[str], lexicon: Lexicon) -> Tagged:
    """A written form of the user lexicon, with its ending regenerated."""
    spoken = lexicon.spoken_for(m.group(0))
    tagged = Tagged(m.start(), m.end(), "lexicon", words=spoken)
    _with_ending(text, tagged)
    # a several-word name whose last word is possessive: Қазақстан темір жолы-на
    last_word = spoken.rsplit(" ", 1)[-1].lower()
    tagged.base_possessive = (
        " " in spoken and len(last_word) > 3 and POSSESSED_SUFFIX_RE.search(last_word) is not None
    )
    return tagged


def tag(text: str, lexicon: Lexicon | None = None) -> list[Tagged]:
    """All the non-plain spans of ``text``, in order, without overlaps.

    The user ``lexicon`` wins over the built-in tables: its written forms are taken
    where they start first or at the same place as a built-in candidate, and it
    overrides the reading of units and currencies after numbers.
    """
    token = _USER_LEXICON.set(lexicon)
    try:
        spans = _tag(text, lexicon)
    finally:
        _USER_LEXICON.reset(token)
    _share_ordinal_context(text, spans)
    return spans


_LIST_SEPARATOR_RE = re.compile(r",[ \u00a0]*|[ \u00a0]+(?:және|немесе|мен|бен|пен)[ \u00a0]+")


def _share_ordinal_context(text: str, spans: list[Tagged]) -> None:
    """In a list of years or days only the last one stands before жыл or the month
    (2020, 2021 және 2022 жылдары; 5 және 6 мамырда): the others are ordinal too."""
    for index in range(len(spans) - 1, 0, -1):
        current, previous = spans[index], spans[index - 1]
        if current.cls not in ("year", "date") or previous.cls != "cardinal":
            continue
        if previous.ending or previous.tail or previous.words or previous.amount is None:
            continue
        gap = text[previous.end : current.start]
        if not (_LIST_SEPARATOR_RE.fullmatch(gap) or (previous.particle and not gap.strip())):
            continue
        low, high = (1000, 2199) if current.cls == "year" else (1, 31)
        numbers = previous.amount.numbers
        if all(n.fraction is None and not n.sign and low <= int(n.digits) <= high for n in numbers):
            previous.amount, previous.cls = _as_ordinal(previous.amount), current.cls


def _tag(text: str, lexicon: Lexicon | None) -> list[Tagged]:
    spans: list[Tagged] = []
    pos = 0
    length = len(text)
    search = candidate_re().search
    lexicon_re = lexicon.pattern if lexicon is not None else None
    lexicon_match = lexicon_re.search(text) if lexicon_re is not None else None
    at_boundary = candidate_re(at_boundary=True).match
    while pos < length:
        m = None
        if spans and spans[-1].end == pos and text[pos : pos + 1].isalpha():
            m = at_boundary(text, pos)
        if m is None:
            m = search(text, pos)
        if lexicon_re is not None and lexicon_match is not None and lexicon_match.start() < pos:
            lexicon_match = lexicon_re.search(text, pos)
        if (
            lexicon is not None
            and lexicon_match is not None
            and (m is None or lexicon_match.start() <= m.start())
        ):
            tagged = _lexicon_span(text, lexicon_match, lexicon)
        elif m is None:
            break
        else:
            try:
                tagged = HANDLERS[m.lastgroup or "digit"](text, m)
            except Exception:  # an unforeseen shape must not stop a bulletin: leave it as written
                tagged = None
            if tagged is None or tagged.end <= pos:
                pos = m.end()
                continue
        tagged.start = max(tagged.start, pos)
        # a span stuck to a word (ЖАҢА$1, НАТО-ҚТЖ) is said as words of its own
        if not tagged.prefix and tagged.start > 0 and text[tagged.start - 1].isalpha():
            tagged.prefix = " "
        elif (
            not tagged.prefix
            and tagged.start > 1
            and text[tagged.start - 1] in HYPHENS
            and not text[tagged.start - 2].isspace()
            and tagged.cls in ("abbreviation", "letters")
        ):
            tagged.start -= 1
            tagged.prefix = " "
        spans.append(tagged)
        pos = tagged.end
    return spans
