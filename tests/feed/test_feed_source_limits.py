"""The limits on reading a source: a total fetch deadline, same-host redirects, a size cap,
an item cap and a nesting cap. Every server here listens on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from narrator.errors import InputError
from narrator.feed.sources import SourceLimits, fetch, read_sources
from tests.feed.feedcheck import build_args, narrator

Respond = Callable[[http.server.BaseHTTPRequestHandler], None]


def _rss(items: int) -> bytes:
    body = "".join(
        f"<item><guid>n{number}</guid><title>Жаңалық {number}</title>"
        f"<description>Бүгін {number} жаңалық бар.</description></item>"
        for number in range(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{body}</channel></rss>'.encode()


@contextlib.contextmanager
def _server(respond: Respond, requests: list[str] | None = None) -> Iterator[str]:
    """A threaded HTTP server on 127.0.0.1 that answers every GET with ``respond``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if requests is not None:
                requests.append(self.path)
            with contextlib.suppress(OSError):
                respond(self)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _drip(handler: http.server.BaseHTTPRequestHandler) -> None:
    """Headers, then one byte of the feed every 0.5 s (for about a minute)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for byte in _rss(3)[:120]:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.5)


def test_a_dripping_source_is_cut_off_at_the_total_deadline(tmp_path: Path) -> None:
    """One byte every half second never trips a per-read timeout; the total deadline
    ends the fetch, before the build takes the lock (a waiting build is not held up)."""
    station = tmp_path / "station.toml"
    station.write_text("[feed]\nfetch_timeout_s = 2\n", "utf-8")
    with _server(_drip) as url:
        started = time.monotonic()
        result = narrator(
            *build_args(f"{url}/feed.rss", tmp_path / "out", "--station", str(station))
        )
        elapsed = time.monotonic() - started
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {url}/feed.rss: the source did not arrive within 2 s (feed.fetch_timeout_s)"
    )
    assert elapsed < 20  # 2 s plus the start of Python, not the minute of dripping
    assert not (tmp_path / "out" / ".narrator.lock").exists()


def _redirect(to: str) -> Respond:
    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        if handler.path == "/feed.rss":
            handler.send_response(302)
            handler.send_header("Location", to.replace("PORT", str(handler.server.server_port)))
            handler.end_headers()
        else:
            handler.send_response(200)
            handler.end_headers()
            handler.wfile.write(_rss(2))

    return respond


def test_redirects_stay_on_the_same_host() -> None:
    requests: list[str] = []
    with _server(_redirect("/moved.rss"), requests) as url:
        found = read_sources(f"{url}/feed.rss")
    assert [a.id for a in found.articles] == ["n0", "n1"]
    assert requests == ["/feed.rss", "/moved.rss"]

    requests.clear()
    elsewhere = _redirect("http://localhost:PORT/elsewhere.rss")
    with _server(elsewhere, requests) as url, pytest.raises(InputError) as error:
        fetch(f"{url}/feed.rss")
    assert str(error.value) == (
        f"{url}/feed.rss: refused a redirect to another host "
        f"(http://localhost:{url.rsplit(':', 1)[1]}/elsewhere.rss); only the given URL's host is fetched"
    )
    assert requests == ["/feed.rss"]  # the other host was never asked


def test_a_redirect_loop_ends_at_the_redirect_cap() -> None:
    def loop(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(301)
        handler.send_header("Location", handler.path + "x")
        handler.end_headers()

    requests: list[str] = []
    with _server(loop, requests) as url, pytest.raises(InputError, match="more than 3 redirects"):
        fetch(f"{url}/a", SourceLimits(max_redirects=3))
    assert len(requests) == 4


@pytest.mark.parametrize("announced", [True, False])
def test_a_download_over_the_size_cap_is_refused(announced: bool) -> None:
    """With or without a Content-Length, reading stops just past the cap."""
    body = _rss(200)

    def big(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        if announced:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    limits = SourceLimits(max_bytes=4096)
    with _server(big) as url, pytest.raises(InputError) as error:
        fetch(f"{url}/feed.rss", limits)
    assert str(error.value) == (
        f"{url}/feed.rss: the source is larger than 0.00390625 MB (feed.max_source_mb)"
    )


def test_the_item_cap_truncates_and_says_so(tmp_path: Path) -> None:
    feed = tmp_path / "big.rss"
    feed.write_bytes(_rss(10_000))
    found = read_sources(feed)  # the default cap: 200
    assert len(found.articles) == 200 and found.articles[0].id == "n0"
    assert found.truncated == f"{feed}: 10000 articles, read the first 200 (feed.max_items)"
    folder = tmp_path / "folder"
    folder.mkdir()
    for number in range(5):
        (folder / f"{number}.txt").write_text(f"Мақала {number}.\n", "utf-8")
    found = read_sources(folder, SourceLimits(max_items=2))
    assert [a.id for a in found.articles] == ["3", "4"]  # a folder keeps its newest
    assert found.truncated == f"{folder}: 5 articles, read the newest 2 (feed.max_items)"


def test_xml_nested_too_deep_is_refused(tmp_path: Path) -> None:
    feed = tmp_path / "deep.rss"
    feed.write_bytes(b"<rss><channel>" + b"<x>" * 50_000 + b"</x>" * 50_000 + b"</channel></rss>")
    with pytest.raises(InputError, match=r"XML nested deeper than 32 \(feed.max_depth\)"):
        read_sources(feed)


def test_a_100_kb_title_is_cut_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "long.json").write_text(
        json.dumps({"id": "long", "title": "Ұзын тақырып " * 8000, "body": "Қысқа мәтін."}),
        "utf-8",
    )
    (article,) = read_sources(tmp_path).articles
    assert article.title is not None and len(article.title) <= 300
    assert article.title.endswith("тақырып …") and article.document.title == article.title
    (warning,) = [r.getMessage() for r in caplog.records if "max_title_chars" in r.getMessage()]
    assert warning == (
        f"{tmp_path / 'long.json'}: article 'long': a title of 103999 characters cut to 300 "
        "(feed.max_title_chars)"
    )


def test_the_documented_defaults_are_the_station_defaults() -> None:
    from narrator.config import Station

    assert SourceLimits.for_station(Station()) == SourceLimits()
    docs = (Path(__file__).parents[2] / "docs" / "feed.md").read_text("utf-8")
    for line in (
        "max_article_failures = 3",
        "fetch_timeout_s = 30",
        "max_redirects = 5",
        "max_source_mb = 20",
        "max_items = 200",
        "max_depth = 32",
        "max_title_chars = 300",
    ):
        assert line in docs, line
