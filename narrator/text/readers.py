"""Reading input files into a :class:`~narrator.text.document.Document`.

Formats: ``.txt`` (blank lines separate paragraphs; a short first line without final
punctuation followed by a blank line is the title), ``.md`` (``# `` programme title,
``## `` one story each, optional ``---`` front matter), ``.html``, and ``-`` for
standard input (read as plain text, or Markdown when it starts with a heading).
"""

from __future__ import annotations

import codecs
import re
import sys
from pathlib import Path

from narrator.errors import InputError
from narrator.text.document import Document, Story

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BLANK_LINES = re.compile(r"\n[ \t\u00a0]*\n+")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)


def decode(data: bytes, source: str, encoding: str | None = None) -> str:
    """Decode input bytes: UTF-8 (with or without BOM), UTF-16/32 with BOM, or ``encoding``."""
    try:
        if encoding:
            return data.decode(encoding).lstrip("\ufeff")
        for bom, codec in _BOMS:
            if data.startswith(bom):
                return data.decode(codec).lstrip("\ufeff")
        return data.decode("utf-8")
    except LookupError:
        raise InputError(f"{source}: unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        hint = "" if encoding else " (UTF-8 or UTF-16 with BOM expected; try --encoding)"
        raise InputError(
            f"{source}: cannot decode byte {exc.start} as {exc.encoding}{hint}"
        ) from None


def read_text(path: str | Path, encoding: str | None = None) -> tuple[str, str]:
    """Return ``(text, source name)`` for a path, or standard input for ``-``."""
    source = str(path)
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        file = Path(path)
        if file.is_dir():
            raise InputError(f"{source}: is a directory, expected a text file")
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            raise InputError(f"{source}: no such file") from None
        except OSError as exc:
            raise InputError(f"{source}: cannot read ({exc.strerror})") from None
    text = decode(data, source, encoding).replace("\r\n", "\n").replace("\r", "\n")
    return text, source


def read_document(path: str | Path, encoding: str | None = None) -> Document:
    """Read a document in the format given by the file's extension."""
    text, source = read_text(path, encoding)
    suffix = Path(source).suffix.lower() if source != "-" else ""
    if suffix in (".md", ".markdown") or (suffix == "" and text.lstrip().startswith("#")):
        document = parse_markdown(text, source)
    elif suffix in (".html", ".htm"):
        document = parse_html(text, source)
    else:
        document = parse_plain_text(text, source)
    if document.is_empty:
        raise InputError(f"{source}: no text to read")
    return document


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in _BLANK_LINES.split(text.strip()) if p.strip()]


def parse_plain_text(text: str, source: str) -> Document:
    """Blank lines separate paragraphs; a short unpunctuated first paragraph is the title."""
    paragraphs = _paragraphs(text)
    title = None
    if len(paragraphs) > 1 and _looks_like_title(paragraphs[0]):
        title = paragraphs.pop(0)
    return Document(title=title, stories=[Story(title=None, paragraphs=paragraphs)], source=source)


def _looks_like_title(line: str) -> bool:
    return len(line) <= 120 and not line.rstrip().endswith((".", "!", "?", "…", ":", ";", ","))


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split ``key: value`` front matter between ``---`` lines off the text."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[match.end() :]


_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_MARKUP = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images are not read
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links read as their text
    (re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # emphasis and code
    (re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", re.M), ""),  # list markers
    (re.compile(r"^[ \t]*>[ \t]?", re.M), ""),  # block quotes
)


def _strip_markdown(text: str) -> str:
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text


def parse_markdown(text: str, source: str) -> Document:
    """``# `` is the programme title, each ``## `` (or deeper) heading starts a story."""
    meta, body = parse_front_matter(text)
    title: str | None = meta.get("title")
    stories: list[Story] = []
    current_title: str | None = None
    buffer: list[str] = []

    def flush() -> None:
        paragraphs = _paragraphs(_strip_markdown("\n".join(buffer)))
        if paragraphs or current_title:
            stories.append(Story(title=current_title, paragraphs=paragraphs))
        buffer.clear()

    for line in body.split("\n"):
        heading = _HEADING.match(line)
        if heading and len(heading.group(1)) == 1 and title is None and not stories:
            title = _strip_markdown(heading.group(2))
            flush_needed = bool("".join(buffer).strip())
            if flush_needed:
                flush()
        elif heading:
            flush()
            current_title = _strip_markdown(heading.group(2)) or None
        else:
            buffer.append(line)
    flush()
    stories = [s for s in stories if s.paragraphs]
    return Document(title=title, stories=stories, source=source, meta=meta)


def parse_html(text: str, source: str) -> Document:
    """Read an HTML article: the ``<h1>``/``<title>`` is the title, ``<h2>`` starts a story."""
    from narrator.text.html import html_to_document

    return html_to_document(text, source)
