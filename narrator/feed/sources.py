"""Where a feed's articles come from: a folder of articles, or an RSS/Atom feed.

- A folder of ``.md``, ``.txt``, ``.html``/``.htm`` and ``.json`` files (one article
  each; a ``.json`` file may also hold a list of articles with ``id``, ``title``,
  ``body`` and ``date`` fields).
- An RSS 2.0 or Atom file, or an ``http(s)://`` URL of one: each item is an article.

Everything read here is untrusted. XML is parsed with defusedxml, which refuses
entity declarations (no "billion laughs") and external entities or DTDs (no local
file or network reads); HTML goes through a real HTML parser that drops scripts,
styles and navigation; and every article id, whatever it looks like (``../../x``), is
reduced to a :func:`slugify` slug before it goes anywhere near a file name.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from narrator.errors import InputError
from narrator.text.document import Document, Story
from narrator.text.html import html_to_document
from narrator.text.readers import decode, parse_markdown, parse_plain_text

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".json")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
MAX_FEED_BYTES = 20 * 1024 * 1024
"""A feed bigger than this is refused rather than read into memory."""
FETCH_TIMEOUT_S = 30

# Kazakh and Russian Cyrillic to ASCII, so slugs (and enclosure URLs) need no escaping.
_TRANSLIT = str.maketrans(
    {
        "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
        "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l",
        "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s",
        "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "h", "һ": "h", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
        "ю": "yu", "я": "ya",
    }
)  # fmt: skip
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_HTML_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_SLUG_MAX = 60

_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC_DATE = "{http://purl.org/dc/elements/1.1/}date"


@dataclass
class Article:
    """One news article, read and parsed, with an id that is safe to build paths from."""

    id: str
    """The source's own id (file name, JSON ``id``, RSS ``guid``): untrusted."""
    title: str | None
    document: Document
    date: datetime | None = None
    """Publication time (UTC) when the source gives one."""
    slug: str = field(init=False)
    """``id`` reduced to ``[a-z0-9-]``: the only form of it used in file names."""

    def __post_init__(self) -> None:
        self.slug = slugify(self.id)


def slugify(text: str) -> str:
    """A file-name-safe slug of ``text``: no separators, no dots, never empty.

    ``../../x`` becomes ``x``; ``Ғарыш жаңалығы`` becomes ``garysh-zhanalygy``; text
    with nothing usable becomes ``article-<hash>``.
    """
    folded = unicodedata.normalize("NFKC", text).lower().translate(_TRANSLIT)
    ascii_only = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_only).strip("-")[:_SLUG_MAX].strip("-")
    if not slug:
        slug = "article-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return slug


def load_articles(source: str | Path) -> list[Article]:
    """Every article in ``source`` (a folder, a feed file, a JSON file or a feed URL)."""
    text = str(source)
    if text.startswith(("http://", "https://")):
        return parse_feed(fetch(text), text)
    path = Path(source)
    if path.is_dir():
        return _read_folder(path)
    if not path.exists():
        raise InputError(f"{path}: no such sources folder or feed")
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        return parse_feed(_read_bytes(path), str(path))
    if suffix in ARTICLE_SUFFIXES:
        return _read_article(path)
    raise InputError(
        f"{path}: unknown kind of source (a folder of articles, an RSS/Atom file or URL, "
        "or a .md/.txt/.html/.json article)"
    )


def fetch(url: str) -> bytes:
    """The bytes of ``url`` (bounded in size and time)."""
    request = urllib.request.Request(url, headers={"User-Agent": "narrator-feed"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:
            data = response.read(MAX_FEED_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise InputError(f"{url}: cannot fetch sources ({reason})") from None
    if len(data) > MAX_FEED_BYTES:
        raise InputError(f"{url}: feed larger than {MAX_FEED_BYTES // (1024 * 1024)} MB")
    return data


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FEED_BYTES:
            raise InputError(f"{path}: larger than {MAX_FEED_BYTES // (1024 * 1024)} MB")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _read_folder(folder: Path) -> list[Article]:
    """Every article file of ``folder``, in file-name order (which orders a bulletin).

    A file that cannot be read (empty, undecodable, malformed) is skipped with a
    warning: one broken article must not stop every later edition.
    """
    articles: list[Article] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix.lower() in ARTICLE_SUFFIXES:
            try:
                articles.extend(_read_article(path))
            except InputError as exc:
                log.warning("skipped: %s", exc)
    return articles


def _read_article(path: Path) -> list[Article]:
    """The article(s) in one file: a JSON file may hold several."""
    text = decode(_read_bytes(path), str(path)).replace("\r\n", "\n").replace("\r", "\n")
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _parse_json(text, str(path), default_id=path.stem)
    if suffix in (".md", ".markdown"):
        document = parse_markdown(text, str(path))
    elif suffix in (".html", ".htm"):
        document = html_to_document(text, str(path))
    else:
        document = parse_plain_text(text, str(path))
    if document.is_empty:
        raise InputError(f"{path}: no text to read")
    meta = document.meta
    return [
        Article(
            id=meta.get("id") or path.stem,
            title=document.title,
            document=document,
            date=parse_date(meta.get("date")),
        )
    ]


def _parse_json(text: str, source: str, default_id: str) -> list[Article]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    # One article object, a list of them, or {"articles": [...]}.
    items = data.get("articles", [data]) if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InputError(f"{source}: expected an article object or a list of them")
    articles = []
    for number, item in enumerate(items):
        body = item.get("body")
        if not isinstance(body, str) or not body.strip():
            raise InputError(f"{source}: article {number + 1} has no 'body' text")
        title = _string(item.get("title"))
        fallback_id = default_id if len(items) == 1 else f"{default_id}-{number + 1}"
        articles.append(
            _article(
                _string(item.get("id")) or fallback_id,
                title,
                body,
                _string(item.get("date")),
                source,
            )
        )
    return articles


def _string(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def _article(
    article_id: str, title: str | None, body: str, date: str | None, source: str
) -> Article:
    """An article from a title and a body that may be plain text or HTML."""
    if _HTML_TAG.search(body):
        document = html_to_document(body, source)
    else:
        document = parse_plain_text(body, source)
    document.title = title or document.title
    if document.is_empty:
        raise InputError(f"{source}: article {article_id!r} has no text to read")
    return Article(id=article_id, title=document.title, document=document, date=parse_date(date))


def parse_feed(data: bytes, source: str) -> list[Article]:
    """Articles of an RSS 2.0 or Atom document, parsed without entities or external reads."""
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(f"{source}: refused unsafe XML ({type(exc).__name__})") from None
    except ParseError as exc:
        raise InputError(f"{source}: not well-formed XML ({exc})") from None
    if root.tag == f"{_ATOM}feed":
        entries = [_atom_entry(e) for e in root.findall(f"{_ATOM}entry")]
    elif root.tag == "rss" or root.find("channel") is not None:
        entries = [_rss_item(i) for i in root.iter("item")]
    else:
        raise InputError(f"{source}: neither RSS nor Atom (root element <{root.tag}>)")
    articles = []
    for number, (article_id, title, body, date) in enumerate(entries):
        if not body.strip():
            continue  # a link-only item has nothing to read
        articles.append(_article(article_id or f"item-{number + 1}", title, body, date, source))
    return articles


def _text_of(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _rss_item(item: Element) -> tuple[str, str | None, str, str | None]:
    body = _text_of(item.find(_CONTENT)) or _text_of(item.find("description"))
    article_id = _text_of(item.find("guid")) or _text_of(item.find("link"))
    date = _text_of(item.find("pubDate")) or _text_of(item.find(_DC_DATE))
    return article_id, _text_of(item.find("title")) or None, body, date or None


def _atom_entry(entry: Element) -> tuple[str, str | None, str, str | None]:
    body = _text_of(entry.find(f"{_ATOM}content")) or _text_of(entry.find(f"{_ATOM}summary"))
    date = _text_of(entry.find(f"{_ATOM}published")) or _text_of(entry.find(f"{_ATOM}updated"))
    link = entry.find(f"{_ATOM}link")
    article_id = _text_of(entry.find(f"{_ATOM}id")) or (
        link.get("href", "") if link is not None else ""
    )
    return article_id, _text_of(entry.find(f"{_ATOM}title")) or None, body, date or None


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 or RFC 2822 date as an aware UTC datetime (None if absent or unreadable)."""
    if not value:
        return None
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def bulletin_document(
    articles: list[Article], title: str | None, meta: dict[str, str], source: str = "feed"
) -> Document:
    """One bulletin of several articles: a story each, headed by its title."""
    stories: list[Story] = []
    for article in articles:
        paragraphs = [p for s in article.document.stories for p in s.paragraphs]
        stories.append(Story(title=article.title, paragraphs=paragraphs))
    return Document(title=title, stories=stories, source=source, meta=meta)


def is_collection(source: str) -> bool:
    """Whether ``source`` holds several articles: a folder, a feed file or URL, or JSON."""
    if source.startswith(("http://", "https://")):
        return True
    path = Path(source)
    return path.is_dir() or path.suffix.lower() in (*FEED_SUFFIXES, ".json")


def collection_document(source: str) -> Document:
    """All the articles of a folder, feed or JSON file as one bulletin, oldest first."""
    articles = load_articles(source)
    if not articles:
        raise InputError(f"{source}: no articles found")
    oldest = datetime.min.replace(tzinfo=UTC)
    articles.sort(key=lambda article: (article.date or oldest, article.slug))
    return bulletin_document(articles, None, {}, source=source)
