"""Which template an input gets: an article for one article, a bulletin for several."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from narrator.api import parse_input
from narrator.config import Station
from narrator.text.bulletin import bulletin_for, plan, template_for, with_template
from narrator.text.document import SegmentKind

ONE = '{"title": "Жаңалық", "body": "Астанада қар жауды."}'
RSS_ONE = (
    "<rss version='2.0'><channel><item><guid>1</guid><title>Т</title>"
    "<description>Ертең күн жылы.</description></item></channel></rss>"
)


@pytest.mark.parametrize(
    ("text", "source", "template"),
    [
        ("Жаңалық\n\nАстанада қар жауды.\n", "a.txt", "article"),
        ("# Жаңалық\n\nАстанада қар жауды.\n", "a.md", "article"),
        ("# Т\n\n## Бір\n\nБір.\n\n## Екі\n\nЕкі.\n", "b.md", "bulletin"),
        ("<html><body><h1>Т</h1><p>Бір.</p></body></html>", "a.html", "article"),
        ("<speak>Сәлем.</speak>", "a.ssml", "article"),
        (ONE, "a.json", "article"),
        (f"[{ONE}]", "l.json", "bulletin"),
        (f'{{"articles": [{ONE}]}}', "l.json", "bulletin"),
        (RSS_ONE, "f.rss", "bulletin"),
    ],
)
def test_template_by_input(text: str, source: str, template: str) -> None:
    assert template_for(parse_input(text, source), Station()) == template


def test_article_plan_is_title_then_body_without_jingles() -> None:
    document = parse_input(ONE, "a.json")
    station = with_template(document, Station())
    assert station.bulletin.template == "article" and not station.audio.jingles
    segments = plan(document, station, bulletin_for(document, station))
    assert [s.kind for s in segments] == [SegmentKind.TITLE, SegmentKind.SENTENCE]
    assert segments[0].text == "Жаңалық"


def test_the_station_and_the_option_win() -> None:
    document = parse_input(ONE, "a.json")
    station = Station()
    station.bulletin.template = "bulletin"
    chosen = with_template(document, station)
    assert chosen.audio.jingles
    kinds = [s.kind for s in plan(document, chosen, bulletin_for(document, chosen))]
    assert kinds[0] is SegmentKind.INTRO and kinds[-1] is SegmentKind.OUTRO
    with pytest.raises(ValidationError, match="'auto', 'article' or 'bulletin'"):
        station.bulletin.template = "podcast"  # type: ignore[assignment]
