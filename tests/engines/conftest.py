"""Fixtures for the engine tests: tiny Piper voices, a voices directory, an HTTP server."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.engines.models import build_piper_voice, default_phoneme_id_map

BROKEN_ID = 300
"""An id past the tiny model's table: its Gather fails on any sentence with /q/ (қ)."""


@dataclass(frozen=True)
class PiperModels:
    """Tiny Piper voices built once per test session."""

    single: Path
    """One speaker, Piper's default phoneme map."""
    multi: Path
    """Speakers ``A``, ``B`` and ``C`` (gains 1/3, 2/3, 1)."""
    broken: Path
    """The model fails (onnxruntime error) on any sentence containing қ (/q/)."""
    lacking: Path
    """Has no id for /ɑ/: a voice that cannot say some phonemes."""


@pytest.fixture(scope="session")
def piper_models(tmp_path_factory: pytest.TempPathFactory) -> PiperModels:
    root = tmp_path_factory.mktemp("piper-models")
    broken_map = default_phoneme_id_map()
    broken_map["q"] = [BROKEN_ID]
    lacking_map = default_phoneme_id_map()
    del lacking_map["ɑ"]
    return PiperModels(
        single=build_piper_voice(root / "single", "kk_KZ-tiny-low"),
        multi=build_piper_voice(root / "multi", "kk_KZ-tinymulti-low", speakers=["A", "B", "C"]),
        broken=build_piper_voice(root / "broken", "kk_KZ-broken-low", phoneme_id_map=broken_map),
        lacking=build_piper_voice(
            root / "lacking", "kk_KZ-lacking-low", phoneme_id_map=lacking_map
        ),
    )


@pytest.fixture
def voices_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty voices directory of this test's own (also for subprocesses)."""
    directory = tmp_path / "voices"
    monkeypatch.setenv("NARRATOR_VOICES_DIR", str(directory))
    return directory


@dataclass
class FileServer:
    """A local HTTP server for downloads, with Range support and a way to fail."""

    root: Path
    """Folder whose files are served."""
    base_url: str
    """``http://127.0.0.1:PORT``."""
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    """(path, Range header) of every GET, in order."""
    drop_after: dict[str, int] = field(default_factory=dict)
    """File name -> byte offset: the next GET of that file is cut off there (once)."""
    no_length: set[str] = field(default_factory=set)
    """Files served without a Content-Length (the body ends when the connection does)."""
    endless: set[str] = field(default_factory=set)
    """Names answered with zeros forever, without a Content-Length (a hostile server)."""

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}"


def _handler(server: FileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            name = self.path.split("?", 1)[0].lstrip("/")
            server.requests.append((name, self.headers.get("Range")))
            if name in server.endless:
                self.send_response(200)
                self.end_headers()
                try:
                    while True:
                        self.wfile.write(b"\0" * 65536)
                except OSError:
                    return  # the client hung up
            path = server.root / name
            if not path.is_file():
                self.send_error(404)
                return
            data = path.read_bytes()
            start = 0
            if match := re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or ""):
                start = int(match.group(1))
                if start >= len(data):
                    self.send_error(416)
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            if name not in server.no_length:
                self.send_header("Content-Length", str(len(data) - start))
                self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            cut = server.drop_after.pop(name, None)
            end = cut if cut is not None and cut > start else len(data)
            self.wfile.write(data[start:end])
            self.close_connection = True  # after a cut, the client sees a short body

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[FileServer]:
    """Serve ``tmp_path/"served"`` on 127.0.0.1 for the duration of a test."""
    root = tmp_path / "served"
    root.mkdir()
    server = FileServer(root, "")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    server.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
