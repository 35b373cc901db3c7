"""Reading .txt, .md, .html and stdin, in the encodings narrator accepts."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from narrator.errors import InputError
from narrator.text.readers import read_document

TEXT = "Жаңалықтар\n\nБірінші абзац. Екінші сөйлем.\n\nЕкінші абзац.\n"


@pytest.mark.parametrize(
    "encoded",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16-be", "crlf"],
)
def test_plain_text_encodings(tmp_path: Path, encoded: bytes) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(encoded)
    doc = read_document(path)
    assert doc.title == "Жаңалықтар"
    assert doc.stories[0].paragraphs == ["Бірінші абзац. Екінші сөйлем.", "Екінші абзац."]


def test_undecodable_input_names_file_and_suggests_encoding(tmp_path: Path) -> None:
    path = tmp_path / "cp.txt"
    path.write_bytes("Қазақстан жаңалықтары.".encode("cp1251", errors="replace") + b"\xff\xfe\x00")
    with pytest.raises(InputError, match=r"cp\.txt.*--encoding"):
        read_document(path)


def test_explicit_encoding(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes("Новости дня.".encode("cp1251"))
    assert read_document(path, "cp1251").stories[0].paragraphs == ["Новости дня."]


def test_first_line_with_full_stop_is_not_a_title(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Ол келді.\n\nБіз кеттік.\n", "utf-8")
    doc = read_document(path)
    assert doc.title is None
    assert doc.stories[0].paragraphs == ["Ол келді.", "Біз кеттік."]


def test_markdown_stories(tmp_path: Path) -> None:
    path = tmp_path / "b.md"
    path.write_text(
        "---\ndate: 2026-11-25\nedition: 09:00\n---\n# Таңғы жаңалықтар\n\n"
        "## Экономика\n\nИнфляция **баяулады**. [Толығырақ](https://x.kz) оқыңыз.\n\n"
        "Екінші абзац.\n\n## Спорт\n\n- Бірінші жеңіс.\n",
        "utf-8",
    )
    doc = read_document(path)
    assert doc.title == "Таңғы жаңалықтар"
    assert doc.meta == {"date": "2026-11-25", "edition": "09:00"}
    assert [s.title for s in doc.stories] == ["Экономика", "Спорт"]
    assert doc.stories[0].paragraphs == ["Инфляция баяулады. Толығырақ оқыңыз.", "Екінші абзац."]
    assert doc.stories[1].paragraphs == ["Бірінші жеңіс."]


def test_html_drops_scripts_and_navigation(tmp_path: Path) -> None:
    path = tmp_path / "c.html"
    path.write_text(
        "<html><head><title>Т</title><style>p{}</style></head><body><nav>Мәзір</nav>"
        "<article><h1>Басты жаңалық</h1><p>Бірінші <b>абзац</b>.</p><script>alert(1)</script>"
        "<h2>Екінші тақырып</h2><p>Екінші абзац.</p></article><footer>©</footer></body></html>",
        "utf-8",
    )
    doc = read_document(path)
    assert doc.title == "Басты жаңалық"
    assert [(s.title, s.paragraphs) for s in doc.stories] == [
        (None, ["Бірінші абзац."]),
        ("Екінші тақырып", ["Екінші абзац."]),
    ]


@pytest.mark.parametrize("content", [b"", b"   \n\n  \n", codecs.BOM_UTF8])
def test_empty_input_is_an_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"empty\.txt: no text"):
        read_document(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.txt: no such file"):
        read_document(tmp_path / "nope.txt")
