"""The normaliser's public API: registers, explain, check, the user lexicon."""

from __future__ import annotations

import gc
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from narrator.errors import InputError
from narrator.text.normalize import (
    NORMALIZER_VERSION,
    Lexicon,
    Problem,
    Span,
    check,
    explain,
    load_lexicon,
    normalize,
)
from narrator.text.normalize.tables import DATA_DIR, read_tsv


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_version_is_a_string() -> None:
    assert isinstance(NORMALIZER_VERSION, str) and NORMALIZER_VERSION


def test_formal_register_says_bir_zhuz_and_bir_myng() -> None:
    assert normalize("Оған 100 адам келді.") == "Оған жүз адам келді."
    assert normalize("Оған 100 адам келді.", register="formal") == "Оған бір жүз адам келді."
    assert normalize("Оған 1000 адам келді.", register="formal") == "Оған бір мың адам келді."


def test_explain_lists_every_span_with_class_and_spoken_form() -> None:
    text = "2025 жылы ҚР-да ЖІӨ 5%-ке өсті."
    spans = explain(text)
    assert [(s.written, s.cls, s.spoken) for s in spans] == [
        ("2025", "year", "Екі мың жиырма бесінші"),
        ("ҚР-да", "abbreviation", "Қазақстан Республикасында"),
        ("ЖІӨ", "abbreviation", "жалпы ішкі өнім"),
        ("5%-ке", "percent", "бес пайызға"),
    ]
    for span in spans:
        assert isinstance(span, Span)
        assert text[span.start : span.end] == span.written
    with pytest.raises(AttributeError):
        spans[0].spoken = "x"  # type: ignore[misc]


def test_check_lists_what_is_left_after_normalising_with_positions() -> None:
    assert check("Бағасы 5 $, 12%-ға өсті, 10:00-де, 3/4.\nҚР-да ЖІӨ 5%-ке өсті.") == []
    problems = check("Бәрі дұрыс.\nБағасы 5 § болды")
    assert problems == [Problem(2, 12, "§", "a symbol that needs reading")]
    assert check("бір\n\nекі") == []


def test_check_reports_any_symbol_and_foreign_script_once_per_word() -> None:
    assert check("Бұл ∑ белгісі.\nАфины — Αθήνα, «иә».") == [
        Problem(1, 5, "∑", "a symbol that needs reading"),
        Problem(2, 9, "Αθήνα", "letters of a script a Kazakh voice cannot read"),
    ]


def test_user_lexicon_is_applied_before_the_built_in_tables(tmp_path: Path) -> None:
    lexicon = load_lexicon(
        _write(
            tmp_path / "lexicon.tsv",
            "# our newsroom\n\nҚР\tҚазақстан\nҚТЖ\tҚазақстан темір жолы\n"
            "«Қазақтелеком» АҚ\tҚазақтелеком компаниясы\nкм\tшақырым\nабв\tәлібек\nАБВ\tАБВ-ші\n",
        )
    )
    assert normalize("ҚР-да", lexicon=lexicon) == "Қазақстанда"
    assert normalize("Ол ҚТЖ-ға барды.", lexicon=lexicon) == "Ол Қазақстан темір жолына барды."
    assert normalize("«Қазақтелеком» АҚ хабарлады.", lexicon=lexicon) == (
        "Қазақтелеком компаниясы хабарлады."
    )
    assert normalize("Жол 5 км-ге созылды.", lexicon=lexicon) == "Жол бес шақырымға созылды."
    # exact case first, then any case
    assert normalize("ол АБВ", lexicon=lexicon) == "ол АБВ-ші"
    assert normalize("ол Абв", lexicon=lexicon) == "ол әлібек"
    # whole words only
    assert normalize("ол ҚРА", lexicon=lexicon) == normalize("ол ҚРА")


def test_lexicon_fingerprint_identifies_its_content(tmp_path: Path) -> None:
    first = load_lexicon(_write(tmp_path / "a.tsv", "ҚР\tҚазақстан\n"))
    same = load_lexicon(_write(tmp_path / "b.tsv", "# comment\nҚР\tҚазақстан\n\n"))
    other = load_lexicon(_write(tmp_path / "c.tsv", "ҚР\tРеспублика\n"))
    assert first.fingerprint == same.fingerprint != other.fingerprint
    assert len(first.fingerprint) == 64
    assert hash(first) == hash(same) and first == same
    assert {first, same, other} == {first, other}
    assert Lexicon(()).pattern is None


@pytest.mark.parametrize(
    "content",
    ["ҚР\tҚазақстан\nбір бағана ғана\n", "ҚР\t\n", "\tҚазақстан\n", "а\tб\tв\n"],
)
def test_a_bad_lexicon_line_names_the_file_and_line(tmp_path: Path, content: str) -> None:
    path = _write(tmp_path / "bad.tsv", content)
    with pytest.raises(InputError) as error:
        load_lexicon(path)
    message = str(error.value)
    assert str(path) in message
    assert "\n" not in message
    line = 2 if content.startswith("ҚР\tҚазақстан\n") else 1
    assert f":{line}:" in message


def test_a_missing_lexicon_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_lexicon(tmp_path / "missing.tsv")


def test_abbreviation_table_keeps_the_segmenter_format() -> None:
    """Column 1 is the written form; the dotted abbreviations the segmenter needs are there."""
    written = {fields[0] for _, fields in read_tsv(DATA_DIR / "abbreviations.tsv")}
    for dotted in ("т.б.", "ж.", "жж.", "ғ.", "проф.", "обл."):
        assert dotted in written
    for _, fields in read_tsv(DATA_DIR / "abbreviations.tsv"):
        assert len(fields) == 5 and fields[2].strip()


def test_never_raises_on_odd_input() -> None:
    for text in ("", " ", "\n\n", "9" * 10_000, "-" * 50, "№", "%%%", "$", "1/0", "0:00", "ⅫⅩ"):
        assert isinstance(normalize(text), str)


def test_numbers_longer_than_the_int_limit_never_raise_nor_leave_digits() -> None:
    """Issue 14: Python's int-string limit (4300 digits) is never reached."""
    for text in ("1" * 4301 + ", 2021 жылы", "12/" + "1" * 4301, "1" * 5000 + " жылы"):
        spoken = normalize(text)
        assert not any(ch.isdigit() for ch in spoken)
        assert normalize(spoken) == spoken
    assert normalize("1" * 4301 + ", 2021 жылы").endswith("бір, екі мың жиырма бірінші жылы")


def test_mixed_scripts_are_read_once_and_stay_read() -> None:
    """Issue 14: lookalike capitals next to another script, and a Hebrew letter inside
    an abbreviation, are read on the first pass and nothing repeats."""
    for text in (
        "\u05d1E\u0422",
        "ҚР\u05d1x",
        "Протон-МLn",
        "CТКKЕ ҚТ",
        "Tp YcäCЦ ХЯ",  # an accented letter is a letter: CЦ is no caps word beside ХЯ
        "ұйРЗфеДвМƝт.б.",  # Ɲ and its lower case ɲ are both letters
    ):
        spoken = normalize(text)
        assert normalize(spoken) == spoken, text
    assert normalize("ҚР\u05d1x").count("Қазақстан") == 1
    assert normalize("\u05d1E\u0422") == "\u05d1 е-те"


def test_digits_of_other_scripts_are_read() -> None:
    assert normalize("٢٠٢٤ жылы") == "Екі мың жиырма төртінші жылы"
    assert normalize("１２ адам") == "Он екі адам"
    assert not any(ch.isdigit() for ch in normalize("x² ① ₃"))


def test_tax_numbers_after_their_abbreviation_are_identifiers() -> None:
    """A 12-digit ЖСН / БСН is read digit by digit, however the abbreviation is said."""
    for text in ("ЖСН 850101300123 көрсетілді.", "БСН: 040540001234", "ИИН 850101300123"):
        spans = [span for span in explain(text) if span.cls == "identifier"]
        assert len(spans) == 1, text
        assert spans[0].spoken.split()[:3] in (["сегіз", "бес", "нөл"], ["нөл", "төрт", "нөл"])
        assert "миллиард" not in normalize(text)


def test_a_currency_name_written_out_joins_the_amount_as_money() -> None:
    text = "Өнімдер орта есеппен 200 миллион еуроға сатылады, 350 мың теңгеге дейін."
    money = [(s.written, s.spoken) for s in explain(text) if s.cls == "money"]
    assert money == [
        ("200 миллион еуроға", "екі жүз миллион еуроға"),
        ("350 мың теңгеге", "үш жүз елу мың теңгеге"),
    ]


def test_every_digit_of_this_unicode_is_read() -> None:
    """The written-out list of non-decimal digits matches this Python's unicodedata, and
    every digit of every script is read, not left in the text."""
    from narrator.text.normalize.digits import _LEFT_DIGITS_RE

    digits = [chr(code) for code in range(0x80, sys.maxunicode + 1) if chr(code).isdigit()]
    assert all(_LEFT_DIGITS_RE.fullmatch(ch) for ch in digits)
    assert not _LEFT_DIGITS_RE.search("Қазақстан abc ½ Ⅳ")  # numeric, but not digits
    for ch in digits[::7]:
        assert not any(c.isdigit() for c in normalize(f"бет {ch} бар")), ch


def test_the_garbage_collector_is_paused_only_while_normalising() -> None:
    seen: list[bool] = []
    collector_was_on = gc.isenabled()
    try:
        gc.enable()
        normalize("2025 жылы 5%-ға өсті")
        seen.append(gc.isenabled())
        # threads overlap: the collector comes back when the last call ends
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(normalize, ["ҚР 12 км"] * 64))
        seen.append(gc.isenabled())
        gc.disable()  # a caller that turned it off keeps it off
        normalize("3 млн теңге")
        seen.append(gc.isenabled())
    finally:
        if collector_was_on:
            gc.enable()
    assert seen == [True, True, False]


def test_a_long_text_is_normalised_without_garbage_collections() -> None:
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    text = "\n".join(f"{n} жылы {n % 28 + 1} наурызда {n} км жол салынды." for n in range(5000))
    gc.callbacks.append(count)
    try:
        normalize(text)
    finally:
        gc.callbacks.remove(count)
    assert len(collections) <= 1  # the young generation, once the collector is back on


def test_the_fast_digit_classes_match_the_exact_ones_on_every_character() -> None:
    from narrator.text.normalize.digits import (
        _LEFT_DIGITS_RE,
        _NON_ASCII_DIGIT_RE,
        _bmp_digit_res,
    )

    left_digits, non_ascii_digit = _bmp_digit_res()
    for code in range(0x10000):
        ch = chr(code)
        assert bool(left_digits.fullmatch(ch)) == bool(_LEFT_DIGITS_RE.fullmatch(ch)), hex(code)
        assert bool(non_ascii_digit.fullmatch(ch)) == bool(_NON_ASCII_DIGIT_RE.fullmatch(ch))
    # text beyond the plane is searched with the exact classes
    assert normalize("бет 𝟓 және ² бар") == "бет бес және екі бар"
