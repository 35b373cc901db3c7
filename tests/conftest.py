"""Shared fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep caches and installed voices of the tests away from the user's own."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("NARRATOR_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("NARRATOR_VOICES_DIR", str(base / "voices"))
