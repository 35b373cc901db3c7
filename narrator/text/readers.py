"""Reading input into a :class:`~narrator.text.document.Document`.

Formats (see :data:`FORMATS`): ``txt`` (blank lines separate paragraphs; a short first
line without final punctuation followed by a blank line is the title), ``md`` (``# ``
programme title, ``## `` one story each, optional ``---`` front matter, inline
``<break/>`` and ``<sub alias="...">``), ``html``, ``ssml`` (see :mod:`.ssml`), and the
collections ``json`` and ``rss`` (read by :mod:`narrator.feed.sources`). The format is
the one asked for, else the file's extension, else detected from the content
(:func:`detect_format`), which is also how standard input (``-``) is read.

Limits, each a one-line :class:`~narrator.errors.InputError` or a named truncation:
:data:`MAX_INPUT_BYTES` of input, :data:`MAX_TITLE_CHARS` per title (longer titles
are cut, with a warning), :data:`MAX_NESTING` levels of JSON, HTML or SSML nesting.
Every pattern here runs in time linear in its input.
"""

from __future__ import annotations

import codecs
import logging
import re
import sys
from dataclasses import replace
from pathlib import Path

from narrator.errors import InputError
from narrator.text.document import (
    Document,
    Story,
    break_mark,
    plain_text,
    without_mark_characters,
)

log = logging.getLogger(__name__)

FORMATS = ("txt", "md", "html", "json", "rss", "ssml")
"""Input formats, as ``--input-format`` names them."""
COLLECTION_FORMATS = ("json", "rss")
"""Formats that hold a list of articles, read as one bulletin."""
MAX_INPUT_BYTES = 20 * 1024 * 1024
"""Input larger than this is refused (about 30 hours of speech)."""
MAX_TITLE_CHARS = 200
"""A longer title (of the document or of a story) is cut at a word, with a warning."""
MAX_NESTING = 100
"""JSON, HTML or SSML nested deeper than this is refused."""

_SUFFIX_FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".xml": "rss",
    ".rss": "rss",
    ".atom": "rss",
    ".ssml": "ssml",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BLANK_LINES = re.compile(r"\n[ \t\u00a0]*\n+")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_MD_HEADING_LINE = re.compile(r"^#{1,6}[ \t]+\S", re.M)
_XML_PROLOGUE = re.compile(r"\A(?:<\?xml[^>]*>|<!--.*?-->|<!DOCTYPE[^>]*>|\s)*", re.S | re.I)
_SURROGATE = re.compile("[\ud800-\udfff]")


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


def read_bytes(path: str | Path) -> tuple[bytes, str]:
    """Return ``(data, source name)`` for a path, or standard input for ``-``; at most
    :data:`MAX_INPUT_BYTES`."""
    source = str(path)
    if source == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    else:
        file = Path(path)
        if file.is_dir():
            raise InputError(f"{source}: is a directory, expected a text file")
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except FileNotFoundError:
            raise InputError(f"{source}: no such file") from None
        except OSError as exc:
            raise InputError(f"{source}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{source}: larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    return data, source


def read_text(path: str | Path, encoding: str | None = None) -> tuple[str, str]:
    """Return ``(text, source name)`` for a path, or standard input for ``-``."""
    data, source = read_bytes(path)
    return _newlines(decode(data, source, encoding)), source


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def format_for(source: str, text: str, requested: str | None = None) -> str:
    """The input format: ``requested``, else the file's extension, else the content's."""
    if requested:
        name = requested.lower().lstrip(".")
        aliases = {"text": "txt", "markdown": "md", "htm": "html", "xml": "rss", "atom": "rss"}
        name = aliases.get(name, name)
        if name not in FORMATS:
            raise InputError(
                f"unknown input format {requested!r} (choose from {', '.join(FORMATS)})"
            )
        return name
    if source != "-":
        by_suffix = _SUFFIX_FORMATS.get(Path(source).suffix.lower())
        if by_suffix == "rss" and detect_format(text) == "ssml":
            return "ssml"  # SSML saved as .xml
        if by_suffix:
            return by_suffix
    return detect_format(text)


def detect_format(text: str) -> str:
    """The format of ``text`` from its first characters.

    ``<speak`` is SSML, ``<rss``/``<feed``/``<rdf:RDF`` a feed, ``<html``/``<!doctype
    html`` HTML, ``{`` or ``[`` JSON; front matter or a ``#`` heading line Markdown;
    anything else plain text.
    """
    start = text.lstrip("\ufeff \t\n")
    if start.startswith("<"):
        head = start[_XML_PROLOGUE.match(start[:4096]).end() :][:64].lower()  # type: ignore[union-attr]
        if head.startswith("<speak"):
            return "ssml"
        if head.startswith(("<rss", "<feed", "<rdf:rdf")):
            return "rss"
        if head.startswith("<html") or start[:64].lower().startswith("<!doctype html"):
            return "html"
    if start.startswith(("{", "[")):
        return "json"
    if _FRONT_MATTER.match(text.lstrip("\ufeff")) or _MD_HEADING_LINE.search(text[:100_000]):
        return "md"
    if start.startswith("<") and re.match(r"<(?:p|div|article|body|h[1-6])\b", start, re.I):
        return "html"
    return "txt"


def parse(text: str, source: str, fmt: str) -> Document:
    """A document of ``text`` in one of the single-article formats (txt, md, html, ssml)."""
    text = without_mark_characters(text)
    if fmt == "md":
        document = parse_markdown(text, source)
    elif fmt == "html":
        document = parse_html(text, source)
    elif fmt == "ssml":
        from narrator.text.ssml import parse_ssml

        document = parse_ssml(text, source)
    elif fmt == "txt":
        document = parse_plain_text(text, source)
    else:
        raise InputError(f"{source}: {fmt} holds a list of articles, not one document")
    return finish(document)


def read_document(
    path: str | Path, encoding: str | None = None, input_format: str | None = None
) -> Document:
    """Read one article or Markdown bulletin, in the given or detected format."""
    text, source = read_text(path, encoding)
    return parse(text, source, format_for(source, text, input_format))


def finish(document: Document) -> Document:
    """Check a document read from any format against the limits.

    Refuses lone surrogates (text that is not valid Unicode) and empty documents;
    cuts titles longer than :data:`MAX_TITLE_CHARS` with a warning naming them.
    """
    source = document.source
    texts = [document.title or "", *(s.title or "" for s in document.stories)]
    texts += [p for s in document.stories for p in s.paragraphs]
    for text in texts:
        if bad := _SURROGATE.search(text):
            raise InputError(
                f"{source}: invalid character U+{ord(bad.group()):04X} (a lone surrogate) in "
                f"{text[: bad.start()][-30:]!r}..."
            )
    if document.is_empty:
        raise InputError(f"{source}: no text to read")
    return replace(
        document,
        title=shorten_title(document.title, source),
        stories=[replace(s, title=shorten_title(s.title, source)) for s in document.stories],
    )


def shorten_title(title: str | None, source: str) -> str | None:
    """``title`` cut to :data:`MAX_TITLE_CHARS` at a word boundary, with a warning."""
    if title is None or len(title) <= MAX_TITLE_CHARS:
        return title
    cut = title[:MAX_TITLE_CHARS].rsplit(" ", 1)[0] if " " in title[:MAX_TITLE_CHARS] else ""
    short = (cut or title[:MAX_TITLE_CHARS]).rstrip(" ,;:–—-") + "…"
    log.warning(
        "%s: title of %d characters cut to %d (limit %d): %r",
        source,
        len(title),
        len(short),
        MAX_TITLE_CHARS,
        short[:40],
    )
    return short


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


# Each pattern excludes its own opening character from what it scans, so a failed
# match stops at the next opener: the whole pass stays linear ("[a" * 50000 is 0.1 s).
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*)$")
_INLINE_SUB = re.compile(
    r"<sub\s+alias\s*=\s*(?:\"([^\"<>]*)\"|'([^'<>]*)')\s*>([^<]*)</sub\s*>", re.I
)
_INLINE_BREAK = re.compile(r"<break\b([^<>]*)>", re.I)
_MARKUP = (
    (re.compile(r"!\[[^\[\]\n]*\]\((?:[^()\n]|\([^()\n]*\))*\)"), ""),  # images are not read
    (re.compile(r"\[([^\[\]\n]*)\]\((?:[^()\n]|\([^()\n]*\))*\)"), r"\1"),  # links: their text
    (re.compile(r"\*+|`+|(?<!\w)_+(?=\S)|(?<=\S)_+(?!\w)"), ""),  # emphasis and code marks
    (re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+", re.M), ""),  # list markers
    (re.compile(r"^[ \t]*>[ \t]?", re.M), ""),  # block quotes
)


def _strip_markdown(text: str, source: str) -> str:
    text = _INLINE_SUB.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = _INLINE_BREAK.sub(lambda m: _break_text(m.group(1), source), text)
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text


def _break_text(attributes: str, source: str) -> str:
    """An inline ``<break>``: a mark for its exact pause (see
    :func:`narrator.text.ssml.break_pause`)."""
    from narrator.text.ssml import break_pause

    strength = re.search(r"strength\s*=\s*[\"']([^\"']*)", attributes)
    time = re.search(r"time\s*=\s*[\"']([^\"']*)", attributes)
    pause = break_pause(
        strength.group(1) if strength else None, time.group(1) if time else None, source
    )
    return f" {break_mark(pause)} " if pause is not None else ""


def parse_markdown(text: str, source: str) -> Document:
    """``# `` is the programme title, each ``## `` (or deeper) heading starts a story."""
    meta, body = parse_front_matter(text)
    title: str | None = meta.get("title")
    stories: list[Story] = []
    current_title: str | None = None
    buffer: list[str] = []

    def flush() -> None:
        paragraphs = _paragraphs(_strip_markdown("\n".join(buffer), source))
        if paragraphs or current_title:
            stories.append(Story(title=current_title, paragraphs=paragraphs))
        buffer.clear()

    for line in body.split("\n"):
        heading = _HEADING.match(line)
        heading_text = (
            plain_text(_strip_markdown(heading.group(2).rstrip(" \t#"), source)).strip()
            if heading
            else ""
        )
        if heading and len(heading.group(1)) == 1 and title is None and not stories:
            title = heading_text or None
            if "".join(buffer).strip():
                flush()
        elif heading:
            flush()
            current_title = heading_text or None
        else:
            buffer.append(line)
    flush()
    stories = [s for s in stories if s.paragraphs]
    return Document(title=title, stories=stories, source=source, meta=meta)


def parse_html(text: str, source: str) -> Document:
    """Read an HTML article: the ``<h1>``/``<title>`` is the title, ``<h2>`` starts a story."""
    from narrator.text.html import html_to_document

    return html_to_document(text, source)
