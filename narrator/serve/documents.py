"""From a speech request to what the pipeline reads: a document and a station.

Requests carry text, Markdown, HTML or SSML. The first three go through narrator's
own readers; SSML is read for its words (``<p>`` and ``<s>`` make paragraphs and
sentences; ``<break>``, ``<prosody>``, ``<say-as>`` and other markup are read as
their text, since the normaliser decides the reading).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from narrator.config import Station
from narrator.errors import InputError
from narrator.text.document import Document, Story
from narrator.text.readers import parse_html, parse_markdown, parse_plain_text

INPUT_KINDS = ("text", "markdown", "html", "ssml")
TEMPLATES = {
    "article": "the article alone: no intro, outro, headlines or jingles",
    "bulletin": "the station's bulletin: intro, headlines, stories, outro and jingles",
}
_SOURCE = "request"


def read_request_text(text: str, kind: str) -> Document:
    """The document in ``text``, read as ``kind`` (one of :data:`INPUT_KINDS`)."""
    if kind == "markdown":
        document = parse_markdown(text, _SOURCE)
    elif kind == "html":
        document = parse_html(text, _SOURCE)
    elif kind == "ssml":
        document = parse_ssml(text)
    else:
        document = parse_plain_text(text, _SOURCE)
    if document.is_empty:
        raise InputError("request: no text to read")
    return document


def parse_ssml(text: str) -> Document:
    """The words of an SSML ``<speak>`` document: each ``<p>`` a paragraph (or the
    whole text one paragraph when it has none)."""
    from xml.etree.ElementTree import Element

    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(text)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise InputError(f"request: invalid SSML ({exc})") from None

    def local(element: Element) -> str:
        return element.tag.rsplit("}", 1)[-1]

    if local(root) != "speak":
        raise InputError("request: SSML must have <speak> as its root")
    paragraphs = [
        " ".join("".join(element.itertext()).split())
        for element in root.iter()
        if local(element) == "p"
    ]
    if not paragraphs:
        paragraphs = [" ".join("".join(root.itertext()).split())]
    return Document(
        title=None,
        stories=[Story(title=None, paragraphs=[p for p in paragraphs if p])],
        source=_SOURCE,
    )


def station_for(base: Station, request: dict[str, Any], lexicon: Path | None) -> Station:
    """A copy of the server's station with the request's voice, rate and template, and
    the station lexicon as it is now."""
    station = copy.deepcopy(base)
    if request.get("voice"):
        station.voice.id = request["voice"]
    if request.get("rate"):
        station.voice.rate_wpm = int(request["rate"])
    station.text.lexicon = lexicon
    if request.get("template", "article") == "article":
        station.bulletin.intro = ""
        station.bulletin.outro = ""
        station.bulletin.headlines = False
        station.audio.jingles = False
    return station
