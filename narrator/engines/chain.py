"""A voice with fallbacks: a segment that fails on one voice is retried, then handed on."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from narrator.engines import load_voice
from narrator.engines.base import AudioChunk, SynthesisParams, Voice
from narrator.engines.catalogue import first_line
from narrator.errors import VoiceError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fallback:
    """A segment that was not synthesised by the first voice of the chain."""

    text: str
    """The text of the segment."""
    failed_voice: str
    """The chain's first voice, which failed on it."""
    used_voice: str
    """The voice that read it instead."""
    reason: str
    """Why the first voice failed (its last error, one line)."""


@dataclass
class VoiceChain:
    """Voices in order of preference; the first that succeeds speaks a segment.

    A voice that fails on a segment is tried ``retries`` more times (engines can fail
    transiently, e.g. out of memory), then the next voice is tried. A voice that does
    not even load is skipped at once, and not loaded again for later segments.
    """

    voice_ids: list[str]
    """Voice ids, the preferred one first."""
    params: SynthesisParams = field(default_factory=SynthesisParams)
    """Synthesis settings handed to every voice."""
    retries: int = 1
    """Extra attempts on the same voice before falling back to the next one."""
    voices_dir: Path | None = None
    """Where installed voices live (None: the default, see ``voices_dir()``)."""
    threads: int | None = None
    """Intra-op threads per voice, for engines that have them (None: the engine's default)."""
    fallbacks: list[Fallback] = field(default_factory=list)
    """Every segment read by another voice than the first, in order."""
    _voices: dict[str, Voice] = field(default_factory=dict, repr=False)
    _unloadable: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.voice_ids:
            raise VoiceError("no voice configured")
        self.voice(self.voice_ids[0])  # fail fast on an unknown or broken primary voice

    def voice(self, voice_id: str) -> Voice:
        """The loaded voice ``voice_id`` (loaded once; a load failure is remembered)."""
        if voice_id in self._unloadable:
            raise VoiceError(self._unloadable[voice_id])
        if voice_id not in self._voices:
            try:
                self._voices[voice_id] = load_voice(
                    voice_id, self.params, self.voices_dir, threads=self.threads
                )
            except VoiceError as exc:
                self._unloadable[voice_id] = str(exc)
                raise
        return self._voices[voice_id]

    @property
    def primary(self) -> Voice:
        """The preferred voice."""
        return self.voice(self.voice_ids[0])

    def synthesize(
        self, text: str, params: SynthesisParams | None = None
    ) -> tuple[AudioChunk, Voice]:
        """Audio for ``text`` and the voice that produced it, spoken with ``params``
        (None: the chain's).

        A :class:`VoiceError` naming every voice's last error if none can read it.
        """
        params = params or self.params
        errors: dict[str, str] = {}
        for voice_id in self.voice_ids:
            try:
                voice = self.voice(voice_id)
            except VoiceError as exc:
                errors[voice_id] = str(exc)
                continue
            for attempt in range(self.retries + 1):
                try:
                    chunk = voice.synthesize_all(text, params)
                except Exception as exc:  # any engine failure is recoverable here
                    errors[voice_id] = first_line(exc)
                    # INFO: the run reports the segments that fell back; this is the detail.
                    log.info(
                        "voice %s failed on %r (attempt %d): %s",
                        voice_id,
                        text[:60],
                        attempt + 1,
                        errors[voice_id],
                    )
                    continue
                if voice_id != self.voice_ids[0]:
                    primary = self.voice_ids[0]
                    self.fallbacks.append(Fallback(text, primary, voice_id, errors[primary]))
                return chunk, voice
        summary = "; ".join(f"{vid}: {err}" for vid, err in errors.items())
        raise VoiceError(f"no voice could read {text[:60]!r} ({summary})")
