"""No traceback, ever: one line on stderr and a documented exit code for every failure."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from narrator import cli
from narrator.errors import (
    EXIT_CHECK_FAILED,
    EXIT_INTERNAL,
    EXIT_USAGE,
    InputError,
    OutputError,
    VoiceError,
)
from tests.helpers import ROOT, run_narrator


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ["speak", "--no-such-option"],
        ["speak", "a.txt"],  # no -o
        ["normalize", "--register"],  # an option without its value
        ["speak", "a.txt", "-o", "a.mp3", "--rate", "fast"],
        ["no-such-command"],
        ["speak", "a.txt", "-o", "a.mp3", "-s", "station.toml"],  # -s is not --station
    ],
)
def test_usage_errors_are_one_line_not_a_panel(args: list[str]) -> None:
    result = run_narrator(*args)
    assert result.returncode == EXIT_USAGE
    line = _one_line(result.stderr)
    assert line.startswith("error: ") and "--help" in line
    assert "╭" not in result.stderr and "│" not in result.stderr


def test_h_is_help_everywhere() -> None:
    for args in (["-h"], ["speak", "-h"], ["normalize", "-h"], ["voices", "-h"], ["feed", "-h"]):
        result = run_narrator(*args)
        assert result.returncode == 0, (args, result.stderr)
        assert "Usage:" in result.stdout


def test_flags_show_no_type_placeholder() -> None:
    for args in (["speak", "--help"], ["normalize", "-h"], ["--help"], ["voices", "list", "-h"]):
        help_text = run_narrator(*args).stdout
        assert "--quiet" in help_text or "--help" in help_text
        assert "<bool>" not in help_text, args
    assert "<path>" in run_narrator("speak", "--help").stdout  # options with values keep theirs


def test_station_is_long_only_in_help() -> None:
    help_text = run_narrator("speak", "--help").stdout
    assert "--station" in help_text
    assert not re.search(r"--station\s+-s\b", help_text)


def test_unexpected_error_is_one_line_and_exit_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> str:
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr("narrator.text.normalize.normalize", broken)
    monkeypatch.setattr(cli._State, "debug", False)
    code = cli.run(["normalize", str(ROOT / "examples" / "seed-article.txt")])
    captured = capsys.readouterr()
    assert code == EXIT_INTERNAL
    line = _one_line(captured.err)
    assert "internal error" in line and "something nobody expected" in line
    assert "--debug" in line


def test_debug_adds_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr("narrator.text.normalize.normalize", broken)
    seed = str(ROOT / "examples" / "seed-article.txt")
    for args in (["--debug", "normalize", seed], ["normalize", seed, "--debug"]):
        monkeypatch.setattr(cli._State, "debug", False)
        code = cli.run(args)
        err = capsys.readouterr().err
        assert code == EXIT_INTERNAL
        assert "Traceback" in err and "RuntimeError: boom" in err
        assert err.rstrip().splitlines()[-1].startswith("error: internal error")
    monkeypatch.setattr(cli._State, "debug", False)


def test_normalize_to_a_full_disk_is_one_line() -> None:
    if not Path("/dev/full").exists():  # pragma: no cover - Linux has it
        pytest.skip("no /dev/full here")
    seed = str(ROOT / "examples" / "seed-article.txt")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "narrator", "normalize", seed],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert done.returncode == OutputError.exit_code
    line = _one_line(done.stderr)
    assert "standard output" in line and "No space left" in line


def test_json_with_a_lone_surrogate_is_one_line(tmp_path: Path) -> None:
    article = tmp_path / "a.json"
    article.write_text('{"title": "T\\ud800", "body": "Сәлем, әлем."}', "utf-8")
    result = run_narrator("speak", str(article), "-o", str(tmp_path / "a.mp3"))
    assert result.returncode == InputError.exit_code
    line = _one_line(result.stderr)
    assert "a.json" in line and "surrogate" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_exit_codes_are_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme[readme.index("### Exit codes") :]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.M)}
    codes = {
        0,
        EXIT_CHECK_FAILED,
        InputError.exit_code,
        VoiceError.exit_code,
        OutputError.exit_code,
        EXIT_USAGE,
        EXIT_INTERNAL,
        75,
    }
    assert codes <= documented


def test_stderr_in_a_pipe_does_not_start_with_a_blank_line(tmp_path: Path) -> None:
    result = run_narrator("speak", "--text", "Сәлем.", "-o", str(tmp_path / "a.wav"))
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("wrote "), repr(result.stderr[:40])
