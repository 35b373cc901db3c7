"""Coqui TTS voices (PyPI ``coqui-tts``, imported as ``TTS``): the optional extra.

Two layouts load:

* a Coqui checkpoint: ``model.pth`` (or any ``*.pth``) and its ``config.json``, through
  ``TTS(model_path=..., config_path=...)``;
* an MMS folder as Meta publishes it (``G_100000.pth``, ``config.json``, ``vocab.txt``):
  Coqui recognises MMS by ``fairseq`` in the checkpoint's path, so narrator installs
  such folders under ``<voice>/fairseq/``. The MMS config is fairseq's, not Coqui's, so
  only the checkpoint path is handed to ``TTS``.

Voices run on the CPU unless the GPU is asked for (``extra={"gpu": "1"}`` or the
voice's ``gpu`` setting) and torch sees one. The speaking rate maps to VITS's
``length_scale`` as for Piper (160 wpm is the model's own pace). torch and ``TTS`` are
imported only when a Coqui voice is loaded: without the extra, loading one is a
one-line :class:`VoiceError` with the install command.
"""

from __future__ import annotations

import io
import logging
import pickletools
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from narrator.engines.base import AudioChunk, SynthesisParams, Voice
from narrator.engines.catalogue import file_sha256, first_line
from narrator.engines.piper import length_scale_for
from narrator.errors import VoiceError

log = logging.getLogger(__name__)
_PHONEMES = re.compile(r"\[\[.*?\]\]", re.S)

INSTALL_HINT = "pip install 'narrator[coqui]'"
MMS_MARKER = "fairseq"
"""Coqui loads a checkpoint as MMS when this word is in its path."""


def _import_tts() -> Any:
    try:
        from TTS.api import TTS
    except ModuleNotFoundError as exc:
        raise VoiceError(
            f"Coqui voices need the Coqui TTS engine (no module {exc.name!r}); "
            f"install it with: {INSTALL_HINT}"
        ) from exc
    except Exception as exc:  # torch/torchaudio builds that do not match fail variously
        raise VoiceError(
            f"the Coqui TTS engine does not import ({first_line(exc)}); "
            f"reinstall it with: {INSTALL_HINT}"
        ) from exc
    # narrator reports unknown characters itself (in CoquiVoice.synthesize), in one line;
    # and text is never split by Coqui, so its "English sentence splitting" notice for
    # Kazakh models does not apply.
    logging.getLogger("TTS.tts.utils.text.tokenizer").setLevel(logging.ERROR)
    logging.getLogger("TTS.tts.utils.languages").setLevel(logging.ERROR)
    return TTS


LEGACY_MAGIC = bytes.fromhex("80028a0a6cfc9c46f9206aa85019")
"""How a pre-1.6 (non-zip) PyTorch checkpoint starts: a pickled magic number."""
MAX_PICKLE_BYTES = 64 << 20
"""A checkpoint's pickled structure is kilobytes; its tensors are separate entries."""


def check_checkpoint(path: Path) -> None:
    """Check that ``path`` is a well-formed PyTorch checkpoint, without torch.

    A checkpoint (``torch.save``) is a zip holding ``*/data.pkl`` (the structure, a
    pickle) and one entry per tensor. The zip's CRCs are checked and the pickle is
    walked opcode by opcode (``pickletools``: nothing is imported or executed), so a
    truncated, garbage or non-checkpoint file is caught when the Coqui engine is not
    installed to load it. Pre-1.6 checkpoints (a plain pickle) are recognised by their
    magic number. A one-line :class:`VoiceError` names the file and the fault.
    """

    def refuse(reason: str) -> VoiceError:
        return VoiceError(f"{path} is not a PyTorch checkpoint ({reason})")

    try:
        with open(path, "rb") as handle:
            head = handle.read(len(LEGACY_MAGIC))
        if head == LEGACY_MAGIC:
            return
        if not zipfile.is_zipfile(path):
            raise refuse("neither a torch zip archive nor a legacy torch pickle")
        with zipfile.ZipFile(path) as archive:
            structures = [n for n in archive.namelist() if n.endswith("/data.pkl")]
            if len(structures) != 1:
                raise refuse("no data.pkl in the archive")
            if archive.getinfo(structures[0]).file_size > MAX_PICKLE_BYTES:
                raise refuse("its data.pkl is implausibly large")
            damaged = archive.testzip()
            if damaged is not None:
                raise refuse(f"entry {damaged} is damaged")
            opcodes = list(pickletools.genops(io.BytesIO(archive.read(structures[0]))))
    except VoiceError:
        raise
    except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise refuse(str(exc) or type(exc).__name__) from None
    if not opcodes or opcodes[-1][0].name != "STOP":
        raise refuse("its data.pkl is incomplete")


def is_mms_folder(folder: Path) -> bool:
    """True for a folder laid out as Meta's MMS TTS releases (fairseq VITS)."""
    return (folder / "vocab.txt").is_file() and any(folder.glob("G_*.pth"))


@dataclass
class CoquiVoice(Voice):
    """A loaded Coqui TTS model."""

    id: str
    """narrator's id for the voice."""
    model_path: Path
    """The checkpoint (``model.pth``, or ``.../fairseq/G_100000.pth`` for MMS)."""
    tts: Any = field(repr=False)
    """The ``TTS.api.TTS`` object doing the work."""
    device: str = "cpu"
    """``cpu`` or ``cuda``."""
    speaker: str | None = None
    """Default speaker of a multi-speaker model."""
    engine: str = "coqui"
    _length_scale: float = 1.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(
        cls,
        voice_id: str,
        model_path: Path,
        config_path: Path | None = None,
        *,
        speaker: str | None = None,
        gpu: bool = False,
        threads: int | None = None,
    ) -> CoquiVoice:
        """Load a Coqui checkpoint (with ``config_path``) or an MMS checkpoint.

        ``model_path`` may also be an MMS folder; a Coqui checkpoint without
        ``config_path`` uses ``config.json`` beside it. ``threads`` caps torch's
        intra-op threads in this process (None: torch's default).
        """
        model_path = Path(model_path)
        if model_path.is_dir():
            if not is_mms_folder(model_path):
                raise VoiceError(f"Coqui voice {voice_id!r}: {model_path} is not an MMS folder")
            model_path = sorted(model_path.glob("G_*.pth"))[-1]
        if not model_path.is_file():
            raise VoiceError(f"Coqui voice {voice_id!r}: {model_path} does not exist")
        mms = is_mms_folder(model_path.parent)
        if mms and MMS_MARKER not in str(model_path):
            raise VoiceError(
                f"Coqui voice {voice_id!r}: an MMS checkpoint must be in a path containing "
                f"'{MMS_MARKER}' ({model_path}); install it with 'narrator voices install'"
            )
        if not mms:
            config_path = Path(config_path) if config_path else model_path.parent / "config.json"
            if not config_path.is_file():
                raise VoiceError(f"Coqui voice {voice_id!r}: {config_path} does not exist")
        tts_cls = _import_tts()
        import torch

        if threads is not None:
            torch.set_num_threads(threads)
        device = "cpu"
        if gpu:
            if torch.cuda.is_available():
                device = "cuda"
            else:
                log.warning("voice %s: torch sees no GPU here; using the CPU", voice_id)
        try:
            tts = tts_cls(
                model_path=str(model_path),
                config_path=None if mms else str(config_path),
                progress_bar=False,
            ).to(device)
        except Exception as exc:  # Coqui raises many kinds of errors on a bad model
            raise VoiceError(
                f"Coqui voice {voice_id!r} does not load from {model_path}: {first_line(exc)}"
            ) from exc
        voice = cls(voice_id, model_path, tts, device, speaker)
        voice._length_scale = float(getattr(tts.synthesizer.tts_model, "length_scale", 1.0))
        if speaker is not None:
            voice.check_speaker(speaker)
        return voice

    @property
    def sample_rate(self) -> int:  # type: ignore[override]
        return int(self.tts.synthesizer.output_sample_rate)

    @cached_property
    def model_version(self) -> str:  # type: ignore[override]
        """``coqui:`` and the first 16 hex digits of the checkpoint's SHA-256."""
        return f"coqui:{file_sha256(self.model_path)[:16]}"

    @property
    def speakers(self) -> list[str]:
        """Speaker names of a multi-speaker model (empty otherwise)."""
        return list(self.tts.speakers or []) if self.tts.is_multi_speaker else []

    def check_speaker(self, speaker: str | None) -> str | None:
        """The speaker to pass to Coqui (None for a single-speaker model)."""
        if not self.tts.is_multi_speaker:
            return None
        if speaker is None:
            return self.speakers[0] if self.speakers else None
        if speaker not in self.speakers:
            known = ", ".join(self.speakers) or "none"
            raise VoiceError(f"voice {self.id!r} has no speaker {speaker!r} (speakers: {known})")
        return speaker

    def synthesize(self, text: str, params: SynthesisParams | None = None) -> Iterator[AudioChunk]:
        """One chunk for ``text`` (narrator has already cut it to sentence size).

        ``[[phonemes]]`` (SSML ``<phoneme alphabet="x-espeak">``) cannot reach a Coqui
        model, which reads characters: they are left out, with a warning."""
        params = params or SynthesisParams()
        if "[[" in text:
            log.warning("voice %s takes no phonemes: %r left out", self.id, text[:60])
            text = " ".join(_PHONEMES.sub(" ", text).split())
        speaker = self.check_speaker(params.speaker or self.speaker)
        length_scale = length_scale_for(params.rate_wpm, self._length_scale)
        model = self.tts.synthesizer.tts_model
        unknown = model.tokenizer.not_found_characters
        # length_scale is model state, so one synthesis at a time per loaded voice.
        with self._lock:
            known_unknown = len(unknown)
            model.length_scale = length_scale
            try:
                wav = self.tts.tts(text, speaker=speaker, split_sentences=False)
            except Exception as exc:  # torch and tokenizer errors have no common base
                raise VoiceError(
                    f"voice {self.id!r} failed on {text[:40]!r}: {first_line(exc)}"
                ) from exc
            finally:
                model.length_scale = self._length_scale
            missing = unknown[known_unknown:]
        if missing:
            # Coqui's tokenizer drops characters it has no id for (and remembers them).
            log.warning(
                "voice %s cannot say the characters %s (skipped; first seen in %r)",
                self.id,
                " ".join(repr(c) for c in missing),
                text[:60],
            )
        samples = np.asarray(wav, dtype=np.float32) * (params.volume / 100)
        yield AudioChunk(np.clip(samples, -1.0, 1.0), self.sample_rate)
