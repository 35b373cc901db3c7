"""Hostile or broken voices and downloads: one line, nothing installed, nothing left."""

from __future__ import annotations

import importlib.util
import json
import pickle
import shutil
import socket
import tarfile
import zipfile
from pathlib import Path

import pytest

from narrator.engines.coqui import check_checkpoint
from narrator.errors import VoiceError
from tests.engines.conftest import FileServer, PiperModels
from tests.engines.models import torch_zip
from tests.helpers import run_narrator


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def _nothing_left(voices: Path) -> None:
    assert not voices.exists() or sorted(p.name for p in voices.iterdir()) == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- Piper configs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"language": 5}, "language = 5: "),
        ({"audio": {"sample_rate": "lots"}}, 'audio.sample_rate = "lots": '),
        ({"audio": {"sample_rate": 0}}, "audio.sample_rate = 0: "),
        ({"num_speakers": -1}, "num_speakers = -1: "),
        ({"phoneme_id_map": {"a": "x"}}, 'phoneme_id_map.a = "x": '),
    ],
)
def test_a_bad_piper_config_is_one_line(
    tmp_path: Path,
    voices_dir: Path,
    piper_models: PiperModels,
    change: dict[str, object],
    expected: str,
) -> None:
    model = tmp_path / "kk_KZ-bad-low.onnx"
    shutil.copy2(piper_models.single, model)
    config = json.loads(Path(f"{piper_models.single}.json").read_text())
    config.update(change)
    Path(f"{model}.json").write_text(json.dumps(config))
    result = run_narrator("voices", "install", str(model))
    assert result.returncode == 3
    line = _one_error_line(result.stderr)
    assert line.startswith(f"error: {tmp_path}/") and expected in line, line
    _nothing_left(voices_dir)


# -- Coqui / MMS checkpoints ----------------------------------------------------------


def _mms_archive(tmp_path: Path, checkpoint: bytes) -> Path:
    folder = tmp_path / "kaz"
    folder.mkdir()
    (folder / "G_100000.pth").write_bytes(checkpoint)
    (folder / "config.json").write_text(json.dumps({"data": {"sampling_rate": 16000}}))
    (folder / "vocab.txt").write_text("а\nә\nб\n")
    archive = tmp_path / "kaz.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname="kaz")
    return archive


needs_no_coqui = pytest.mark.skipif(
    importlib.util.find_spec("TTS") is not None,
    reason="with the Coqui extra the checkpoint is loaded for real (test_coqui.py)",
)


@needs_no_coqui
def test_an_mms_archive_with_a_garbage_checkpoint_is_refused(
    tmp_path: Path, voices_dir: Path
) -> None:
    archive = _mms_archive(tmp_path, b"\x00garbage" * 1000)
    result = run_narrator("voices", "install", str(archive), "--id", "kk-mms")
    assert result.returncode == 3
    line = _one_error_line(result.stderr)
    assert "G_100000.pth is not a PyTorch checkpoint" in line
    _nothing_left(voices_dir)


@needs_no_coqui
def test_a_well_formed_checkpoint_installs_unloaded_with_a_warning(
    tmp_path: Path, voices_dir: Path
) -> None:
    checkpoint = tmp_path / "ckpt.pth"
    torch_zip(checkpoint, {"model": {"emb.weight": None}, "iteration": 100000})
    archive = _mms_archive(tmp_path, checkpoint.read_bytes())
    result = run_narrator("voices", "install", str(archive), "--id", "kk-mms")
    assert result.returncode == 0, result.stderr
    assert "installing kk-mms unchecked (its checkpoint is well-formed" in result.stderr
    manifest = json.loads((voices_dir / "kk-mms" / "voice.json").read_text())
    assert (manifest["engine"], manifest["sample_rate"]) == ("coqui", 16000)


def test_the_checkpoint_check_catches_truncation_and_damage(tmp_path: Path) -> None:
    good = tmp_path / "good.pth"
    torch_zip(good, {"weights": list(range(1000))})
    check_checkpoint(good)
    legacy = tmp_path / "legacy.pth"
    legacy.write_bytes(pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)[:-1] + b"rest")
    check_checkpoint(legacy)

    truncated = tmp_path / "truncated.pth"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    damaged = tmp_path / "damaged.pth"
    data = bytearray(good.read_bytes())
    data[data.index(b"\0" * 64) + 10] = 1  # a tensor byte: the entry's CRC no longer holds
    damaged.write_bytes(bytes(data))
    no_structure = tmp_path / "plain.zip"
    with zipfile.ZipFile(no_structure, "w") as archive:
        archive.writestr("readme.txt", "hello")
    broken_pickle = tmp_path / "broken.pth"
    with zipfile.ZipFile(broken_pickle, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"a": 1}, protocol=2)[:-3])
    for bad in (truncated, damaged, no_structure, broken_pickle, tmp_path / "missing.pth"):
        with pytest.raises(VoiceError, match="is not a PyTorch checkpoint"):
            check_checkpoint(bad)


def test_a_coqui_config_with_a_bad_sample_rate_is_one_line(
    tmp_path: Path, voices_dir: Path
) -> None:
    folder = tmp_path / "vits"
    folder.mkdir()
    torch_zip(folder / "model.pth", {"model": {}})
    (folder / "config.json").write_text('{"audio": {"sample_rate": "lots"}}')
    result = run_narrator("voices", "install", str(folder))
    assert result.returncode == 3
    assert 'audio.sample_rate = "lots": must be an integer' in _one_error_line(result.stderr)
    _nothing_left(voices_dir)


# -- downloads ------------------------------------------------------------------------


def test_a_download_without_a_length_is_capped(
    voices_dir: Path, file_server: FileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_server.endless.add("kk_KZ-endless-low.onnx")
    monkeypatch.setenv("NARRATOR_MAX_DOWNLOAD_MB", "2")
    result = run_narrator("voices", "install", file_server.url("kk_KZ-endless-low.onnx"), "-q")
    assert result.returncode == 3
    line = _one_error_line(result.stderr)
    assert "is larger than the limit of 2 MB" in line
    _nothing_left(voices_dir)  # no .part, no empty .downloads/


def test_the_station_file_sets_the_download_cap(
    tmp_path: Path, voices_dir: Path, file_server: FileServer
) -> None:
    file_server.endless.add("kk_KZ-endless-low.onnx")
    station = tmp_path / "station.toml"
    station.write_text("[voice]\nmax_download_mb = 1\n")
    result = run_narrator(
        "voices",
        "install",
        file_server.url("kk_KZ-endless-low.onnx"),
        "-q",
        "--station",
        str(station),
    )
    assert result.returncode == 3
    assert "larger than the limit of 1 MB" in result.stderr


def test_an_announced_size_over_the_cap_is_refused_before_downloading(
    voices_dir: Path,
    file_server: FileServer,
    piper_models: PiperModels,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    big = file_server.root / "kk_KZ-big-low.onnx"
    big.write_bytes(b"\0" * (3 << 20))
    monkeypatch.setenv("NARRATOR_MAX_DOWNLOAD_MB", "1")
    result = run_narrator("voices", "install", file_server.url(big.name), "-q")
    assert result.returncode == 3
    assert f"larger than the limit of 1 MB ({3 << 20} bytes" in result.stderr
    _nothing_left(voices_dir)


def test_a_download_without_a_length_under_the_cap_installs(
    voices_dir: Path, file_server: FileServer, piper_models: PiperModels
) -> None:
    name = piper_models.single.name
    shutil.copy2(piper_models.single, file_server.root / name)
    shutil.copy2(f"{piper_models.single}.json", file_server.root / f"{name}.json")
    file_server.no_length.update({name, f"{name}.json"})
    result = run_narrator("voices", "install", file_server.url(name), "-q")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in voices_dir.iterdir()) == ["kk_KZ-tiny-low"]


def test_a_failed_download_leaves_no_part_and_no_downloads_folder(
    voices_dir: Path, file_server: FileServer
) -> None:
    result = run_narrator("voices", "install", file_server.url("kk_KZ-missing-low.onnx"), "-q")
    assert result.returncode == 3
    assert "HTTP 404" in _one_error_line(result.stderr)
    _nothing_left(voices_dir)


def test_offline_url_install_suggests_installing_the_file(voices_dir: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/voices/kk_KZ-issai-high.onnx"
    result = run_narrator("voices", "install", url, "-q")
    assert result.returncode == 3
    line = _one_error_line(result.stderr)
    assert line.startswith(f"error: cannot download {url}: ")
    assert line.endswith(
        "if you have the file, install it with: narrator voices install kk_KZ-issai-high.onnx"
    )
    _nothing_left(voices_dir)


def test_offline_catalogue_install_suggests_downloading_elsewhere(
    tmp_path: Path, voices_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/kk_KZ-mirror-medium.onnx"
    catalogue = tmp_path / "mirror.json"
    entry = {
        "id": "kk-mirror",
        "engine": "piper",
        "sample_rate": 22050,
        "files": [{"url": url}, {"url": url + ".json"}],
    }
    catalogue.write_text(json.dumps({"voices": [entry]}))
    monkeypatch.setenv("NARRATOR_CATALOGUE", str(catalogue))
    result = run_narrator("voices", "install", "kk-mirror", "-q")
    assert result.returncode == 3
    line = _one_error_line(result.stderr)
    assert line.endswith(
        f"download {url} elsewhere and install it with: "
        "narrator voices install kk_KZ-mirror-medium.onnx"
    )
    _nothing_left(voices_dir)


def test_loading_a_voice_with_a_bad_config_is_one_voice_error(
    tmp_path: Path, piper_models: PiperModels
) -> None:
    from narrator.engines.piper import PiperVoice

    model = tmp_path / "v.onnx"
    shutil.copy2(piper_models.single, model)
    Path(f"{model}.json").write_text('{"audio": {"sample_rate": "lots"}, "phoneme_id_map": {}}')
    with pytest.raises(VoiceError, match=r'v\.onnx\.json: audio\.sample_rate = "lots"'):
        PiperVoice.load("v", model)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"sample_rate": "lots"}, "sample_rate = 'lots' has the wrong type"),
        ({"sample_rate": -5}, "sample_rate = -5 is out of range"),
        ({"engine": 5}, "engine = 5 has the wrong type"),
        ({"model": "../../etc/passwd"}, "is outside the voice folder"),
    ],
)
def test_a_tampered_manifest_is_one_line(
    tmp_path: Path,
    voices_dir: Path,
    piper_models: PiperModels,
    change: dict[str, object],
    reason: str,
) -> None:
    assert run_narrator("voices", "install", str(piper_models.single)).returncode == 0
    manifest = voices_dir / "kk_KZ-tiny-low" / "voice.json"
    data = json.loads(manifest.read_text())
    data.update(change)
    manifest.write_text(json.dumps(data))
    out = tmp_path / "out.wav"
    result = run_narrator("voices", "try", "kk_KZ-tiny-low", "-o", str(out))
    assert result.returncode == 3
    line = _one_error_line(result.stderr)
    assert line.startswith(f"error: {manifest} is invalid: ") and reason in line, line
    assert not out.exists()
