"""TTS engines behind one small interface (:class:`~narrator.engines.base.Voice`).

One module per engine: :mod:`.espeak` (embedded default), :mod:`.piper`, :mod:`.coqui`.
:func:`load_voice` turns a voice id into a loaded voice: the embedded ``kk-espeak``, a
voice installed with ``narrator voices install`` (see :mod:`.catalogue`), or the path of
a Piper ``.onnx`` file that is not installed (its config beside it, as Piper's
``--model`` takes it).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from narrator.engines.base import AudioChunk, SynthesisParams, Voice
from narrator.engines.catalogue import (
    EMBEDDED_VOICES,
    find_installed,
    installed_voices,
    load_catalogue,
    voices_dir,
)
from narrator.errors import VoiceError

# Engines of installed voices: engine name -> (module, Voice class).
_INSTALLABLE_ENGINES = {
    "piper": ("narrator.engines.piper", "PiperVoice"),
    "coqui": ("narrator.engines.coqui", "CoquiVoice"),
}


def load_voice(
    voice_id: str,
    params: SynthesisParams | None = None,
    directory: Path | str | None = None,
    *,
    threads: int | None = None,
) -> Voice:
    """Load the voice named ``voice_id``; a one-line :class:`VoiceError` if there is none.

    ``params`` may ask for the GPU (``extra={"gpu": "1"}``); ``directory`` is the voices
    directory (default: see :func:`~narrator.engines.catalogue.voices_dir`); ``threads``
    caps the intra-op threads of engines that use several (None: the engine's default).
    """
    if voice_id in EMBEDDED_VOICES:
        from narrator.engines.espeak import EspeakVoice

        return EspeakVoice.load(voice_id, EMBEDDED_VOICES[voice_id])
    if voice_id.lower().endswith(".onnx"):
        return _load_piper_file(voice_id, params)
    installed = find_installed(voice_id, directory)
    if installed is None:
        if voice_id in load_catalogue():
            raise VoiceError(
                f"voice {voice_id!r} is not installed; install it with: "
                f"narrator voices install {voice_id}"
            )
        known = ", ".join([*EMBEDDED_VOICES, *(v.id for v in installed_voices(directory))])
        raise VoiceError(
            f"unknown voice {voice_id!r} (installed: {known}; see 'narrator voices list')"
        )
    if installed.engine in _INSTALLABLE_ENGINES:
        # Imported only when used: each engine pulls in its own heavy runtime.
        module_name, class_name = _INSTALLABLE_ENGINES[installed.engine]
        voice_class = getattr(importlib.import_module(module_name), class_name)
        return voice_class.load(
            voice_id,
            installed.model_path,
            installed.config_path,
            speaker=installed.speaker,
            gpu=_wants_gpu(params, installed.gpu),
            threads=threads,
        )
    raise VoiceError(f"voice {voice_id!r} uses engine {installed.engine!r}, which needs no install")


def _load_piper_file(voice_id: str, params: SynthesisParams | None) -> Voice:
    """A Piper voice straight from its ``.onnx`` file (and ``.onnx.json`` beside it)."""
    model = Path(voice_id).expanduser()
    if not model.is_file():
        raise VoiceError(f"{voice_id}: no such voice file")
    from narrator.engines.piper import PiperVoice

    return PiperVoice.load(voice_id, model, None, gpu=_wants_gpu(params, False))


def _wants_gpu(params: SynthesisParams | None, configured: bool) -> bool:
    """The GPU is asked for by ``extra["gpu"]`` (which wins) or the voice's own setting."""
    value = (params.extra.get("gpu", "") if params else "").strip().lower()
    if value:
        return value in ("1", "true", "yes", "on", "cuda")
    return configured


__all__ = [
    "AudioChunk",
    "SynthesisParams",
    "Voice",
    "VoiceError",
    "load_voice",
    "voices_dir",
]
