"""Latin-script words → how a Kazakh newsreader says them, in Cyrillic.

A Kazakh voice cannot say Latin letters, so every Latin token is rewritten in Cyrillic
in three steps:

1. the lexicon ``data/latin_words.tsv`` (brands, organisations, places, people, common
   English words): exact case first, then case- and accent-insensitive for ordinary
   entries; short all-caps entries (``IT``, ``UN``, ``WHO``) match only in capitals;
2. an all-caps token not in the lexicon is spelled with English letter names
   (``BBC`` → би-би-си) unless it is pronounceable as a word (``NASA`` → Наса),
   see :func:`_should_spell`;
3. anything else is read from its English pronunciation, the CMU Pronouncing Dictionary
   or espeak-ng's English phonemes (``Snowflake`` → Сноуфлейк, see :mod:`english`), or
   letter by letter as a Kazakh/Russian romanisation when the word carries the marks of
   one (``zh``, ``kh``, ``q`` without ``u``, ``-ov``/``-bek``/``-stan`` …:
   ``Zhanibek`` → Жанибек).

The output contains only Cyrillic letters, hyphens and spaces, and the function never
raises. Casing: a capitalised input gives a capitalised output, a lowercase input a
lowercase output; spelled acronyms are lowercase (би-би-си) and acronyms read as words
are title case (Наса), so a second normalising pass does not treat them as Cyrillic
abbreviations.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from narrator.text.normalize.english import english_to_cyrillic

__all__ = ["is_latin_word", "latin_to_cyrillic", "lexicon", "lexicon_phrase_length"]

LEXICON_PATH = Path(__file__).parent / "data" / "latin_words.tsv"

# ---------------------------------------------------------------------------------------
# Character classes
# ---------------------------------------------------------------------------------------

# Latin letters: ASCII, Latin-1 letters (not × ÷), Latin Extended-A/B, Latin Extended
# Additional (Vietnamese and the like).
_LATIN_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_APOSTROPHES = "'\u2019\u02bc\u2018`\u00b4"
_LATIN_WORD_RE = re.compile(rf"[{_LATIN_LETTER}]+(?:[{_APOSTROPHES}\-&][{_LATIN_LETTER}]+)*")
_HAS_LATIN_RE = re.compile(rf"[{_LATIN_LETTER}]")
# Cyrillic letters, without the combining marks and signs at U+0482-U+0489.
_CYRILLIC_LETTER = "\u0400-\u0481\u048a-\u04ff"
# Runs a token is cut into: Latin letters (apostrophes inside are dropped later),
# digits, Cyrillic letters, and anything else.
_RUN_RE = re.compile(
    rf"(?P<lat>[{_LATIN_LETTER}](?:[{_LATIN_LETTER}]|[{_APOSTROPHES}](?=[{_LATIN_LETTER}]))*)"
    rf"|(?P<dig>[0-9]+)|(?P<cyr>[{_CYRILLIC_LETTER}]+)|(?P<other>.)",
    re.DOTALL,
)
_APOSTROPHE_RE = re.compile(f"[{_APOSTROPHES}]")
_POSSESSIVE_RE = re.compile(rf"^(.+)[{_APOSTROPHES}]s$")
# Anything that may not reach the voice: whatever is not a Cyrillic letter, a hyphen or
# a space.
_NOT_SPOKEN_RE = re.compile(rf"[^{_CYRILLIC_LETTER}\- ]+")
_SPACES_RE = re.compile(r" {2,}")
_MULTI_HYPHEN_RE = re.compile(r"-{2,}")
_LOOSE_HYPHEN_RE = re.compile(r" *- +| +- *")

# Letters of Kazakh (and Turkish, and Central European) Latin spellings with a direct
# Cyrillic counterpart; their presence also marks a word as a non-English romanisation,
# read letter by letter.
_KAZAKH_LATIN = {
    "ä": "ә",
    "ö": "ө",
    "ü": "ү",
    "ğ": "ғ",
    "ı": "ы",
    "ş": "ш",
    "ç": "ч",
    "ñ": "ң",
    "ū": "ұ",
    # Central European letters said as in Russian and Kazakh media (Vučić → Вучич).
    "č": "ч",
    "ć": "ч",
    "š": "ш",
    "ž": "ж",
    "ż": "ж",
    "ř": "рж",
}
# Letters that do not decompose under NFKD.
_SPECIAL_FOLD = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
    "ħ": "h",
    "ŋ": "ng",
}

# Digits inside a Latin token (G7, COP29) are read one by one: the number reader
# belongs to the tagger, which should split numbers off before calling us.
_DIGIT_NAMES = ("нөл", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз")

# Symbols that may be glued to a Latin token and have a spoken form.
_SYMBOL_WORDS = {"&": "энд", "+": "плюс", "@": "эт"}


# ---------------------------------------------------------------------------------------
# The lexicon
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The Latin-word table, indexed for the lookup order of :func:`latin_to_cyrillic`."""

    exact: dict[str, str]
    """Every entry by its written form as in the file."""
    folded: dict[str, str]
    """Ordinary entries (and all-caps entries of four letters or more) by their
    case- and accent-folded form."""
    letters: dict[str, str]
    """English letter names, keyed by the capital letter."""
    max_words: int
    """The largest number of space-separated words in an entry."""


def _is_acronym_key(written: str) -> bool:
    """Whether an entry is an all-caps acronym (IT, NATO, G7)."""
    return written.isupper() and len(written) >= 2


def _fold_key(text: str) -> str:
    """Case- and accent-insensitive lookup key: ``Erdoğan`` → ``erdogan``."""
    return _ascii_fold(_APOSTROPHE_RE.sub("'", text)).casefold()


def _load(path: Path) -> Lexicon:
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    letters: dict[str, str] = {}
    max_words = 1
    with path.open(encoding="utf-8-sig") as handle:
        for line in handle:
            line = line.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            written, _, spoken = line.partition("\t")
            written = unicodedata.normalize("NFC", written.strip())
            spoken = spoken.strip()
            if not written or not spoken:
                continue
            exact[written] = spoken
            max_words = max(max_words, written.count(" ") + 1)
            if len(written) == 1 and "A" <= written <= "Z":
                letters[written] = spoken
            # Two- and three-letter acronyms only in capitals: IT is not "it", WHO is
            # not "who". Longer ones are safe to match as "Nato", "Unesco".
            if not (_is_acronym_key(written) and len(written) <= 3) and len(written) > 1:
                folded.setdefault(_fold_key(written), spoken)
    return Lexicon(exact, folded, letters, max_words)


_LEXICON: Lexicon | None = None


def lexicon() -> Lexicon:
    """The built-in Latin-word lexicon, read once on first use."""
    global _LEXICON
    if _LEXICON is None:
        _LEXICON = _load(LEXICON_PATH)
    return _LEXICON


@lru_cache(maxsize=1)
def _phrase_first_words() -> frozenset[str]:
    """The folded first words of the multi-word entries (new for New York)."""
    return frozenset(
        _fold_key(written.split(" ", 1)[0]) for written in lexicon().exact if " " in written
    )


def lexicon_phrase_length(words: list[str]) -> int:
    """How many of ``words``, from the first, make the longest multi-word entry of the
    lexicon (São Paulo, Real Madrid, Wall Street Journal); 0 when none starts there.
    Such a name is said with its established reading (Сан-Паулу), not word by word."""
    if len(words) < 2 or _fold_key(words[0]) not in _phrase_first_words():
        return 0
    for size in range(min(lexicon().max_words, len(words)), 1, -1):
        if _lookup(" ".join(words[:size])) is not None:
            return size
    return 0


# ---------------------------------------------------------------------------------------
# Casing
# ---------------------------------------------------------------------------------------


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _all_caps(token: str) -> bool:
    """Whether every cased letter of the token is a capital (BBC, G7, X)."""
    return token.isupper()


def _lookup(token: str) -> str | None:
    """The lexicon's spoken form for a token (or phrase), with the token's casing."""
    lex = lexicon()
    key = unicodedata.normalize("NFC", _APOSTROPHE_RE.sub("'", token))
    spoken = lex.exact.get(token)
    if spoken is None:
        spoken = lex.exact.get(key)
    if spoken is not None:
        # Capitalised word → capitalised output; capitals (BBC) keep the table's form.
        if token[:1].isupper() and not _all_caps(token):
            return _capitalise(spoken)
        return spoken
    if _all_caps(token) and len(token) <= 3:
        return None  # WI, AIR: short capitals are acronyms, not shouted words
    spoken = lex.folded.get(_fold_key(token))
    if spoken is None:
        return None
    if token.islower():
        return spoken.lower()
    if token[:1].isupper():
        return _capitalise(spoken)
    return spoken


# ---------------------------------------------------------------------------------------
# Acronyms
# ---------------------------------------------------------------------------------------

_VOWEL_LETTERS = frozenset("aeiou")
# English syllable onsets and codas that make a 4-5 letter all-caps token readable as a
# word (SCAT, BRICS, CERN); anything else is spelled (STSAT, OECD, EBRD).
_ONSETS = frozenset(
    re.findall(
        r"\w+",
        "bl br ch cl cr dr dw fl fr gl gr kl kn kr ph pl pr sc sh sk sl sm sn sp st sw th tr tw"
        " wh wr scr shr spl spr squ str thr",
    )
)
_CODAS = frozenset(
    re.findall(
        r"\w+",
        "ch ck cs ct ds ft gs ks ld lf lk ll lm lp ls lt mb mp ms nc nd ng nk ns nt ps pt rb"
        " rc rd rf rg rk rl rm rn rp rs rt sh sk sp ss st th ts ff"
        " nds nks nts rds rks rms rns rst rts",
    )
)
_RUN_SPLIT_RE = re.compile(r"[aeiou]+|[^aeiou]+")


def _should_spell(token: str) -> bool:
    """Whether an all-caps token not in the lexicon is said letter by letter.

    The rule, on the letters only:

    - 1-3 letters: always spelled (IT, CNN, FBI, CEO): short Latin acronyms in Kazakh
      news are spelled; a three-letter one said as a word (COP) goes in the lexicon;
    - 4-5 letters: said as a word when it is pronounceable by English syllable shape:
      it has a vowel (A E I O U), no run of three vowels, its leading consonants are one
      letter or an English onset (ST, BR, SCR...), its final consonants one letter or an
      English coda (ST, NT, CS...), and no run of three consonants inside (NASA, OPEC,
      SCAT, BRICS, ICAO); otherwise spelled (STSAT, EBRD, OECD, HSBC, IAEA);
    - 6 letters or more: said as a word unless it has no vowel at all.

    Words of 4-5 letters are read letter for letter (NASA → Наса, KASE → Касе), longer
    ones from their English pronunciation (SAMRUK → Самрук).
    """
    letters = token.lower()
    if len(letters) <= 3:
        return True
    if not any(ch in _VOWEL_LETTERS for ch in letters):
        return True
    if len(letters) > 5:
        return False
    # y is a vowel except at the start (SYRIA, but YALTA)
    runs = _RUN_SPLIT_RE.findall(letters[0] + letters[1:].replace("y", "i"))
    for index, run in enumerate(runs):
        if run[0] in _VOWEL_LETTERS:
            if len(run) > 2:
                return True
            continue
        if len(run) == 1:
            continue
        if index == 0:
            if run not in _ONSETS:
                return True
        elif index == len(runs) - 1:
            if run not in _CODAS:
                return True
        elif len(run) > 2:
            return True
    return False


def _spell(token: str) -> str:
    """English letter names joined by hyphens: ``BBC`` → ``би-би-си``."""
    letters = lexicon().letters
    names = [letters.get(ch, "") for ch in _ascii_fold(token).upper()]
    return "-".join(name for name in names if name)


# Letter-by-letter reading of an all-caps token said as a word (NASA → Наса, as Russian
# and Kazakh media write these): no English vowel shifts or silent letters.
_ACRONYM_WORD_LETTERS = {
    "a": "а",
    "b": "б",
    "c": "к",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "h": "х",
    "i": "и",
    "j": "дж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "q": "к",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "v": "в",
    "w": "в",
    "x": "кс",
    "y": "и",
    "z": "з",
}


def _acronym_word(token: str) -> str:
    """An all-caps token read as a word: ``NASA`` → ``Наса``, ``UNITAR`` → ``Юнитар``."""
    letters = _ascii_fold(token).lower()
    out: list[str] = []
    for index, ch in enumerate(letters):
        nxt = letters[index + 1 : index + 2]
        if ch == "c" and nxt in ("e", "i", "y"):
            out.append("с")
        elif ch == "e" and (index == 0 or letters[index - 1] in _VOWEL_LETTERS):
            out.append("э")
        elif ch == "u" and index == 0 and nxt == "n":
            out.append("ю")  # UNESCO, UNICEF, UNITAR: the English "you"
        else:
            out.append(_ACRONYM_WORD_LETTERS.get(ch, ""))
    return _capitalise("".join(out))


# ---------------------------------------------------------------------------------------
# Folding
# ---------------------------------------------------------------------------------------


def _ascii_fold(text: str) -> str:
    """Strip accents and map special letters to ASCII: ``Erdoğan`` → ``Erdogan``."""
    if text.isascii():
        return text
    out: list[str] = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        low = ch.lower()
        if low in _SPECIAL_FOLD:
            repl = _SPECIAL_FOLD[low]
            out.append(repl.upper() if ch.isupper() else repl)
            continue
        decomposed = unicodedata.normalize("NFKD", ch)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


def _translit_fold(word: str) -> str:
    """Lowercase a word for reading: accents are stripped except on the
    Kazakh Latin letters (ä ö ü ğ ı ş ç ñ ū), which keep their own sounds."""
    word = word.lower()
    if word.isascii():
        return word
    out: list[str] = []
    for ch in word:
        if ch.isascii() or ch in _KAZAKH_LATIN or ch == "é":
            out.append(ch)  # é is a said e (café, Nestlé), never a silent one
        else:
            out.append(_ascii_fold(ch).lower())
    return "".join(out)


# ---------------------------------------------------------------------------------------
# Kazakh and Russian romanisations
# ---------------------------------------------------------------------------------------

# Kazakh and Russian romanisations (Zhanibek, Nazarbayev, Qazaqstan): letters are read as
# written, y is ы between consonants and й next to a vowel, q is қ, j is ж.
_KZ_RULES_SRC: tuple[tuple[str, str], ...] = (
    (r"shch", "щ"),
    (r"sh", "ш"),
    (r"ch", "ч"),
    (r"zh", "ж"),
    (r"kh", "х"),
    (r"gh", "ғ"),
    (r"ts", "ц"),
    (r"ya", "я"),
    (r"yu", "ю"),
    (r"yo", "ё"),
    (r"ye", "е"),
    (r"iy$", "ий"),
    (r"(?<=u)y(?=[^aeiou])", "ы"),  # Bauyrzhan → Бауыржан
    (r"(?<=[aeiouäöüıū])y", "й"),
    (r"(?<=[aeouäöū])i(?![aeiouäöüıū])", "й"),  # Abylaikhan → Абылайхан
    (r"y", "ы"),
    (r"c(?=[eiy])", "с"),
    (r"c", "к"),
    (r"^e", "е"),
    (r"(?<=[aeiou])e", "э"),
)
_KZ_RULES = tuple((re.compile(pattern), repl) for pattern, repl in _KZ_RULES_SRC)
_KZ_LETTERS = {
    "a": "а",
    "b": "б",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "h": "х",
    "i": "и",
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "q": "қ",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "v": "в",
    "w": "у",
    "x": "кс",
    "z": "з",
    "c": "к",
    "é": "е",
    **_KAZAKH_LATIN,
}
# Marks of a Kazakh or Russian romanisation rather than an English word.
_KZ_MARK_RE = re.compile(
    r"[äöüğışçñūčćšžżř]|zh|kh|shch|q(?!u)"
    r"|(?:ov|ova|ev|eva|yev|yeva|ovich|evich|ovna|evna|uly|kyzy|bek|bekov|stan|skiy|skaya"
    r"|enko|bay|bayev|baev)$"
)


def _translit_kazakh(word: str) -> str:
    """Letter-by-letter reading of a Kazakh or Russian romanisation (lowercase)."""
    out: list[str] = []
    n = len(word)
    i = 0
    while i < n:
        for pattern, repl in _KZ_RULES:
            m = pattern.match(word, i)
            if m:
                out.append(repl)
                i = m.end()
                break
        else:
            out.append(_KZ_LETTERS.get(word[i], ""))
            i += 1
    return "".join(out)


def _translit(word: str) -> str:
    """Read one lowercase word (no separators): a Kazakh or Russian romanisation letter by
    letter, anything else by its English pronunciation (CMU dictionary, else espeak-ng:
    see :mod:`english`); a word neither can pronounce is read letter by letter."""
    if _KZ_MARK_RE.search(word):
        return _translit_kazakh(word)
    return english_to_cyrillic(_ascii_fold(word)) or _translit_kazakh(word)


# ---------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------


def _camel_pieces(run: str) -> list[str]:
    """Split a letter run at case changes: ``TikTok`` → Tik, Tok; ``ChatGPT`` → Chat,
    GPT; ``XMLParser`` → XML, Parser. A lone capital joins the next piece (O'Brien)."""
    cuts = [0]
    for k in range(1, len(run)):
        a, b = run[k - 1], run[k]
        if (a.islower() and b.isupper()) or (
            a.isupper() and b.isupper() and k + 1 < len(run) and run[k + 1].islower()
        ):
            cuts.append(k)
    cuts.append(len(run))
    pieces = [run[s:e] for s, e in pairwise(cuts)]
    merged: list[str] = []
    for piece in pieces:
        if merged and len(merged[-1]) == 1 and merged[-1].isupper():
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def _is_spelled(text: str) -> bool:
    """Whether a spoken form is a letter-by-letter spelling (би-би-си, ай-ти, эм)."""
    names = _letter_name_parts()
    return bool(text) and all(part in names for part in text.split("-"))


@lru_cache(maxsize=1)
def _letter_name_parts() -> frozenset[str]:
    """Hyphen-separated parts of the letter names (дабл-ю gives дабл and ю)."""
    return frozenset(
        part for name in lexicon().letters.values() for part in name.lower().split("-")
    )


def _letters_run(run: str) -> tuple[str, bool]:
    """Spoken form of a run of Latin letters (apostrophes removed); the flag tells whether
    it is a spelled acronym (which stays lowercase and apart from its neighbours)."""
    hit = _lookup(run)
    if hit is not None:
        return hit, _is_spelled(hit)
    if len(run) == 1:
        name = lexicon().letters.get(_ascii_fold(run).upper(), "")
        if name:
            return name, True
        return _translit(_translit_fold(run)), False
    if _all_caps(run):
        if _should_spell(run):
            return _spell(run), True
        if len(run) <= 5:
            return _acronym_word(run), False
        # a long word in capitals is a name or a shouted word (SAMRUK), not an acronym
        return _capitalise(_translit(_translit_fold(run))), False
    pieces = _camel_pieces(run)
    if len(pieces) == 1:
        spoken = _translit(_translit_fold(run))
        return (_capitalise(spoken) if run[:1].isupper() else spoken), False
    parts: list[tuple[str, bool]] = []
    for index, piece in enumerate(pieces):
        if index == 0 and len(piece) == 1 and piece.islower() and piece in "ie" and len(pieces) > 1:
            # iPhone, iCloud, eSIM: the prefix is said as its letter name.
            parts.append((lexicon().letters.get(piece.upper(), ""), False))
            continue
        parts.append(_letters_run(piece))
    return _join_parts(parts, capitalise=run[:1].isupper()), False


def _join_parts(parts: list[tuple[str, bool]], *, capitalise: bool) -> str:
    """Join camel-case pieces into one word; spelled acronyms are set apart by spaces."""
    out = ""
    prev_spelled = False
    for index, (text, spelled) in enumerate(parts):
        if not text:
            continue
        if index == 0 or not out:
            out = text if spelled else text.lower()
        elif spelled or prev_spelled:
            out += " " + (text if spelled else text.lower())
        else:
            out += text.lower()
        prev_spelled = spelled
    if capitalise and out and not (parts and parts[0][1]):
        out = _capitalise(out)
    return out


def _convert_word(token: str) -> str:
    """Spoken form of one token without spaces (may contain ' - & and other symbols)."""
    hit = _lookup(token)
    if hit is not None:
        return hit
    m = _POSSESSIVE_RE.match(token)
    if m:  # Trump's → Трампс; the stem is what the lexicon knows
        stem = _lookup(m.group(1))
        if stem is not None:
            return stem + "с"
    if "-" in token:
        pieces = [_convert_word(part) for part in token.split("-")]
        return "-".join(piece for piece in pieces if piece)
    if "&" in token:
        sides = [side for side in (_convert_word(part) for part in token.split("&")) if side]
        # AT&T, S&P → эй-ти-энд-ти; Johnson&Johnson → Джонсон энд Джонсон
        joiner = "-энд-" if all(_is_spelled(side) for side in sides) else " энд "
        return joiner.join(sides)
    out: list[str] = []
    prev_word = False  # whether the last piece was letters (the next letters glue on)
    for m in _RUN_RE.finditer(token):
        kind = m.lastgroup
        text = m.group()
        if kind == "lat":
            piece, _ = _letters_run(_APOSTROPHE_RE.sub("", text))
            glue = False
        elif kind == "cyr":
            piece = text
            glue = prev_word  # Samsungтың: a Kazakh ending typed without a hyphen
        elif kind == "dig":
            piece = " ".join(_DIGIT_NAMES[int(d)] for d in text)
            glue = False
        else:
            piece = _SYMBOL_WORDS.get(text, "")
            glue = False
        if piece:
            if out and not glue:
                out.append(" ")
            out.append(piece)
        elif out:
            out.append(" ")
        prev_word = kind in ("lat", "cyr") and bool(piece)
    return "".join(out)


def _convert(text: str) -> str:
    """Spoken form of a token or a space-separated phrase, not yet sanitised."""
    words = text.split()
    if len(words) <= 1:
        return _convert_word(text.strip())
    lex = lexicon()
    out: list[str] = []
    i = 0
    while i < len(words):
        # Longest multi-word lexicon entry first (Air Astana, Real Madrid).
        for size in range(min(lex.max_words, len(words) - i), 1, -1):
            hit = _lookup(" ".join(words[i : i + size]))
            if hit is not None:
                out.append(hit)
                i += size
                break
        else:
            out.append(_convert_word(words[i]))
            i += 1
    return " ".join(piece for piece in out if piece)


def _sanitise(text: str) -> str:
    """Keep only Cyrillic letters, single hyphens inside words and single spaces."""
    text = _NOT_SPOKEN_RE.sub(" ", text)
    text = _MULTI_HYPHEN_RE.sub("-", text)
    text = _LOOSE_HYPHEN_RE.sub(" ", text)  # a hyphen next to a space joins nothing
    return _SPACES_RE.sub(" ", text).strip(" -")


# Last resort if a bug ever escapes the rules: read letter by letter.
_FALLBACK = str.maketrans(
    {ch: _ACRONYM_WORD_LETTERS[ch] for ch in "abcdefghijklmnopqrstuvwxyz"}
    | {ch.upper(): _ACRONYM_WORD_LETTERS[ch] for ch in "abcdefghijklmnopqrstuvwxyz"}
)


@lru_cache(maxsize=16384)
def latin_to_cyrillic(word: str) -> str:
    """Say a Latin-script token in Cyrillic, as a Kazakh newsreader would.

    ``word`` is one token of Latin letters, possibly with an internal apostrophe, hyphen
    or ``&`` (``McDonald's``, ``Coca-Cola``, ``AT&T``, ``iPhone``, ``BBC``); a phrase of
    several such words separated by spaces is also accepted, so that multi-word lexicon
    entries (``Air Astana``) can match. Returns Cyrillic letters, hyphens and spaces only,
    never a Latin letter, and never raises (an empty string for nothing sayable).

    >>> latin_to_cyrillic("Samsung"), latin_to_cyrillic("BBC"), latin_to_cyrillic("NASA")
    ('Самсунг', 'би-би-си', 'Наса')
    """
    try:
        if not isinstance(word, str) or not word:
            return ""
        return _sanitise(_convert(word))
    except Exception:  # never let a pronunciation guess take the pipeline down
        return _sanitise(_ascii_fold(str(word)).translate(_FALLBACK))


def is_latin_word(token: str) -> bool:
    """Whether a token is a Latin-script word for :func:`latin_to_cyrillic`: Latin letters
    only, with an optional internal apostrophe, hyphen or ``&`` (``McDonald's``,
    ``Wi-Fi``, ``AT&T``), and no digits or other scripts."""
    return bool(token) and _LATIN_WORD_RE.fullmatch(token) is not None


def has_latin(text: str) -> bool:
    """Whether a text contains any Latin letter (for ``--check``)."""
    return _HAS_LATIN_RE.search(text) is not None
