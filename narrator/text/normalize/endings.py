"""The ending generator: parse a written Kazakh ending and regenerate it for a spoken word.

Authors write endings after numbers, symbols and abbreviations harmonised with what they
had in mind (`100-ға`, `5%-ке`), so the written form is only read for *which* ending it
is; the surface form is generated again from the last spoken word with vowel harmony,
consonant assimilation, у/и/й as consonants, devoicing of loanword-final д/б and the
stem changes of possessives (қырық → қырқы, серіктестік → серіктестігі).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from narrator.text.normalize.tables import front_loanwords

BACK_VOWELS = frozenset("аоұыяёю")
FRONT_VOWELS = frozenset("әеіөүэ")
TRUE_VOWELS = BACK_VOWELS | FRONT_VOWELS
GLIDES = frozenset("уйи")
# Voiceless, plus the loanword-final б в г д that are said devoiced (миллиард → миллиардқа).
VOICELESS = frozenset("пкқтсшщфхһцчбвгд")
NASALS = frozenset("мнң")
SIBILANTS = frozenset("зж")

# Final-sound classes that decide the connecting consonant.
VOWEL, GLIDE, NASAL, SIBILANT, L_SOUND, R_SOUND, HARD = "V", "G", "N", "Z", "L", "R", "T"

# Number words whose stem changes before a vowel-initial suffix.
STEM_BEFORE_VOWEL = {"қырық": "қырқ", "ауыз": "ауз", "орын": "орн"}
# Final consonants voiced before a vowel-initial suffix (одақ → одағы).
VOICING = {"к": "г", "қ": "ғ", "п": "б"}
COLLECTIVE = {
    "бір": "біреу",
    "екі": "екеу",
    "үш": "үшеу",
    "төрт": "төртеу",
    "бес": "бесеу",
    "алты": "алтау",
    "жеті": "жетеу",
    "сегіз": "сегізеу",
    "тоғыз": "тоғызау",
    "он": "онау",
}


class Ending(NamedTuple):
    """A grammatical ending as an ordered tuple of morphemes (a named tuple: immutable,
    and hashed and compared fast, as part of the key of every spoken form).

    Morphemes: ``ord`` (ordinal), ``coll`` (collective), ``pl`` (plural), ``poss``
    (3rd person possessive), a case (``dat loc abl acc gen ins``), ``adj`` (-дық/-лық),
    ``sim`` (-дай/-дей), ``gy`` (-ғы/-гі, as in -дағы), ``approx`` (-даған: ондаған).
    """

    morphemes: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.morphemes)

    def without(self, morpheme: str) -> Ending:
        """The same ending without one morpheme."""
        return Ending(tuple(m for m in self.morphemes if m != morpheme))

    def has(self, morpheme: str) -> bool:
        """Whether the ending contains ``morpheme``."""
        return morpheme in self.morphemes


# Morphemes in the order Kazakh stacks them: ordinal, collective, -дық, plural,
# possessive (+ its case) or case, -ғы, -дай. Vowels and connecting consonants are left
# open: the written harmony is not trusted.
_WRITTEN_ENDING_RE = re.compile(
    r"""
    (?P<ord>с?[ыі]?н?ш[ыі])?
    (?P<coll>[еа]?у)?
    (?P<adj>[лдт][ыі][қк](?![ыі])|[лдт][ыі][ғг](?=[ыі]))?
    (?P<pl>[лдт][ае]р)?
    (?:
        (?P<poss>с?[ыі])(?P<pcase>н[ае]|нд[ае]|н[ае]н|н[ыі]ң|н|[мбп]ен)?
      | (?P<case>[ғгқк][ае]|[дт][ае]|[дтн][ае]н|[дтн][ыі]ң|[дтн][ыі]|[мбп]ен|нд[ае]|н[ае])
    )?
    (?P<gy>[ғгқк][ыі])?
    (?P<sim>[дт][ае]й)?
    (?P<approx>[лдт][ае]ған|[лдт][ае]ген)?
    """,
    re.VERBOSE,
)


def _case_of(form: str) -> str:
    """Which case a written case ending (with or without the possessive n) is."""
    if form.endswith("ң"):
        return "gen"
    if form.endswith("ен") and form[0] in "мбп":
        return "ins"
    if form.endswith(("ан", "ен")):
        return "abl"
    if form[0] in "ғгқк" or form in ("на", "не"):
        return "dat"
    if form.endswith(("а", "е")):
        return "loc"
    return "acc"


@lru_cache(maxsize=4096)
def parse_ending(written: str) -> Ending | None:
    """Parse a written ending such as ``ке``, ``ның``, ``інші``, ``дағы`` (without its
    hyphen or apostrophe); ``None`` if it is not an ending (then it is a word)."""
    form = written.lower()
    if not form:
        return None
    m = _WRITTEN_ENDING_RE.fullmatch(form)
    if m is None:
        return None
    morphemes: list[str] = []
    for name in ("ord", "coll", "adj", "pl", "poss"):
        if m[name]:
            morphemes.append(name)
    if m["pcase"] or m["case"]:
        morphemes.append(_case_of(m["pcase"] or m["case"]))
    for name in ("gy", "sim", "approx"):
        if m[name]:
            morphemes.append(name)
    return Ending(tuple(morphemes))


def is_back(word: str) -> bool:
    """Vowel harmony class of a word: True for back (а о ұ ы), False for front.

    у is a vowel inside a loanword (минутқа, градусқа) but a glide at the end of a word
    (елуге: the vowel before it decides); и is a front vowel (Путинге, таксиге) unless
    it follows a vowel. The loanwords of ``data/front_loanwords.txt`` are front (банкке).
    """
    lowered = word.lower()
    last = len(lowered) - 1
    for index in range(last, -1, -1):
        ch = lowered[index]
        if ch in BACK_VOWELS:
            return not lowered.endswith(front_loanwords())  # банк → банкке
        if ch in FRONT_VOWELS:
            return False
        if ch == "ь" and index == last:
            return False  # рубль → рубльге
        previous_is_vowel = index > 0 and lowered[index - 1] in TRUE_VOWELS
        if ch == "у" and index != last and not previous_is_vowel:
            return not lowered.endswith(front_loanwords())  # пункт → пунктке
        if ch == "и" and not previous_is_vowel:
            return False
    return "у" in lowered or "и" not in lowered


def final_class(word: str) -> str:
    """The class of the last sound of a word (vowel, glide, nasal, sibilant, л, р, hard)."""
    lowered = word.lower().rstrip("-").rstrip("ьъ")
    ch = lowered[-1:] or "а"
    if ch in TRUE_VOWELS:
        return VOWEL
    if ch in GLIDES:
        return GLIDE
    if ch in NASALS:
        return NASAL
    if ch in SIBILANTS:
        return SIBILANT
    if ch == "л":
        return L_SOUND
    if ch == "р":
        return R_SOUND
    if ch in VOICELESS:
        return HARD
    if ch.isalpha():
        return SIBILANT  # ғ and other voiced consonants take voiced endings
    return VOWEL


def _harmonise(back: bool, back_form: str, front_form: str) -> str:
    return back_form if back else front_form


def _stem_before_vowel(word: str) -> str:
    """The stem a vowel-initial suffix attaches to (қырық → қырқ, одақ → одағ)."""
    lowered = word.lower()
    if lowered in STEM_BEFORE_VOWEL:
        changed = STEM_BEFORE_VOWEL[lowered]
        return _match_case(word, changed)
    if word.endswith(("ь", "Ь")):
        word = word[:-1]  # рубль → рублі
    last = word[-1:]
    # voiced after a vowel only: одақ → одағы, but банк → банкі, штамп → штампы
    if last.lower() in VOICING and len(word) > 3 and lowered[-2:-1] in TRUE_VOWELS:
        voiced = VOICING[last.lower()]
        return word[:-1] + (voiced.upper() if last.isupper() else voiced)
    return word


def _match_case(original: str, changed: str) -> str:
    if original.isupper() and len(original) > 1:
        return changed.upper()
    if original[:1].isupper():
        return changed[:1].upper() + changed[1:]
    return changed


def _suffix(word: str, morpheme: str, after_possessive: bool) -> str:
    """``word`` with one morpheme attached."""
    back = is_back(word)
    cls = final_class(word)
    if morpheme == "ord":
        lowered = word.lower()
        if lowered == "жиырма":
            return word + "сыншы"
        if cls == VOWEL:
            return word + _harmonise(back, "ншы", "нші")
        return _stem_before_vowel(word) + _harmonise(back, "ыншы", "інші")
    if morpheme == "coll":
        collective = COLLECTIVE.get(word.lower())
        return _match_case(word, collective) if collective else word
    if morpheme == "poss":
        if cls == VOWEL:
            return word + _harmonise(back, "сы", "сі")
        return _stem_before_vowel(word) + _harmonise(back, "ы", "і")
    if morpheme in ("pl", "adj"):
        if cls in (VOWEL, R_SOUND, GLIDE):
            consonant = "л"
        elif cls == HARD:
            consonant = "т"
        else:
            consonant = "д"
        tail = _harmonise(back, "ар", "ер") if morpheme == "pl" else _harmonise(back, "ық", "ік")
        return word + consonant + tail
    if morpheme == "approx":  # ондаған, жүздеген, мыңдаған: tens, hundreds, thousands of
        consonant = "л" if cls in (VOWEL, R_SOUND, GLIDE) else "т" if cls == HARD else "д"
        return word + consonant + _harmonise(back, "аған", "еген")
    if morpheme == "sim":
        return word + ("т" if cls == HARD else "д") + _harmonise(back, "ай", "ей")
    if morpheme == "gy":
        return (
            word + _harmonise(back, "қы", "кі")
            if cls == HARD
            else word + _harmonise(back, "ғы", "гі")
        )
    if after_possessive:
        return word + _harmonise(back, *_AFTER_POSSESSIVE[morpheme])
    return word + _case_suffix(morpheme, cls, back)


_AFTER_POSSESSIVE = {
    "dat": ("на", "не"),
    "loc": ("нда", "нде"),
    "abl": ("нан", "нен"),
    "acc": ("н", "н"),
    "gen": ("ның", "нің"),
    "ins": ("мен", "мен"),
}


def _case_suffix(case: str, cls: str, back: bool) -> str:
    if case == "dat":
        return _harmonise(back, "қа", "ке") if cls == HARD else _harmonise(back, "ға", "ге")
    if case == "loc":
        return _harmonise(back, "та", "те") if cls == HARD else _harmonise(back, "да", "де")
    if case == "abl":
        if cls == NASAL:
            return _harmonise(back, "нан", "нен")
        return _harmonise(back, "тан", "тен") if cls == HARD else _harmonise(back, "дан", "ден")
    if case == "acc":
        if cls == VOWEL:
            return _harmonise(back, "ны", "ні")
        return _harmonise(back, "ты", "ті") if cls == HARD else _harmonise(back, "ды", "ді")
    if case == "gen":
        if cls in (VOWEL, NASAL):
            return _harmonise(back, "ның", "нің")
        return _harmonise(back, "тың", "тің") if cls == HARD else _harmonise(back, "дың", "дің")
    # instrumental
    if cls == SIBILANT:
        return "бен"
    return "пен" if cls == HARD else "мен"


_LAST_WORD_RE = re.compile(r"(.*[\s\-])?(\S+)$", re.DOTALL)


def inflect(phrase: str, ending: Ending | None, *, base_possessive: bool = False) -> str:
    """Attach ``ending`` to the last word of ``phrase``.

    ``base_possessive`` says the last word already carries a 3rd person possessive
    (Республикасы), so cases take their post-possessive forms (Республикасына).
    """
    if not ending or not phrase:
        return phrase
    m = _LAST_WORD_RE.match(phrase)
    if m is None:
        return phrase
    head, word = m.group(1) or "", m.group(2)
    after_possessive = base_possessive
    morphemes = ending.morphemes
    if base_possessive and "pl" in morphemes:
        # the plural goes on the stem, before the possessive: орны + -лар → орындары
        word, morphemes, after_possessive = _plural_before_possessive(word, morphemes)
    for morpheme in morphemes:
        if morpheme == "poss" and after_possessive:
            continue  # already possessive: Республикасы + -ы stays Республикасы
        word = _suffix(word, morpheme, after_possessive)
        after_possessive = morpheme == "poss"
    return head + word


_PLURAL_RE = re.compile(r"[лдт][ае]р$")
# The stems STEM_BEFORE_VOWEL makes, back to the whole word (орн → орын).
_STEM_AFTER_VOWEL_DROP = {changed: whole for whole, changed in STEM_BEFORE_VOWEL.items()}
# A stem-final ғ/г is a voiced қ/к after a vowel of its own harmony (салығы → салық,
# министрлігі → министрлік); after other letters it is the word's own (округі → округ).
_DEVOICED = {"ғ": ("қ", frozenset("аоұы")), "г": ("к", frozenset("әеіөү"))}


# Stems ending in ы/і whose possessive is -сы/-сі (желі → желісі, жалақы → жалақысы).
_STEMS_ENDING_IN_Y_I = ("желі", "ақы", "жүгері")


def possessive_stem(word: str) -> str:
    """The bare stem of a word in the 3rd person possessive (комиссиясы → комиссия,
    орталығы → орталық, орны → орын, клубы → клуб); other words as they are."""
    lowered = word.lower()
    # after ы/і the с is mostly the stem's own (облыс+ы, соғыс+ы), not желі+сі
    if (
        len(lowered) > 3
        and lowered.endswith(("сы", "сі"))
        and lowered[-3] in TRUE_VOWELS
        and (lowered[-3] not in "ыі" or lowered[:-2].endswith(_STEMS_ENDING_IN_Y_I))
    ):
        return word[:-2]
    if len(lowered) < 3 or lowered[-1] not in "ыі":
        return word
    stem = word[:-1]
    whole = _STEM_AFTER_VOWEL_DROP.get(stem.lower())
    if whole is not None:
        return _match_case(stem, whole)
    devoiced = _DEVOICED.get(stem[-1:].lower())
    if devoiced is not None and stem[-2:-1].lower() in devoiced[1]:
        return stem[:-1] + (devoiced[0].upper() if stem[-1].isupper() else devoiced[0])
    return stem


def _plural_before_possessive(
    word: str, morphemes: tuple[str, ...]
) -> tuple[str, tuple[str, ...], bool]:
    """A possessive word and a written ending with a plural, as the stem and the
    morphemes to attach: орталығы + pl, acc → орталық + pl, poss, acc; a word already
    plural (көздері) keeps its plural and only takes the rest."""
    stem = possessive_stem(word)
    if _PLURAL_RE.search(stem.lower()) is not None:
        return word, tuple(m for m in morphemes if m not in ("pl", "poss")), True
    reordered: list[str] = []
    for morpheme in morphemes:
        if morpheme != "poss":
            reordered.append(morpheme)
        if morpheme == "pl":
            reordered.append("poss")
    return stem, tuple(reordered), False


def ordinal_suffix(phrase: str) -> str:
    """``phrase`` with its last word made ordinal (бес → бесінші, қырық → қырқыншы)."""
    return inflect(phrase, Ending(("ord",)))


def instrumental_particle(word: str) -> str:
    """The separate particle мен/бен/пен that joins ``word`` to what follows."""
    cls = final_class(word)
    if cls == SIBILANT:
        return "бен"
    return "пен" if cls == HARD else "мен"


# An ending written after a closing quote: «Қайрат»-тың, «Астана»-да.
_QUOTED_ENDING_RE = re.compile(r"([»”])[-‐‑]([а-яёәғқңөұүһі]+)(?![^\W\d_])")


def join_quoted_endings(text: str) -> str:
    """An ending written after a name in quotes is said with the name's last word: it is
    moved inside the quotes («Қайрат»-тың → «Қайраттың»); a word that is no ending
    (»-деді) stays where it is."""
    if not any(quote + hyphen in text for quote in "»”" for hyphen in "-‐‑"):
        return text  # a substring search: faster than the regex over a long text

    def join(m: re.Match[str]) -> str:
        ending = m.group(2)
        return f"{ending}{m.group(1)}" if parse_ending(ending) is not None else m.group(0)

    return _QUOTED_ENDING_RE.sub(join, text)
