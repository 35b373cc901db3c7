"""The articles of a batch: from files, folders of articles, RSS/Atom feeds and JSON.

Each article gets an input id (its file, or ``SOURCE#ID`` for an article of a feed or
a JSON list) and an output name (a slug, unique within the batch). An article that
cannot be read becomes an item with an error: it is recorded as failed and the batch
goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from narrator.errors import NarratorError
from narrator.feed.sources import (
    ARTICLE_SUFFIXES,
    FEED_SUFFIXES,
    Article,
    load_articles,
    slugify,
)
from narrator.text.document import Document
from narrator.text.readers import read_document


@dataclass(frozen=True)
class BatchItem:
    """One article to produce, or one that could not be read."""

    id: str
    """Input id, as recorded in the manifest."""
    name: str
    """Output stem in the output folder (``[a-z0-9-]``, unique in the batch)."""
    document: Document | None
    error: str | None = None
    """Why the article could not be read (then ``document`` is None)."""


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _articles(source: str, label: str) -> list[tuple[str, str, Document | None, str | None]]:
    """(id, slug, document, error) of each article in one file, feed or URL."""
    try:
        articles: list[Article] = load_articles(source)
    except NarratorError as exc:
        return [(label, slugify(Path(label).stem or label), None, str(exc))]
    if not articles:
        return [(label, slugify(Path(label).stem or label), None, f"{label}: no articles found")]
    if len(articles) == 1 and not _is_url(source) and Path(source).suffix in ARTICLE_SUFFIXES:
        return [(label, articles[0].slug, articles[0].document, None)]
    return [(f"{label}#{a.id}", a.slug, a.document, None) for a in articles]


def _single_file(
    path: Path, encoding: str | None
) -> list[tuple[str, str, Document | None, str | None]]:
    if path.suffix.lower() in (*ARTICLE_SUFFIXES, *FEED_SUFFIXES):
        return _articles(str(path), str(path))
    try:
        document = read_document(path, encoding)
    except NarratorError as exc:
        return [(str(path), slugify(path.stem), None, str(exc))]
    return [(str(path), slugify(path.stem), document, None)]


def gather(sources: list[str], encoding: str | None = None) -> list[BatchItem]:
    """Every article of ``sources``, in the order given (a folder's files by name)."""
    found: list[tuple[str, str, Document | None, str | None]] = []
    for source in sources:
        path = Path(source)
        if _is_url(source):
            found.extend(_articles(source, source))
        elif path.is_dir():
            for file in sorted(path.iterdir()):
                wanted = file.suffix.lower() in (*ARTICLE_SUFFIXES, *FEED_SUFFIXES)
                if wanted and file.is_file() and not file.name.startswith("."):
                    found.extend(_single_file(file, encoding))
        else:
            found.extend(_single_file(path, encoding))
    items: list[BatchItem] = []
    names: set[str] = set()
    seen_ids: set[str] = set()
    for id, slug, document, error in found:
        if id in seen_ids:
            continue  # the same source named twice
        seen_ids.add(id)
        name, number = slug, 1
        while name in names:
            number += 1
            name = f"{slug}-{number}"
        names.add(name)
        items.append(BatchItem(id, name, document, error))
    return items
