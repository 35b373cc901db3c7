"""The whole path: document -> segments -> spoken text -> audio clips -> programme -> files.

Each stage lives in its own package; this module only wires them together, in one
direction.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from narrator.audio.assemble import Assembler, jittered_ms
from narrator.audio.export import OPUS_RATE, encode_to_targets, format_for, headroom_for
from narrator.audio.jingle import jingle, load_audio
from narrator.audio.master import MasteringReport, fill_gaps, master
from narrator.audio.programme import Programme
from narrator.audio.sidecars import write_sidecars
from narrator.audio.tags import TagInfo, load_cover, write_tags
from narrator.cache import SegmentCache, voice_fingerprint
from narrator.config import Station
from narrator.engines.base import AudioChunk, SynthesisParams, Voice
from narrator.engines.chain import Fallback, VoiceChain
from narrator.errors import InputError, OutputError
from narrator.fsutil import atomic_path
from narrator.text.bulletin import Bulletin, bulletin_for, plan
from narrator.text.document import Document, Segment, SegmentKind
from narrator.text.normalize import NORMALIZER_VERSION, load_lexicon, normalize
from narrator.text.segment import split_for_engine

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
    """The finished programme: mastered samples, cues and chapters."""
    segments: int
    fallbacks: list[Fallback] = field(default_factory=list)
    seconds: float = 0.0
    """Wall-clock time of the whole run."""
    sidecars: dict[str, Path] = field(default_factory=dict)
    """``vtt``, ``srt`` and ``chapters`` (Podcasting 2.0 JSON) files beside the audio."""
    loudness_lufs: float = float("-inf")
    """Integrated loudness of the decoded output file."""
    true_peak_dbtp: float = float("-inf")
    """True peak (4x oversampled) of the decoded output file."""
    bulletin: Bulletin | None = None

    @property
    def report(self) -> str:
        """The one-line mastering report: duration, integrated loudness, true peak."""
        figures = MasteringReport(self.programme.duration, self.loudness_lufs, self.true_peak_dbtp)
        return f"{self.output}: {figures}"


def make_chain(station: Station) -> VoiceChain:
    """The station's voice and its fallbacks, with its synthesis settings."""
    settings = station.voice
    params = SynthesisParams(
        rate_wpm=settings.rate_wpm, pitch=settings.pitch, speaker=settings.speaker
    )
    ids = [settings.id, *[v for v in settings.fallbacks if v != settings.id]]
    return VoiceChain(ids, params, voices_dir=settings.voices_dir)


def plan_segments(
    document: Document, station: Station, bulletin: Bulletin | None = None
) -> list[Segment]:
    """The segments to speak, in order: intro, headlines, the stories, outro."""
    return plan(document, station, bulletin or bulletin_for(document, station))


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


_AROUND_STORIES = frozenset({SegmentKind.INTRO, SegmentKind.HEADLINE, SegmentKind.OUTRO})


def pause_between(previous: Segment, following: Segment, station: Station) -> int:
    """Milliseconds of quiet between two segments, from their places in the bulletin."""
    pauses = station.pauses
    if previous.kind in _AROUND_STORIES or following.kind in _AROUND_STORIES:
        if previous.kind is following.kind and previous.kind is not SegmentKind.HEADLINE:
            base = pauses.sentence_ms  # the sentences of the intro, or of the outro
        elif following.kind is SegmentKind.HEADLINE:
            base = pauses.paragraph_ms  # headline after headline, or after the intro
        else:
            base = pauses.story_ms  # into the first story, or out of the last
    elif previous.story != following.story:
        base = pauses.story_ms
    elif previous.kind is SegmentKind.TITLE or previous.paragraph != following.paragraph:
        base = pauses.paragraph_ms
    else:
        base = pauses.sentence_ms
    return jittered_ms(base, pauses.jitter_ms, previous.text + "\x00" + following.text)


def assemble(
    spoken: list[SpokenSegment],
    station: Station,
    title: str | None,
    sample_rate: int,
    *,
    intro_jingle: np.ndarray | None = None,
    outro_jingle: np.ndarray | None = None,
    bed: np.ndarray | None = None,
) -> Programme:
    """Lay the bulletin out at ``sample_rate``: jingle, intro, headlines, stories, outro,
    jingle, with pauses as data; one chapter per story."""
    pauses, audio = station.pauses, station.audio
    assembler = Assembler(sample_rate)
    if intro_jingle is not None:
        assembler.add_clip(intro_jingle, level_lu=audio.jingle_level_lu)
        assembler.add_pause(pauses.jingle_ms)
    previous: Segment | None = None
    for item in spoken:
        segment = item.segment
        pause = pause_between(previous, segment, station) if previous is not None else 0
        if segment.story >= 0 and (previous is None or previous.story != segment.story):
            assembler.start_chapter(segment.story_title or f"{segment.story + 1}")
        elif segment.kind is SegmentKind.OUTRO and previous is not None and previous.story >= 0:
            assembler.end_chapter()
        cue = assembler.add_speech(
            item.chunks, segment.text, gap_ms=pauses.clause_ms, pause_ms=pause
        )
        if cue is not None:
            previous = segment
    if outro_jingle is not None:
        assembler.end_chapter()
        assembler.add_pause(pauses.jingle_ms)
        assembler.add_clip(outro_jingle, level_lu=audio.jingle_level_lu)
    if bed is not None:
        assembler.set_bed(bed, level_lu=audio.bed_level_lu, duck_db=audio.bed_duck_db)
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
    """Speak ``document`` as a bulletin into ``output``, with its sidecars.

    plan -> synthesise -> assemble -> master -> encode (true peak checked on the
    decoded file) -> tags -> sidecars. The audio is written atomically and before
    its transcript and chapters, so nothing ever points at a half-written file.
    """
    started = time.perf_counter()
    output = Path(output)
    chosen = format_for(output, fmt or None)
    if output.is_dir():
        raise OutputError(f"{output}: is a directory")
    audio = station.audio
    if audio.channels not in (1, 2):
        raise InputError(f"{station.path or 'station'}: audio.channels must be 1 or 2")
    # Opus only exists at 48 kHz; every other format uses the station's rate.
    rate = OPUS_RATE if chosen == "opus" else audio.sample_rate
    # Files the station names are read before any synthesis, so a typo fails fast.
    intro = jingle(audio.intro_jingle, "intro", rate) if audio.jingles else None
    outro = jingle(audio.outro_jingle, "outro", rate) if audio.jingles else None
    bed = load_audio(audio.music_bed, rate) if audio.music_bed else None
    cover = load_cover(audio.cover) if audio.cover else None
    bulletin = bulletin_for(document, station)
    chain = make_chain(station)
    segments = plan_segments(document, station, bulletin)
    spoken = synthesise(segments, station, chain, progress, cache)
    programme = assemble(
        spoken, station, bulletin.title, rate, intro_jingle=intro, outro_jingle=outro, bed=bed
    )
    samples = programme.samples
    if audio.channels == 2:
        samples = np.column_stack([samples, samples])
    mastered = master(samples, rate, audio.target_lufs, audio.true_peak_dbtp - headroom_for(chosen))
    samples = fill_gaps(mastered.samples, rate, programme.gaps, audio.room_tone_dbfs)
    info = TagInfo(
        title=bulletin.title,
        artist=bulletin.station,
        album=station.feed.title or bulletin.station,
        date=bulletin.date,
        language=station.station.language,
        duration=len(samples) / rate,
        chapters=programme.chapters,
        cover=cover,
    )
    with atomic_path(output) as tmp:
        samples, figures = encode_to_targets(
            samples,
            rate,
            tmp,
            chosen,
            target_lufs=audio.target_lufs,
            ceiling_dbtp=audio.true_peak_dbtp,
            bitrate_kbps=audio.bitrate_kbps,
            name=output,
        )
        write_tags(tmp, chosen, info, name=output)
    sidecars = write_sidecars(output, programme)
    return Production(
        output=output,
        programme=dataclasses.replace(programme, samples=samples),
        segments=len(segments),
        fallbacks=list(chain.fallbacks),
        seconds=time.perf_counter() - started,
        sidecars=sidecars,
        loudness_lufs=figures.loudness_lufs,
        true_peak_dbtp=figures.true_peak_dbtp,
        bulletin=bulletin,
    )
