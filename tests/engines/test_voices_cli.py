"""``narrator voices ...`` and ``narrator speak --voice`` with installed voices, end to end."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from narrator.engines.chain import VoiceChain
from narrator.errors import VoiceError
from tests.engines.conftest import PiperModels
from tests.engines.models import torch_zip
from tests.helpers import run_narrator

ARTICLE = """Жаңалықтар

Бүгін Астанада ауа райы жылы болады. Қала әкімдігі жаңа саябақ ашты.

Ертең елордада жаңбыр жауады.
"""


def _article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def _duration(path: Path) -> float:
    info = sf.info(path)
    return info.frames / info.samplerate


def test_list_shows_embedded_catalogue_and_installed_voices(
    voices_dir: Path, piper_models: PiperModels
) -> None:
    assert run_narrator("voices", "install", str(piper_models.single)).returncode == 0
    result = run_narrator("voices", "list")
    assert result.returncode == 0, result.stderr
    # In a pipe: plain columns, the whole header, one line per voice.
    lines = result.stdout.splitlines()
    assert lines[0] == f"voices installed in {voices_dir}"
    assert re.split(r"\s{2,}", lines[1]) == [
        "id",
        "engine",
        "quality",
        "Hz",
        "licence",
        "size",
        "installed",
    ]
    rows = {cells[0]: cells for cells in (re.split(r"\s{2,}", line) for line in lines[2:])}
    assert len(rows) == len(lines) - 2
    assert rows["kk-espeak"][-1] == "embedded"
    for voice_id in ("kk_KZ-issai-high", "kk_KZ-iseke-x_low", "kk_KZ-raya-x_low"):
        cells = rows[voice_id]
        assert cells[1] == "piper" and cells[4] == "CC BY 4.0" and cells[6] == "no"
    assert rows["kk_KZ-issai-high"][5] == "128 MB"
    assert rows["kk-mms"][4] == "CC BY-NC 4.0"  # not wrapped onto a second line
    assert rows["kk_KZ-tiny-low"] == ["kk_KZ-tiny-low", "piper", "low", "22050", "-", "-", "yes"]


def test_list_as_json(voices_dir: Path, piper_models: PiperModels) -> None:
    assert run_narrator("voices", "install", str(piper_models.single)).returncode == 0
    result = run_narrator("voices", "list", "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert listed["voices_dir"] == str(voices_dir)
    voices = {voice["id"]: voice for voice in listed["voices"]}
    assert voices["kk-espeak"]["installed"] == "embedded"
    assert voices["kk_KZ-tiny-low"] == {
        "id": "kk_KZ-tiny-low",
        "engine": "piper",
        "quality": "low",
        "sample_rate": 22050,
        "licence": "",
        "size": None,
        "installed": "yes",
    }
    assert voices["kk_KZ-issai-high"]["size"] > 100_000_000


def test_try_writes_a_sample(
    tmp_path: Path, voices_dir: Path, piper_models: PiperModels, monkeypatch: pytest.MonkeyPatch
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    work = tmp_path / "work"
    work.mkdir()
    assert run_narrator("voices", "install", str(piper_models.multi)).returncode == 0
    result = run_narrator("voices", "try", "kk_KZ-tinymulti-low", "--speaker", "B", cwd=work)
    assert result.returncode == 0, result.stderr
    assert list(work.iterdir()) == []  # not into the current folder
    sample = temporary / "kk_KZ-tinymulti-low-sample.wav"
    audio, rate = sf.read(sample, dtype="float32")
    assert rate == 22050 and len(audio) / rate > 1.0
    # speaker B's gain (2/3 of the tiny voice's 0.25 peak), 16-bit PCM
    assert np.abs(audio).max() == pytest.approx(0.25 * 2 / 3, abs=1e-3)
    assert f"wrote {sample}" in result.stdout

    out = tmp_path / "espeak.wav"
    espeak = run_narrator("voices", "try", "kk-espeak", "Сәлеметсіз бе!", "-o", str(out))
    assert espeak.returncode == 0, espeak.stderr
    assert sf.info(out).samplerate == 22050

    unknown = run_narrator("voices", "try", "kk_KZ-tinymulti-low", "--speaker", "Z")
    assert unknown.returncode == 3
    assert unknown.stderr.strip() == (
        "error: voice 'kk_KZ-tinymulti-low' has no speaker 'Z' (speakers: A, B, C)"
    )


def test_try_speaks_at_the_station_rate_by_default(tmp_path: Path) -> None:
    def sample(*args: str) -> bytes:
        out = tmp_path / "sample.wav"
        result = run_narrator("voices", "try", "kk-espeak", "-o", str(out), *args)
        assert result.returncode == 0, result.stderr
        return out.read_bytes()

    default = sample()
    assert default == sample("--rate", "165")  # the station default, 165 wpm
    assert default != sample("--rate", "160")
    station = tmp_path / "station.toml"
    station.write_text("[voice]\nrate_wpm = 300\n")
    assert sample("--station", str(station)) == sample("--rate", "300")


def test_help_texts_have_no_bool_placeholders_or_eaten_words() -> None:
    for command in ("list", "install", "remove", "try"):
        result = run_narrator("voices", command, "--help")
        assert result.returncode == 0
        options = [line for line in result.stdout.splitlines() if "--" in line]
        flags = [line for line in options if "--help" not in line]
        assert not [line for line in flags if "<bool>" in line], command
        assert "whose voice.voices_dir" in result.stdout
        assert not re.search(r"\w  \w", result.stdout), result.stdout


def test_remove_through_the_cli(voices_dir: Path, piper_models: PiperModels) -> None:
    assert run_narrator("voices", "install", str(piper_models.single)).returncode == 0
    result = run_narrator("voices", "remove", "kk_KZ-tiny-low")
    assert result.returncode == 0, result.stderr
    assert not (voices_dir / "kk_KZ-tiny-low").exists()
    again = run_narrator("voices", "remove", "kk_KZ-tiny-low")
    assert again.returncode == 3
    assert "error: voice 'kk_KZ-tiny-low' is not installed" in again.stderr


def test_speak_with_an_installed_piper_voice(
    tmp_path: Path, voices_dir: Path, piper_models: PiperModels
) -> None:
    installed = run_narrator("voices", "install", str(piper_models.single), "--id", "kk-tiny")
    assert installed.returncode == 0, installed.stderr
    article = _article(tmp_path)
    normal, fast = tmp_path / "normal.wav", tmp_path / "fast.wav"
    first = run_narrator("speak", str(article), "-o", str(normal), "--voice", "kk-tiny")
    assert first.returncode == 0, first.stderr
    assert "fallback" not in first.stderr
    second = run_narrator(
        "speak", str(article), "-o", str(fast), "--voice", "kk-tiny", "--rate", "320", "--quiet"
    )
    assert second.returncode == 0, second.stderr
    audio, _ = sf.read(normal, dtype="float32")
    assert np.sqrt(np.mean(np.square(audio))) > 0.01
    # Twice the rate halves every phoneme (pauses between sentences stay the same).
    assert _duration(fast) < 0.7 * _duration(normal)


def test_speak_with_a_speaker_from_the_station_file(
    tmp_path: Path, voices_dir: Path, piper_models: PiperModels
) -> None:
    assert (
        run_narrator("voices", "install", str(piper_models.multi), "--id", "multi").returncode == 0
    )
    station = tmp_path / "station.toml"
    station.write_text('[voice]\nid = "multi"\nspeaker = "C"\n', encoding="utf-8")
    out = tmp_path / "out.wav"
    ok = run_narrator(
        "speak", str(_article(tmp_path)), "-o", str(out), "--station", str(station), "-q"
    )
    assert ok.returncode == 0, ok.stderr
    assert _duration(out) > 1.0

    station.write_text('[voice]\nid = "multi"\nspeaker = "Z"\n', encoding="utf-8")
    bad = run_narrator(
        "speak", str(_article(tmp_path)), "-o", str(out), "--station", str(station), "-q"
    )
    assert bad.returncode == 3
    assert "has no speaker 'Z' (speakers: A, B, C)" in bad.stderr


def test_speak_with_a_missing_or_unknown_voice(tmp_path: Path, voices_dir: Path) -> None:
    out = tmp_path / "out.wav"
    missing = run_narrator(
        "speak", str(_article(tmp_path)), "-o", str(out), "--voice", "kk_KZ-raya-x_low"
    )
    assert missing.returncode == 3
    assert missing.stderr.strip() == (
        "error: voice 'kk_KZ-raya-x_low' is not installed; install it with: "
        "narrator voices install kk_KZ-raya-x_low"
    )
    unknown = run_narrator("speak", str(_article(tmp_path)), "-o", str(out), "--voice", "nope")
    assert unknown.returncode == 3
    assert "unknown voice 'nope'" in unknown.stderr
    assert not out.exists()


def test_a_coqui_voice_without_the_extra_names_the_install_command(
    tmp_path: Path, voices_dir: Path
) -> None:
    if importlib.util.find_spec("TTS") is not None:
        pytest.skip("the Coqui extra is installed here (see test_coqui.py)")
    folder = tmp_path / "coqui-voice"
    folder.mkdir()
    torch_zip(folder / "model.pth", {"model": {}})  # well-formed, but Coqui cannot load it here
    (folder / "config.json").write_text('{"model": "vits", "audio": {"sample_rate": 22050}}')
    installed = run_narrator("voices", "install", str(folder), "--id", "kk-vits")
    assert installed.returncode == 0, installed.stderr
    assert "installing kk-vits unchecked" in installed.stderr
    out = tmp_path / "out.wav"
    result = run_narrator("speak", str(_article(tmp_path)), "-o", str(out), "--voice", "kk-vits")
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: Coqui voices need the Coqui TTS engine")
    assert lines[0].endswith("install it with: pip install 'narrator[coqui]'")


def test_the_station_file_chooses_the_voices_directory(
    tmp_path: Path, voices_dir: Path, piper_models: PiperModels
) -> None:
    station = tmp_path / "station.toml"
    station.write_text('[voice]\nid = "kk_KZ-tiny-low"\nvoices_dir = "newsroom-voices"\n')
    result = run_narrator("voices", "install", str(piper_models.single), "--station", str(station))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "newsroom-voices" / "kk_KZ-tiny-low" / "voice.json").is_file()
    assert not voices_dir.exists()  # $NARRATOR_VOICES_DIR is not used
    listed = run_narrator("voices", "list", "--station", str(station))
    assert str(tmp_path / "newsroom-voices") in listed.stdout
    chain = VoiceChain(["kk_KZ-tiny-low"], voices_dir=tmp_path / "newsroom-voices")
    assert chain.primary.engine == "piper"
    with pytest.raises(VoiceError, match="unknown voice 'kk_KZ-tiny-low'"):
        VoiceChain(["kk_KZ-tiny-low"])
