"""The data the tagger hands to the verbalisers: spans, numbers and amounts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from narrator.text.normalize.endings import Ending


@dataclass(frozen=True, slots=True)
class Span:
    """A non-plain piece of the input: where it is, what was written, its class and
    what is said for it."""

    start: int
    end: int
    written: str
    cls: str
    spoken: str


# Number and Amount are named tuples: immutable and hashable like frozen dataclasses, and
# several times cheaper to make and to hash (the tagger makes one or two per number).
class Number(NamedTuple):
    """A written number: its integer digits, decimal digits (if any) and sign word."""

    digits: str
    fraction: str | None = None
    sign: str = ""


class Amount(NamedTuple):
    """One number, or the two ends of a range, with the scale word written after it
    (млн → миллион). ``joiner`` separates range ends as written ("-" or " – ");
    ``join_with_particle`` joins them with мен/бен/пен instead (before аралығында);
    ``ordinal`` makes every end an ordinal."""

    numbers: tuple[Number, ...]
    joiner: str = "-"
    ordinal: bool = False
    scale: str = ""
    join_with_particle: bool = False


# Number and Amount from a tuple of all their fields, without the keyword handling of
# the generated constructors: the tagger makes one of each for every number it reads.
new_number: Callable[[tuple[str, str | None, str]], Number] = partial(tuple.__new__, Number)  # type: ignore[assignment]
new_amount: Callable[[tuple[tuple[Number, ...], str, bool, str, bool]], Amount] = partial(
    tuple.__new__, Amount
)  # type: ignore[assignment]


@dataclass(slots=True)
class Tagged:
    """A span the tagger classified, before verbalisation.

    ``cls`` picks the verbaliser; ``amount`` holds the numbers of numeric classes;
    ``words`` holds the words said after the amount (unit, currency, пайыз, жылы) or the
    whole spoken form of a word class; ``ending`` is the written ending to regenerate on
    the last spoken word; ``base_possessive`` says that word already ends in a
    possessive; ``prefix`` and ``tail`` are said before and after everything (the space
    in `Ту-154` → Ту жүз елу төрт, the noun in `1-сынып` → бірінші сынып); ``particle``
    says the span swallowed a written мен/бен/пен, said again to fit the last word.
    """

    start: int
    end: int
    cls: str
    amount: Amount | None = None
    words: str = ""
    ending: Ending | None = None
    base_possessive: bool = False
    prefix: str = ""
    tail: str = ""
    particle: bool = False
    values: tuple[str, ...] = ()
