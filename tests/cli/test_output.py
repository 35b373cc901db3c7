"""speak's output options, templates and habits through the real command line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from narrator.errors import EXIT_USAGE, OutputError, VoiceError
from tests.engines.models import build_piper_voice
from tests.helpers import run_narrator

ARTICLE = "Ғарыш жаңалығы\n\nКелер жылы еліміз ғарышқа екі спутник ұшырады.\n"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, "utf-8")
    return path


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_format_and_extension_must_agree(tmp_path: Path, article: Path) -> None:
    result = run_narrator("speak", str(article), "-o", str(tmp_path / "x.mp3"), "--format", "ogg")
    assert result.returncode == EXIT_USAGE
    line = _one_line(result.stderr)
    assert "x.mp3" in line and "ogg" in line
    assert not (tmp_path / "x.mp3").exists()


def test_audio_to_stdout_without_sidecars(tmp_path: Path, article: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "narrator", "speak", str(article), "-o", "-", "-f", "wav", "-q"],
        capture_output=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    data, rate = sf.read(io.BytesIO(done.stdout))
    assert rate == 44100 and len(data) / rate > 1.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt"]  # no "-", "-.vtt"


def test_audio_is_never_written_to_a_terminal(tmp_path: Path, article: Path) -> None:
    import pty

    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "narrator", "speak", str(article), "-o", "-", "-f", "wav"],
            stdout=terminal,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert done.returncode == EXIT_USAGE
    assert "terminal" in _one_line(done.stderr)


def test_audio_to_stdout_with_sidecars_folder(tmp_path: Path, article: Path) -> None:
    sidecars = tmp_path / "side"
    sidecars.mkdir()
    args = ["speak", str(article), "-o", "-", "--sidecars", str(sidecars), "-f", "ogg", "-q"]
    done = subprocess.run(
        [sys.executable, "-m", "narrator", *args],
        capture_output=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"OggS")
    names = sorted(p.name for p in sidecars.iterdir())
    assert names == ["article.chapters.json", "article.srt", "article.vtt"]
    assert "Келер жылы" in (sidecars / "article.vtt").read_text("utf-8")


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_output_must_be_a_regular_file(tmp_path: Path, article: Path, kind: str) -> None:
    if kind == "fifo":
        target = tmp_path / "pipe.mp3"
        os.mkfifo(target)
    else:
        target = tmp_path / "null.mp3"
        target.symlink_to("/dev/null")
    result = run_narrator("speak", str(article), "-o", str(target))
    assert result.returncode == OutputError.exit_code
    line = _one_line(result.stderr)
    assert target.name in line and "not a regular file" in line
    if kind == "fifo":
        assert not target.is_file()  # still a FIFO, not replaced
    else:
        assert target.is_symlink() and Path("/dev/null").is_char_device()


def _cue_texts(vtt: Path) -> list[str]:
    blocks = vtt.read_text("utf-8").split("\n\n")[1:]
    return [block.splitlines()[-1] for block in blocks if block.strip()]


def test_a_single_article_is_read_as_an_article(tmp_path: Path, article: Path) -> None:
    out = tmp_path / "a.wav"
    assert run_narrator("speak", str(article), "-o", str(out), "-q").returncode == 0
    assert _cue_texts(out.with_suffix(".vtt")) == [
        "Ғарыш жаңалығы",
        "Келер жылы еліміз ғарышқа екі спутник ұшырады.",
    ]
    data, rate = sf.read(out)
    # No jingle: the voice starts within half a second.
    first_cue = json.loads(out.with_name("a.chapters.json").read_text("utf-8"))["chapters"][0]
    assert first_cue["startTime"] < 0.5
    article_seconds = len(data) / rate

    bulletin = tmp_path / "b.wav"
    result = run_narrator(
        "speak", str(article), "-o", str(bulletin), "-q", "--template", "bulletin"
    )
    assert result.returncode == 0, result.stderr
    cues = _cue_texts(bulletin.with_suffix(".vtt"))
    assert cues[0] == "Narrator." and "Тыңдағаныңызға рахмет." in cues[-1]
    assert sf.info(bulletin).duration > article_seconds + 5  # jingles, intro and outro


def test_station_chooses_the_template(tmp_path: Path, article: Path) -> None:
    station = tmp_path / "station.toml"
    station.write_text('[bulletin]\ntemplate = "bulletin"\n', "utf-8")
    out = tmp_path / "s.wav"
    result = run_narrator("speak", str(article), "-o", str(out), "-q", "--station", str(station))
    assert result.returncode == 0, result.stderr
    assert _cue_texts(out.with_suffix(".vtt"))[0] == "Narrator."
    bad = run_narrator("speak", str(article), "-o", str(out), "--template", "podcast")
    assert bad.returncode == EXIT_USAGE and "podcast" in bad.stderr


def test_a_folder_is_a_bulletin(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, "utf-8")
    out = tmp_path / "f.wav"
    assert run_narrator("speak", str(folder), "-o", str(out), "-q").returncode == 0
    assert _cue_texts(out.with_suffix(".vtt"))[0] == "Narrator."


def test_lexicon_option_changes_what_is_said(tmp_path: Path) -> None:
    text = tmp_path / "k.txt"
    text.write_text("Kaspi ашылды.\n", "utf-8")
    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text("Kaspi\tКаспи банкінің үлкен жаңа филиалы\n", "utf-8")
    plain, long = tmp_path / "plain.wav", tmp_path / "long.wav"
    assert run_narrator("speak", str(text), "-o", str(plain), "-q").returncode == 0
    result = run_narrator("speak", str(text), "-o", str(long), "-q", "--lexicon", str(lexicon))
    assert result.returncode == 0, result.stderr
    assert sf.info(long).duration > sf.info(plain).duration + 1.0


def test_jobs_option(tmp_path: Path, article: Path) -> None:
    out = tmp_path / "j.wav"
    assert run_narrator("speak", str(article), "-o", str(out), "-q", "--jobs", "2").returncode == 0
    assert run_narrator("speak", str(article), "-o", str(out), "-q", "-j", "auto").returncode == 0
    bad = run_narrator("speak", str(article), "-o", str(out), "--jobs", "0")
    assert bad.returncode == EXIT_USAGE and "--jobs" in _one_line(bad.stderr)


def test_voice_file_that_is_not_installed(tmp_path: Path, article: Path) -> None:
    model = build_piper_voice(tmp_path / "models", "kk_KZ-loose-low", speakers=["A", "B"])
    quiet, loud = tmp_path / "a.wav", tmp_path / "b.wav"
    for speaker, out in (("A", quiet), ("B", loud)):
        result = run_narrator(
            "speak", str(article), "-o", str(out), "-q", "--voice", str(model), "--speaker", speaker
        )
        assert result.returncode == 0, result.stderr
        assert sf.info(out).samplerate == 44100
    assert quiet.read_bytes() != loud.read_bytes()
    unknown = run_narrator(
        "speak", str(article), "-o", str(quiet), "--voice", str(model), "--speaker", "Z"
    )
    assert unknown.returncode == VoiceError.exit_code and "'Z'" in _one_line(unknown.stderr)
    missing = run_narrator("speak", str(article), "-o", str(quiet), "--voice", "nowhere.onnx")
    assert missing.returncode == VoiceError.exit_code
    assert "nowhere.onnx" in _one_line(missing.stderr)
