"""HTML articles to documents, with a real HTML parser (scripts, styles, navigation dropped)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from narrator.text.document import Document, Story

_DROPPED = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template")
_BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote")


def html_to_document(html: str, source: str) -> Document:
    """Title from ``<h1>`` (or ``<title>``); each ``<h2>`` starts a story; ``<p>`` are paragraphs."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_DROPPED):
        tag.decompose()
    for br in soup("br"):
        br.replace_with(" ")
    root = soup.find("article") or soup.find("main") or soup.body or soup
    h1 = root.find("h1") or soup.find("h1")
    title = _text(h1) if h1 else (_text(soup.title) if soup.title else None)
    stories: list[Story] = [Story(title=None, paragraphs=[])]
    for block in root.find_all(_BLOCKS):
        if block.find_parent(_BLOCKS):  # nested blocks are read once, via their parent
            continue
        text = _text(block)
        if not text:
            continue
        if block.name == "h2":
            stories.append(Story(title=text, paragraphs=[]))
        else:
            stories[-1].paragraphs.append(text)
    if not any(s.paragraphs for s in stories):
        # Bare text without paragraph tags: read the whole visible text.
        stories = [Story(title=None, paragraphs=[p for p in _lines(root) if p != title])]
    return Document(
        title=title or None, stories=[s for s in stories if s.paragraphs], source=source
    )


def _text(tag: object) -> str:
    # No separator: inline tags ("<b>абзац</b>.") must not gain spaces.
    return " ".join(tag.get_text().split()) if tag is not None else ""  # type: ignore[attr-defined]


def _lines(root: object) -> list[str]:
    text = root.get_text("\n")  # type: ignore[attr-defined]
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]
