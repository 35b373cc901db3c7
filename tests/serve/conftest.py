"""Fixtures for ``narrator serve``: the app in-process, and a real uvicorn on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from narrator.serve.settings import ServeSettings

SHORT_TEXT = "Бағасы 200 миллион еуроға жетті. Ол 2025 жылы аяқталады."


@pytest.fixture
def settings(tmp_path: Path) -> ServeSettings:
    """A server's settings with its data in a fresh folder."""
    return ServeSettings(data=tmp_path / "data")


@pytest.fixture
def client(settings: ServeSettings) -> Iterator[Any]:
    """The app in-process (workers running), through Starlette's TestClient."""
    from fastapi.testclient import TestClient

    from narrator.serve.app import create_app

    with TestClient(create_app(settings)) as test_client:
        yield test_client


def wait_for(job_url: str, get: Callable[[str], httpx.Response], timeout: float = 120) -> dict:
    """Poll a job until it finishes; its last status."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = get(job_url).json()
        if job["state"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"{job_url} did not finish in {timeout} s")


def free_port() -> int:
    """A TCP port nothing listens on now (on 127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A real ``narrator serve`` process on 127.0.0.1."""

    data: Path
    args: tuple[str, ...]
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        """Start it (on a new random port) and wait until /healthz answers."""
        self.port = free_port()
        self.log = self.data.parent / f"server-{self.port}.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "narrator",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--data",
                str(self.data),
                *self.args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("wb"),
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError("server did not start in 60 s")

    def kill(self) -> None:
        """Kill it at once (SIGKILL), as a crash or a power cut would."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        """Stop it the way systemd does (SIGTERM) and wait."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start real servers on loopback; every one is stopped after the test."""
    started: list[Server] = []

    def start(*args: str, data: Path | None = None) -> Server:
        server = Server(data or tmp_path / "data", args).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
