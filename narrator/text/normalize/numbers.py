"""Kazakh number words: cardinal, ordinal, decimal, fraction and collective.

House style: жүз and мың without бір (1991 → мың тоғыз жүз тоқсан бір), but бір миллион,
бір миллиард. The formal register says бір жүз, бір мың. Numbers are taken as digit
strings so that any length works: above the largest scale word, or for very long
strings (IDs, account numbers), they are read digit by digit. Nothing here raises on
a string of ASCII digits.
"""

from __future__ import annotations

from functools import lru_cache

from narrator.text.normalize.endings import Ending, inflect, ordinal_suffix

ONES = ("нөл", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз")
TENS = ("", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан")
SCALES = (
    (10**33, "дециллион"),
    (10**30, "нониллион"),
    (10**27, "октиллион"),
    (10**24, "септиллион"),
    (10**21, "секстиллион"),
    (10**18, "квинтиллион"),
    (10**15, "квадриллион"),
    (10**12, "триллион"),
    (10**9, "миллиард"),
    (10**6, "миллион"),
    (10**3, "мың"),
)
# Numbers from this length on are read digit by digit (no scale word above дециллион).
DIGIT_BY_DIGIT_FROM = 37
COLLECTIVE_WORDS = {
    1: "біреу",
    2: "екеу",
    3: "үшеу",
    4: "төртеу",
    5: "бесеу",
    6: "алтау",
    7: "жетеу",
    8: "сегізеу",
    9: "тоғызау",
    10: "онау",
}


def digit_words(digits: str) -> str:
    """Read a digit string digit by digit: ``"007"`` → ``"нөл нөл жеті"``."""
    return " ".join(ONES[ord(ch) - 48] for ch in digits if "0" <= ch <= "9")


def _below_thousand(n: int, formal: bool) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        if hundreds > 1 or formal:
            words.append(ONES[hundreds])
        words.append("жүз")
    tens, ones = divmod(rest, 10)
    if tens:
        words.append(TENS[tens])
    if ones:
        words.append(ONES[ones])
    return words


@lru_cache(maxsize=8192)
def _cardinal_int(n: int, formal: bool) -> str:
    if n == 0:
        return "нөл"
    words: list[str] = []
    for value, name in SCALES:
        count, n = divmod(n, value)
        if count:
            if count == 1 and value == 1000 and not formal:
                words.append(name)
            else:
                words.extend(_below_thousand(count, formal))
                words.append(name)
    words.extend(_below_thousand(n, formal))
    return " ".join(words)


def cardinal(number: int | str, *, formal: bool = False) -> str:
    """Cardinal words for a non-negative integer or a digit string.

    Leading zeros are read as нөл (``"05"`` → нөл бес); strings of 37 digits or more
    are read digit by digit.
    """
    digits = str(number) if isinstance(number, int) else number
    if not (digits.isascii() and digits.isdigit()):
        digits = "".join(ch for ch in digits if "0" <= ch <= "9")
    if not digits:
        return ""
    if len(digits) >= DIGIT_BY_DIGIT_FROM:
        return digit_words(digits)
    stripped = digits.lstrip("0")
    if not stripped:
        return digit_words(digits)
    zeros = len(digits) - len(stripped)
    words = _cardinal_int(int(stripped), formal)
    return ("нөл " * zeros) + words if zeros else words


def ordinal(number: int | str, *, formal: bool = False) -> str:
    """Ordinal words: 1 → бірінші, 20 → жиырмасыншы, 40 → қырқыншы, 50 → елуінші.
    Leading zeros are not said (05 мамыр → бесінші мамыр)."""
    if isinstance(number, str) and len(number) > 1 and number.startswith("0"):
        number = number.lstrip("0") or "0"
    return ordinal_suffix(cardinal(number, formal=formal))


def _denominator(places: int) -> str:
    """The ablative denominator of a decimal: оннан, жүзден, мыңнан, он мыңнан ..."""
    words = cardinal(10**places)
    if words.startswith("бір "):
        words = words[4:]
    return inflect(words, Ending(("abl",)))


def decimal(integer_digits: str, fraction_digits: str, *, formal: bool = False) -> str:
    """A decimal named by its fraction: 3,5 → үш бүтін оннан бес; 0,004 → нөл бүтін
    мыңнан төрт. Very long fraction parts are read digit by digit."""
    whole = cardinal(integer_digits or "0", formal=formal)
    if len(fraction_digits) > 15:
        return f"{whole} бүтін {digit_words(fraction_digits)}"
    numerator = fraction_digits.lstrip("0") or "0"
    return (
        f"{whole} бүтін {_denominator(len(fraction_digits))} {cardinal(numerator, formal=formal)}"
    )


def fraction(numerator: str, denominator: str, *, formal: bool = False) -> str:
    """A common fraction: 2/3 → үштен екі; 1/2 → екіден бір."""
    return (
        f"{inflect(cardinal(denominator, formal=formal), Ending(('abl',)))} "
        f"{cardinal(numerator, formal=formal)}"
    )


def collective(number: int) -> str:
    """Collective numeral (екеу, алтау) for 1..10; the cardinal otherwise."""
    return COLLECTIVE_WORDS.get(number) or cardinal(number)
