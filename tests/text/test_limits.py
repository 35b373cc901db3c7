"""The readers' documented limits: input size, title length, nesting depth, linear time."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrator.errors import InputError
from narrator.text.document import plain_text
from narrator.text.readers import (
    MAX_INPUT_BYTES,
    MAX_TITLE_CHARS,
    detect_format,
    parse_markdown,
    read_document,
)
from narrator.text.segment import segment_document
from narrator.text.ssml import MAX_BREAK_MS, break_pause, parse_ssml, rate_factor, respell
from tests.helpers import run_narrator


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_input_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_INPUT_BYTES + 1)  # sparse: no 20 MB written
    result = run_narrator("normalize", str(path))
    assert result.returncode == InputError.exit_code
    assert "huge.txt: larger than 20 MB" in _one_line(result.stderr)


def test_a_100_kb_title_is_cut_and_named(tmp_path: Path) -> None:
    words = " ".join(["Өте ұзын тақырып"] * 6000)  # about 100 KB
    path = tmp_path / "long.md"
    path.write_text(f"# {words}\n\nҚысқа мәтін.\n", "utf-8")
    out = tmp_path / "long.wav"
    result = run_narrator("speak", str(path), "-o", str(out), "-q")
    assert result.returncode == 0, result.stderr
    assert "long.md: title of" in result.stderr and f"(limit {MAX_TITLE_CHARS})" in result.stderr
    first_cue = out.with_suffix(".vtt").read_text("utf-8").split("\n\n")[1]
    spoken_title = " ".join(first_cue.splitlines()[2:])
    assert spoken_title.startswith("Өте ұзын тақырып") and spoken_title.endswith("…")
    assert len(spoken_title) <= MAX_TITLE_CHARS + 1


def test_json_nested_100000_deep_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"a":' * 100_000 + "1" + "}" * 100_000, "utf-8")
    for args in (["speak", str(path), "-o", str(tmp_path / "x.mp3")], ["normalize", str(path)]):
        result = run_narrator(*args)
        assert result.returncode == InputError.exit_code, result.stderr
        assert "deep.json" in _one_line(result.stderr)
        assert "nested deeper than 100" in result.stderr


def test_ssml_nesting_is_bounded() -> None:
    deep = "<speak>" + "<p>" * 200 + "x" + "</p>" * 200 + "</speak>"
    with pytest.raises(InputError, match="nested deeper than 100"):
        parse_ssml(deep, "deep.ssml")


def test_markdown_of_unclosed_brackets_is_read_whole() -> None:
    # 97 KB that took 11.4 s with the old patterns (quadratic); see benchmarks/bench_readers.py.
    text = "[a" * 50_000
    document = parse_markdown(text, "brackets.md")
    assert document.stories[0].paragraphs == [text]
    links = parse_markdown("[Толығырақ](https://x.kz/a_(b)) [сурет]" * 3, "l.md")
    assert links.stories[0].paragraphs == ["Толығырақ [сурет]" * 3]


def test_markdown_emphasis_keeps_snake_case() -> None:
    document = parse_markdown("**Қалың** және _көлбеу_, бірақ file_name қалады.\n", "e.md")
    assert document.stories[0].paragraphs == ["Қалың және көлбеу, бірақ file_name қалады."]


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("<speak>Сәлем</speak>", "ssml"),
        ('<?xml version="1.0"?>\n<speak version="1.1">x</speak>', "ssml"),
        ('<?xml version="1.0"?><rss version="2.0"></rss>', "rss"),
        ('<feed xmlns="http://www.w3.org/2005/Atom">', "rss"),
        ("<!DOCTYPE html><html>", "html"),
        ("<html><body>", "html"),
        ('  {"title": "x"}', "json"),
        ("[1, 2]", "json"),
        ("---\ndate: 2026-11-29\n---\nМәтін.", "md"),
        ("Кіріспе\n\n## Бөлім\n\nМәтін.", "md"),
        ("Жай мәтін. #хэштег", "txt"),
        ("", "txt"),
    ],
)
def test_detect_format(text: str, fmt: str) -> None:
    assert detect_format(text) == fmt


def test_extension_wins_over_content(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("<speak>Сәлем</speak>\n", "utf-8")
    assert read_document(path).stories[0].paragraphs == ["<speak>Сәлем</speak>"]
    assert read_document(path, input_format="ssml").stories[0].paragraphs == ["Сәлем"]


def test_ssml_subset() -> None:
    document = parse_ssml(
        '<speak xmlns="http://www.w3.org/2001/10/synthesis"><p><s>Бүгін '
        '<say-as interpret-as="ordinal">3</say-as> күн</s><s>Нөмір '
        '<say-as interpret-as="characters">ҚР</say-as>.</s></p>'
        '<p>Сөз<break strength="weak"/> сөз<break/>Соңы '
        '<say-as interpret-as="telephone">+7 727 250</say-as> '
        '<phoneme alphabet="ipa" ph="sælem">сәлем</phoneme></p></speak>',
        "a.ssml",
    )
    assert [plain_text(p) for p in document.stories[0].paragraphs] == [
        "Бүгін үшінші күн. Нөмір қа эр.",
        "Сөз сөз Соңы плюс жеті, жеті жүз жиырма жеті, екі жүз елу сәлем",
    ]
    # Each break cuts the text and asks for its pause before what follows it.
    cut = [(s.text, s.pause_before) for s in segment_document(document)]
    assert cut == [
        ("Бүгін үшінші күн.", ()),
        ("Нөмір қа эр.", ()),
        ("Сөз", ()),
        ("сөз", ("weak",)),
        ("Соңы плюс жеті, жеті жүз жиырма жеті, екі жүз елу сәлем", ("medium",)),
    ]
    with pytest.raises(InputError, match="must start with <speak>"):
        parse_ssml("<p>x</p>", "a.ssml")
    with pytest.raises(InputError, match="alphabet 'klingon'"):
        parse_ssml('<speak><phoneme alphabet="klingon" ph="x">y</phoneme></speak>', "a.ssml")
    with pytest.raises(InputError, match="refused unsafe XML"):
        parse_ssml('<!DOCTYPE s [<!ENTITY e "x">]><speak>&e;</speak>', "a.ssml")


def test_ssml_phonemes_are_respelled_in_kazakh_letters() -> None:
    assert respell("sælˈem") == "сәлем"
    assert respell("qɑzɑqstˈɑn ʒɑŋˈɑɫəqtɑɾə") == "қазақстан жаңалықтары"  # espeak-ng's own
    assert respell("θ") is None
    document = parse_ssml(
        '<speak><phoneme alphabet="ipa" ph="kaspˈi">Kaspi</phoneme> банкі, '
        '<phoneme alphabet="x-espeak" ph="k\'aspi">Kaspi</phoneme>.</speak>',
        "p.ssml",
    )
    assert [plain_text(p) for p in document.stories[0].paragraphs] == ["Каспи банкі, Kaspi."]
    # x-espeak phonemes are kept for the voice: the segment says them, the transcript
    # shows the written word.
    (segment,) = segment_document(document)
    assert segment.text == "Каспи банкі, Kaspi." and segment.phonemes == ((13, 18, "k'aspi"),)


def test_ssml_breaks_and_rates() -> None:
    assert break_pause("none", None, "x") is None
    assert break_pause(None, "0ms", "x") is None
    assert break_pause("weak", None, "x") == "weak"
    assert break_pause(None, "200ms", "x") == "200"
    assert break_pause("weak", "1.5s", "x") == "1500"  # time wins
    assert break_pause(None, None, "x") == "medium"
    with pytest.raises(InputError, match="x: break time '1 min' is not a time"):
        break_pause(None, "1 min", "x")
    with pytest.raises(InputError, match="x: break strength 'loud' is not one of"):
        break_pause("loud", None, "x")
    assert break_pause(None, "25s", "x") == str(MAX_BREAK_MS)  # cut, with a warning
    assert rate_factor("80%", "x") == 0.8
    assert rate_factor("+10%", "x") == pytest.approx(1.1)
    assert rate_factor("x-slow", "x") == 0.6
    assert rate_factor("10", "x") == 2.0  # clamped
    with pytest.raises(InputError, match="not a rate"):
        rate_factor("quick", "x")
