"""Synthesis on spawned worker processes: the same programme as in one process, a dead
worker retried once, Ctrl-C that stops everything and leaves nothing behind.

Real voices throughout (libespeak-ng, and a tiny Piper voice through onnxruntime);
workers are killed with SIGKILL, as the kernel's OOM killer would.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import soundfile as sf

from narrator.config import Station
from narrator.engines.executor import InProcessExecutor, ProcessExecutor, Synthesised, VoiceSpec
from narrator.engines.install import install
from narrator.errors import VoiceError
from narrator.pipeline import Production, produce, voice_spec
from narrator.text.readers import parse_markdown
from tests.engines.conftest import PiperModels
from tests.helpers import ROOT, SEED_ARTICLE

BULLETIN = """---
date: 2026-11-25
---

# Кешкі жаңалықтар

## Астанада жаңа саябақ ашылды

Қала әкімдігі 12 гектар жерге саябақ салды. Онда 3 000 ағаш отырғызылды.

Саябақ күн сайын 08:00-ден 22:00-ге дейін ашық.

## Ауа райы

Ертең күн жылы болады. Температура +5 градусқа дейін көтеріледі.

## Спорт

Қазақстан құрамасы жеңіске жетті. Келесі ойын сенбі күні өтеді.
"""

TIMEOUT_S = 90.0
"""A run that takes longer than this is a hang (each run here takes a few seconds)."""


# --- processes ---------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state first), or None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2 :].split()


def _alive(pid: int) -> bool:
    """Running (a zombie is dead: only its exit status is left)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def _descendants(pid: int) -> set[int]:
    """Every process whose parent chain leads to ``pid``."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None:
                parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _wait_until_gone(pids: set[int], seconds: float = 10.0) -> set[int]:
    """The pids still alive after waiting up to ``seconds`` for them to exit."""
    deadline = time.monotonic() + seconds
    while (alive := {pid for pid in pids if _alive(pid)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def _worker_pids(executor: ProcessExecutor) -> set[int]:
    return executor.worker_pids()


# --- parallel equals sequential ----------------------------------------------------


def _produce(station: Station, out: Path, jobs: int) -> Production:
    return produce(parse_markdown(BULLETIN, "bulletin.md"), out, station, jobs=jobs)


def _assert_same_programme(sequential: Production, parallel: Production) -> None:
    one, two = sequential.programme, parallel.programme
    assert [c.text for c in two.cues] == [c.text for c in one.cues]
    assert len(one.cues) >= 12  # intro, headlines, three stories, outro
    assert [c.title for c in two.chapters] == [c.title for c in one.chapters]
    assert len(one.chapters) == 5  # the opening, three stories, the close
    tolerance = 0.01 * one.duration
    assert abs(two.duration - one.duration) <= tolerance
    for a, b in zip(one.cues, two.cues, strict=True):
        assert abs(a.start - b.start) <= tolerance and abs(a.end - b.end) <= tolerance, (a, b)
    for a, b in zip(one.chapters, two.chapters, strict=True):
        assert abs(a.start - b.start) <= tolerance and abs(a.end - b.end) <= tolerance, (a, b)
    # The files themselves, decoded.
    assert sf.info(parallel.output).duration == pytest.approx(
        sf.info(sequential.output).duration, rel=0.01
    )
    assert parallel.loudness_lufs == pytest.approx(sequential.loudness_lufs, abs=0.5)


def _used_two_workers(caplog: pytest.LogCaptureFixture) -> bool:
    return any("2 worker processes" in r.getMessage() for r in caplog.records)


def test_parallel_output_equals_sequential_with_espeak(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    station = Station()
    with caplog.at_level(logging.INFO, logger="narrator.pipeline"):
        sequential = _produce(station, tmp_path / "one.wav", jobs=1)
        assert not _used_two_workers(caplog)
        parallel = _produce(station, tmp_path / "two.wav", jobs=2)
        assert _used_two_workers(caplog)
    _assert_same_programme(sequential, parallel)


def test_parallel_output_equals_sequential_with_a_piper_voice(
    tmp_path: Path, voices_dir: Path, piper_models: PiperModels, caplog: pytest.LogCaptureFixture
) -> None:
    install(str(piper_models.single), voices_dir, voice_id="kk-tiny", progress=False)
    station = Station()
    station.voice.id = "kk-tiny"
    with caplog.at_level(logging.INFO, logger="narrator.pipeline"):
        sequential = _produce(station, tmp_path / "one.wav", jobs=1)
        parallel = _produce(station, tmp_path / "two.wav", jobs=2)
        assert _used_two_workers(caplog)
    assert not sequential.fallbacks and not parallel.fallbacks  # the Piper voice spoke
    _assert_same_programme(sequential, parallel)


# --- a worker killed mid-run -------------------------------------------------------

# Lengths that differ from text to text, so that results out of order would show.
TEXTS = [" ".join(["Бүгінгі жаңалықтар"] * (1 + n % 4)) + f", {n}-хабар." for n in range(24)]


def _run_killing(
    executor: ProcessExecutor, kill_after: set[int], seen: set[int]
) -> list[Synthesised] | BaseException:
    """``executor.map(TEXTS)``, SIGKILLing one worker after each count of results in
    ``kill_after``; every worker pid is added to ``seen``. Fails the test on a hang."""
    outcome: list[list[Synthesised] | BaseException] = []

    def consume() -> None:
        results: list[Synthesised] = []
        try:
            for result in executor.map(TEXTS):
                results.append(result)
                seen.update(_worker_pids(executor))
                if len(results) in kill_after:
                    victim = min(_worker_pids(executor))
                    os.kill(victim, signal.SIGKILL)
            outcome.append(results)
        except BaseException as exc:  # handed to the test's thread
            outcome.append(exc)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    thread.join(TIMEOUT_S)
    assert not thread.is_alive(), "the executor hung after a worker was killed"
    return outcome[0]


def _durations(results: list[Synthesised]) -> list[float]:
    return [len(r.chunk.samples) / r.chunk.sample_rate for r in results]


@pytest.fixture(scope="module")
def espeak_spec() -> VoiceSpec:
    return voice_spec(Station())


@pytest.fixture(scope="module")
def sequential_durations(espeak_spec: VoiceSpec) -> list[float]:
    with InProcessExecutor(espeak_spec) as executor:
        return _durations(list(executor.map(TEXTS)))


def test_no_more_than_the_window_is_taken_ahead_of_the_consumer(espeak_spec: VoiceSpec) -> None:
    """Answered texts waiting for an earlier, slower one count against the window, so
    a slow first text does not let the others pile up in memory."""
    taken = 0

    def texts() -> Iterator[str]:
        nonlocal taken
        long_first = ["Бүгінгі жаңалықтар, құрметті тыңдармандар. " * 30]
        for text in long_first + TEXTS:
            taken += 1
            yield text

    ahead: list[int] = []
    with ProcessExecutor(espeak_spec, 2, window=3) as executor:
        for given, _ in enumerate(executor.map(texts()), start=1):
            time.sleep(0.05)  # the workers answer meanwhile
            ahead.append(taken - given)
    assert len(ahead) == len(TEXTS) + 1
    assert max(ahead) <= 3


def test_a_killed_worker_has_its_texts_retried_in_order(
    espeak_spec: VoiceSpec, sequential_durations: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    seen: set[int] = set()
    with caplog.at_level(logging.WARNING), ProcessExecutor(espeak_spec, 2) as executor:
        outcome = _run_killing(executor, {2}, seen)
        assert isinstance(outcome, list), outcome
        assert executor._restarts == 1
    assert len(outcome) == len(TEXTS)
    # Every text's audio, in the order given (libespeak-ng's output varies by a few
    # samples with what it spoke before, hence the tolerance).
    for got, expected in zip(_durations(outcome), sequential_durations, strict=True):
        assert got == pytest.approx(expected, rel=0.01)
    assert any("worker died" in r.getMessage() for r in caplog.records)
    assert len(seen) >= 3  # the first pool's two workers, then at least one new one
    assert not _wait_until_gone(seen), "worker processes left behind"


def _wchan(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return ""


def test_a_worker_killed_while_sending_its_result_does_not_hang_the_run(
    espeak_spec: VoiceSpec, caplog: pytest.LogCaptureFixture
) -> None:
    """The worst moment: a worker stopped inside its write of a result larger than the
    pipe's buffer, then killed, leaving half a message behind. With one result pipe
    shared by all workers (ProcessPoolExecutor) its lock stayed taken and the run hung
    for good; with a pipe per worker, only that worker's pipe ends."""
    sentence = "Бүгінгі жаңалықтар, құрметті тыңдармандар. "
    texts = [sentence * (8 if n % 2 else 12) for n in range(8)]  # megabytes of audio each
    caught: list[int] = []
    seen: set[int] = set()
    results: list[Synthesised] = []
    with caplog.at_level(logging.WARNING), ProcessExecutor(espeak_spec, 2) as executor:
        executor.start()
        workers = _worker_pids(executor)
        seen |= workers

        def kill_mid_write() -> None:
            while not caught and len(results) < len(texts):
                for pid in workers:
                    # blocked writing: the worker's pipe (a socket pair) is full
                    if _wchan(pid) in ("sock_alloc_send_pskb", "pipe_write"):
                        os.kill(pid, signal.SIGSTOP)
                        time.sleep(0.2)  # the pool reads what was written, waits for more
                        os.kill(pid, signal.SIGKILL)
                        caught.append(pid)
                        return

        def consume() -> None:
            results.extend(executor.map(texts))

        killer = threading.Thread(target=kill_mid_write, daemon=True)
        consumer = threading.Thread(target=consume, daemon=True)
        killer.start()
        consumer.start()
        consumer.join(TIMEOUT_S)
        assert not consumer.is_alive(), "the run hung after a worker died mid-write"
        killer.join(5)
        seen |= _worker_pids(executor)
    assert caught, "no worker was caught writing its result (nothing was tested)"
    assert len(results) == len(texts)
    lengths = [len(r.chunk.samples) for r in results]
    assert all(lengths[n] > lengths[n + 1] for n in range(0, len(texts), 2))  # in order
    assert any("worker died" in r.getMessage() for r in caplog.records)
    assert not _wait_until_gone(seen), "worker processes left behind"


def test_a_worker_killed_twice_fails_the_run_with_one_line(espeak_spec: VoiceSpec) -> None:
    seen: set[int] = set()
    with ProcessExecutor(espeak_spec, 2) as executor:
        outcome = _run_killing(executor, {2, 8}, seen)
    assert isinstance(outcome, VoiceError), outcome
    message = str(outcome)
    assert "worker died twice" in message and "\n" not in message
    assert len(seen) >= 3
    assert not _wait_until_gone(seen), "worker processes left behind"


# --- Ctrl-C ------------------------------------------------------------------------


def _wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _part_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".part" in p.name]


@pytest.mark.parametrize(
    ("phase", "copies"),
    [("synthesis", 12), ("encoding", 3)],  # long enough that Ctrl-C comes mid-phase
)
def test_ctrl_c_stops_the_workers_and_leaves_the_previous_output(
    tmp_path: Path, phase: str, copies: int
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(SEED_ARTICLE.read_text("utf-8") * copies, "utf-8")
    station = tmp_path / "station.toml"
    station.write_text("[performance]\njobs = 2\n", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "news.mp3"
    previous.write_bytes(b"ID3 yesterday's bulletin " * 1000)
    before = previous.read_bytes()
    cache = tmp_path / "cache"  # a chunk's file here: synthesis has begun
    command = [sys.executable, "-m", "narrator", "speak", str(article), "-o", str(previous)]
    process = subprocess.Popen(
        [*command, "--station", str(station), "-q"],
        cwd=ROOT,
        env={**os.environ, "NARRATOR_CACHE_DIR": str(cache)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # A test run started in the background inherits SIGINT ignored; a terminal's
        # Ctrl-C is what is tested here.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    children: set[int] = set()
    try:

        def reached() -> bool:
            assert process.poll() is None, process.communicate()[1].decode()
            children.update(_descendants(process.pid))
            if phase == "synthesis":
                return any(cache.rglob("*.seg"))
            return bool(_part_files(out))  # pass 2 is writing the new file

        _wait_for(reached, TIMEOUT_S, f"{phase} to begin")
        assert len(children) >= 2, children  # the workers (and multiprocessing's tracker)
        process.send_signal(signal.SIGINT)
        try:
            _, errors = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            pytest.fail("narrator did not stop within 15 s of Ctrl-C")
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    assert process.returncode in (130, -signal.SIGINT)  # stopped by the interrupt itself
    assert "Traceback" not in errors.decode(), errors.decode()
    assert previous.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["news.mp3"]  # no .part, no sidecars
    assert not _wait_until_gone(children), "worker processes left behind"
