"""Sentence segmentation and engine chunking, driven by case files."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrator.text.segment import split_for_engine, split_sentences

CASES = Path(__file__).parent / "cases" / "sentences.tsv"


def _cases() -> list[tuple[str, list[str]]]:
    rows = []
    for line in CASES.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            paragraph, *sentences = line.split("\t")
            rows.append((paragraph, sentences))
    return rows


@pytest.mark.parametrize(("paragraph", "expected"), _cases(), ids=lambda v: str(v)[:40])
def test_sentence_cases(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


def test_seed_article_quote_stays_one_sentence() -> None:
    text = (Path(__file__).parents[2] / "examples" / "seed-article.txt").read_text("utf-8")
    sentences = split_sentences(text)
    quote = next(s for s in sentences if s.startswith("«Зауыттың"))
    assert quote.endswith("Ербол Нұрсейітов.")
    assert len(sentences) == 20


LONG = (
    "Қазірдің өзінде мұнда жоғары дәлдікті навигация жүйесі, дифференциалды түзету және "
    "мониторинг орталығы мен сәйкестікті бағалау зертханасы жұмыс істейді; сонымен қатар "
    "жаңа ғимараттар салынып жатыр, ал келесі жылы тағы екі зертхана ашылады."
)


@pytest.mark.parametrize("max_chars", [40, 60, 100, 150])
def test_long_sentences_split_at_clause_boundaries(max_chars: int) -> None:
    chunks = split_for_engine(LONG, max_chars)
    assert " ".join(chunks) == LONG
    assert all(len(c) <= max_chars for c in chunks)
    words = set(LONG.replace(",", " ").replace(";", " ").replace(".", " ").split())
    for chunk in chunks:  # never mid-word
        for word in chunk.replace(",", " ").replace(";", " ").replace(".", " ").split():
            assert word in words


def test_clause_split_prefers_semicolon_over_comma() -> None:
    chunks = split_for_engine(LONG, 160)
    assert chunks[0].endswith("істейді;")


def test_short_sentence_is_one_chunk() -> None:
    assert split_for_engine("Ол келді.", 300) == ["Ол келді."]


def test_word_longer_than_limit_stays_whole() -> None:
    word = "ә" * 50
    assert split_for_engine(f"{word} бар", 20) == [word, "бар"]
