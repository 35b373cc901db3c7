"""The Coqui engine on a tiny random VITS and an MMS-layout folder (``make test-coqui``).

These run only where ``coqui-tts`` (and torch) are installed: ``pytest -m coqui``.
"""

from __future__ import annotations

import logging
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from narrator.engines import load_voice
from narrator.engines.base import SynthesisParams
from narrator.engines.chain import VoiceChain
from narrator.engines.coqui import CoquiVoice
from narrator.engines.install import install
from narrator.errors import VoiceError
from tests.engines.conftest import FileServer, PiperModels
from tests.engines.models import build_mms_folder, build_vits
from tests.helpers import run_narrator

pytestmark = pytest.mark.coqui

SENTENCE = "Қайырлы таң, құрметті тыңдармандар"


@pytest.fixture(scope="module")
def vits(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    pytest.importorskip("TTS.api")
    return build_vits(tmp_path_factory.mktemp("vits") / "tiny-vits")


@pytest.fixture(scope="module")
def mms_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``kaz.tar.gz`` as Meta publishes MMS voices: a ``kaz/`` folder inside."""
    pytest.importorskip("TTS.api")
    root = tmp_path_factory.mktemp("mms")
    # Built under a "fairseq" path, so it also loads in place.
    build_mms_folder(root / "fairseq" / "kaz")
    archive = root / "kaz.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=1) as tar:
        tar.add(root / "fairseq" / "kaz", arcname="kaz")
    return archive


def test_tiny_vits_loads_through_the_tts_api(vits: tuple[Path, Path]) -> None:
    from TTS.api import TTS

    model, config = vits
    voice = CoquiVoice.load("tiny-vits", model, config)
    assert isinstance(voice.tts, TTS)
    assert voice.device == "cpu"
    assert voice.sample_rate == 22050
    assert voice.model_version.startswith("coqui:")
    (chunk,) = voice.synthesize(SENTENCE)
    assert chunk.sample_rate == 22050
    assert chunk.samples.dtype == np.float32
    assert chunk.duration > 0.2 and np.abs(chunk.samples).max() > 0


def test_rate_and_volume(vits: tuple[Path, Path]) -> None:
    import torch

    voice = CoquiVoice.load("tiny-vits", *vits)

    def speak(**params: int) -> np.ndarray:
        torch.manual_seed(1)  # VITS samples its durations: same noise for both runs
        return voice.synthesize_all(SENTENCE, SynthesisParams(**params)).samples

    slower, own_pace, faster = speak(rate_wpm=80), speak(rate_wpm=160), speak(rate_wpm=320)
    # Random weights predict tiny durations that round up, so not exactly proportional.
    assert len(slower) > len(own_pace) > len(faster)
    quieter = speak(rate_wpm=160, volume=50)
    assert np.abs(quieter).max() == pytest.approx(np.abs(own_pace).max() / 2, rel=1e-3)


def test_gpu_is_used_only_when_present(
    vits: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    import torch

    with caplog.at_level(logging.WARNING):
        voice = CoquiVoice.load("tiny-vits", *vits, gpu=True)
    if torch.cuda.is_available():
        assert voice.device == "cuda"
    else:
        assert voice.device == "cpu"
        assert "torch sees no GPU here; using the CPU" in caplog.text


def test_unknown_characters_are_reported_once(
    vits: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    voice = CoquiVoice.load("tiny-vits", *vits)
    with caplog.at_level(logging.WARNING):
        voice.synthesize_all("Сәлем, world")
        voice.synthesize_all("Hello")
    messages = [r.getMessage() for r in caplog.records if r.name == "narrator.engines.coqui"]
    assert len(messages) == 2  # 'w','o','r','l','d' first, then only the new 'h', 'e'
    assert "cannot say the characters 'w' 'o' 'r' 'l' 'd'" in messages[0]
    assert "'h' 'e'" in messages[1]


def test_without_the_extra_the_error_names_it(
    vits: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "TTS.api", None)
    with pytest.raises(VoiceError, match=r"install it with: pip install 'narrator\[coqui\]'"):
        CoquiVoice.load("tiny-vits", *vits)


def test_tiny_vits_end_to_end(tmp_path: Path, voices_dir: Path, vits: tuple[Path, Path]) -> None:
    installed = run_narrator("voices", "install", str(vits[0].parent), "--id", "kk-vits")
    assert installed.returncode == 0, installed.stderr
    article = tmp_path / "article.txt"
    article.write_text(f"{SENTENCE}!\n\nБүгін ауа райы жылы болады.\n", encoding="utf-8")
    out = tmp_path / "out.wav"
    result = run_narrator("speak", str(article), "-o", str(out), "--voice", "kk-vits")
    assert result.returncode == 0, result.stderr
    assert "fallback" not in result.stderr
    audio, _ = sf.read(out, dtype="float32")
    assert len(audio) > 0 and np.abs(audio).max() > 0


def test_mms_archive_from_a_url_installs_and_speaks(
    tmp_path: Path, voices_dir: Path, file_server: FileServer, mms_archive: Path
) -> None:
    (file_server.root / "kaz.tar.gz").write_bytes(mms_archive.read_bytes())
    voice = install(file_server.url("kaz.tar.gz"), progress=False, voice_id="kk-mms-test")
    assert voice.model == "fairseq/G_100000.pth"  # Coqui needs "fairseq" in the path
    assert (voice.engine, voice.sample_rate) == ("coqui", 16000)
    assert (voice.folder / "fairseq" / "vocab.txt").is_file()
    loaded = load_voice("kk-mms-test")
    assert loaded.sample_rate == 16000
    assert loaded.synthesize_all(SENTENCE.lower()).duration > 0.2

    article = tmp_path / "article.txt"
    article.write_text("бүгін ауа райы жылы болады\n", encoding="utf-8")
    out = tmp_path / "out.flac"
    result = run_narrator("speak", str(article), "-o", str(out), "--voice", "kk-mms-test", "-q")
    assert result.returncode == 0, result.stderr
    assert sf.info(out).frames > 0


def test_mms_folder_loads_in_place(mms_archive: Path) -> None:
    folder = mms_archive.parent / "fairseq" / "kaz"
    voice = CoquiVoice.load("mms", folder)
    assert voice.model_path == folder / "G_100000.pth"
    assert voice.sample_rate == 16000


def test_fallback_from_piper_to_mms_mixes_sample_rates(
    tmp_path: Path,
    voices_dir: Path,
    piper_models: PiperModels,
    file_server: FileServer,
    mms_archive: Path,
) -> None:
    install(str(piper_models.broken), progress=False, voice_id="kk-broken")
    install(str(mms_archive), progress=False, voice_id="kk-mms-test")
    chain = VoiceChain(["kk-broken", "kk-mms-test"], retries=0)
    assert chain.synthesize("бүгін")[0].sample_rate == 22050
    chunk, voice = chain.synthesize("қала")
    assert (voice.id, chunk.sample_rate) == ("kk-mms-test", 16000)

    article = tmp_path / "article.txt"
    article.write_text("Бүгін ауа райы жылы.\n\nҚала әкімдігі саябақ ашты.\n", encoding="utf-8")
    station = tmp_path / "station.toml"
    station.write_text('[voice]\nid = "kk-broken"\nfallbacks = ["kk-mms-test"]\n')
    out = tmp_path / "out.wav"
    result = run_narrator("speak", str(article), "-o", str(out), "--station", str(station))
    assert result.returncode == 0, result.stderr
    assert "fallback: kk-mms-test read 'Қала әкімдігі" in result.stderr
