"""The abbreviation table (data/abbreviations.tsv) and the genitive before a title."""

from __future__ import annotations

from collections import Counter

import pytest

from narrator.text.normalize import normalize
from narrator.text.normalize.endings import Ending, inflect, possessive_stem
from narrator.text.normalize.letters import spell
from narrator.text.normalize.tables import (
    ABBREVIATION_KINDS,
    DATA_DIR,
    abbreviations,
    acronym_words,
    read_tsv,
)

ROWS = [fields for _, fields in read_tsv(DATA_DIR / "abbreviations.tsv")]


def test_rows_have_five_columns_and_a_known_kind() -> None:
    for fields in ROWS:
        assert len(fields) == 5, fields
        written, kind, spoken, genitive, flags = fields
        assert written and spoken and genitive and flags, fields
        assert kind in ABBREVIATION_KINDS, fields
    writtens = [fields[0] for fields in ROWS]
    assert len(writtens) == len(set(writtens)), "duplicate written forms"


def test_table_is_big_enough_with_every_kind() -> None:
    kinds = Counter(fields[1] for fields in ROWS)
    assert sum(kinds.values()) >= 400
    assert kinds["expand"] >= 300 and kinds["word"] >= 20 and kinds["spell"] >= 10


def test_spelled_rows_use_the_kazakh_letter_names() -> None:
    for written, kind, spoken, _, _ in ROWS:
        if kind == "spell":
            assert spoken == spell(written), written


def test_word_rows_are_one_word() -> None:
    for written, kind, spoken, _, _ in ROWS:
        if kind == "word":
            assert spoken.isalpha(), written


def test_genitive_column_is_the_genitive_of_the_full_form() -> None:
    with_genitive = 0
    for written, kind, spoken, genitive, flags in ROWS:
        if genitive == "-":
            continue
        with_genitive += 1
        assert kind == "expand", written
        possessive = "poss" in flags.split(",")
        assert genitive == inflect(spoken, Ending(("gen",)), base_possessive=possessive), written
    assert with_genitive >= 200


def test_possessive_expansions_have_a_bare_stem() -> None:
    """The plural of a possessive expansion goes on its bare stem (ЖОО-лар → жоғары оқу
    орындары): for every such row the stem takes the possessive back to the table's word."""
    checked = 0
    for written, _, spoken, _, flags in ROWS:
        if "poss" not in flags.split(","):
            continue
        last = spoken.split()[-1].split("-")[-1]
        assert inflect(possessive_stem(last), Ending(("poss",))) == last, written
        checked += 1
    assert checked >= 150
    assert possessive_stem("орны") == "орын"
    assert possessive_stem("орталығы") == "орталық"
    assert possessive_stem("облысы") == "облыс"
    assert possessive_stem("комиссиясы") == "комиссия"
    assert possessive_stem("желісі") == "желі"
    assert possessive_stem("клубы") == "клуб"


def test_kinds_reach_the_right_tables() -> None:
    assert abbreviations()["ҚР"].genitive == "Қазақстан Республикасының"
    assert abbreviations()["ДНҚ"].kind == "spell"
    assert "НАТО" in acronym_words() and "НАТО" not in abbreviations()
    assert "ҚР" not in acronym_words()


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("ҚР Президенті сөз сөйледі.", "Қазақстан Республикасының Президенті сөз сөйледі."),
        ("ҚР Премьер-Министрі келді.", "Қазақстан Республикасының Премьер-Министрі келді."),
        ("БҰҰ Бас хатшысы келді.", "Біріккен Ұлттар Ұйымының Бас хатшысы келді."),
        (
            "ІІМ баспасөз қызметі хабарлады.",
            "Ішкі істер министрлігінің баспасөз қызметі хабарлады.",
        ),
        ("ДСМ вице-министрі келді.", "Денсаулық сақтау министрлігінің вице-министрі келді."),
        # a plain possessed noun takes the genitive too (any expansion in a possessive)
        ("ҚР азаматы келді.", "Қазақстан Республикасының азаматы келді."),
        ("ТМД елдері келісті.", "Тәуелсіз Мемлекеттер Достастығының елдері келісті."),
        ("ҚҚС мөлшерлемесі өсті.", "Қосылған құн салығының мөлшерлемесі өсті."),
        ("ЖЭК үлесі өсті.", "Жаңартылатын энергия көздерінің үлесі өсті."),
        # an accusative, a set phrase, a verb, a participle keep the bare form
        ("ДСМ ережені бекітті.", "Денсаулық сақтау министрлігі ережені бекітті."),
        ("КСРО кезінде", "Кеңестік Социалистік Республикалар Одағы кезінде"),
        ("ТЖМ хабарлады.", "Төтенше жағдайлар министрлігі хабарлады."),
        ("АЭС салынатын алаң", "Атом электр станциясы салынатын алаң"),
        # a genitive chain, the parts of one name, a non-possessed word
        ("ҚР Президентінің Жарлығы", "Қазақстан Республикасы Президентінің Жарлығы"),
        ("ҚР Парламенті Мәжілісі", "Қазақстан Республикасы Парламенті Мәжілісі"),
        ("ҚР Ұлттық банкі", "Қазақстан Республикасы Ұлттық банкі"),
        # a written ending wins
        ("ҚР-ның Президенті", "Қазақстан Республикасының Президенті"),
        ("ҚР-да Президент", "Қазақстан Республикасында Президент"),
    ],
)
def test_genitive_before_a_title(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


def test_expanded_spelled_and_word_readings() -> None:
    assert normalize("ЖОО-ға түсті.") == "Жоғары оқу орнына түсті."
    assert normalize("ДНҚ-сы анықталды.") == "Де-эн-қасы анықталды."
    assert normalize("ЮНЕСКО-ның тізімі") == "ЮНЕСКО-ның тізімі"
    # a Russian abbreviation in Kazakh copy is read with the Kazakh full form
    assert normalize("МВД хабарлады.") == "Ішкі істер министрлігі хабарлады."
