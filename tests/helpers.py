"""Helpers shared by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_ARTICLE = ROOT / "examples" / "seed-article.txt"


def run_narrator(
    *args: str, input: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess, as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "narrator", *args],
        input=input.decode() if input is not None else None,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200"},
        timeout=600,
    )
    return result
