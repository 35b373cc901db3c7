"""The bulletin's plan: intro, headlines, stories, outro, the date, the station texts."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest

from narrator.config import Station, load_station
from narrator.errors import InputError
from narrator.pipeline import pause_between, plan_segments
from narrator.text.bulletin import bulletin_for, chapter_title, parse_date, plan, written_date
from narrator.text.document import SegmentKind, Story
from narrator.text.normalize import normalize
from narrator.text.readers import parse_markdown, parse_plain_text

ROOT = Path(__file__).resolve().parents[2]
BULLETIN = """---
date: 2026-11-25
edition: таңғы
station: Дала радиосы
---

# Таңғы жаңалықтар

## Елордада 12 жаңа мектеп ашылды

Астанада биыл 12 жаңа мектеп ашылды. Олар 1 200 оқушыға арналған.

Құрылысқа 85 млрд теңге жұмсалды.

## Астық жиналды

Биыл 26,5 млн тонна астық жиналды.
"""


def test_a_bulletin_reads_intro_headlines_stories_outro() -> None:
    document = parse_markdown(BULLETIN, "b.md")
    segments = plan_segments(document, Station())
    kinds = [s.kind for s in segments]
    assert kinds == [
        SegmentKind.INTRO,
        SegmentKind.INTRO,
        SegmentKind.INTRO,
        SegmentKind.HEADLINE,
        SegmentKind.HEADLINE,
        SegmentKind.TITLE,
        SegmentKind.SENTENCE,
        SegmentKind.SENTENCE,
        SegmentKind.SENTENCE,
        SegmentKind.TITLE,
        SegmentKind.SENTENCE,
        SegmentKind.OUTRO,
        SegmentKind.OUTRO,
    ]
    assert [s.text for s in segments[:3]] == [
        "Дала радиосы.",  # the front matter's station wins over the station file's
        "Бүгін 2026 жылғы 25 қараша.",
        "Назарларыңызға жаңалықтар.",
    ]
    assert segments[3].text == "Елордада 12 жаңа мектеп ашылды"
    assert segments[-2].text == "Дала радиосы жаңалықтары аяқталды."
    stories = [s for s in segments if s.story >= 0]
    assert {s.story_title for s in stories if s.story == 1} == {"Астық жиналды"}


def test_the_date_is_read_in_words() -> None:
    spoken = normalize(f"Бүгін {written_date(dt.date(2026, 11, 25))}.")
    assert spoken == "Бүгін екі мың жиырма алтыншы жылғы жиырма бесінші қараша."
    assert not re.search(r"\d", normalize(written_date(dt.date(2027, 1, 1))))


def test_date_from_front_matter_or_today() -> None:
    document = parse_markdown(BULLETIN, "b.md")
    assert bulletin_for(document, Station()).date == dt.date(2026, 11, 25)
    plain = parse_plain_text("Бір сөйлем.", "a.txt")
    today = dt.date(2027, 3, 8)
    bulletin = bulletin_for(plain, Station(), today=today)
    assert bulletin.date == today
    assert bulletin.title == "Narrator, 2027 жылғы 8 наурыз"
    assert parse_date("25.11.2026", "x") == dt.date(2026, 11, 25)
    assert parse_date("2026-11-25T06:00:00+05:00", "x") == dt.date(2026, 11, 25)
    with pytest.raises(InputError, match=r"b.md: front matter date '31.02.2026' is not a date"):
        parse_date("31.02.2026", "b.md")


def test_headlines_only_for_several_titled_stories() -> None:
    station = Station()
    one = parse_markdown("# Жаңалық\n\n## Бір тақырып\n\nБір сөйлем.\n", "a.md")
    assert SegmentKind.HEADLINE not in [s.kind for s in plan_segments(one, station)]
    station.bulletin.headlines = False
    several = parse_markdown(BULLETIN, "b.md")
    assert SegmentKind.HEADLINE not in [s.kind for s in plan_segments(several, station)]


def test_a_single_article_takes_its_title_as_the_story_headline() -> None:
    document = parse_plain_text("Ғарыш жаңалығы\n\nЕкі спутник ұшырылады. Бұл маңызды.\n", "a.txt")
    segments = plan_segments(document, Station())
    titles = [s for s in segments if s.kind is SegmentKind.TITLE]
    assert [(t.text, t.story) for t in titles] == [("Ғарыш жаңалығы", 0)]
    assert {s.story_title for s in segments if s.story == 0} == {"Ғарыш жаңалығы"}


def test_untitled_story_chapters_are_named_by_their_first_sentence() -> None:
    short = Story(None, ["Келер жылы еліміз ғарышқа екі спутник ұшырады. Тағы бір сөйлем."])
    assert chapter_title(short) == "Келер жылы еліміз ғарышқа екі спутник ұшырады."
    long = Story(
        None,
        ["Елорда іргесінде салынып жатқан бұл конструкторлық бюроның өнімдері, сөзсіз, сатылады."],
    )
    title = chapter_title(long)
    assert title.endswith("…") and len(title) <= 61
    assert long.paragraphs[0].startswith(title[:-1])


def test_station_texts_placeholders() -> None:
    station = Station()
    station.bulletin.intro = "{station}, {edition} шығарылым. {title}."
    station.bulletin.outro = ""
    document = parse_markdown(BULLETIN, "b.md")
    segments = plan(document, station, bulletin_for(document, station))
    assert segments[0].text == "Дала радиосы, таңғы шығарылым."
    assert segments[1].text == "Таңғы жаңалықтар."
    assert segments[-1].kind is SegmentKind.SENTENCE  # an empty outro reads nothing
    station.bulletin.intro = "{station} {weather}"
    with pytest.raises(InputError, match=r"bulletin.intro: unknown placeholder \{weather\}"):
        plan_segments(document, station)


def test_pauses_follow_the_bulletin_structure() -> None:
    station = Station()
    station.pauses.jitter_ms = 0
    segments = plan_segments(parse_markdown(BULLETIN, "b.md"), station)
    pauses = [pause_between(a, b, station) for a, b in itertools.pairwise(segments)]
    p = station.pauses
    assert pauses == [
        p.sentence_ms,  # intro sentences
        p.sentence_ms,
        p.paragraph_ms,  # intro -> headline
        p.paragraph_ms,  # headline -> headline
        p.story_ms,  # headlines -> first story
        p.paragraph_ms,  # title -> text
        p.sentence_ms,
        p.paragraph_ms,  # new paragraph
        p.story_ms,  # next story
        p.paragraph_ms,
        p.story_ms,  # last story -> outro
        p.sentence_ms,
    ]


def test_the_example_station_file_documents_every_setting() -> None:
    path = ROOT / "examples" / "station.toml"
    station = load_station(path)
    defaults = Station()
    defaults.path = path
    assert station == defaults, "examples/station.toml shows the defaults"
    text = path.read_text("utf-8")
    for section in (
        "station",
        "voice",
        "text",
        "pauses",
        "bulletin",
        "audio",
        "check",
        "feed",
        "cache",
        "performance",
    ):
        settings = getattr(defaults, section)
        block = text.split(f"[{section}]", 1)[1].split("\n[", 1)[0]
        for name in type(settings).model_fields:
            assert re.search(rf"^#? ?{name} =", block, re.M), (
                f"[{section}] {name} is not documented"
            )
