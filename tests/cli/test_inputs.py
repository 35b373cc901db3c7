"""Input formats through the real command line: detection, stdin, normalize reading
documents as speak does, --station, --input-format, SSML and Markdown inline marks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import soundfile as sf

from narrator.errors import EXIT_USAGE, InputError
from tests.helpers import run_narrator

MARKDOWN = """---
date: 2026-11-29
edition: 09:00
---
# Таңғы жаңалықтар

## Экономика

Инфляция **баяулады**. [Толығырақ](https://x.kz) оқыңыз.

## Спорт

Біздің команда жеңді.
"""
HTML = (
    "<!doctype html><html lang='kk'><head><title>Т</title><script>var x = 1;</script>"
    "<style>p {}</style></head><body><nav>Мәзір</nav><article><h1>Басты жаңалық</h1>"
    "<p>Бірінші абзац.</p></article></body></html>"
)
JSON_LIST = json.dumps(
    [
        {"id": "b", "title": "Екінші", "body": "Алматыда қар жауды.", "date": "2026-11-29"},
        {"id": "a", "title": "Бірінші", "body": "Астанада мектеп ашылды.", "date": "2026-11-28"},
    ],
    ensure_ascii=False,
)
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Ж</title>
<item><guid>1</guid><title>Ауа райы</title><description>Ертең күн жылы.</description></item>
</channel></rss>"""
SSML = """<speak><p><s>Бүгін <say-as interpret-as="cardinal">25</say-as> адам келді</s>
<break time="1s"/><sub alias="Каспи">Kaspi</sub> банкі.</p></speak>"""


def _normalize(*args: str, data: str | None = None) -> str:
    result = run_narrator("normalize", *args, input=data.encode() if data is not None else None)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("data", "wanted", "unwanted"),
    [
        (
            MARKDOWN,
            ["Таңғы жаңалықтар", "Инфляция баяулады. Толығырақ оқыңыз."],
            ["date:", "##", "**", "https"],
        ),
        (HTML, ["Басты жаңалық", "Бірінші абзац."], ["<", "var x", "Мәзір"]),
        (JSON_LIST, ["Бірінші", "Астанада мектеп ашылды.", "Алматыда қар жауды."], ['"body"', "{"]),
        (RSS, ["Ауа райы", "Ертең күн жылы."], ["<", "channel"]),
        (SSML, ["жиырма бес адам келді.", "Каспи банкі."], ["<", "Kaspi", "25"]),
    ],
    ids=["md", "html", "json", "rss", "ssml"],
)
def test_stdin_formats_are_detected(data: str, wanted: list[str], unwanted: list[str]) -> None:
    out = _normalize("-", data=data)
    for text in wanted:
        assert text in out, out
    for text in unwanted:
        assert text not in out, out


def test_json_list_is_read_oldest_first() -> None:
    out = _normalize("-", data=JSON_LIST)
    assert out.index("Бірінші") < out.index("Екінші")


def test_normalize_reads_files_as_speak_does(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text(MARKDOWN, "utf-8")
    (tmp_path / "c.html").write_text(HTML, "utf-8")
    markdown = _normalize(str(tmp_path / "b.md"))
    assert "дейт" not in markdown and "date" not in markdown and "#" not in markdown
    html = _normalize(str(tmp_path / "c.html"))
    assert "хтмл" not in html and "<" not in html and "Басты жаңалық" in html
    explained = _normalize("--explain", str(tmp_path / "c.html"))
    assert "хтмл" not in explained
    check = run_narrator("normalize", "--check", str(tmp_path / "b.md"))
    assert check.returncode == 0, check.stdout  # front matter and URLs are not read


def test_normalize_reads_a_folder_as_speak_does(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ndate: 2026-11-28\n---\n# Бірінші\n\n5 мектеп ашылды.\n", "utf-8"
    )
    (folder / "b.html").write_text(
        "<html><body><h1>Екінші</h1><p>Қар жауды.</p></body></html>", "utf-8"
    )
    out = _normalize(str(folder))
    assert "Бірінші" in out and "Бес мектеп ашылды." in out and "Қар жауды." in out
    assert "<" not in out and "date" not in out


def test_input_format_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("# Тақырып\n\n**Мәтін.**\n", "utf-8")
    assert "**" in _normalize(str(path))  # a .txt file is plain text
    assert "**" not in _normalize("--input-format", "md", str(path))
    bad = run_narrator("normalize", "--input-format", "docx", str(path))
    assert bad.returncode == InputError.exit_code
    assert "docx" in bad.stderr and "txt, md, html, json, rss, ssml" in bad.stderr


def test_normalize_takes_the_station_lexicon_and_register(tmp_path: Path) -> None:
    (tmp_path / "lexicon.tsv").write_text("Kaspi\tКаспи\n", "utf-8")
    station = tmp_path / "station.toml"
    station.write_text('[text]\nlexicon = "lexicon.tsv"\nregister = "formal"\n', "utf-8")
    out = _normalize("--station", str(station), "-", data="Kaspi 100 клиент.\n")
    assert out == "Каспи бір жүз клиент.\n"
    # An option wins over the station.
    out = _normalize("--station", str(station), "--register", "news", "-", data="100 клиент.\n")
    assert out == "Жүз клиент.\n"


def test_explain_json_gives_spans() -> None:
    out = _normalize("--explain", "--json", "-", data="2025 жылы ҚР-да 5%-ке өсті.")
    spans = json.loads(out)
    assert [set(span) for span in spans] == [{"start", "end", "written", "spoken", "class"}] * len(
        spans
    )
    text = "2025 жылы ҚР-да 5%-ке өсті."
    for span in spans:
        assert text[span["start"] : span["end"]] == span["written"]
    assert any(span["spoken"] == "бес пайызға" for span in spans)
    usage = run_narrator("normalize", "--json", "-", input=b"1")
    assert usage.returncode == EXIT_USAGE


def test_markdown_inline_break_and_pronunciation() -> None:
    out = _normalize(
        "-",
        data='# Т\n\nБанк <sub alias="Каспи">Kaspi</sub> ашылды.<break time="800ms"/> Келесі сөйлем.\n',
    )
    # The break is a pause, not text (test_ssml_speak measures it in the audio).
    assert "Банк Каспи ашылды. Келесі сөйлем." in out and "<" not in out


def test_ssml_unknown_tags_warn_once_and_are_read(tmp_path: Path) -> None:
    result = run_narrator(
        "normalize",
        "-",
        input='<speak><emphasis>Маңызды</emphasis> <audio src="x.wav"/>жаңалық. <emphasis>Тағы</emphasis></speak>'.encode(),
    )
    assert result.returncode == 0
    assert "Маңызды жаңалық. Тағы" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if "SSML" in line]
    assert len(warnings) == 1 and "audio, emphasis" in warnings[0]


def test_ssml_phoneme_reaches_the_voice_as_kazakh_letters() -> None:
    ssml = '<speak><phoneme alphabet="ipa" ph="kaspˈi">Kaspi</phoneme> банкі.</speak>'
    assert _normalize("-", data=ssml) == "Каспи банкі.\n"


def test_malformed_ssml_is_one_line() -> None:
    result = run_narrator("normalize", "--input-format", "ssml", "-", input=b"<speak><p>x</speak>")
    assert result.returncode == InputError.exit_code
    assert "not well-formed SSML" in result.stderr and "Traceback" not in result.stderr


def test_speak_stdin_markdown_reads_no_markup(tmp_path: Path) -> None:
    out = tmp_path / "b.wav"
    result = run_narrator("speak", "-", "-o", str(out), "-q", input=MARKDOWN.encode())
    assert result.returncode == 0, result.stderr
    vtt = out.with_suffix(".vtt").read_text("utf-8")
    assert "Инфляция баяулады." in vtt
    assert "date" not in vtt and "#" not in vtt and "**" not in vtt
    chapters = json.loads(out.with_name("b.chapters.json").read_text("utf-8"))["chapters"]
    assert [c["title"] for c in chapters] == ["Кіріспе", "Экономика", "Спорт", "Қорытынды"]
    assert vtt.split("\n\n")[1].splitlines()[-1] == "Narrator."  # several stories: a bulletin


def test_speak_ssml_prosody_rate_slows_the_voice(tmp_path: Path) -> None:
    words = "Келер жылы еліміз ғарышқа екі спутник ұшырады. Көктегі жерсеріктер көбейеді."
    durations = []
    for rate in ("100%", "60%"):
        out = tmp_path / f"r{rate[:-1]}.wav"
        ssml = f'<speak><prosody rate="{rate}">{words}</prosody></speak>'
        result = run_narrator("speak", "--text", ssml, "-o", str(out), "-q")
        assert result.returncode == 0, result.stderr
        durations.append(sf.info(out).duration)
    assert durations[1] > durations[0] * 1.3


def test_speak_text_option(tmp_path: Path) -> None:
    out = tmp_path / "t.wav"
    result = run_narrator("speak", "--text", "Сәлем, әлем.", "-o", str(out), "-q")
    assert result.returncode == 0, result.stderr
    assert "Сәлем, әлем." in out.with_suffix(".vtt").read_text("utf-8")
    both = run_narrator("speak", "x.txt", "--text", "Сәлем.", "-o", str(out))
    assert both.returncode == EXIT_USAGE and "either" in both.stderr
