"""From a speech request to what the pipeline reads: a document and a station.

Requests carry text, Markdown, HTML or SSML, read by narrator's own readers (the SSML
subset is the one :mod:`narrator.text.ssml` documents).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from narrator.config import Station
from narrator.text.document import Document
from narrator.text.readers import parse

INPUT_KINDS = ("text", "markdown", "html", "ssml")
TEMPLATES = {
    "article": "the article alone: no intro, outro, headlines or jingles",
    "bulletin": "the station's bulletin: intro, headlines, stories, outro and jingles",
}
_SOURCE = "request"


_FORMATS = {"text": "txt", "markdown": "md", "html": "html", "ssml": "ssml"}


def read_request_text(text: str, kind: str) -> Document:
    """The document in ``text``, read as ``kind`` (one of :data:`INPUT_KINDS`) by the
    readers ``narrator speak`` uses."""
    return parse(text, _SOURCE, _FORMATS[kind])


def station_for(base: Station, request: dict[str, Any], lexicon: Path | None) -> Station:
    """A copy of the server's station with the request's voice, rate and template, and
    the station lexicon as it is now."""
    station = copy.deepcopy(base)
    if request.get("voice"):
        station.voice.id = request["voice"]
    if request.get("rate"):
        station.voice.rate_wpm = int(request["rate"])
    station.text.lexicon = lexicon
    station.bulletin.template = "bulletin" if request.get("template") == "bulletin" else "article"
    return station
