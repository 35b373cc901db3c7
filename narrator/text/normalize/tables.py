"""The built-in vocabularies, read once from the TSV files in ``data/``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class Entry:
    """One vocabulary entry: its spoken form and its flags; abbreviations also have a
    kind (expand, word or spell) and the genitive of their full form ("" if none)."""

    spoken: str
    flags: frozenset[str]
    kind: str = "expand"
    genitive: str = ""


ABBREVIATION_KINDS = frozenset({"expand", "word", "spell"})


def read_tsv(path: Path) -> list[tuple[int, list[str]]]:
    """Rows of a TSV file with their 1-based line numbers; ``#`` comments and blank lines
    are skipped."""
    rows: list[tuple[int, list[str]]] = []
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            stripped = line.rstrip("\r\n")
            if not stripped.strip() or stripped.lstrip().startswith("#"):
                continue
            rows.append((number, stripped.split("\t")))
    return rows


def _entries(name: str) -> dict[str, Entry]:
    table: dict[str, Entry] = {}
    for _, fields in read_tsv(DATA_DIR / name):
        if len(fields) < 2:
            continue
        flags = (
            frozenset(f.strip() for f in fields[2].split(",")) if len(fields) > 2 else frozenset()
        )
        table[fields[0].strip()] = Entry(fields[1].strip(), flags)
    return table


def _word_list(name: str) -> list[str]:
    """The words of a data file of one word or phrase a line ('#' starts a comment)."""
    lines = (DATA_DIR / name).read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _field(value: str) -> str:
    value = value.strip()
    return "" if value == "-" else value


@cache
def _abbreviation_table() -> dict[str, Entry]:
    """Every row of ``abbreviations.tsv``: written → entry (see the file's header)."""
    table: dict[str, Entry] = {}
    for _, fields in read_tsv(DATA_DIR / "abbreviations.tsv"):
        if len(fields) < 3 or fields[1].strip() not in ABBREVIATION_KINDS:
            continue
        written, kind, spoken = fields[0].strip(), fields[1].strip(), fields[2].strip()
        genitive = _field(fields[3]) if len(fields) > 3 else ""
        flags = _field(fields[4]) if len(fields) > 4 else ""
        table[written] = Entry(
            spoken, frozenset(f.strip() for f in flags.split(",") if f.strip()), kind, genitive
        )
    return table


def is_mixed_case(written: str) -> bool:
    """Whether a written form mixes capitals and small letters inside the word, as
    names shortened from several words do (ҚазҰУ, ҚазМұнайГаз, КазНУ)."""
    return (
        written.isalpha()
        and sum(ch.isupper() for ch in written) >= 2
        and any(ch.islower() for ch in written)
    )


@cache
def abbreviations() -> dict[str, Entry]:
    """Abbreviations read as their full form (ҚР, т.б., обл.) or spelled letter by letter
    (ДНҚ → де-эн-қа), and names written in mixed case said as one word (ҚазМұнайГаз →
    Қазмұнайгаз) → spoken form and flags."""
    return {w: e for w, e in _abbreviation_table().items() if e.kind != "word" or is_mixed_case(w)}


@cache
def mixed_case_in_capitals() -> dict[str, Entry]:
    """The mixed-case names by their form in capitals, as a heading writes them (ҚАЗҰУ,
    ҚАЗМҰНАЙГАЗ)."""
    return {w.upper(): e for w, e in abbreviations().items() if is_mixed_case(w)}


@cache
def units() -> dict[str, Entry]:
    """Units written after a number (км, кг, м²)."""
    return _entries("units.tsv")


@cache
def currencies() -> dict[str, Entry]:
    """Currency signs and abbreviations ($, ₸, тг)."""
    return _entries("currencies.tsv")


@cache
def currency_words() -> tuple[str, ...]:
    """Currency names written out after an amount (теңге, доллар, еуро)."""
    return tuple(_word_list("currency_words.txt"))


@cache
def scales() -> dict[str, Entry]:
    """Scale words written after a number (млн, млрд, мың)."""
    return _entries("scales.tsv")


@cache
def legal_forms() -> frozenset[str]:
    """The written legal forms of organisations (АҚ, ЖШС, ҰК): the ``org`` rows of
    ``abbreviations.tsv``."""
    return frozenset(w for w, e in _abbreviation_table().items() if "org" in e.flags)


@cache
def acronym_words() -> dict[str, Entry]:
    """All-caps acronyms said as words (НАТО, ЮНЕСКО): the ``word`` rows of
    ``abbreviations.tsv``."""
    return {w: e for w, e in _abbreviation_table().items() if e.kind == "word"}


@cache
def regnal_names() -> frozenset[str]:
    """Names after which a Cyrillic І or Х is a regnal number (Петр І)."""
    return frozenset(_word_list("regnal_names.txt"))


@cache
def front_loanwords() -> tuple[str, ...]:
    """Loanwords with a back last vowel that take front endings (банк → банкке), for
    ``str.endswith``: a compound ending in one (Сбербанк) takes them too."""
    return tuple(_word_list("front_loanwords.txt"))


@cache
def letter_names() -> dict[str, str]:
    """Kazakh letter names for spelling acronyms, keyed by the capital letter."""
    return {letter: entry.spoken for letter, entry in _entries("letters.tsv").items()}


@cache
def months() -> dict[int, str]:
    """Month number → month name."""
    return {int(number): entry.spoken for number, entry in _entries("months.tsv").items()}


@cache
def count_words() -> dict[str, str]:
    """Words after a hyphen that keep the number before them a cardinal (бөлмелі,
    жылдығы, жасқа), by stem → "adjective" or "any"."""
    return {stem: entry.spoken for stem, entry in _entries("count_words.tsv").items()}


@cache
def identifier_cues() -> dict[str, Entry]:
    """Words that make the number next to them an identifier (ЖСН, индекс, рейс), with
    its reading ("digits" or "number") and its flags ("after" for words written after
    it, "index" for an index): the second column is the reading, then the flags."""
    table: dict[str, Entry] = {}
    for _, fields in read_tsv(DATA_DIR / "identifier_cues.tsv"):
        if len(fields) < 2:
            continue
        reading, *flags = (part.strip() for part in fields[1].split(","))
        table[fields[0].strip()] = Entry(reading, frozenset(flags))
    return table


@cache
def web_words() -> dict[str, str]:
    """Readings of the parts of web addresses that are not words (kz → кей-зет)."""
    return {written: entry.spoken for written, entry in _entries("web_words.tsv").items()}


@cache
def phone_area_codes() -> frozenset[str]:
    """Kazakhstan's fixed-line area codes (727, 7172, 72533): where a landline's local
    number starts."""
    return frozenset(fields[0].strip() for _, fields in read_tsv(DATA_DIR / "phone_area_codes.tsv"))


@cache
def phone_cues() -> tuple[str, ...]:
    """Words after which a number in hyphenated pairs (74-15-00) is a telephone number."""
    return tuple(_word_list("phone_cues.txt"))
