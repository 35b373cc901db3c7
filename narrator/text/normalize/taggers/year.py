"""Years and centuries: when a number before a form of жыл is a year (ordinal) or a
duration, and how `ж.`, `жж.`, `ғ.`, `ғғ.` are said from what follows them.
"""

from __future__ import annotations

import re

from narrator.text.normalize.endings import Ending, parse_ending
from narrator.text.normalize.taggers.context import (
    is_month_word,
    is_possessed,
    next_word,
    stem_and_rest,
    verb_follows,
)

# Words after "N жыл" that make it a duration, not a year.
DURATION_AFTER_YEAR = frozenset({"бойы", "бұрын", "ішінде", "өтті", "толды", "өтсе", "толады"})

DURATION_AFTER_FROM_YEAR = frozenset({"астам", "аса", "артық", "кем", "көп", "ұзақ"})


# What follows `ж.` decides how it is said.
FROM_YEAR_AFTER = frozenset({"бастап", "бері", "кейін", "соң", "әрі", "бұрын", "басталып"})

TO_YEAR_AFTER = frozenset({"дейін", "шейін", "таман", "қарай"})


POSSESSED_NOUNS_FOR_CENTURY = ("бас", "орта", "аяғ", "аяқ", "соң", "екінші", "бірінші", "жарт")

YEAR_ABBREVIATION_RE = re.compile(r"[ \u00a0‐‑-]?(жж\.|ж\.ж\.|ж\.|ғғ\.|ғ\.)(?!\w)")


def year_rest(word: str) -> str | None:
    """The ending of a form of жыл (жылы → ы), or None if the word is not one."""
    return stem_and_rest(word, "жыл")


def is_century_word(word: str) -> bool:
    """Whether a word is a form of ғасыр."""
    return stem_and_rest(word, "ғасыр") is not None


def year_is_ordinal(value: int, rest: str, following: str) -> bool:
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


_NUMBERED_AFTER_RE = re.compile(r"[ \u00a0]*№")


def year_word_for(text: str, pos: int, plural: bool) -> str:
    """How `ж.` / `жж.` is said, from what follows it: жылдан before бастап, жылға before
    дейін, жылғы before a date or a bare noun, жылдың before a possessed noun, else жылы."""
    word, _, _ = next_word(text, pos)
    if plural:
        if word.startswith("аралығ"):
            return "жылдар"
        return "жылдардан" if word in FROM_YEAR_AFTER else "жылдары"
    if word in FROM_YEAR_AFTER:
        return "жылдан"
    if word in TO_YEAR_AFTER:
        return "жылға"
    if not word:
        if _NUMBERED_AFTER_RE.match(text, pos):
            return "жылғы"  # a numbered act: 2025 ж. №123 қаулы
        date = re.match(
            r"[ \u00a0]*[0-9]{1,2}(?:-[а-я]+)?[ \u00a0]+([^\W\d_]+)", text[pos : pos + 40]
        )
        return "жылғы" if date and is_month_word(date.group(1).lower()) else "жылы"
    if is_month_word(word):
        return "жылғы"
    if word.startswith(POSSESSED_NOUNS_FOR_CENTURY):
        return "жылдың"
    if verb_follows(text, pos):
        return "жылы"
    if is_possessed(word):
        return "жылдың"
    return "жылғы"


def century_word_for(text: str, pos: int, plural: bool) -> str:
    """How `ғ.` / `ғғ.` is said, from what follows it: ғасырдың before a possessed noun
    (басында, 30-жылдары), ғасырда before a verb (салынған), else ғасыр."""
    word, _, _ = next_word(text, pos)
    base = "ғасырлар" if plural else "ғасыр"
    if word.startswith(POSSESSED_NOUNS_FOR_CENTURY) or re.match(
        r"[ \u00a0]*[0-9]+-жылдар", text[pos : pos + 20]
    ):
        return base + "дың"
    if word and verb_follows(text, pos):
        return base + "да"
    return base
