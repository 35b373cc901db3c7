"""Installing voices from a path, the catalogue and URLs (a local HTTP server)."""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from narrator.engines import load_voice
from narrator.engines.catalogue import find_installed, installed_voices, load_catalogue
from narrator.engines.install import install, remove
from narrator.engines.piper import PiperVoice
from narrator.errors import VoiceError
from tests.engines.conftest import FileServer, PiperModels
from tests.helpers import run_narrator


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _serve_piper(server: FileServer, model: Path) -> str:
    """Put a Piper voice on the server; return the URL of its .onnx."""
    shutil.copy2(model, server.root / model.name)
    shutil.copy2(f"{model}.json", server.root / f"{model.name}.json")
    return server.url(model.name)


def _leftovers(voices: Path) -> list[str]:
    """What the voices directory holds besides partial downloads."""
    if not voices.exists():
        return []
    return sorted(p.name for p in voices.iterdir() if p.name != ".downloads")


def test_install_from_path_writes_a_manifest(voices_dir: Path, piper_models: PiperModels) -> None:
    voice = install(str(piper_models.single), progress=False)
    assert voice.id == "kk_KZ-tiny-low"
    assert voice.folder == voices_dir / "kk_KZ-tiny-low"
    assert (voice.engine, voice.sample_rate, voice.quality) == ("piper", 22050, "low")
    assert voice.model_path.read_bytes() == piper_models.single.read_bytes()
    assert voice.sha256 == _sha256(piper_models.single)
    assert json.loads((voice.folder / "voice.json").read_text())["source"] == str(
        piper_models.single
    )
    assert [v.id for v in installed_voices()] == ["kk_KZ-tiny-low"]
    loaded = load_voice("kk_KZ-tiny-low")
    assert isinstance(loaded, PiperVoice)
    assert loaded.synthesize_all("Сәлем.").duration > 0.1


def test_install_refuses_to_overwrite_unless_forced(
    voices_dir: Path, piper_models: PiperModels
) -> None:
    install(str(piper_models.single), progress=False, voice_id="news")
    with pytest.raises(VoiceError, match="already installed"):
        install(str(piper_models.multi), progress=False, voice_id="news")
    replaced = install(str(piper_models.multi), progress=False, voice_id="news", force=True)
    assert replaced.model == "kk_KZ-tinymulti-low.onnx"
    assert _leftovers(voices_dir) == ["news"]


def test_a_broken_model_installs_nothing(tmp_path: Path, voices_dir: Path) -> None:
    bad = tmp_path / "kk_KZ-bad-low.onnx"
    bad.write_bytes(b"\x00" * 100)
    (tmp_path / "kk_KZ-bad-low.onnx.json").write_text("{}")
    with pytest.raises(VoiceError):
        install(str(bad), progress=False)
    assert _leftovers(voices_dir) == []


def test_path_errors_are_one_line(tmp_path: Path, voices_dir: Path) -> None:
    with pytest.raises(VoiceError, match="no voice, file or folder named"):
        install(str(tmp_path / "nothing.onnx"), progress=False)
    lone = tmp_path / "lone.onnx"
    lone.write_bytes(b"x")
    with pytest.raises(VoiceError, match=r"has no lone\.onnx\.json beside it"):
        install(str(lone), progress=False)
    with pytest.raises(VoiceError, match="embedded"):
        install("kk-espeak", progress=False)
    with pytest.raises(VoiceError, match="invalid voice id"):
        install(str(tmp_path), voice_id="../evil", progress=False)


def test_install_an_archive_of_a_voice_folder(
    tmp_path: Path, voices_dir: Path, piper_models: PiperModels
) -> None:
    archive = tmp_path / "tinyvoice.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(piper_models.single.parent, arcname="tinyvoice")
    voice = install(str(archive), progress=False)
    assert voice.id == "tinyvoice"
    assert voice.model == "kk_KZ-tiny-low.onnx"


def test_install_a_zip_from_a_url(
    voices_dir: Path, file_server: FileServer, piper_models: PiperModels
) -> None:
    with zipfile.ZipFile(file_server.root / "voice.zip", "w") as zipped:
        for path in piper_models.multi.parent.iterdir():
            zipped.write(path, f"voice/{path.name}")
    voice = install(file_server.url("voice.zip"), progress=False, voice_id="zipped")
    assert voice.model == "kk_KZ-tinymulti-low.onnx"
    assert load_voice("zipped").speakers == {"A": 0, "B": 1, "C": 2}


def test_install_from_url_downloads_model_and_config_with_progress(
    voices_dir: Path, file_server: FileServer, piper_models: PiperModels
) -> None:
    url = _serve_piper(file_server, piper_models.single)
    result = run_narrator("voices", "install", url + "?download=true")
    assert result.returncode == 0, result.stderr
    assert "installed kk_KZ-tiny-low (piper)" in result.stdout
    # rich prints the finished bars when stderr is not a terminal
    assert "kk_KZ-tiny-low.onnx" in result.stderr
    assert "kk_KZ-tiny-low.onnx.json" in result.stderr
    size_kb = piper_models.single.stat().st_size / 1000
    assert f"{size_kb:.1f}/{size_kb:.1f} kB" in result.stderr
    assert [name for name, _ in file_server.requests] == [
        "kk_KZ-tiny-low.onnx",
        "kk_KZ-tiny-low.onnx.json",
    ]
    voice = find_installed("kk_KZ-tiny-low")
    assert voice is not None and voice.sha256 == _sha256(piper_models.single)
    assert voice.source == url + "?download=true"
    assert not (voices_dir / ".downloads").exists()  # finished downloads removed


def test_sha256_mismatch_installs_nothing(
    voices_dir: Path, file_server: FileServer, piper_models: PiperModels
) -> None:
    url = _serve_piper(file_server, piper_models.single)
    result = run_narrator("voices", "install", url, "--sha256", "0" * 64, "--quiet")
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: sha256 mismatch for {url}: expected {'0' * 64}, got ")
    assert lines[0].endswith("nothing installed")
    assert _leftovers(voices_dir) == []
    assert not (voices_dir / ".downloads").exists()  # a corrupt download is dropped

    good = run_narrator(
        "voices", "install", url, "--sha256", _sha256(piper_models.single), "--quiet"
    )
    assert good.returncode == 0, good.stderr
    assert _leftovers(voices_dir) == ["kk_KZ-tiny-low"]


def test_interrupted_download_resumes_on_the_next_install(
    voices_dir: Path, file_server: FileServer, piper_models: PiperModels
) -> None:
    url = _serve_piper(file_server, piper_models.single)
    size = piper_models.single.stat().st_size
    file_server.drop_after["kk_KZ-tiny-low.onnx"] = 100_000

    first = run_narrator("voices", "install", url, "--quiet")
    assert first.returncode == 3
    assert f"interrupted after 100000 of {size} bytes" in first.stderr
    assert "run the same install again to resume" in first.stderr
    assert _leftovers(voices_dir) == []
    (part,) = (voices_dir / ".downloads").iterdir()
    assert part.stat().st_size == 100_000

    second = run_narrator(
        "voices", "install", url, "--sha256", _sha256(piper_models.single), "--quiet"
    )
    assert second.returncode == 0, second.stderr
    onnx_requests = [rng for name, rng in file_server.requests if name.endswith(".onnx")]
    assert onnx_requests == [None, "bytes=100000-"]  # the second download only fetched the rest
    voice = find_installed("kk_KZ-tiny-low")
    assert voice is not None
    assert voice.model_path.read_bytes() == piper_models.single.read_bytes()


def test_install_from_a_catalogue_entry(
    tmp_path: Path,
    voices_dir: Path,
    file_server: FileServer,
    piper_models: PiperModels,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = _serve_piper(file_server, piper_models.single)
    catalogue = tmp_path / "mirror.json"
    entry = {
        "id": "kk-newsroom",
        "engine": "piper",
        "language": "kk",
        "quality": "medium",
        "sample_rate": 22050,
        "licence": "CC BY 4.0",
        "files": [
            {"url": url, "size": 1, "sha256": _sha256(piper_models.single)},
            {"url": url + ".json", "size": None, "sha256": ""},
        ],
    }
    catalogue.write_text(json.dumps({"format": 1, "voices": [entry]}))
    monkeypatch.setenv("NARRATOR_CATALOGUE", str(catalogue))
    assert "kk-newsroom" in load_catalogue()
    with pytest.raises(VoiceError, match="not installed; install it with: narrator voices install"):
        load_voice("kk-newsroom")

    voice = install("kk-newsroom", progress=False)
    assert (voice.id, voice.licence, voice.quality) == ("kk-newsroom", "CC BY 4.0", "medium")
    assert load_voice("kk-newsroom").sample_rate == 22050

    entry["files"][0]["sha256"] = "f" * 64
    catalogue.write_text(json.dumps({"format": 1, "voices": [entry]}))
    remove("kk-newsroom")
    with pytest.raises(VoiceError, match="sha256 mismatch"):
        install("kk-newsroom", progress=False)
    assert _leftovers(voices_dir) == []


def test_builtin_catalogue_lists_the_kazakh_voices() -> None:
    catalogue = load_catalogue()
    for voice_id in ("kk_KZ-issai-high", "kk_KZ-iseke-x_low", "kk_KZ-raya-x_low"):
        entry = catalogue[voice_id]
        assert entry.engine == "piper"
        assert entry.files[0].url.startswith("https://huggingface.co/rhasspy/piper-voices/")
        assert entry.files[0].name == f"{voice_id}.onnx"
        assert entry.files[1].name == f"{voice_id}.onnx.json"
    mms = catalogue["kk-mms"]
    assert (mms.engine, mms.sample_rate, mms.licence) == ("coqui", 16000, "CC BY-NC 4.0")
    assert mms.files[0].url.endswith("/mms/tts/kaz.tar.gz")
    for entry in catalogue.values():  # a checksum is either absent or a real SHA-256
        assert all(f.sha256 == "" or len(f.sha256) == 64 for f in entry.files)


def test_repository_catalogue_is_the_packaged_one() -> None:
    root = Path(__file__).resolve().parents[2]
    packaged = root / "narrator" / "engines" / "data" / "catalogue.json"
    assert (root / "voices" / "catalogue.json").read_bytes() == packaged.read_bytes()


def test_remove(voices_dir: Path, piper_models: PiperModels) -> None:
    install(str(piper_models.single), progress=False)
    assert remove("kk_KZ-tiny-low") == voices_dir / "kk_KZ-tiny-low"
    assert _leftovers(voices_dir) == []
    with pytest.raises(VoiceError, match="is not installed"):
        remove("kk_KZ-tiny-low")
    with pytest.raises(VoiceError, match="embedded"):
        remove("kk-espeak")
