"""Identifiers and codes: numbers that name something rather than count it, said digit
by digit or in their written groups, never as quantities, ordinals or years.

What makes a number an identifier:
- a cue word before it (``data/identifier_cues.tsv``): Код 12345, ЖСН 850101300123,
  пошта индексі 050013, PIN-код 1234, шот 4400..., or after it: KC 921 рейсі;
- its shape: a zero-led run of four or more digits (050013, 0012) or four groups of four
  digits (a card number, 4400 4301 2345 6789);
- a version: a dotted number with two dots or more (17.2.1), or one dot after a Latin
  name or next to нұсқа / версия (iOS 17.2, Web 2.0, 2.0 нұсқасы), said with нүкте.

Readings (``values`` hold the written groups, ``words`` the reading):
- digits: every digit, groups apart: ЖСН 850101300123 → сегіз бес нөл бір нөл бір үш
  нөл нөл бір екі үш; 4400 4301 → төрт төрт нөл нөл, төрт үш нөл бір.
- number: each group a cardinal: рейс 2021 → екі мың жиырма бір.
- version: the parts as cardinals joined by нүкте: iOS 17.2 → ... он жеті нүкте екі.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import product

from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.tables import identifier_cues
from narrator.text.normalize.taggers.common import with_ending
from narrator.text.normalize.taggers.context import next_word
from narrator.text.normalize.taggers.measure import read_unit

# Groups of digits written with spaces or hyphens between them.
_GROUPS_RE = re.compile(r"[0-9]+(?:[ \u00a0\-][0-9]+)*(?![0-9])")
_CARD_RE = re.compile(r"[0-9]{4}(?:([ \u00a0\-])[0-9]{4}(?:\1[0-9]{4}){2})(?![0-9])")
_ZERO_LED_RE = re.compile(r"0[0-9]{3,}(?![0-9]|[.,:/][0-9])")
# A time, decimal, fraction or date goes on after the digits: not an identifier.
_NUMBER_GOES_ON_RE = re.compile(r"[.,:/][0-9]")
_VERSION_RE = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,4}){1,3}(?![0-9]|\.[0-9])")
# The word before a number, with a colon, № or a dash between them.
_WORD_BEFORE_RE = re.compile(r"([^\W\d_](?:[\w\-]*[^\W\d_])?)[ \u00a0]*[:№#]?[ \u00a0]*\Z")
_LATIN_NAME_BEFORE_RE = re.compile(r"(?<![^\W\d_])[A-Za-z][A-Za-z\-]*[ \u00a0]+\Z")
_VERSION_WORDS = ("нұсқа", "версия")
_SCALE_OR_PERCENT_RE = re.compile(r"[ \u00a0]?(?:%|млн|млрд|трлн|мың)")


def _cue_before(text: str, start: int) -> str | None:
    """The reading a cue word right before ``start`` asks for (a colon, № or # may stand
    between them), or None. An index (индексі) is a code only as a postal code: after
    пошта, or six digits with no ending; else its number is a value (ауа сапасы индексі
    150-ден асты)."""
    end = start
    while end > 0 and text[end - 1] in _GAP:
        end -= 1
    if end == start and end > 0 and text[end - 1].isalpha():
        return None  # a number stuck to a word (A320) has no cue
    # the word before must end like a cue, in any case: most numbers stop here
    last_two, last_three, short_cues = _cue_tails()
    two = text[max(0, end - 2) : end]
    if two in short_cues or two[-1:] in short_cues:
        pass  # maybe a cue of one or two letters (ID)
    elif two not in last_two or text[max(0, end - 3) : end] not in last_three:
        return None
    window = text[max(0, end - 24) : end]
    pieces = window.rsplit(None, 1)
    if not pieces or (len(pieces) == 1 and end > 24):
        return None  # no word, or one too long to be a cue
    entry = identifier_cues().get(pieces[-1].lower())
    if entry is None or "after" in entry.flags:
        return None
    if "index" in entry.flags and not _is_postal_code(text, end - len(pieces[-1]), start):
        return None
    return entry.spoken


_POSTAL_WORDS = ("пошта", "почта")
_SIX_DIGITS_RE = re.compile(r"[0-9]{6}(?![0-9]|[\-‐‑'’][^\W\d_])")


def _is_postal_code(text: str, cue_start: int, start: int) -> bool:
    """Whether the number at ``start`` after an index cue word starting at
    ``cue_start`` is a postal code: пошта before the cue, or six digits with no ending."""
    before = text[max(0, cue_start - 16) : cue_start].rsplit(None, 1)
    if before and before[-1].lower().startswith(_POSTAL_WORDS):
        return True
    return _SIX_DIGITS_RE.match(text, start) is not None


@cache
def _cue_tails() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The last two and three letters of the cue words, and the cue words shorter than
    three letters, in every mix of cases (cheaper than lowercasing the text each time)."""

    def cased(written: str) -> set[str]:
        return {"".join(chars) for chars in product(*({ch, ch.upper()} for ch in written))}

    cues = identifier_cues()
    return (
        frozenset(v for w in cues if len(w) >= 2 for v in cased(w[-2:])),
        frozenset(v for w in cues if len(w) >= 3 for v in cased(w[-3:])),
        frozenset(v for w in cues if len(w) < 3 for v in cased(w)),
    )


_GROUP_JOINERS = frozenset(" \u00a0-")

# What may stand between a cue word and its number.
_GAP = " \u00a0:№#"


def _cue_after(text: str, end: int) -> str | None:
    if "рейс" not in text[end : end + 8].lower():  # the only words listed "after"
        return None
    word, _, _ = next_word(text, end)
    entry = identifier_cues().get(word)
    return entry.spoken if entry is not None and "after" in entry.flags else None


def _is_version(text: str, start: int, end: int, dots: int) -> bool:
    if dots >= 2:
        return True
    if _SCALE_OR_PERCENT_RE.match(text, end) or read_unit(text, end, "") is not None:
        return False  # USD 1.5 млн is an amount
    before = text[max(0, start - 24) : start]
    if _LATIN_NAME_BEFORE_RE.search(before):
        return True
    previous = _WORD_BEFORE_RE.search(before)
    following, _, _ = next_word(text, end)
    return following.startswith(_VERSION_WORDS) or (
        previous is not None and previous.group(1).lower().startswith(_VERSION_WORDS)
    )


# Words after a number that make it a quantity whatever came before it.
_QUANTITY_WORDS = ("сағат", "минут", "секунд", "күн", "жыл", "ай", "апта", "пайыз", "есе", "рет")


def _counts_something(text: str, end: int) -> bool:
    """Whether a unit, a per cent sign or a word of time follows the number."""
    if _SCALE_OR_PERCENT_RE.match(text, end) or read_unit(text, end, "") is not None:
        return True
    return next_word(text, end)[0].startswith(_QUANTITY_WORDS)


def match_identifier(text: str, start: int, run_end: int) -> Tagged | None:
    """An identifier starting at ``start`` (a digit), or None. ``run_end`` is where
    the digits from ``start`` end."""
    if start > 0 and (text[start - 1].isdigit() or text[start - 1] in ".,"):
        return None
    following = text[run_end : run_end + 1]
    # more groups of digits follow (4400 4301): the only way to a card number
    grouped = following in _GROUP_JOINERS and "0" <= text[run_end + 1 : run_end + 2] <= "9"
    cue = _cue_before(text, start)
    if (
        cue is None
        and following != "."
        and text[start] != "0"
        and (run_end - start != 4 or not grouped)
        and "рейс" not in text[run_end : run_end + 8].lower()
    ):
        return None  # no cue, no shape of an identifier: the common case, decided fast
    version = _VERSION_RE.match(text, start) if following == "." else None
    if version is not None:
        parts = version.group(0).split(".")
        is_date_or_grouped = all(len(p) == 3 for p in parts[1:]) or (
            len(parts) == 3 and len(parts[2]) in (2, 4) and len(parts[1]) <= 2
        )
        if not is_date_or_grouped and _is_version(text, start, version.end(), len(parts) - 1):
            return _tagged(text, start, version.end(), "version", parts)
    groups = _GROUPS_RE.match(text, start)
    if groups is None or _NUMBER_GOES_ON_RE.match(text, groups.end()):
        return None
    reading = cue or _cue_after(text, groups.end())
    if reading is not None and _counts_something(text, groups.end()):
        reading = None  # рейс 01 сағатқа кешікті: a quantity after all
    if reading is not None:
        return _tagged(text, start, groups.end(), reading, re.findall(r"[0-9]+", groups.group(0)))
    card = _CARD_RE.match(text, start) if run_end - start == 4 else None
    if card is not None:
        return _tagged(text, start, card.end(), "digits", re.findall(r"[0-9]+", card.group(0)))
    zero_led = _ZERO_LED_RE.match(text, start) if text[start] == "0" else None
    if zero_led is not None:
        return _tagged(text, start, zero_led.end(), "digits", [zero_led.group(0)])
    return None


def _tagged(text: str, start: int, end: int, reading: str, groups: list[str]) -> Tagged:
    return with_ending(text, Tagged(start, end, "identifier", words=reading, values=tuple(groups)))
