"""TTS engines behind one small interface (:class:`~narrator.engines.base.Voice`).

One module per engine: :mod:`.espeak` (embedded default), :mod:`.piper`, :mod:`.coqui`.
:func:`load_voice` turns a voice id into a loaded voice.
"""

from __future__ import annotations

from narrator.engines.base import AudioChunk, SynthesisParams, Voice
from narrator.errors import VoiceError

DEFAULT_VOICE = "kk-espeak"

# Voices that need no installation: id -> espeak-ng voice name.
EMBEDDED_VOICES = {"kk-espeak": "kk"}


def load_voice(voice_id: str) -> Voice:
    """Load the voice named ``voice_id``; a clear :class:`VoiceError` if there is none."""
    if voice_id in EMBEDDED_VOICES:
        from narrator.engines.espeak import EspeakVoice

        return EspeakVoice.load(voice_id, EMBEDDED_VOICES[voice_id])
    known = ", ".join(sorted(EMBEDDED_VOICES))
    raise VoiceError(f"unknown voice {voice_id!r} (known voices: {known}; see 'narrator voices list')")


__all__ = ["DEFAULT_VOICE", "AudioChunk", "SynthesisParams", "Voice", "VoiceError", "load_voice"]
