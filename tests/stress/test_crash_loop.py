"""The crash loop, 20 builds (the 100-build run is on demand: tests/stress/crash_loop.py)."""

from __future__ import annotations

from pathlib import Path

from tests.stress.crash_loop import run


def test_twenty_killed_and_whole_builds(tmp_path: Path) -> None:
    figures = run(20, workdir=tmp_path)
    print(figures.report())
    assert figures.failures == [], "\n".join(figures.failures)
    assert figures.builds == 21
    assert figures.killed >= 3, figures.report()  # about half are killed; 3 is far below
    assert figures.completed >= 3, figures.report()
    assert figures.episodes > 0
