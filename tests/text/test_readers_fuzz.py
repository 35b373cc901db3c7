"""The readers on arbitrary bytes and structures: a document or one clear NarratorError."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narrator.api import parse_input
from narrator.errors import NarratorError
from narrator.text.document import Document
from narrator.text.readers import FORMATS, MAX_TITLE_CHARS, decode

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def _read(text: str, fmt: str | None) -> Document | None:
    try:
        document = parse_input(text, "fuzz", fmt)
    except NarratorError as exc:
        message = str(exc)
        assert message and "\n" not in message
        return None
    assert not document.is_empty
    titles = [document.title, *(story.title for story in document.stories)]
    assert all(len(title) <= MAX_TITLE_CHARS + 1 for title in titles if title)
    return document


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from([None, *FORMATS]))
def test_arbitrary_bytes(data: bytes, fmt: str | None) -> None:
    try:
        text = decode(data, "fuzz")
    except NarratorError:
        return
    _read(text, fmt)


MARKUP = st.text(alphabet="[]()!*_`#>-+1. \n\tаб<>/=\"'{}:", max_size=400)


@FUZZ
@given(MARKUP, st.sampled_from([None, *FORMATS]))
def test_markup_characters(text: str, fmt: str | None) -> None:
    _read(text, fmt)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "title", "body", "date", "articles", "x"]), children, max_size=5
        )
    ),
    max_leaves=30,
)


@FUZZ
@given(JSON_VALUES)
def test_json_structures(value: Any) -> None:
    _read(json.dumps(value), "json")


@FUZZ
@given(
    st.lists(
        st.fixed_dictionaries(
            {"title": st.text(max_size=300), "body": st.text(max_size=200), "date": st.text()}
        ),
        max_size=4,
    )
)
def test_json_articles(articles: list[dict[str, str]]) -> None:
    _read(json.dumps(articles), "json")


TAGS = ["p", "s", "break", "sub", "say-as", "prosody", "phoneme", "emphasis", "voice", "mark"]
ATTRIBUTES = {
    "strength": st.sampled_from(["none", "weak", "strong", "x-strong", "??"]),
    "time": st.sampled_from(["0ms", "250ms", "1s", "2.5s", "-1s", "lots"]),
    "alias": st.text(max_size=10),
    "interpret-as": st.sampled_from(
        ["characters", "cardinal", "ordinal", "date", "telephone", "x"]
    ),
    "rate": st.sampled_from(["slow", "x-fast", "80%", "+10%", "-200%", "1.5", "fast!", "0"]),
    "alphabet": st.sampled_from(["ipa", "x-espeak", "klingon"]),
    "ph": st.text(max_size=5),
}


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def render(tag: str, attributes: dict[str, str], inner: list[str]) -> str:
        attrs = "".join(
            f' {key}="{json.dumps(value)[1:-1].replace(chr(34), "")}"'
            for key, value in attributes.items()
        )
        return f"<{tag}{attrs}>{''.join(inner)}</{tag}>"

    return st.builds(
        render,
        st.sampled_from(TAGS),
        st.dictionaries(
            st.sampled_from(sorted(ATTRIBUTES)), st.text(max_size=8), max_size=3
        ).flatmap(lambda keys: st.fixed_dictionaries({k: ATTRIBUTES[k] for k in keys})),
        st.lists(children, max_size=3),
    )


SSML_TEXT = st.text(alphabet="абвгҚR12 .,&", max_size=20).map(lambda t: t.replace("&", "&amp;"))
SSML = st.recursive(SSML_TEXT, _element, max_leaves=15).map(lambda body: f"<speak>{body}</speak>")


@FUZZ
@given(SSML)
def test_ssml_structures(document: str) -> None:
    _read(document, "ssml")


def test_deep_structures_are_refused_not_a_recursion_error() -> None:
    for text, fmt in (
        ("[" * 100_000 + "]" * 100_000, "json"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "json"),
        ("<speak>" + "<p>" * 5000 + "x" + "</p>" * 5000 + "</speak>", "ssml"),
    ):
        assert _read(text, fmt) is None
