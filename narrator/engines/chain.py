"""A voice with fallbacks: a segment that fails on one voice is retried, then handed on."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from narrator.engines import load_voice
from narrator.engines.base import AudioChunk, SynthesisParams, Voice
from narrator.errors import VoiceError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fallback:
    """A segment that was not synthesised by the first voice of the chain."""

    text: str
    failed_voice: str
    used_voice: str
    reason: str


@dataclass
class VoiceChain:
    """Voices in order of preference; the first that succeeds speaks a segment."""

    voice_ids: list[str]
    params: SynthesisParams = field(default_factory=SynthesisParams)
    retries: int = 1
    """Extra attempts on the same voice before falling back to the next one."""
    fallbacks: list[Fallback] = field(default_factory=list)
    _voices: dict[str, Voice] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.voice_ids:
            raise VoiceError("no voice configured")
        self.voice(self.voice_ids[0])  # fail fast on an unknown primary voice

    def voice(self, voice_id: str) -> Voice:
        """The loaded voice ``voice_id`` (loaded once)."""
        if voice_id not in self._voices:
            self._voices[voice_id] = load_voice(voice_id)
        return self._voices[voice_id]

    @property
    def primary(self) -> Voice:
        return self.voice(self.voice_ids[0])

    def synthesize(self, text: str) -> tuple[AudioChunk, Voice]:
        """Audio for ``text`` and the voice that produced it."""
        errors: list[str] = []
        for voice_id in self.voice_ids:
            for _attempt in range(self.retries + 1):
                try:
                    voice = self.voice(voice_id)
                    chunk = voice.synthesize_all(text, self.params)
                except Exception as exc:  # any engine failure is recoverable here
                    errors.append(f"{voice_id}: {exc}")
                    log.warning("voice %s failed on %r: %s", voice_id, text[:60], exc)
                    continue
                if voice_id != self.voice_ids[0]:
                    self.fallbacks.append(
                        Fallback(text, self.voice_ids[0], voice_id, errors[-1] if errors else "")
                    )
                return chunk, voice
        raise VoiceError(f"no voice could synthesise {text[:60]!r}: {'; '.join(errors)}")
