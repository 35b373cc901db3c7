"""The documented Python API: the README's example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import soundfile as sf

import narrator
from narrator.config import Station
from narrator.errors import InputError, UsageError
from tests.helpers import ROOT


def _readme_python_example() -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("### Python API") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README has no Python example"
    return match.group(1)


def test_the_readme_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code = _readme_python_example()
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    # Each commented result in the example is what really printed (figures aside).
    expected = [line.split("# ", 1)[1] for line in code.splitlines() if "# " in line]
    assert printed[0] == expected[0]
    assert printed[1].startswith("hello.wav: ") and "LUFS" in printed[1]
    assert printed[2] == "hello.vtt"
    assert sf.info(tmp_path / "hello.wav").duration > 1.0


def test_speak_takes_a_station_object_and_leaves_it_unchanged(tmp_path: Path) -> None:
    station = Station()
    station.audio.format = "flac"
    production = narrator.speak(
        None, tmp_path / "a.flac", text="Сәлем.", station=station, rate=200, template="bulletin"
    )
    assert production.output == tmp_path / "a.flac"
    assert station.voice.rate_wpm == 165 and station.bulletin.template == "auto"
    assert station.audio.jingles  # the caller's station is not changed
    assert [c.title for c in production.programme.chapters] == ["Кіріспе", "Сәлем.", "Қорытынды"]


def test_normalize_with_a_lexicon_file(tmp_path: Path) -> None:
    lexicon = tmp_path / "l.tsv"
    lexicon.write_text("Kaspi\tКаспи\n", "utf-8")
    assert narrator.normalize("Kaspi 100", lexicon=lexicon) == "Каспи жүз"
    assert (
        narrator.normalize("Оған 100 адам келді.", register="formal") == "Оған бір жүз адам келді."
    )
    with pytest.raises(UsageError):
        narrator.normalize("100", register="loud")


def test_speak_errors_are_narrator_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        narrator.speak(tmp_path / "missing.txt", tmp_path / "x.wav")
    with pytest.raises(UsageError):
        narrator.speak(None, tmp_path / "x.wav")
