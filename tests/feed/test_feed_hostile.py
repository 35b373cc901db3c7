"""Hostile sources: each is rejected or neutralised, and nothing is written outside --out."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from narrator.errors import InputError
from narrator.feed.sources import load_articles, slugify
from tests.feed.feedcheck import (
    BASE_URL,
    FIXTURES,
    check_published,
    copy_articles,
    make_station,
    narrator,
    run_build,
    tree,
)

TITLE = "«Ақ & Қара» <script>alert(\"x\")</script> 'тырнақша'"


def _outside(root: Path, out: Path, cache: Path) -> dict[str, bytes]:
    """Every file under ``root`` except the published folder and the cache."""
    return {
        k: v
        for k, v in tree(root).items()
        if not k.startswith((out.relative_to(root).as_posix() + "/", cache.name + "/"))
    }


@pytest.mark.parametrize("name", ["bomb.xml", "xxe.xml"])
def test_unsafe_xml_is_refused(tmp_path: Path, name: str) -> None:
    source = copy_articles(tmp_path / "sources", f"hostile/{name}") / name
    out = tmp_path / "out"
    before = tree(tmp_path)
    result = narrator(
        "feed", "build", "--sources", str(source), "--out", str(out), "--base-url", BASE_URL
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {source}: refused unsafe XML (EntitiesForbidden)"
    assert not (out / "feed.xml").exists()
    assert _outside(tmp_path, out, tmp_path / "cache") == before


def test_external_dtd_is_not_fetched(tmp_path: Path) -> None:
    """A DOCTYPE naming a remote DTD is refused before anything is fetched."""
    requests: ClassVar[list[str]] = []
    with _server(requests, b"<!ENTITY x 'bad'>") as url:
        feed = tmp_path / "dtd.xml"
        feed.write_text(
            f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{url}/evil.dtd">'
            "<rss><channel><item><guid>a</guid><description>&x;</description></item>"
            "</channel></rss>",
            "utf-8",
        )
        with pytest.raises(InputError, match=r"refused unsafe XML|not well-formed"):
            load_articles(feed)
    assert requests == []


def test_html_scripts_styles_and_navigation_are_not_read(tmp_path: Path) -> None:
    sources = copy_articles(tmp_path / "sources", "articles/03-aua-rayy.html")
    (sources / "evil.html").write_text(
        "<html><body><script>document.write('Жасырын сценарий мәтіні')</script>"
        "<nav>Мәзір мәтіні</nav><article><h1>Жаңа жол</h1>"
        "<p>Ауданда жаңа жол салынды.<img src=x onerror=alert(1)></p></article>"
        "<iframe src='javascript:alert(1)'></iframe></body></html>",
        "utf-8",
    )
    out = tmp_path / "out"
    report = run_build(make_station(), sources, out, tmp_path / "cache", per_article=True)
    assert len(report.new_episodes) == 2
    check_published(out)
    published = "".join(
        p.read_text("utf-8")
        for p in out.rglob("*")
        if p.suffix in (".vtt", ".srt", ".xml", ".json")
    )
    assert "Ауданда жаңа жол салынды." in published
    assert "Ертең солтүстік өңірлерде қар жауады." in published
    for hidden in ("Жасырын", "Мәзір", "Бұл мәтін оқылмауы", "color: red", "alert", "Басты бет"):
        assert hidden not in published


def test_path_like_ids_are_neutralised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    sources = copy_articles(tmp_path / "deep" / "er" / "sources", "hostile/pathlike.json")
    (sources / "front.md").write_text(
        "---\nid: ../../../../escaped\n---\n# Тақырып\n\nБұл мәтін де қауіпсіз.\n", "utf-8"
    )
    # Markup and a control character in a title: escaped in the feed, not interpreted.
    (sources / "markup.json").write_text(
        json.dumps({"id": "a&b<c>", "title": TITLE + "\x07", "body": "Қысқа мәтін."}), "utf-8"
    )
    # Broken files are skipped with a warning; they do not stop the others.
    (sources / "empty.md").write_text("---\nid: empty\n---\n", "utf-8")
    (sources / "cp1251.txt").write_bytes("Сәлем".encode("cp1251", errors="replace"))
    (sources / "broken.json").write_text('{"id": ', "utf-8")
    out = tmp_path / "deep" / "er" / "out"
    before = tree(tmp_path)
    report = run_build(make_station(), sources, out, tmp_path / "cache", per_article=True)
    assert sorted(e.id for e in report.new_episodes) == ["a-b-c", "escaped", "etc-passwd", "x"]
    # Broken files are quarantined, each with a one-line reason naming it.
    assert sorted(key for key, _ in report.quarantined) == ["broken.json", "cp1251.txt", "empty.md"]
    for key, entry in report.quarantined:
        assert str(sources / key) in entry.reason and "\n" not in entry.reason
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("quarantined")]
    assert len(logged) == 3
    parsed = check_published(out)
    assert TITLE in [entry.title for entry in parsed.entries]
    assert b"&lt;script&gt;" in (out / "feed.xml").read_bytes()
    assert _outside(tmp_path, out, tmp_path / "cache") == before
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())
    assert {p.name for p in (out / "episodes").glob("*.mp3")} == {
        "a-b-c.mp3",
        "escaped.mp3",
        "etc-passwd.mp3",
        "x.mp3",
    }
    check_published(out)


def test_feed_url_sources_from_a_local_server(tmp_path: Path) -> None:
    rss = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>Жаңалықтар</title>"
        "<item><guid>https://news.example.kz/1</guid><title>Көктем келді</title>"
        "<pubDate>Wed, 25 Nov 2026 06:00:00 +0500</pubDate>"
        "<content:encoded><![CDATA[<p>Далада көктем келді.</p><script>x()</script>]]>"
        "</content:encoded></item>"
        "<item><guid>../../2</guid><title>Жай мәтін</title>"
        "<description>Бұл қарапайым сипаттама.</description></item>"
        "</channel></rss>"
    ).encode()
    requests: ClassVar[list[str]] = []
    with _server(requests, rss) as url:
        articles = load_articles(f"{url}/feed.rss")
    assert requests == ["/feed.rss"]
    assert [(a.id, a.slug, a.title) for a in articles] == [
        ("https://news.example.kz/1", "https-news-example-kz-1", "Көктем келді"),
        ("../../2", "2", "Жай мәтін"),
    ]
    assert articles[0].document.stories[0].paragraphs == ["Далада көктем келді."]
    assert articles[0].date is not None and articles[0].date.hour == 1


def test_atom_and_json_sources(tmp_path: Path) -> None:
    atom = tmp_path / "news.atom"
    atom.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Ж</title>'
        "<entry><id>tag:kz,2026:1</id><title>Атом</title>"
        '<updated>2026-11-25T08:00:00Z</updated><content type="html">'
        "&lt;p&gt;Атом жазбасы.&lt;/p&gt;</content></entry></feed>",
        "utf-8",
    )
    (article,) = load_articles(atom)
    assert (article.id, article.title) == ("tag:kz,2026:1", "Атом")
    assert article.document.stories[0].paragraphs == ["Атом жазбасы."]
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "a", "title": "Т"}', "utf-8")
    with pytest.raises(InputError, match="has no 'body' text"):
        load_articles(broken)
    assert [a.id for a in load_articles(FIXTURES / "hostile" / "pathlike.json")] == [
        "../../x",
        "/etc/passwd",
    ]


@pytest.mark.parametrize(
    ("raw", "slug"),
    [
        ("../../x", "x"),
        ("..", None),
        ("/", None),
        ("a/../../b", "a-b"),
        ("C:\\Windows\\evil", "c-windows-evil"),
        ("Ғарыш жаңалығы", "garysh-zhanalygy"),
        ("x\x00y", "x-y"),
        ("ﬁle", "file"),
    ],
)
def test_slugify(raw: str, slug: str | None) -> None:
    result = slugify(raw)
    if slug is None:
        assert result.startswith("article-") and len(result) == len("article-") + 10
    else:
        assert result == slug
    assert "/" not in result and "." not in result and result


class _Handler(http.server.BaseHTTPRequestHandler):
    body = b""
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def _server(requests: list[str], body: bytes) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 that serves ``body`` and records request paths."""
    handler = type("Handler", (_Handler,), {"body": body, "requests": requests})
    httpd = http.server.HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
