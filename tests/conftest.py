"""Shared fixtures, and the hypothesis profile."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# In CI the property suites run the same examples every time, so a run's verdict does
# not depend on luck; on a developer's machine they keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep caches and installed voices of the tests away from the user's own."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("NARRATOR_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("NARRATOR_VOICES_DIR", str(base / "voices"))
