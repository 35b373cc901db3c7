"""The whole path: document -> segments -> spoken text -> audio clips -> programme -> files.

Each stage lives in its own package; this module only wires them together, in one
direction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from narrator.audio.assemble import Assembler, jittered_ms
from narrator.audio.export import OPUS_RATE, format_for, write_audio
from narrator.audio.programme import Programme
from narrator.cache import SegmentCache, voice_fingerprint
from narrator.config import Station
from narrator.engines.base import AudioChunk, SynthesisParams, Voice
from narrator.engines.chain import Fallback, VoiceChain
from narrator.errors import OutputError
from narrator.text.document import Document, Segment, SegmentKind
from narrator.text.normalize import NORMALIZER_VERSION, load_lexicon, normalize
from narrator.text.segment import segment_document, split_for_engine

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while synthesising."""


@dataclass(frozen=True)
class SpokenSegment:
    """A segment with its normalised text and synthesised audio."""

    segment: Segment
    spoken: str
    chunks: list[AudioChunk]
    voice_id: str


@dataclass
class Production:
    """What a run produced, with figures for the report."""

    output: Path
    programme: Programme
    segments: int
    fallbacks: list[Fallback] = field(default_factory=list)
    seconds: float = 0.0
    """Wall-clock time of the whole run."""


def make_chain(station: Station) -> VoiceChain:
    """The station's voice and its fallbacks, with its synthesis settings."""
    settings = station.voice
    params = SynthesisParams(
        rate_wpm=settings.rate_wpm, pitch=settings.pitch, speaker=settings.speaker
    )
    ids = [settings.id, *[v for v in settings.fallbacks if v != settings.id]]
    return VoiceChain(ids, params)


def plan_segments(document: Document, station: Station) -> list[Segment]:
    """The segments to speak, in order."""
    return segment_document(document)


def synthesise(
    segments: list[Segment],
    station: Station,
    chain: VoiceChain,
    progress: ProgressCallback | None = None,
    cache: SegmentCache | None = None,
) -> list[SpokenSegment]:
    """Normalise each segment, cut it into engine-sized chunks and synthesise them.

    With a ``cache``, a chunk already synthesised (by any earlier run) is reused.
    """
    lexicon = load_lexicon(station.text.lexicon) if station.text.lexicon else None
    fingerprints: dict[str, str] = {}

    def cache_key(voice: Voice, piece: str) -> str:
        if voice.id not in fingerprints:
            fingerprints[voice.id] = voice_fingerprint(voice)
        return SegmentCache.key(piece, fingerprints[voice.id], chain.params, NORMALIZER_VERSION)

    spoken_segments: list[SpokenSegment] = []
    for index, segment in enumerate(segments):
        spoken = normalize(segment.text, register=station.text.register, lexicon=lexicon)
        chunks: list[AudioChunk] = []
        voice_id = chain.voice_ids[0]
        for piece in split_for_engine(spoken, station.text.max_chunk_chars):
            # Look up under the primary voice: it is the one the chain would use.
            cached = cache.get(cache_key(chain.primary, piece)) if cache is not None else None
            if cached is not None:
                chunk, voice_id = cached, chain.primary.id
            else:
                chunk, voice = chain.synthesize(piece)
                if cache is not None:
                    # Filed under the voice that really spoke it (maybe a fallback).
                    cache.put(cache_key(voice, piece), chunk)
                voice_id = voice.id
            chunks.append(chunk)
        spoken_segments.append(SpokenSegment(segment, spoken, chunks, voice_id))
        if progress:
            progress(index + 1, len(segments))
    if cache is not None:
        cache.prune_if_grown()
    return spoken_segments


def pause_between(previous: Segment, following: Segment, station: Station) -> int:
    """Milliseconds of silence between two segments, from their places in the document."""
    pauses = station.pauses
    if previous.story != following.story:
        base = pauses.story_ms
    elif previous.kind is SegmentKind.TITLE or previous.paragraph != following.paragraph:
        base = pauses.paragraph_ms
    else:
        base = pauses.sentence_ms
    return jittered_ms(base, pauses.jitter_ms, previous.text + "\x00" + following.text)


def assemble(
    spoken: list[SpokenSegment], station: Station, title: str | None, sample_rate: int
) -> Programme:
    """Join spoken segments with pauses at ``sample_rate``; chapters follow the stories."""
    assembler = Assembler(sample_rate)
    previous: Segment | None = None
    for item in spoken:
        segment = item.segment
        if previous is not None:
            assembler.add_silence(pause_between(previous, segment, station))
        if previous is None or previous.story != segment.story:
            chapter = segment.story_title or (title if segment.story <= 0 else None)
            assembler.start_chapter(chapter or f"{segment.story + 1}")
        assembler.add_speech(item.chunks, segment.text, gap_ms=station.pauses.clause_ms)
        previous = segment
    return assembler.build(title)


def produce(
    document: Document,
    output: Path,
    station: Station,
    *,
    fmt: str | None = None,
    progress: ProgressCallback | None = None,
    cache: SegmentCache | None = None,
) -> Production:
    """Speak ``document`` into ``output`` (written atomically)."""
    started = time.perf_counter()
    output = Path(output)
    chosen = format_for(output, fmt or None)
    if output.is_dir():
        raise OutputError(f"{output}: is a directory")
    chain = make_chain(station)
    segments = plan_segments(document, station)
    spoken = synthesise(segments, station, chain, progress, cache)
    # Opus only exists at 48 kHz; every other format uses the station's rate.
    rate = OPUS_RATE if chosen == "opus" else station.audio.sample_rate
    programme = assemble(spoken, station, document.title, rate)
    write_audio(
        programme.samples,
        programme.sample_rate,
        output,
        chosen,
        bitrate_kbps=station.audio.bitrate_kbps,
    )
    return Production(
        output=output,
        programme=programme,
        segments=len(segments),
        fallbacks=list(chain.fallbacks),
        seconds=time.perf_counter() - started,
    )
