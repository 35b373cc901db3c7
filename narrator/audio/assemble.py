"""Joining synthesised speech, pauses and jingles into one programme, at the output rate.

Everything is placed on one timeline whose timings are exact, because transcripts and
chapters are written from them. The speech is handed on block by block as it is laid
(to a spool, in production); jingles and the bed are only placed on the timeline, and
a :class:`Mixer` mixes them in when the programme is rendered, at levels set against
the speech's measured loudness. Each synthesised piece is resampled once to the
output rate, trimmed to its audible part plus a short quiet margin, and faded over
that margin; pauses are measured from the end of one audible piece to the start of
the next, so a 450 ms sentence pause is 450 ms of quiet in the file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Callable
from functools import cached_property

import numpy as np
import soxr

from narrator.audio.jingle import lay_bed
from narrator.audio.loudness import integrated_loudness
from narrator.audio.programme import Bed, Chapter, Clip, Cue, Programme
from narrator.engines.base import AudioChunk

FADE_MS = 8
"""Fade at every cut (5-10 ms is inaudible as a fade and removes the click)."""
SILENCE_THRESHOLD_DB = -50.0
"""Audio quieter than this (RMS over 1 ms) at the edges of a piece is trimmed."""
REFERENCE_LUFS = -23.0
"""Speech loudness assumed when a programme has too little speech to measure."""


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """High-quality resampling (libsoxr, VHQ); a no-op when the rates agree."""
    if from_rate == to_rate or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    return soxr.resample(samples, from_rate, to_rate, quality="VHQ").astype(np.float32)


def _ramp(length: int) -> np.ndarray:
    return (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, length))).astype(np.float32)


def apply_fades(samples: np.ndarray, rate: int, ms: int = FADE_MS) -> np.ndarray:
    """Short raised-cosine fades in and out."""
    length = min(len(samples) // 2, rate * ms // 1000)
    if length == 0:
        return samples
    ramp = _ramp(length)
    out = samples.copy()
    out[:length] *= ramp
    out[-length:] *= ramp[::-1]
    return out


def trim_silence(
    samples: np.ndarray,
    rate: int,
    threshold_db: float = SILENCE_THRESHOLD_DB,
    margin_ms: int = FADE_MS,
) -> np.ndarray:
    """Cut ``samples`` to its audible part with exactly ``margin_ms`` of margin each side.

    The audible part runs from the first to the last millisecond whose RMS is above
    ``threshold_db``. The margins are faded (so the fades lie on near-silence and the
    speech itself is untouched) and padded with zeros where the piece had less quiet
    around it, so that the speech always begins ``margin_ms`` into the result.
    Returns an empty array when nothing is audible.
    """
    margin = rate * margin_ms // 1000
    frame = max(1, rate // 1000)
    frames = len(samples) // frame
    if frames == 0:
        return samples[:0]
    blocks = samples[: frames * frame].reshape(frames, frame).astype(np.float64)
    loud = np.flatnonzero(np.sqrt(np.mean(blocks**2, axis=1)) > 10 ** (threshold_db / 20))
    if len(loud) == 0:
        return samples[:0]
    # To the sample: the first and last samples above the threshold in those frames.
    level = 10 ** (threshold_db / 20)
    first = samples[int(loud[0]) * frame : int(loud[0] + 1) * frame]
    last = samples[int(loud[-1]) * frame : int(loud[-1] + 1) * frame]
    onset = int(loud[0]) * frame + int(np.argmax(np.abs(first) > level))
    offset = int(loud[-1]) * frame + frame - int(np.argmax(np.abs(last[::-1]) > level))
    start, stop = onset - margin, offset + margin
    piece = apply_fades(samples[max(0, start) : min(len(samples), stop)], rate, margin_ms)
    before, after = max(0, -start), max(0, stop - len(samples))
    if before or after:
        piece = np.concatenate([np.zeros(before, np.float32), piece, np.zeros(after, np.float32)])
    return piece.astype(np.float32, copy=False)


def jittered_ms(base_ms: int, jitter_ms: int, key: str) -> int:
    """``base_ms`` varied by up to ``jitter_ms`` either way, decided by ``key`` (repeatable)."""
    if jitter_ms <= 0:
        return base_ms
    digest = hashlib.blake2b(key.encode(), digest_size=4).digest()
    fraction = int.from_bytes(digest, "big") / 0xFFFFFFFF  # 0..1
    return max(0, base_ms + round((2 * fraction - 1) * jitter_ms))


class Assembler:
    """Builds a :class:`Programme` piece by piece, keeping exact timings.

    A pause asked for with :meth:`add_pause` is laid only when the next piece arrives,
    so that the quiet margins of the pieces on both sides count towards it.
    Chapters open and close at the onset of the next speech or jingle.
    """

    def __init__(
        self,
        sample_rate: int,
        *,
        fade_ms: int = FADE_MS,
        sink: Callable[[np.ndarray], None] | None = None,
    ) -> None:
        """``sink`` receives the speech track block by block, in order; without one the
        programme is kept in memory and :meth:`build` renders it."""
        self.sample_rate = sample_rate
        self.sink = sink
        self.fade_ms = fade_ms
        self.margin = sample_rate * fade_ms // 1000
        self.programme = Programme(sample_rate)
        """The timeline so far. It only grows: what it says of the frames already handed
        to the sink is final, so pass 2 can follow close behind."""
        self.cues: list[Cue] = self.programme.cues
        self.chapters: list[Chapter] = self.programme.chapters
        self.gaps: list[tuple[int, int]] = self.programme.gaps
        self.speech: list[tuple[int, int]] = self.programme.speech
        """Frame ranges of audible speech (what a music bed ducks under)."""
        self._parts: list[np.ndarray] = []
        self._frames = 0
        self._pending = 0  # frames of pause asked for and not yet laid
        self._tail = 0  # quiet frames at the end of the last piece
        self._chapter: tuple[int, str] | None = None  # the open chapter: start frame, title
        self._next_title: str | None = None
        self._closing = False

    @property
    def position(self) -> float:
        """Length laid so far, in seconds (pending pauses not included)."""
        return self._frames / self.sample_rate

    def _frames_for(self, ms: float) -> int:
        return round(self.sample_rate * ms / 1000)

    def add_pause(self, ms: int) -> None:
        """Ask for ``ms`` of quiet between the audible end of the last piece and the next."""
        self._pending += self._frames_for(ms)

    def _lay(self, samples: np.ndarray, lead: int, clip: Clip | None = None) -> int:
        """Lay the pending pause, then ``samples`` (audible from ``lead`` frames in).

        Returns the frame where the audible part begins. A ``clip`` is placed there
        (before the frames reach the sink, so no reader sees them without it).
        """
        silence = max(0, self._pending - self._tail - lead)
        if silence:
            self.gaps.append((self._frames, self._frames + silence))
            self._append(np.zeros(silence, dtype=np.float32))
        self._pending = 0
        onset = self._frames + lead
        if self._closing and self._chapter is not None:
            start, title = self._chapter
            self.chapters.append(Chapter(start / self.sample_rate, onset / self.sample_rate, title))
            self._chapter = None
        self._closing = False
        if self._next_title is not None:
            self._chapter = (onset, self._next_title)
            self._next_title = None
        if clip is not None:
            self.programme.clips.append(dataclasses.replace(clip, start=onset))
        self._append(samples)
        return onset

    def _append(self, samples: np.ndarray) -> None:
        if len(samples):
            block = samples.astype(np.float32, copy=False)
            if self.sink is not None:
                self.sink(block)
            else:
                self._parts.append(block)
            self._frames += len(samples)
            self.programme.frames = self._frames

    def add_speech(
        self, chunks: list[AudioChunk], text: str, *, gap_ms: int = 0, pause_ms: int = 0
    ) -> Cue | None:
        """Append one sentence (its chunks ``gap_ms`` apart) after ``pause_ms`` of quiet,
        and record its cue.

        Returns ``None`` (and adds nothing, not even the pause) when no chunk has
        anything audible.
        """
        pieces = [
            trim_silence(
                resample(chunk.samples, chunk.sample_rate, self.sample_rate),
                self.sample_rate,
                margin_ms=self.fade_ms,
            )
            for chunk in chunks
        ]
        pieces = [piece for piece in pieces if len(piece)]
        if not pieces:
            return None
        self.add_pause(pause_ms)
        start = 0
        for index, piece in enumerate(pieces):
            if index:
                self.add_pause(gap_ms)
            onset = self._lay(piece, self.margin)
            start = onset if index == 0 else start
            self._tail = self.margin
            self.speech.append((onset, self._frames - self.margin))
        cue = Cue(start / self.sample_rate, (self._frames - self.margin) / self.sample_rate, text)
        self.cues.append(cue)
        return cue

    def add_clip(self, samples: np.ndarray, *, level_lu: float = 0.0) -> None:
        """Reserve room for a jingle (at the output rate); it sits ``level_lu`` from the speech."""
        clip = Clip(0, samples.astype(np.float32, copy=False), level_lu)
        self._lay(np.zeros(len(samples), dtype=np.float32), 0, clip)
        self._tail = 0

    def set_bed(self, samples: np.ndarray, *, level_lu: float, duck_db: float) -> None:
        """Loop ``samples`` under the speech, ``level_lu`` from the speech in the gaps and
        ``duck_db`` below the speech while someone speaks."""
        self.programme.bed = Bed(samples.astype(np.float32, copy=False), level_lu, duck_db)

    def start_chapter(self, title: str) -> None:
        """Close the open chapter and open ``title``, both at the next onset."""
        self._closing = True
        self._next_title = title

    def end_chapter(self) -> None:
        """Close the open chapter at the next onset (or at the end of the programme)."""
        self._closing = True

    def build(self, title: str | None = None) -> Programme:
        """The finished timeline; rendered (speech, jingles, bed) when kept in memory."""
        self._next_title = None  # a chapter opened with nothing after it has no content
        if self._pending:
            self._lay(np.zeros(0, dtype=np.float32), 0)
        if self._chapter is not None:
            start, name = self._chapter
            self.chapters.append(Chapter(start / self.sample_rate, self.position, name))
            self._chapter = None
        programme = self.programme
        programme.title = title
        if self.sink is None:
            speech = np.concatenate(self._parts) if self._parts else np.zeros(0, np.float32)
            mixer = Mixer(programme, integrated_loudness(speech, self.sample_rate))
            programme.samples = mixer.mix(speech.copy(), 0)
        return programme


class Mixer:
    """Mixes a programme's jingles and bed into its speech, block by block.

    Jingles and the bed are levelled against the speech (``speech_lufs``, measured
    while it was laid), whatever the voice's own level. The programme may still be
    growing: a jingle's gain is worked out when it is first met.
    """

    def __init__(self, programme: Programme, speech_lufs: float) -> None:
        self.programme = programme
        self.reference = speech_lufs if math.isfinite(speech_lufs) else REFERENCE_LUFS
        self._clip_gains: list[float] = []

    def _gain(self, samples: np.ndarray, level_lu: float) -> float:
        loudness = integrated_loudness(samples, self.programme.sample_rate)
        gain_db = self.reference + level_lu - loudness if math.isfinite(loudness) else 0.0
        return float(10 ** (gain_db / 20))

    @property
    def clip_gains(self) -> list[float]:
        """The linear gain of each jingle placed so far."""
        for clip in self.programme.clips[len(self._clip_gains) :]:
            self._clip_gains.append(self._gain(clip.samples, clip.level_lu))
        return self._clip_gains

    @cached_property
    def _bed_samples(self) -> np.ndarray | None:
        bed = self.programme.bed
        if bed is None or not self.programme.speech:
            return None
        return bed.samples * np.float32(self._gain(bed.samples, bed.level_lu))

    def mix(self, block: np.ndarray, start: int) -> np.ndarray:
        """``block`` (speech frames from ``start``, mono) with jingles and bed mixed in."""
        stop = start + len(block)
        for clip, gain in zip(self.programme.clips, self.clip_gains, strict=True):
            lo, hi = max(start, clip.start), min(stop, clip.start + len(clip.samples))
            if lo < hi:
                piece = clip.samples[lo - clip.start : hi - clip.start]
                block[lo - start : hi - start] += piece * np.float32(gain)
        bed = self.programme.bed
        if bed is not None and self._bed_samples is not None:
            block += lay_bed(
                self._bed_samples,
                self.programme.frames,
                self.programme.sample_rate,
                self.programme.speech,
                duck_db=max(0.0, bed.duck_db + bed.level_lu),
                start=start,
                stop=stop,
            )
        return block
