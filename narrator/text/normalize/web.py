"""How web addresses, e-mails, hashtags and @handles are said.

- A web address: the scheme (https://) and www. are not said; the host's parts are
  joined with нүкте, the path's segments with қиғаш сызық; a query (?...) or fragment
  (#...) is not said. https://www.gov.kz/memleket → гов нүкте кей-зет қиғаш сызық
  мемлекет.
- An e-mail: the name, эт, then the domain: info@halyk.kz → инфо эт халық нүкте кей-зет.
- A hashtag: хэштег and its words: #Қазақстан2050 → хэштег Қазақстан екі мың елу.
- An @handle: эт and its words: @tokayev_kz → эт тоқаев кей-зет.

Inside them, a dot is нүкте, a hyphen or underscore is a pause between words, digits
are said digit by digit, Latin words are read by the Latin reader, and the parts in
``data/web_words.tsv`` (kz, com, org) are said as listed.
"""

from __future__ import annotations

import re

from narrator.text.normalize import numbers
from narrator.text.normalize.latin_fallback import read_latin
from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.tables import web_words
from narrator.text.normalize.taggers import candidate_re

POINT = "нүкте"
SLASH = "қиғаш сызық"
AT = "эт"
HASHTAG = "хэштег"
_PIECE_RE = re.compile(r"[A-Za-z]+|[0-9]+|[^\W\d_A-Za-z]+")
_SCHEME_RE = re.compile(r"(?:https?://)?(?:www\.)?", re.IGNORECASE)


def _say_piece(piece: str) -> str:
    known = web_words().get(piece.lower())
    if known is not None:
        return known
    if piece.isdigit():
        return numbers.digit_words(piece)
    if piece.isascii():
        said = read_latin(piece).lower()
        return said[:1].upper() + said[1:] if piece[:1].isupper() else said
    return piece


def _say_words(part: str) -> str:
    """A part without dots: its words, numbers and Latin runs, said one after another."""
    known = web_words().get(part.lower())
    if known is not None:
        return known
    return " ".join(_say_piece(piece) for piece in _PIECE_RE.findall(part))


def _say_dotted(part: str) -> str:
    return f" {POINT} ".join(s for s in (_say_words(p) for p in part.split(".")) if s)


def _say_hashtag_words(tag: str) -> str:
    """A hashtag's words: numbers said as numbers (#Қазақстан2050), Latin read."""
    pieces = []
    for piece in _PIECE_RE.findall(tag):
        if piece.isdigit():
            pieces.append(numbers.cardinal(piece))
        elif piece.isascii():
            pieces.append(read_latin(piece))
        else:
            pieces.append(piece)
    return " ".join(pieces)


def verbalize(tagged: Tagged, *, formal: bool) -> str:
    """``words`` is the kind (url, email, hashtag, handle); ``values`` the written form.
    What the readers give is normalised again when it holds something to expand (a
    hashtag #АҚШ, a Latin reading тг), so that the result is a fixed point."""
    spoken = _say(tagged)
    if candidate_re().search(spoken):
        from narrator.text.normalize import normalize

        spoken = normalize(spoken, register="formal" if formal else "news")
    return spoken


def _say(tagged: Tagged) -> str:
    written = tagged.values[0]
    if tagged.words == "hashtag":
        body = written[1:]
        # a dotted abbreviation (#т.б.) is kept whole, for normalize() to expand
        return f"{HASHTAG} {body if '.' in body else _say_hashtag_words(body)}".strip()
    if tagged.words == "handle":
        return f"{AT} {_say_dotted(written[1:])}".strip()
    if tagged.words == "email":
        name, _, domain = written.partition("@")
        return f"{_say_dotted(name)} {AT} {_say_dotted(domain)}"
    address = _SCHEME_RE.sub("", written, count=1)
    address = re.split(r"[?#]", address, maxsplit=1)[0]
    host, *path = address.split("/")
    said = [_say_dotted(host)] + [_say_dotted(segment) for segment in path if segment]
    return f" {SLASH} ".join(s for s in said if s)
