"""Builds killed at random moments, and builds that overlap: the published feed stays valid."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from narrator import pipeline
from narrator.feed import publish
from narrator.feed.episodes import load_state
from narrator.feed.lock import BuildLock
from tests.feed.feedcheck import (
    BASE_URL,
    NARRATOR,
    NOW,
    build_args,
    check_published,
    cli_env,
    make_station,
    named_files,
    narrator,
    run_build,
)

RUNS = 13
_PLACES = ["Алматыда", "Астанада", "Шымкентте", "Ақтөбеде", "Қарағандыда", "Павлодарда", "Атырауда"]
_EVENTS = ["жаңа көпір ашылды", "мерекелік концерт өтті", "жаңа аурухана салынды"]


def _article(sources: Path, number: int) -> None:
    """A tiny article, different for every number."""
    place = _PLACES[number % len(_PLACES)]
    event = _EVENTS[number // len(_PLACES) % len(_EVENTS)]
    (sources / f"{number:02d}.txt").write_text(
        f"{place} {event}\n\n{place} бүгін {event}.\n", "utf-8"
    )


def _start(sources: Path, out: Path, cache: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*NARRATOR, *build_args(sources, out, *extra)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=cli_env(NARRATOR_CACHE_DIR=str(cache)),
    )


def test_killed_builds_never_break_the_feed(tmp_path: Path) -> None:
    """Builds killed at random moments; every fourth build runs to the end (and measures
    how long a whole build takes now, which bounds the next kill delays)."""
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    sources.mkdir()
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    full_run = 0.0
    killed = 0
    for number in range(RUNS):
        _article(sources, number)
        started = time.monotonic()
        process = _start(sources, out, cache)
        delay = rng.uniform(0.05, full_run * 1.1) if number % 4 else 300.0
        try:
            code = process.wait(timeout=delay)
            assert code == 0, process.communicate()[1]
            full_run = time.monotonic() - started
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
            killed += 1
        process.communicate()
        context = f"seed {seed}, run {number}, kill at {delay:.2f} s"
        assert (out / "feed.xml").is_file(), context
        try:
            check_published(out)
        except AssertionError as exc:
            raise AssertionError(f"{context}: {exc}") from exc
    print(f"seed {seed}: {killed} of {RUNS} builds killed (last whole run {full_run:.1f} s)")
    assert killed >= RUNS // 3, f"seed {seed}: only {killed} runs were killed"

    final = narrator(*build_args(sources, out), env={"NARRATOR_CACHE_DIR": str(cache)})
    assert final.returncode == 0, final.stderr
    parsed = check_published(out)
    state = load_state(out)
    assert set(state.seen) == {f"{n:02d}" for n in range(RUNS)}
    assert len(parsed.entries) == len(state.episodes)
    # Nothing left over: every file on disk is named by the feed, no temporary files.
    on_disk = {p.relative_to(out).as_posix() for p in (out / "episodes").iterdir()}
    assert on_disk == named_files(out)
    assert not [p for p in out.rglob("*") if ".part" in p.name]


def test_a_build_waits_for_a_running_one(tmp_path: Path) -> None:
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    sources.mkdir()
    out.mkdir()
    _article(sources, 1)
    with BuildLock(out, 0):
        waiting = _start(sources, out, cache, "--lock-timeout", "60")
        time.sleep(1.5)
        assert waiting.poll() is None  # still waiting for the lock
    stdout, stderr = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, stderr
    assert stdout.startswith(f"{BASE_URL}/episodes/")
    check_published(out)


def test_a_build_that_cannot_wait_exits_clearly(tmp_path: Path) -> None:
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    sources.mkdir()
    out.mkdir()
    _article(sources, 1)
    with BuildLock(out, 0):
        result = narrator(
            *build_args(sources, out, "--lock-timeout", "0.5"),
            env={"NARRATOR_CACHE_DIR": str(cache)},
        )
    assert result.returncode == 75
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "another feed build is running (waited 0.5 s)" in lines[0]
    assert not (out / "feed.xml").exists()
    assert not (out / "episodes").exists() or not any((out / "episodes").iterdir())


def test_two_builds_started_at_once(tmp_path: Path) -> None:
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    sources.mkdir()
    for number in range(3):
        _article(sources, number)
    # One may not wait at all: it either finds the other finished, or exits with 75.
    processes = [_start(sources, out, cache, "--lock-timeout", "0") for _ in range(2)]
    results = [(p.wait(timeout=300), *p.communicate()) for p in processes]
    codes = sorted(code for code, _, _ in results)
    assert codes in ([0, 0], [0, 75]), results
    for code, _, stderr in results:
        if code == 75:
            assert "another feed build is running" in stderr and "Traceback" not in stderr
    parsed = check_published(out)
    assert len(parsed.entries) == 1  # the articles were published once
    assert sum(bool(stdout) for _, stdout, _ in results) == 1


class _Crash(BaseException):
    """Stands for the process dying (BaseException: nothing may catch it)."""


def _crash_after(function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        function(*args, **kwargs)
        raise _Crash

    return wrapper


def _crash_before(function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        raise _Crash

    return wrapper


@pytest.mark.parametrize(
    ("step", "crash", "recovery"),
    [
        # audio and sidecars written, nothing published: the next run publishes anew
        ("produce", _crash_after, "publishes"),
        ("save_state", _crash_before, "publishes"),
        # the state says published, feed.xml is still the old one: rendered again
        ("save_state", _crash_after, "repairs"),
        # the new feed is out, the pruned episode's files are still on disk
        ("_sweep", _crash_before, "sweeps"),
    ],
)
def test_a_crash_between_publishing_steps(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    crash: Callable[[Callable[..., Any]], Callable[..., Any]],
    recovery: str,
) -> None:
    """Every step boundary of a build, crashed deterministically (the kill loop above
    mostly lands in synthesis; these windows are short)."""
    sources, out, cache = tmp_path / "sources", tmp_path / "out", tmp_path / "cache"
    sources.mkdir()
    station = make_station(keep_episodes=1)
    _article(sources, 0)
    run_build(station, sources, out, cache)
    _article(sources, 1)
    with monkeypatch.context() as patch:
        module = pipeline if step == "produce" else publish
        patch.setattr(module, step, crash(getattr(module, step)))
        with pytest.raises(_Crash):
            run_build(station, sources, out, cache, now=NOW + timedelta(hours=1))
    check_published(out)  # the old feed, whole

    report = run_build(station, sources, out, cache, now=NOW + timedelta(hours=2))
    check_published(out)
    assert len(report.new_episodes) == (1 if recovery == "publishes" else 0)
    assert report.feed_written == (recovery != "sweeps")
    assert any(f.startswith("episodes/20261125-0900.") for f in report.removed_files)
    state = load_state(out)
    assert set(state.seen) == {"00", "01"}
    assert len(state.episodes) == 1 and len(set(state.issued)) == len(state.issued)
    on_disk = {p.relative_to(out).as_posix() for p in (out / "episodes").iterdir()}
    assert on_disk == named_files(out)
    assert not [p for p in out.rglob("*") if ".part" in p.name]
