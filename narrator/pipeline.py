"""The whole path: document -> segments -> spoken text -> audio clips -> programme -> files.

Each stage lives in its own package; this module only wires them together, in one
direction.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from narrator.audio.assemble import Assembler, Mixer, jittered_ms
from narrator.audio.export import OPUS_RATE, format_for
from narrator.audio.history import LossHistory
from narrator.audio.jingle import jingle, load_audio
from narrator.audio.loudness import LoudnessMeter, combined_loudness
from narrator.audio.master import MasteringReport
from narrator.audio.programme import Programme
from narrator.audio.render import (
    BACKGROUND_AFTER_S,
    EARLY_AFTER_S,
    EARLY_MIN_REMAINING_S,
    EarlyRender,
    Targets,
    master_to_file,
)
from narrator.audio.sidecars import sidecar_paths, sidecar_texts
from narrator.audio.spool import Spool
from narrator.audio.tags import TagInfo, load_cover, write_tags
from narrator.cache import SegmentCache, cache_dir_for, voice_fingerprint
from narrator.config import Station
from narrator.engines.base import AudioChunk, SynthesisParams
from narrator.engines.chain import Fallback, VoiceChain
from narrator.engines.executor import (
    Executor,
    InProcessExecutor,
    ProcessExecutor,
    Request,
    Synthesised,
    VoiceSpec,
)
from narrator.engines.layout import choose_layout
from narrator.errors import InputError, OutputError
from narrator.fsutil import atomic_outputs
from narrator.text.bulletin import Bulletin, bulletin_for, plan
from narrator.text.document import Document, Segment, SegmentKind
from narrator.text.normalize import NORMALIZER_VERSION, load_lexicon, normalize
from narrator.text.segment import split_for_engine
from narrator.text.ssml import MAX_BREAK_MS

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
    """The finished programme's timeline: cues, chapters, pauses."""
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
    encodes: int = 1
    """Full encodes it took to meet the targets (more than 1 is reported)."""

    @property
    def report(self) -> str:
        """The one-line mastering report: duration, integrated loudness, true peak."""
        figures = MasteringReport(self.programme.duration, self.loudness_lufs, self.true_peak_dbtp)
        return f"{self.output}: {figures}"


def voice_spec(station: Station) -> VoiceSpec:
    """The station's voice and its fallbacks, with its synthesis settings."""
    settings = station.voice
    params = SynthesisParams(
        rate_wpm=settings.rate_wpm, pitch=settings.pitch, speaker=settings.speaker
    )
    ids = (settings.id, *[v for v in settings.fallbacks if v != settings.id])
    return VoiceSpec(ids, params, settings.voices_dir)


def make_chain(station: Station) -> VoiceChain:
    """The station's voice chain, loaded in this process."""
    return voice_spec(station).chain()


def plan_segments(
    document: Document, station: Station, bulletin: Bulletin | None = None
) -> list[Segment]:
    """The segments to speak, in order: intro, headlines, the stories, outro."""
    return plan(document, station, bulletin or bulletin_for(document, station))


@dataclass(frozen=True)
class _Piece:
    """An engine-sized chunk of a segment's spoken text, with its cache key."""

    request: Request
    key: str

    @property
    def text(self) -> str:
        return self.request.text


RATE_WPM_RANGE = (60, 450)
"""The speaking rates a segment's own rate (SSML ``<prosody rate>``) is kept within."""


def segment_params(params: SynthesisParams, segment: Segment) -> SynthesisParams:
    """The station's synthesis settings with the segment's own speaking rate."""
    if segment.rate == 1.0:
        return params
    low, high = RATE_WPM_RANGE
    rate = max(low, min(high, round(params.rate_wpm * segment.rate)))
    return dataclasses.replace(params, rate_wpm=rate)


def synthesise(
    segments: list[Segment],
    station: Station,
    chain: VoiceChain,
    *,
    executor: Executor | None = None,
    progress: ProgressCallback | None = None,
    cache: SegmentCache | None = None,
    fallbacks: list[Fallback] | None = None,
) -> Iterator[SpokenSegment]:
    """Normalise each segment, cut it into engine-sized chunks and synthesise them;
    yield the spoken segments in order as their audio arrives.

    The cache is looked up for every chunk before anything is dispatched; only the
    misses go to the ``executor`` (default: ``chain`` in this process). Cached chunks
    are filed under the chain's first voice, keyed with the segment's own synthesis
    settings (its rate, see :func:`segment_params`). Fallbacks are appended to
    ``fallbacks``.
    """
    primary = chain.primary
    spec = voice_spec(station)
    executor = executor or InProcessExecutor(spec, chain)
    lexicon = load_lexicon(station.text.lexicon) if station.text.lexicon else None
    params = spec.params
    primary_fingerprint = voice_fingerprint(primary)
    spoken_texts: list[str] = []
    pieces: list[list[_Piece]] = []
    for segment in segments:
        spoken = normalize(segment.reading, register=station.text.register, lexicon=lexicon)
        spoken_texts.append(spoken)
        own = segment_params(params, segment)
        request_params = None if own is params else own
        pieces.append(
            [
                _Piece(
                    Request(text, request_params),
                    SegmentCache.key(text, primary_fingerprint, own, NORMALIZER_VERSION),
                )
                for text in split_for_engine(spoken, station.text.max_chunk_chars)
            ]
        )
    # Looked up before anything is dispatched, but read one by one in order, so a warm
    # cache does not put the whole programme in memory.
    cached = {
        p.key for group in pieces for p in group if cache is not None and cache.contains(p.key)
    }
    results = executor.map(p.request for group in pieces for p in group if p.key not in cached)
    for index, segment in enumerate(segments):
        chunks: list[AudioChunk] = []
        voice_id = primary.id
        for piece in pieces[index]:
            chunk = cache.get(piece.key) if cache is not None and piece.key in cached else None
            if chunk is not None:
                voice_id = primary.id
            else:
                # A miss, or an entry found damaged when read: synthesised now.
                result = next(results) if piece.key not in cached else _one(executor, piece.request)
                chunk, voice_id = result.chunk, result.voice_id
                if result.fallback is not None and fallbacks is not None:
                    fallbacks.append(result.fallback)
                if cache is not None:
                    # Filed under the voice that really spoke it (maybe a fallback).
                    key = SegmentCache.key(
                        piece.text,
                        result.fingerprint,
                        piece.request.params or params,
                        NORMALIZER_VERSION,
                    )
                    cache.put(key, chunk)
            chunks.append(chunk)
        yield SpokenSegment(segment, spoken_texts[index], chunks, voice_id)
        if progress:
            progress(index + 1, len(segments))
    if cache is not None:
        cache.prune_if_grown()


def _one(executor: Executor, request: Request) -> Synthesised:
    return next(iter(executor.map([request])))


_AROUND_STORIES = frozenset({SegmentKind.INTRO, SegmentKind.HEADLINE, SegmentKind.OUTRO})


def asked_pause_ms(pauses: tuple[str, ...], station: Station) -> int:
    """The pause a text asks for (SSML ``<break>``s, added up, at most
    :data:`~narrator.text.ssml.MAX_BREAK_MS`): each in milliseconds, or a strength that
    is one of the station's pauses: ``x-weak`` the clause pause, ``weak`` the sentence
    pause, ``medium`` the paragraph pause, ``strong`` the story pause, ``x-strong``
    twice the story pause."""
    station_pauses = station.pauses
    strengths = {
        "x-weak": station_pauses.clause_ms,
        "weak": station_pauses.sentence_ms,
        "medium": station_pauses.paragraph_ms,
        "strong": station_pauses.story_ms,
        "x-strong": 2 * station_pauses.story_ms,
    }
    total = sum(strengths[p] if p in strengths else int(p) for p in pauses)
    return min(total, MAX_BREAK_MS)


def pause_between(previous: Segment, following: Segment, station: Station) -> int:
    """Milliseconds of quiet between two segments, from their places in the bulletin,
    or exactly the pause the text asks for before ``following`` (see
    :func:`asked_pause_ms`)."""
    if following.pause_before:
        return asked_pause_ms(following.pause_before, station)
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
    spoken: Iterable[SpokenSegment],
    station: Station,
    title: str | None,
    assembler: Assembler,
    *,
    intro_jingle: np.ndarray | None = None,
    outro_jingle: np.ndarray | None = None,
    bed: np.ndarray | None = None,
) -> Programme:
    """Lay the bulletin out on ``assembler``: jingle, intro, headlines, stories, outro,
    jingle, with pauses as data; one chapter per story, and one each for the opening
    (jingle, intro, headlines) and the close (outro, jingle), so the chapters cover the
    whole programme."""
    pauses, audio, names = station.pauses, station.audio, station.bulletin
    part = ""  # the kind of chapter open: "", "opening", "story" or "close"

    def open_chapter(kind: str, title: str) -> None:
        nonlocal part
        if part != kind or kind == "story":
            assembler.start_chapter(title)
            part = kind

    if intro_jingle is not None:
        open_chapter("opening", names.opening_chapter)
        assembler.add_clip(intro_jingle, level_lu=audio.jingle_level_lu)
        assembler.add_pause(pauses.jingle_ms)
    previous: Segment | None = None
    for item in spoken:
        segment = item.segment
        pause = pause_between(previous, segment, station) if previous is not None else 0
        if segment.story >= 0 and (previous is None or previous.story != segment.story):
            open_chapter("story", segment.story_title or f"{segment.story + 1}")
        elif segment.kind in (SegmentKind.INTRO, SegmentKind.HEADLINE) and part == "":
            open_chapter("opening", names.opening_chapter)
        elif segment.kind is SegmentKind.OUTRO:
            open_chapter("close", names.closing_chapter)
        cue = assembler.add_speech(
            item.chunks, segment.text, gap_ms=pauses.clause_ms, pause_ms=pause
        )
        if cue is not None:
            previous = segment
    if outro_jingle is not None:
        open_chapter("close", names.closing_chapter)
        assembler.add_pause(pauses.jingle_ms)
        assembler.add_clip(outro_jingle, level_lu=audio.jingle_level_lu)
    if bed is not None:
        assembler.set_bed(bed, level_lu=audio.bed_level_lu, duck_db=audio.bed_duck_db)
    return assembler.build(title)


def programme_loudness(spool: Spool, mixer: Mixer, speech: LoudnessMeter) -> float:
    """Integrated loudness of the mixed programme.

    Jingles sit in the pauses left for them, so their gating blocks are pooled with the
    speech's; a bed runs under the speech, so the mix is measured in one more pass.
    """
    programme = mixer.programme
    if programme.bed is None:
        meters = [speech]
        for clip, gain in zip(programme.clips, mixer.clip_gains, strict=True):
            meter = LoudnessMeter(programme.sample_rate)
            meter.add(clip.samples * np.float32(gain))
            meters.append(meter)
        return combined_loudness(meters)
    mixed = LoudnessMeter(programme.sample_rate)
    for start, block in spool.blocks():
        mixed.add(mixer.mix(block, start))
    return mixed.loudness


def open_executor(
    spec: VoiceSpec,
    chain: VoiceChain,
    jobs: int | str,
    work_chars: int,
    *,
    kind: str = "local",
    ray_address: str | None = None,
) -> Executor:
    """The executor for ``jobs`` (a number, or ``auto``: see :mod:`narrator.engines.layout`),
    or Ray actors when ``kind`` is ``ray`` (see :mod:`narrator.engines.ray_executor`)."""
    if kind == "ray":
        from narrator.engines.ray_executor import RayExecutor

        return RayExecutor(spec, address=ray_address)
    if kind != "local":
        raise InputError(f"executor must be 'local' or 'ray', not {kind!r}")
    layout = choose_layout(spec, chain.primary, jobs, work_chars)
    if layout.processes == 1:
        return InProcessExecutor(spec, chain)
    log.info("synthesis: %d worker processes x %s threads", layout.processes, layout.threads)
    executor = ProcessExecutor(dataclasses.replace(spec, threads=layout.threads), layout.processes)
    executor.start()
    return executor


def produce(
    document: Document,
    output: Path,
    station: Station,
    *,
    fmt: str | None = None,
    progress: ProgressCallback | None = None,
    cache: SegmentCache | None = None,
    jobs: int | str | None = None,
    chain: VoiceChain | None = None,
) -> Production:
    """Speak ``document`` as a bulletin into ``output``, with its sidecars.

    plan -> synthesise (on an executor) -> assemble into a spool (pass 1, measuring
    the loudness) -> mix, master and encode (pass 2) -> decode and check -> tags ->
    sidecars. Memory does not grow with the programme's length. The audio and its
    sidecars are written to temporary files and renamed together, the audio last, so
    a new audio file never sits beside an old transcript. ``jobs`` overrides the station's
    ``[performance] jobs``; ``chain`` is the station's voice chain when the caller has it
    loaded already.
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
    # An article (``[bulletin] template = "article"``) is read plainly, without stings.
    stings = audio.jingles and station.bulletin.template != "article"
    intro = jingle(audio.intro_jingle, "intro", rate) if stings else None
    outro = jingle(audio.outro_jingle, "outro", rate) if stings else None
    bed = load_audio(audio.music_bed, rate) if audio.music_bed else None
    cover = load_cover(audio.cover) if audio.cover else None
    bulletin = bulletin_for(document, station)
    spec = voice_spec(station)
    chain = chain or spec.chain()
    segments = plan_segments(document, station, bulletin)
    fallbacks: list[Fallback] = []
    work = sum(len(segment.text) for segment in segments)
    jobs = station.performance.jobs if jobs is None else jobs
    targets = Targets(
        chosen,
        audio.target_lufs,
        audio.true_peak_dbtp,
        audio.room_tone_dbfs,
        audio.channels,
        audio.bitrate_kbps,
        audio.mp3_quality,
    )
    # What the limiter and codec took from earlier runs of this kind (see history.py).
    history = LossHistory(
        cache_dir_for(station) / "mastering.json",
        "\x1f".join(
            (
                voice_fingerprint(chain.primary),
                repr(spec.params),
                repr(targets),
                str(rate),
                station.audio.model_dump_json(),
                station.bulletin.template,
            )
        ),
    )
    # Characters synthesised once each segment is done: how far synthesis has got.
    done_chars = list(itertools.accumulate(len(segment.text) for segment in segments))
    sidecars = sidecar_paths(output)
    with (
        Spool() as spool,
        open_executor(
            spec,
            chain,
            jobs,
            work,
            kind=station.performance.executor,
            ray_address=station.performance.ray_address,
        ) as executor,
        atomic_outputs(output, list(sidecars.values())) as temporaries,
    ):
        tmp = temporaries[output]
        speech = LoudnessMeter(rate)

        def keep(block: np.ndarray) -> None:
            spool.append(block)
            speech.add(block)

        assembler = Assembler(rate, sink=keep)
        early: EarlyRender | None = None
        synthesis_started = time.perf_counter()

        def on_progress(done: int, total: int) -> None:
            nonlocal early
            if progress:
                progress(done, total)
            elapsed = time.perf_counter() - synthesis_started
            remaining = elapsed * (work - done_chars[done - 1]) / max(1, done_chars[done - 1])
            if (
                early is None
                and bed is None
                and speech.seconds >= EARLY_AFTER_S
                and remaining >= EARLY_MIN_REMAINING_S
            ):
                log.info("pass 2 starts while synthesis goes on (%.1f s expected)", remaining)
                early = EarlyRender(
                    spool,
                    assembler.programme,
                    speech.loudness,
                    tmp,
                    targets,
                    name=output,
                    history=history,
                    background=remaining >= BACKGROUND_AFTER_S,
                )

        spoken = synthesise(
            segments,
            station,
            chain,
            executor=executor,
            progress=on_progress,
            cache=cache,
            fallbacks=fallbacks,
        )
        try:
            programme = assemble(
                spoken,
                station,
                bulletin.title,
                assembler,
                intro_jingle=intro,
                outro_jingle=outro,
                bed=bed,
            )
        except BaseException:
            spool.finish()
            if early is not None:
                early.abandon()
            raise
        spool.finish()
        if early is not None:
            early.join()
        executor.close()
        mixer = Mixer(programme, speech.loudness)
        loudness = programme_loudness(spool, mixer, speech)
        encoded_with = None
        if early is not None:
            if early.still_fits(speech.loudness):
                encoded_with = early.gain_db
                mixer = Mixer(programme, early.speech_lufs)
            else:
                log.info(
                    "the loudness moved after pass 2 started early (%.2f -> %.2f LUFS); "
                    "mastering again",
                    early.speech_lufs,
                    speech.loudness,
                )
        rendered = master_to_file(
            spool,
            programme,
            mixer,
            loudness,
            tmp,
            targets,
            name=output,
            encoded_with=encoded_with,
            history=history,
        )
        info = TagInfo(
            title=bulletin.title,
            artist=bulletin.station,
            album=station.feed.title or bulletin.station,
            date=bulletin.date,
            language=station.station.language,
            duration=programme.duration,
            chapters=programme.chapters,
            cover=cover,
        )
        write_tags(tmp, chosen, info, name=output)
        for kind, text in sidecar_texts(programme).items():
            temporaries[sidecars[kind]].write_text(text, "utf-8")
    if rendered.encodes > 1:
        log.warning("%s: encoded %d times to meet the targets", output, rendered.encodes)
    return Production(
        output=output,
        programme=programme,
        segments=len(segments),
        fallbacks=fallbacks,
        seconds=time.perf_counter() - started,
        sidecars=sidecars,
        loudness_lufs=rendered.figures.loudness_lufs,
        true_peak_dbtp=rendered.figures.true_peak_dbtp,
        bulletin=bulletin,
        encodes=rendered.encodes,
    )
