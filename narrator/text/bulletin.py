"""A programme's shape: a bulletin (intro, headlines, the stories, outro) or an article
(its title, then its body).

A document (Markdown: ``# `` title, ``## `` one story each, front matter ``date``,
``edition``, ``station``) becomes a plan of segments in reading order. The intro and
outro lines are the station's texts with ``{station}``, ``{date}``, ``{title}`` and
``{edition}`` filled in; the date is written the way a newsroom writes it
(``2026 жылғы 25 қараша``) and the normaliser reads it in words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import string
from dataclasses import dataclass

from narrator.config import Station
from narrator.errors import InputError
from narrator.text.document import Document, Segment, SegmentKind, Story, plain_text
from narrator.text.segment import segment_document, split_sentences

MONTHS = (
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
)
PLACEHOLDERS = ("station", "date", "title", "edition")
TEMPLATES = ("auto", "article", "bulletin")
"""Values of ``[bulletin] template`` and ``--template``."""
CHAPTER_TITLE_CHARS = 60
"""An untitled story's chapter is named by its first sentence, cut to this length."""
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


@dataclass(frozen=True)
class Bulletin:
    """What the intro, outro and tags say about this edition."""

    station: str
    date: dt.date
    title: str
    """The programme title: the document's, else the station and the date."""
    edition: str = ""


def written_date(date: dt.date) -> str:
    """The date as Kazakh news writes it: ``2026 жылғы 25 қараша``."""
    return f"{date.year} жылғы {date.day} {MONTHS[date.month - 1]}"


def parse_date(value: str, source: str) -> dt.date:
    """A front-matter date: ``2026-11-25`` (ISO, may carry a time) or ``25.11.2026``."""
    text = value.strip()
    try:
        if match := _ISO_DATE.match(text):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := _DOTTED_DATE.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        pass
    raise InputError(f"{source}: front matter date {value!r} is not a date (use YYYY-MM-DD)")


def bulletin_for(document: Document, station: Station, today: dt.date | None = None) -> Bulletin:
    """This edition's station, date, title and edition (front matter wins over the station)."""
    meta = document.meta
    name = meta.get("station") or station.station.name
    date = parse_date(meta["date"], document.source) if meta.get("date") else None
    date = date or today or dt.date.today()
    title = document.title or f"{name}, {written_date(date)}"
    return Bulletin(station=name, date=date, title=title, edition=meta.get("edition", ""))


def fill(template: str, bulletin: Bulletin, where: str) -> str:
    """Fill a station text's placeholders; an unknown one is an error naming the setting."""
    values = {
        "station": bulletin.station,
        "date": written_date(bulletin.date),
        "title": bulletin.title,
        "edition": bulletin.edition,
    }
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise InputError(f"{where}: {exc} in {template!r}") from None
    for name in fields:
        if name not in values:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise InputError(f"{where}: unknown placeholder {{{name}}} (use {known})")
    return " ".join(template.format(**values).split())


def chapter_title(story: Story) -> str:
    """A story's chapter title: its headline, else its first sentence (shortened)."""
    if story.title:
        return story.title
    first = next((plain for p in story.paragraphs if (plain := plain_text(p)).strip()), "")
    sentence = (split_sentences(first) or [""])[0]
    if len(sentence) <= CHAPTER_TITLE_CHARS:
        return sentence
    return sentence[:CHAPTER_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"


def template_for(document: Document, station: Station) -> str:
    """``article`` or ``bulletin``: the station's choice, or for ``auto`` a bulletin when
    the document is a collection or has several stories."""
    chosen = station.bulletin.template  # one of TEMPLATES: the station file is validated
    if chosen != "auto":
        return chosen
    return "bulletin" if document.collection or len(document.stories) > 1 else "article"


def with_template(document: Document, station: Station) -> Station:
    """A copy of ``station`` with its template decided for ``document``; an article has
    no jingles (the programme then plays only the voice)."""
    template = template_for(document, station)
    bulletin = station.bulletin.model_copy(update={"template": template})
    audio = station.audio.model_copy(update={"jingles": False}) if template == "article" else None
    return station.model_copy(update={"bulletin": bulletin, "audio": audio or station.audio})


def _lines(template: str, bulletin: Bulletin, kind: SegmentKind, where: str) -> list[Segment]:
    text = fill(template, bulletin, where)
    return [Segment(s, kind, story=-1, paragraph=0) for s in split_sentences(text) if s.strip()]


def plan(document: Document, station: Station, bulletin: Bulletin) -> list[Segment]:
    """The segments in reading order: for a bulletin intro, headlines, stories, outro;
    for an article (``[bulletin] template = "article"``) its title, then its body.

    A single untitled story takes the document's title as its headline (an article
    read on its own); with several stories the document title names the programme and
    is not read. Headlines are read when at least two stories have titles.
    """
    settings = station.bulletin
    where = str(station.path or "station")
    stories = list(document.stories)
    if len(stories) == 1 and stories[0].title is None and document.title:
        stories = [Story(document.title, stories[0].paragraphs)]
    body = segment_document(dataclasses.replace(document, title=None, stories=stories))
    titles = [chapter_title(story) for story in stories]
    body = [dataclasses.replace(s, story_title=titles[s.story]) for s in body]
    if settings.template == "article":
        return body
    segments = _lines(settings.intro, bulletin, SegmentKind.INTRO, f"{where}: bulletin.intro")
    headlines = [story.title for story in stories if story.title]
    if settings.headlines and len(headlines) >= 2:
        segments += [Segment(h, SegmentKind.HEADLINE, story=-1, paragraph=1) for h in headlines]
    segments += body
    segments += _lines(settings.outro, bulletin, SegmentKind.OUTRO, f"{where}: bulletin.outro")
    return segments
