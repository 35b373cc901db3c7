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

Every read is bounded (:class:`SourceLimits`: a total fetch deadline, same-host
redirects, a size cap, an item cap, a nesting cap), and one bad article never stops
the others: it comes back as a :class:`Rejected` entry with a one-line reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import logging
import re
import socket
import threading
import time
import unicodedata
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from narrator.errors import InputError
from narrator.text.document import Document, Story
from narrator.text.html import html_to_document
from narrator.text.readers import decode, parse_markdown, parse_plain_text

if TYPE_CHECKING:
    from narrator.config import Station

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".json")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
_REDIRECTS = (301, 302, 303, 307, 308)

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
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_SURROGATE = re.compile("[\ud800-\udfff]")
_SLUG_MAX = 60

_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC_DATE = "{http://purl.org/dc/elements/1.1/}date"


@dataclass(frozen=True)
class SourceLimits:
    """Bounds on reading one source; each is a ``[feed]`` setting of the station file."""

    fetch_timeout_s: float = 30.0
    """Total deadline of a URL fetch: connecting, redirects, headers and body together."""
    max_redirects: int = 5
    """Redirects followed, each to the same host only."""
    max_bytes: int = 20 * 1024 * 1024
    """Largest document: a downloaded or local feed, or one article file."""
    max_items: int = 200
    """Most articles kept from one source (the newest of a folder, the first of a feed)."""
    max_depth: int = 32
    """Deepest nesting of JSON arrays/objects or XML elements."""
    max_title_chars: int = 300
    """Longest title read (longer ones are cut at a word, with a warning)."""

    @classmethod
    def for_station(cls, station: Station) -> SourceLimits:
        """The limits of the station file's ``[feed]`` section."""
        feed = station.feed
        return cls(
            fetch_timeout_s=feed.fetch_timeout_s,
            max_redirects=feed.max_redirects,
            max_bytes=int(feed.max_source_mb * 1024 * 1024),
            max_items=feed.max_items,
            max_depth=feed.max_depth,
            max_title_chars=feed.max_title_chars,
        )

    @property
    def megabytes(self) -> str:
        return f"{self.max_bytes / (1024 * 1024):g} MB"


@dataclass
class Article:
    """One news article, read and parsed, with an id that is safe to build paths from."""

    id: str
    """The source's own id (file name, JSON ``id``, RSS ``guid``): untrusted."""
    title: str | None
    document: Document
    date: datetime | None = None
    """Publication time (UTC) when the source gives one."""
    origin: str = ""
    """The file it was read from (a folder source), or empty (a feed item)."""
    digest: str = ""
    """A hash of what it says: a quarantined article is retried afresh once it changes."""
    slug: str = field(init=False)
    """``id`` reduced to ``[a-z0-9-]``: the only form of it used in file names."""

    def __post_init__(self) -> None:
        self.slug = slugify(self.id)
        if not self.digest:
            text = "\n".join(
                [self.title or "", *(p for s in self.document.stories for p in s.paragraphs)]
            )
            self.digest = _digest(text.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class Rejected:
    """An article (or an article file) that could not be read: quarantined by the build."""

    key: str
    """The file name in a folder source, else the article's id."""
    reason: str
    """One line: what is wrong, naming the file or item."""
    digest: str
    """A hash of the bad input, so a corrected article is retried afresh."""


@dataclass
class Sources:
    """What one source held: the articles read, the ones rejected, and any truncation."""

    articles: list[Article] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    truncated: str | None = None
    """A sentence naming what the item cap left out, or None."""


Skip = Callable[[str, str], bool]
"""``skip(key, digest)``: whether to leave an article file unread (dropped from quarantine)."""


def slugify(text: str) -> str:
    """A file-name-safe slug of ``text``: no separators, no dots, never empty.

    ``../../x`` becomes ``x``; ``Ғарыш жаңалығы`` becomes ``garysh-zhanalygy``; text
    with nothing usable becomes ``article-<hash>``.
    """
    folded = unicodedata.normalize("NFKC", text).lower().translate(_TRANSLIT)
    ascii_only = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_only).strip("-")[:_SLUG_MAX].strip("-")
    if not slug:
        slug = "article-" + _digest(text.encode("utf-8", "surrogatepass"))[:10]
    return slug


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def order_articles(articles: list[Article]) -> list[Article]:
    """The one documented order of articles, oldest first: undated articles first, then
    by date (front matter, JSON ``date``, RSS/Atom date), then by file name; items of a
    feed with equal dates keep their order in the feed.

    ``narrator speak FOLDER`` reads a folder in this order, and ``feed build`` puts a
    bulletin's stories (and per-article episodes) in it.
    """
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(
        articles, key=lambda a: (a.date is not None, a.date or oldest, a.origin.casefold())
    )


def read_sources(
    source: str | Path,
    limits: SourceLimits | None = None,
    *,
    skip: Skip | None = None,
    fetched: bytes | None = None,
) -> Sources:
    """Every article of ``source`` (a folder, a feed file, a JSON file or a feed URL).

    A problem with the source as a whole (missing, unreadable, too big, unsafe XML,
    a fetch that fails) is an :class:`InputError`; a problem with one article of a
    folder or one item of a feed is a :class:`Rejected` entry. ``fetched`` holds the
    bytes of a URL source already downloaded with :func:`fetch`.
    """
    limits = limits or SourceLimits()
    text = str(source)
    if text.startswith(("http://", "https://")):
        data = fetched if fetched is not None else fetch(text, limits)
        return parse_feed(data, text, limits)
    path = Path(source)
    if path.is_dir():
        return _read_folder(path, limits, skip)
    if not path.exists():
        raise InputError(f"{path}: no such sources folder or feed")
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        return parse_feed(_read_bytes(path, limits), str(path), limits)
    if suffix in ARTICLE_SUFFIXES:
        return _cap(Sources(articles=_read_article(path, limits)), limits, str(path), newest=False)
    raise InputError(
        f"{path}: unknown kind of source (a folder of articles, an RSS/Atom file or URL, "
        "or a .md/.txt/.html/.json article)"
    )


def load_articles(source: str | Path, limits: SourceLimits | None = None) -> list[Article]:
    """The articles of ``source`` in its own order; rejected ones are logged and left out."""
    found = read_sources(source, limits)
    for rejected in found.rejected:
        log.warning("skipped: %s", rejected.reason)
    if found.truncated:
        log.warning("%s", found.truncated)
    return found.articles


def fetch(url: str, limits: SourceLimits | None = None) -> bytes:
    """The bytes of ``url``, within a total deadline, a size cap and same-host redirects.

    The deadline covers everything (connecting, every redirect, the headers and the
    whole body): a server that sends one byte every few seconds is cut off when it
    expires, not kept alive by each byte.
    """
    limits = limits or SourceLimits()
    deadline = time.monotonic() + limits.fetch_timeout_s
    first = urllib.parse.urlsplit(url)
    current = url
    for _ in range(limits.max_redirects + 1):
        parts = urllib.parse.urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"{url}: cannot fetch {current!r} (an http(s) URL is needed)")
        status, location, data = _get(url, parts, deadline, limits)
        if status not in _REDIRECTS:
            return data
        target = urllib.parse.urljoin(current, location or "")
        host = urllib.parse.urlsplit(target).hostname or ""
        if not location or host.lower() != (first.hostname or "").lower():
            raise InputError(
                f"{url}: refused a redirect to another host ({target}); "
                "only the given URL's host is fetched"
            )
        current = target
    raise InputError(f"{url}: more than {limits.max_redirects} redirects (feed.max_redirects)")


def _get(
    url: str, parts: urllib.parse.SplitResult, deadline: float, limits: SourceLimits
) -> tuple[int, str | None, bytes]:
    """One GET: (status, Location header, body) under the overall ``deadline``."""
    remaining = deadline - time.monotonic()
    expired_message = (
        f"{url}: the source did not arrive within {limits.fetch_timeout_s:g} s "
        "(feed.fetch_timeout_s)"
    )
    if remaining <= 0:
        raise InputError(expired_message)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname or "", parts.port, timeout=remaining)
    expired = threading.Event()

    def cut_off() -> None:
        # Wakes a read blocked on a slow server: the socket timeout alone is per read.
        expired.set()
        if connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(remaining, cut_off)
    timer.daemon = True
    timer.start()
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request(
            "GET", path, headers={"User-Agent": "narrator-feed", "Accept-Encoding": "identity"}
        )
        response = connection.getresponse()
        if response.status in _REDIRECTS:
            return response.status, response.getheader("Location"), b""
        if response.status != 200:
            raise InputError(
                f"{url}: cannot fetch sources (HTTP {response.status} {response.reason})"
            )
        announced = response.getheader("Content-Length")
        too_big = f"{url}: the source is larger than {limits.megabytes} (feed.max_source_mb)"
        if announced and announced.isdigit() and int(announced) > limits.max_bytes:
            raise InputError(too_big)
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = response.read1(65536)
            if expired.is_set():
                raise InputError(expired_message)
            if not chunk:
                break
            size += len(chunk)
            if size > limits.max_bytes:
                raise InputError(too_big)
            chunks.append(chunk)
        return response.status, None, b"".join(chunks)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if expired.is_set():
            raise InputError(expired_message) from None
        reason = getattr(exc, "reason", None) or exc
        raise InputError(f"{url}: cannot fetch sources ({reason})") from None
    finally:
        timer.cancel()
        connection.close()


def _read_bytes(path: Path, limits: SourceLimits) -> bytes:
    try:
        if path.stat().st_size > limits.max_bytes:
            raise InputError(f"{path}: larger than {limits.megabytes} (feed.max_source_mb)")
        with path.open("rb") as handle:
            # Bounded even if the file grows while it is read.
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limits.max_bytes:
        raise InputError(f"{path}: larger than {limits.megabytes} (feed.max_source_mb)")
    return data


def _read_folder(folder: Path, limits: SourceLimits, skip: Skip | None) -> Sources:
    """Every article file of ``folder``, in :func:`order_articles` order.

    A file that cannot be read (empty, undecodable, malformed, too deep, too big) is
    rejected with its reason: one broken article must not stop every later edition.
    """
    found = Sources()
    try:
        paths = sorted(folder.iterdir())
    except OSError as exc:
        raise InputError(f"{folder}: cannot list the sources folder ({exc.strerror})") from None
    for path in paths:
        if path.name.startswith(".") or path.suffix.lower() not in ARTICLE_SUFFIXES:
            continue
        if not path.is_file():
            continue
        try:
            data = _read_bytes(path, limits)
        except InputError as exc:
            found.rejected.append(Rejected(path.name, str(exc), ""))
            continue
        digest = _digest(data)
        if skip is not None and skip(path.name, digest):
            continue
        try:
            found.articles.extend(_read_article(path, limits, data))
        except InputError as exc:
            found.rejected.append(Rejected(path.name, str(exc), digest))
        except (RecursionError, MemoryError, ValueError, UnicodeError) as exc:
            # A reader's own limits: still one bad file, not a stopped feed.
            reason = f"{path}: unreadable article ({type(exc).__name__}: {exc})"[:300]
            found.rejected.append(Rejected(path.name, reason, digest))
    return _cap(found, limits, str(folder), newest=True)


def _cap(found: Sources, limits: SourceLimits, source: str, *, newest: bool) -> Sources:
    """At most ``limits.max_items`` articles: a folder keeps its newest, a feed its first."""
    count = len(found.articles)
    if count > limits.max_items:
        if newest:
            found.articles = order_articles(found.articles)[-limits.max_items :]
            which = "newest"
        else:
            found.articles = found.articles[: limits.max_items]
            which = "first"
        found.truncated = (
            f"{source}: {count} articles, read the {which} {limits.max_items} (feed.max_items)"
        )
    return found


def _read_article(path: Path, limits: SourceLimits, data: bytes | None = None) -> list[Article]:
    """The article(s) in one file: a JSON file may hold several."""
    if data is None:
        data = _read_bytes(path, limits)
    text = decode(data, str(path)).replace("\r\n", "\n").replace("\r", "\n")
    suffix = path.suffix.lower()
    if suffix == ".json":
        articles = parse_json_articles(text, str(path), default_id=path.stem, limits=limits)
        for article in articles:
            article.origin = path.name
        return articles
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
        _checked(
            Article(
                id=meta.get("id") or path.stem,
                title=document.title,
                document=document,
                date=parse_date(meta.get("date")),
                origin=path.name,
            ),
            str(path),
            limits,
        )
    ]


def json_depth_within(text: str, limit: int) -> bool:
    """Whether the arrays and objects of JSON ``text`` nest at most ``limit`` deep.

    Checked before parsing: Python's parser recurses, and JSON nested 100,000 deep
    would end in a RecursionError.
    """
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > limit:
                return False
        elif mark in "]}":
            depth -= 1
    return True


def parse_json_articles(
    text: str, source: str, default_id: str, limits: SourceLimits
) -> list[Article]:
    if not json_depth_within(text, limits.max_depth):
        raise InputError(f"{source}: JSON nested deeper than {limits.max_depth} (feed.max_depth)")
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
                limits,
            )
        )
    return articles


def _string(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def _checked(article: Article, source: str, limits: SourceLimits) -> Article:
    """``article``, if all its text is real Unicode (no lone surrogates from JSON's
    ``\\ud800`` escapes: they can be neither spoken, tagged nor written as UTF-8), with
    titles longer than ``limits.max_title_chars`` cut at a word (and a warning)."""
    parts = {"id": article.id, "title": article.title or ""}
    parts["text"] = "\n".join(p for s in article.document.stories for p in s.paragraphs)
    for name, text in parts.items():
        bad = _SURROGATE.search(text)
        if bad:
            raise InputError(
                f"{source}: article {article.id!r} has a lone surrogate "
                f"(U+{ord(bad.group()):04X}) in its {name}, not valid Unicode text"
            )
    document = article.document
    for story in document.stories:
        story.title = _cut_title(story.title, limits, source, article.id)
    document.title = article.title = _cut_title(article.title, limits, source, article.id)
    return article


def _cut_title(title: str | None, limits: SourceLimits, source: str, article_id: str) -> str | None:
    """``title``, cut at a word to ``limits.max_title_chars``: a title is read aloud, and
    a 100 KB one would be hours of audio."""
    if title is None or len(title) <= limits.max_title_chars:
        return title
    cut = title[: limits.max_title_chars].rsplit(" ", 1)[0].rstrip() + " …"
    log.warning(
        "%s: article %r: a title of %d characters cut to %d (feed.max_title_chars)",
        source,
        article_id,
        len(title),
        limits.max_title_chars,
    )
    return cut


def _article(
    article_id: str,
    title: str | None,
    body: str,
    date: str | None,
    source: str,
    limits: SourceLimits,
) -> Article:
    """An article from a title and a body that may be plain text or HTML."""
    if _HTML_TAG.search(body):
        document = html_to_document(body, source)
    else:
        document = parse_plain_text(body, source)
    document.title = title or document.title
    if document.is_empty:
        raise InputError(f"{source}: article {article_id!r} has no text to read")
    article = Article(id=article_id, title=document.title, document=document, date=parse_date(date))
    return _checked(article, source, limits)


def parse_feed(data: bytes, source: str, limits: SourceLimits | None = None) -> Sources:
    """Articles of an RSS 2.0 or Atom document, parsed without entities or external reads.

    An item that cannot be read is rejected on its own; the others are kept.
    """
    limits = limits or SourceLimits()
    if len(data) > limits.max_bytes:
        raise InputError(f"{source}: larger than {limits.megabytes} (feed.max_source_mb)")
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(f"{source}: refused unsafe XML ({type(exc).__name__})") from None
    except ParseError as exc:
        raise InputError(f"{source}: not well-formed XML ({exc})") from None
    if not _xml_depth_within(root, limits.max_depth):
        raise InputError(f"{source}: XML nested deeper than {limits.max_depth} (feed.max_depth)")
    if root.tag == f"{_ATOM}feed":
        entries = [_atom_entry(e) for e in root.findall(f"{_ATOM}entry")]
    elif root.tag == "rss" or root.find("channel") is not None:
        entries = [_rss_item(i) for i in root.iter("item")]
    else:
        raise InputError(f"{source}: neither RSS nor Atom (root element <{root.tag}>)")
    found = Sources()
    for number, (article_id, title, body, date) in enumerate(entries):
        if not body.strip():
            continue  # a link-only item has nothing to read
        key = article_id or f"item-{number + 1}"
        try:
            found.articles.append(_article(key, title, body, date, source, limits))
        except (InputError, RecursionError, ValueError) as exc:
            reason = str(exc) if isinstance(exc, InputError) else f"{source}: item {key}: {exc}"
            found.rejected.append(Rejected(key, reason, _digest(body.encode("utf-8"))))
    return _cap(found, limits, source, newest=False)


def _xml_depth_within(root: Element, limit: int) -> bool:
    """Whether elements nest at most ``limit`` deep (walked without recursion)."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in element)
    return True


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


def collection_document(source: str, limits: SourceLimits | None = None) -> Document:
    """All the articles of a folder, feed or JSON file as one bulletin, in
    :func:`order_articles` order (the order ``feed build`` uses)."""
    articles = load_articles(source, limits)
    if not articles:
        raise InputError(f"{source}: no articles found")
    return bulletin_document(order_articles(articles), None, {}, source=source)
