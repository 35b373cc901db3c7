"""Start-up: a command imports only what it needs.

``narrator --help`` and ``narrator normalize`` must not load the audio stack (scipy,
pyebur128, soxr) or the neural engines' runtime (onnxruntime): each costs a second or
more of start-up on a small machine. Checked in fresh interpreters, so that nothing
another test imported hides an eager import.
"""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT

HEAVY = ("scipy", "onnxruntime", "pyebur128", "soxr")


def _modules_after(code: str) -> set[str]:
    """Top-level packages imported by a fresh interpreter that runs ``code``."""
    script = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))\n"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return {name.split(".")[0] for name in result.stdout.split()}


def _heavy(modules: set[str]) -> list[str]:
    return [name for name in HEAVY if name in modules]


def test_importing_the_command_line_loads_nothing_heavy() -> None:
    modules = _modules_after("import narrator.cli")
    assert "narrator" in modules
    assert _heavy(modules) == []


def test_help_and_normalize_load_nothing_heavy() -> None:
    modules = _modules_after(
        "from typer.testing import CliRunner\n"
        "from narrator.cli import app\n"
        "runner = CliRunner()\n"
        "shown = runner.invoke(app, ['--help'])\n"
        "assert shown.exit_code == 0 and 'normalize' in shown.output, shown.output\n"
        "said = runner.invoke(app, ['normalize', '-'], input='2026 жылы 5 км.\\n')\n"
        "assert said.exit_code == 0, said.output\n"
        "assert 'бес километр' in said.output, said.output\n"
    )
    assert "typer" in modules
    assert _heavy(modules) == []


def test_the_real_help_command_loads_nothing_heavy() -> None:
    """The installed entry point, as a user starts it (``-X importtime`` lists every import)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "narrator", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "normalize" in result.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines()}
    assert "narrator" in imported
    assert _heavy(imported) == []
