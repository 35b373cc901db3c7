"""SSML input: the subset of SSML 1.1 that narrator honours, as a document.

Read:

- ``<speak>`` (the root), ``<p>`` (a paragraph), ``<s>`` (a sentence: it ends with a
  full stop when it has no final punctuation);
- ``<break strength="..." time="...">``: exactly that pause before what follows (see
  :func:`break_pause`), measured from the audible end of the speech before it to the
  audible start of the speech after it; a break inside a sentence cuts it there;
- ``<sub alias="...">``: the alias is read instead of the text;
- ``<say-as interpret-as="...">``: ``characters`` (also ``spell-out``, ``verbatim``)
  letter by letter, ``cardinal`` and ``ordinal`` in words, ``telephone`` digit group
  by digit group, ``date`` through the normaliser's date rules;
- ``<prosody rate="...">``: scales the station's speaking rate for the text it wraps
  (``x-slow`` 0.6, ``slow`` 0.8, ``medium`` 1, ``fast`` 1.25, ``x-fast`` 1.5, ``80%``,
  ``+10%``, or a multiplier; an inner ``prosody`` replaces the outer one's rate); a
  change of rate inside a sentence cuts it there, with the clause pause;
- ``<phoneme alphabet="ipa" ph="...">``: the phonemes, as espeak-ng writes Kazakh (and
  Piper's Kazakh voices read it), are respelled in Kazakh letters with the table
  ``narrator/text/data/ipa_kazakh.tsv`` and read by any voice (``kaspˈi`` -> каспи);
  IPA outside the table is not respelled: the element's own text is read, with a
  warning;
- ``<phoneme alphabet="x-espeak" ph="...">``: espeak-ng's phoneme mnemonics, passed
  to the voice as they are (the espeak-ng voice reads them as ``[[...]]`` phoneme
  input; Piper voices get them translated to IPA by espeak-ng); ``x-sampa`` is not
  read by espeak-ng: the element's text is read, with a warning.

Any other element is read for its text and named in one warning. XML is parsed with
defusedxml: no entity expansion and no external reads. Nesting deeper than
:data:`~narrator.text.readers.MAX_NESTING` is refused.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from importlib import resources
from xml.etree.ElementTree import Element

from narrator.errors import InputError
from narrator.text.document import (
    BREAK_STRENGTHS,
    Document,
    Story,
    break_mark,
    phoneme_mark,
    plain_text,
    rate_mark,
)
from narrator.text.normalize import numbers
from narrator.text.normalize.letters import spell

log = logging.getLogger(__name__)

RATE_WORDS = {
    "x-slow": 0.6,
    "slow": 0.8,
    "medium": 1.0,
    "default": 1.0,
    "fast": 1.25,
    "x-fast": 1.5,
}
RATE_RANGE = (0.5, 2.0)
"""A ``prosody rate`` is clamped to this multiple of the station's rate."""
MAX_BREAK_MS = 10_000
"""The longest ``<break time>``; a longer one is cut to this, with a warning."""
PHONEME_ALPHABETS = ("ipa", "x-espeak", "x-sampa")
_TIME = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*\Z", re.I)
_RATE = re.compile(r"\s*([+-]?)(\d+(?:\.\d+)?)\s*(%?)\s*\Z")
_TERMINAL = (".", "!", "?", "…", ":", ";")
_PARAGRAPH = "\n\n"
_HANDLED = frozenset({"speak", "p", "s", "break", "sub", "say-as", "prosody", "phoneme"})


def break_pause(strength: str | None, time: str | None, source: str) -> str | None:
    """The pause a ``<break>`` asks for: milliseconds (``"750"``) or a strength
    (``"strong"``, resolved against the station's pauses when spoken), or None for no
    pause.

    ``time`` (``750ms``, ``2s``, ``1.5s``) wins over ``strength``; a time over
    :data:`MAX_BREAK_MS` is cut to it with a warning; ``strength="none"`` and a zero
    time give no pause. A bare ``<break/>`` is ``medium`` (the paragraph pause). A bad
    value is an :class:`InputError` naming ``source``.
    """
    if time is not None and time.strip():
        match = _TIME.match(time)
        if not match:
            raise InputError(f"{source}: break time {time!r} is not a time (e.g. 750ms, 2s)")
        value = round(float(match.group(1)) * (1000 if match.group(2).lower() == "s" else 1))
        if value > MAX_BREAK_MS:
            log.warning("%s: break time %s cut to %d ms", source, time.strip(), MAX_BREAK_MS)
            value = MAX_BREAK_MS
        return str(value) if value > 0 else None
    level = (strength or "medium").strip().lower()
    if level == "none":
        return None
    if level not in BREAK_STRENGTHS:
        raise InputError(
            f"{source}: break strength {strength!r} is not one of none, {', '.join(BREAK_STRENGTHS)}"
        )
    return level


def rate_factor(value: str, source: str) -> float:
    """A ``prosody rate`` as a multiple of the station's rate (clamped to
    :data:`RATE_RANGE`)."""
    text = value.strip().lower()
    if text in RATE_WORDS:
        return RATE_WORDS[text]
    match = _RATE.match(text)
    if not match:
        raise InputError(f"{source}: prosody rate {value!r} is not a rate (e.g. 90%, slow)")
    sign, number, percent = match.groups()
    amount = float(number)
    if percent and sign:  # +10% is relative to the normal rate
        factor = 1 + (amount if sign == "+" else -amount) / 100
    elif percent:
        factor = amount / 100
    else:
        factor = amount
    low, high = RATE_RANGE
    return min(max(factor, low), high)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.ignored: set[str] = set()
        self.rates: list[float] = [1.0]  # the rate in effect, innermost last
        self.unspelled: list[str] = []
        self.sampa = False

    def walk(self, element: Element, depth: int) -> None:
        from narrator.text.readers import MAX_NESTING

        if depth > MAX_NESTING:
            raise InputError(f"{self.source}: SSML nested deeper than {MAX_NESTING} levels")
        name = _local(element.tag)
        if name == "break":
            pause = break_pause(element.get("strength"), element.get("time"), self.source)
            if pause is not None:  # a break parts words
                self.parts.append(f" {break_mark(pause)} ")
        elif name == "sub":
            self.parts.append(element.get("alias", "") or _all_text(element))
        elif name == "say-as":
            self.parts.append(self.say_as(element))
        elif name == "phoneme":
            self.parts.append(self.phoneme(element))
        else:
            rated = name == "prosody" and bool(element.get("rate"))
            if rated:
                self.rates.append(rate_factor(element.get("rate", ""), self.source))
                self.parts.append(rate_mark(self.rates[-1]))
            elif name not in _HANDLED:
                self.ignored.add(name)
            if name == "p":
                self.parts.append(_PARAGRAPH)
            self.parts.append(element.text or "")
            start = len(self.parts)
            for child in element:
                self.walk(child, depth + 1)
                self.parts.append(child.tail or "")
            if name == "s":
                self.end_sentence(start)
            elif name == "p":
                self.parts.append(_PARAGRAPH)
            if rated:
                self.rates.pop()
                self.parts.append(rate_mark(self.rates[-1]))

    def end_sentence(self, start: int) -> None:
        """Give an ``<s>`` a full stop when it has no final punctuation."""
        sentence = plain_text("".join(self.parts[start - 1 :])).rstrip()
        if sentence and not sentence.endswith(_TERMINAL):
            self.parts.append(". ")
        else:
            self.parts.append(" ")

    def say_as(self, element: Element) -> str:
        text = _all_text(element)
        kind = (element.get("interpret-as") or "").strip().lower()
        digits = "".join(ch for ch in text if ch.isdigit())
        if kind in ("characters", "spell-out", "verbatim"):
            return " ".join(
                numbers.digit_words(ch) if ch.isdigit() else spell(ch)
                for ch in text
                if not ch.isspace()
            )
        if kind == "cardinal" and digits and digits.isascii():
            return numbers.cardinal(digits)
        if kind == "ordinal" and digits and digits.isascii():
            return numbers.ordinal(digits)
        if kind == "telephone":
            groups = [numbers.cardinal(g) for g in re.findall(r"[0-9]+", text)]
            prefix = "плюс " if text.lstrip().startswith("+") else ""
            return prefix + ", ".join(groups) if groups else text
        if kind != "date":  # dates are read by the normaliser's own rules
            self.ignored.add(f"say-as {kind or '(no interpret-as)'}")
        return text

    def phoneme(self, element: Element) -> str:
        """The respelled phonemes, or the element's text when they cannot be respelled."""
        alphabet = (element.get("alphabet") or "ipa").strip().lower()
        if alphabet not in PHONEME_ALPHABETS:
            raise InputError(
                f"{self.source}: phoneme alphabet {alphabet!r} is not one of "
                f"{', '.join(PHONEME_ALPHABETS)}"
            )
        phonemes = (element.get("ph") or "").strip()
        if not phonemes:
            raise InputError(f"{self.source}: <phoneme> without a 'ph' attribute")
        written = _all_text(element)
        if alphabet == "x-espeak":
            if "[[" in phonemes or "]]" in phonemes or any(ord(c) >= 0xFFFE for c in phonemes):
                raise InputError(f"{self.source}: x-espeak phonemes {phonemes!r} are not mnemonics")
            return phoneme_mark(phonemes, written)
        if alphabet == "x-sampa":
            self.sampa = True
            return written
        spelled = respell(phonemes) if alphabet == "ipa" else None
        if not spelled:
            self.unspelled.append(phonemes)
            return written
        if written[:1].isupper():
            spelled = spelled[:1].upper() + spelled[1:]
        return spelled


@cache
def _respelling() -> tuple[re.Pattern[str], dict[str, str]]:
    table: dict[str, str] = {}
    text = resources.files("narrator.text").joinpath("data/ipa_kazakh.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            phoneme, _, letters = line.partition("\t")
            table[phoneme] = letters
    ordered = sorted(table, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered)) + r"|\s+|(.)", re.S), table


def respell(phonemes: str) -> str | None:
    """IPA phonemes (espeak-ng's Kazakh) in Kazakh letters; None if a symbol is unknown."""
    pattern, table = _respelling()
    letters: list[str] = []
    for match in pattern.finditer(phonemes):
        if match.group(1) is not None:
            return None
        piece = match.group()
        letters.append(" " if piece.isspace() else table[piece])
    return " ".join("".join(letters).split()) or None


def _local(tag: object) -> str:
    """An element's name without its namespace (``{http://...}speak`` -> ``speak``)."""
    return str(tag).rsplit("}", 1)[-1].lower()


def _all_text(element: Element) -> str:
    return "".join(element.itertext())


def parse_ssml(text: str, source: str) -> Document:
    """An SSML document as a single-story document (paragraphs from ``<p>`` and breaks).

    Breaks, rates and x-espeak phonemes are marks in the paragraphs' text (see
    :mod:`narrator.text.document`).
    """
    # defusedxml is imported here: only SSML input needs it (start-up time)
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(
            text.encode("utf-8", "surrogatepass"),
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        )
    except DefusedXmlException as exc:
        raise InputError(f"{source}: refused unsafe XML ({type(exc).__name__})") from None
    except ParseError as exc:
        raise InputError(f"{source}: not well-formed SSML ({exc})") from None
    if _local(root.tag) != "speak":
        raise InputError(f"{source}: SSML must start with <speak>, not <{_local(root.tag)}>")
    reader = _Reader(source)
    reader.walk(root, 1)
    if reader.ignored:
        log.warning(
            "%s: SSML not supported, read as plain text: %s",
            source,
            ", ".join(sorted(reader.ignored)),
        )
    if reader.sampa:
        log.warning("%s: espeak-ng cannot read x-sampa phonemes; their text is read", source)
    if reader.unspelled:
        log.warning(
            "%s: phonemes not respelled, their text read instead: %s",
            source,
            ", ".join(reader.unspelled[:5]),
        )
    paragraphs = [" ".join(p.split()) for p in "".join(reader.parts).split(_PARAGRAPH)]
    paragraphs = [p.strip(" ,") for p in paragraphs if p.strip(" ,")]
    return Document(title=None, stories=[Story(None, paragraphs)], source=source)
