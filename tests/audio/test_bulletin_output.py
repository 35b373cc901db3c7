"""A produced bulletin, checked on the decoded files as a listener's app would see them.

Real espeak voice, real encoders. Each file is produced once per module.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from mutagen.id3 import ID3, CTOCFlags

from narrator.audio.assemble import FADE_MS
from narrator.audio.master import integrated_loudness, true_peak_dbtp
from narrator.config import Station
from narrator.errors import InputError
from narrator.pipeline import Production, pause_between, plan_segments, produce
from narrator.text.readers import parse_markdown, read_document
from tests.helpers import ROOT, run_narrator

EXAMPLE = ROOT / "examples" / "bulletin.md"
SHORT = """---
date: 2026-11-25
---

# Кешкі жаңалықтар

## Астанада жаңа саябақ ашылды

Қала әкімдігі 12 гектар жерге саябақ салды. Онда 3 000 ағаш отырғызылды.

Саябақ күн сайын 08:00-ден 22:00-ге дейін ашық.

## Ауа райы

Ертең күн жылы болады. Температура +5 градусқа дейін көтеріледі.
"""
TIMING = re.compile(r"^(\d\d):(\d\d):(\d\d)[.,](\d{3}) --> (\d\d):(\d\d):(\d\d)[.,](\d{3})$")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def parse_subtitles(text: str, *, vtt: bool) -> list[Cue]:
    """A small WebVTT/SRT reader: numbered cues, a timing line, text lines."""
    blocks = text.strip().split("\n\n")
    if vtt:
        assert blocks[0] == "WEBVTT"
        blocks = blocks[1:]
    cues = []
    for number, block in enumerate(blocks, start=1):
        lines = block.split("\n")
        assert lines[0] == str(number), block
        match = TIMING.match(lines[1])
        assert match, lines[1]
        h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g) for g in match.groups())
        body = [html.unescape(line) if vtt else line for line in lines[2:]]
        assert body and all(0 < len(line) <= 65 for line in body), body
        cues.append(
            Cue(
                h1 * 3600 + m1 * 60 + s1 + ms1 / 1000,
                h2 * 3600 + m2 * 60 + s2 + ms2 / 1000,
                " ".join(body),
            )
        )
    return cues


@pytest.fixture(scope="module")
def mono(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The example bulletin through the real command line: mono MP3, default station."""
    out = tmp_path_factory.mktemp("mono") / "bulletin.mp3"
    result = run_narrator("speak", str(EXAMPLE), "-o", str(out), "--no-cache")
    assert result.returncode == 0, result.stderr
    return out, result.stderr


@pytest.fixture(scope="module")
def stereo(tmp_path_factory: pytest.TempPathFactory) -> Production:
    station = Station()
    station.audio.channels = 2
    out = tmp_path_factory.mktemp("stereo") / "short.mp3"
    return produce(parse_markdown(SHORT, "short.md"), out, station)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Production, Station]:
    """A WAV with the pauses exactly as configured (no jitter), for measuring."""
    station = Station()
    station.pauses.jitter_ms = 0
    out = tmp_path_factory.mktemp("wav") / "short.wav"
    return produce(parse_markdown(SHORT, "short.md"), out, station), station


def _decoded(path: Path) -> tuple[np.ndarray, int]:
    data, rate = sf.read(path, dtype="float32")
    return data, rate


def test_speak_prints_the_one_line_mastering_report(mono: tuple[Path, str]) -> None:
    path, stderr = mono
    lines = [line for line in stderr.splitlines() if line.startswith("wrote ")]
    assert len(lines) == 1, stderr
    assert re.fullmatch(
        rf"wrote {re.escape(str(path))}: \d+:\d\d\.\d, -1[89]\.\d LUFS integrated, "
        r"-\d+\.\d dBTP true peak \(\d+ segments, [\d.]+ s\)",
        lines[0],
    ), lines[0]


def test_mono_file_is_at_minus_19_lufs_under_minus_1_dbtp(mono: tuple[Path, str]) -> None:
    data, rate = _decoded(mono[0])
    assert data.ndim == 1 and rate == 44100
    assert integrated_loudness(data, rate) == pytest.approx(-19.0, abs=0.5)
    assert true_peak_dbtp(data, rate) <= -1.0


def test_stereo_file_is_at_minus_16_lufs_under_minus_1_dbtp(stereo: Production) -> None:
    data, rate = _decoded(stereo.output)
    assert data.shape[1] == 2
    assert integrated_loudness(data, rate) == pytest.approx(-16.0, abs=0.5)
    assert true_peak_dbtp(data, rate) <= -1.0
    assert stereo.loudness_lufs == pytest.approx(integrated_loudness(data, rate), abs=0.01)
    assert stereo.true_peak_dbtp == pytest.approx(true_peak_dbtp(data, rate), abs=0.01)


def test_transcript_has_every_sentence_in_order_inside_the_audio(mono: tuple[Path, str]) -> None:
    path = mono[0]
    cues = parse_subtitles(path.with_suffix(".vtt").read_text("utf-8"), vtt=True)
    duration = sf.info(path).duration
    segments = plan_segments(read_document(EXAMPLE), Station())
    assert [c.text for c in cues] == [s.text for s in segments]  # the written text
    assert "Елордада 12 жаңа мектеп ашылды" in [c.text for c in cues]
    for cue, following in itertools.pairwise(cues):
        assert 0 <= cue.start < cue.end <= following.start
    assert cues[-1].end <= duration
    srt = parse_subtitles(path.with_suffix(".srt").read_text("utf-8"), vtt=False)
    assert srt == cues


def test_id3_chapters_cover_the_programme_one_per_story(mono: tuple[Path, str]) -> None:
    path = mono[0]
    tags = ID3(path)
    assert tags.version == (2, 3, 0)
    stories = [story.title for story in read_document(EXAMPLE).stories]
    (toc,) = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    chapters = {chap.element_id: chap for chap in tags.getall("CHAP")}
    assert sorted(chapters) == sorted(toc.child_element_ids)
    ordered = [chapters[element_id] for element_id in toc.child_element_ids]
    titles = [c.sub_frames["TIT2"].text[0] for c in ordered]
    # The opening (jingle, intro, headlines) and the close (outro, jingle) are chapters too.
    assert titles == ["Кіріспе", *stories, "Қорытынды"]
    cues = parse_subtitles(path.with_suffix(".vtt").read_text("utf-8"), vtt=True)
    starts = {cue.text: cue.start for cue in cues}
    for chapter in ordered[1:-1]:
        title_cue = starts[chapter.sub_frames["TIT2"].text[0]]  # the story's headline
        assert abs(chapter.start_time / 1000 - title_cue) <= 0.010
    for chapter, following in itertools.pairwise(ordered):
        assert chapter.start_time < chapter.end_time == following.start_time
    assert ordered[0].start_time == 0  # the opening jingle starts the programme
    decoded, rate = sf.read(path)
    assert abs(ordered[-1].end_time - len(decoded) / rate * 1000) <= 60  # to the end
    assert tags["TPE1"].text == ["Narrator"] and tags["TLAN"].text == ["kaz"]
    assert str(tags["TDRC"].text[0]) == "2026-11-25"  # from the front matter


def test_chapters_json_is_podcasting_2_0_and_agrees_with_id3(mono: tuple[Path, str]) -> None:
    path = mono[0]
    document = json.loads(path.with_name("bulletin.chapters.json").read_text("utf-8"))
    assert document["version"] == "1.2.0"
    assert set(document) <= {"version", "chapters", "title", "author", "podcastName"}
    chapters = document["chapters"]
    assert isinstance(chapters, list) and chapters
    for chapter in chapters:
        assert set(chapter) <= {"startTime", "endTime", "title", "img", "url", "toc"}
        assert isinstance(chapter["startTime"], int | float) and chapter["startTime"] >= 0
        assert isinstance(chapter["title"], str) and chapter["title"]
        assert chapter["endTime"] > chapter["startTime"]
    assert [c["startTime"] for c in chapters] == sorted(c["startTime"] for c in chapters)
    id3 = sorted(ID3(path).getall("CHAP"), key=lambda c: c.start_time)
    assert [c["title"] for c in chapters] == [c.sub_frames["TIT2"].text[0] for c in id3]
    for ours, theirs in zip(chapters, id3, strict=True):
        assert abs(ours["startTime"] * 1000 - theirs.start_time) <= 1


def test_pauses_in_the_audio_match_the_station(rendered: tuple[Production, Station]) -> None:
    production, station = rendered
    data, rate = _decoded(production.output)
    loud = np.flatnonzero(np.abs(data) > 10 ** (-45 / 20))
    segments = plan_segments(parse_markdown(SHORT, "short.md"), station)
    cues = production.programme.cues
    assert len(cues) == len(segments)
    seen = set()
    pairs = list(zip(cues, segments, strict=True))
    for (cue, segment), (following, next_segment) in itertools.pairwise(pairs):
        expected = pause_between(segment, next_segment, station) / 1000
        seen.add(expected)
        middle = round((cue.end + following.start) / 2 * rate)
        before = loud[loud < middle][-1]
        after = loud[loud > middle][0]
        measured = (after - before) / rate
        assert measured == pytest.approx(expected, abs=0.020), (segment.text, next_segment.text)
    pauses = station.pauses
    assert {pauses.sentence_ms, pauses.paragraph_ms, pauses.story_ms} <= {
        round(s * 1000) for s in seen
    }


def test_no_click_at_any_cut(rendered: tuple[Production, Station]) -> None:
    production, _ = rendered
    data, rate = _decoded(production.output)
    jumps = np.abs(np.diff(data.astype(np.float64)))
    # Each piece of speech was cut FADE_MS before its first word and after its last one.
    margin = rate * FADE_MS // 1000
    window = rate * 5 // 1000  # 5 ms either side of the cut
    cuts = [round(cue.start * rate) - margin for cue in production.programme.cues] + [
        round(cue.end * rate) + margin for cue in production.programme.cues
    ]
    worst = max(float(jumps[c - window : c + window].max()) for c in cuts)
    assert worst < 0.005, worst  # below -46 dBFS: inaudible
    assert float(jumps.max()) > 20 * worst  # while speech itself moves far faster


def test_room_tone_not_digital_silence_between_stories(
    rendered: tuple[Production, Station],
) -> None:
    production, _ = rendered
    data, rate = _decoded(production.output)
    start, stop = max(production.programme.gaps, key=lambda gap: gap[1] - gap[0])
    middle = data[start + rate // 10 : stop - rate // 10].astype(np.float64)
    assert 20 * math.log10(float(np.sqrt(np.mean(middle**2)))) == pytest.approx(-66, abs=1.5)


def test_intro_and_outro_jingles_frame_the_bulletin(rendered: tuple[Production, Station]) -> None:
    production, _ = rendered
    data, rate = _decoded(production.output)
    cues = production.programme.cues
    first, last = round(cues[0].start * rate), round(cues[-1].end * rate)
    assert first / rate > 2.4  # the sting, then the voice
    assert np.sqrt(np.mean(data[: rate // 2] ** 2)) > 0.01
    assert np.sqrt(np.mean(data[last + rate : last + 2 * rate] ** 2)) > 0.01
    assert len(data) / rate - cues[-1].end > 2.4


@pytest.fixture(scope="module")
def bad_files(
    rendered: tuple[Production, Station], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    data, rate = _decoded(rendered[0].output)
    folder = tmp_path_factory.mktemp("check")
    files = {
        "clipped": np.clip(data * 10 ** (12 / 20), -1, 1),
        "quiet": data * 10 ** (-12 / 20),
        "gap": np.concatenate([data[: len(data) // 2], np.zeros(5 * rate), data[len(data) // 2 :]]),
    }
    paths = {}
    for name, samples in files.items():
        paths[name] = folder / f"{name}.wav"
        sf.write(paths[name], samples.astype(np.float32), rate, subtype="PCM_16")
    return paths


def test_check_passes_a_good_file(mono: tuple[Path, str]) -> None:
    result = run_narrator("check", str(mono[0]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    for figure in ("duration", "sample rate", "loudness", "true peak", "longest silence"):
        assert figure in result.stdout


@pytest.mark.parametrize(
    ("name", "figure"),
    [("clipped", "clipped samples"), ("quiet", "loudness"), ("gap", "longest silence")],
)
def test_check_flags_a_bad_file(bad_files: dict[str, Path], name: str, figure: str) -> None:
    result = run_narrator("check", str(bad_files[name]))
    assert result.returncode == 1, result.stdout + result.stderr
    failing = [line for line in result.stdout.splitlines() if "FAIL" in line]
    assert any(line.strip().startswith(figure) for line in failing), result.stdout
    assert "outside the station's targets: " in result.stderr


def test_check_names_a_file_it_cannot_read(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp3"
    junk.write_text("not audio")
    result = run_narrator("check", str(junk))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "junk.mp3: not an audio file" in result.stderr


def test_a_bad_station_file_fails_before_writing_anything(tmp_path: Path) -> None:
    out = tmp_path / "out" / "a.mp3"
    out.parent.mkdir()
    document = parse_markdown(SHORT, "short.md")
    for setting, message in (
        ("cover", "missing.png: cover image not found"),
        ("intro_jingle", "missing.png: audio file not found"),
    ):
        station = Station()
        setattr(station.audio, setting, tmp_path / "missing.png")
        with pytest.raises(InputError, match=message):
            produce(document, out, station)
    assert list(out.parent.iterdir()) == []


def _level_at(samples: np.ndarray, rate: int, frequency: float) -> float:
    """dBFS of one sine component (a windowed DFT bin)."""
    window = np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(samples * window)) / (window.sum() / 2)
    return 20 * math.log10(spectrum[round(frequency * len(samples) / rate)] + 1e-12)


def test_station_jingle_and_bed_files_are_used(tmp_path: Path) -> None:
    rate = 44100
    t = np.arange(rate) / rate
    sf.write(tmp_path / "intro.flac", (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), rate)
    sf.write(tmp_path / "bed.wav", (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32), rate)
    station = Station()
    station.audio.intro_jingle = tmp_path / "intro.flac"
    station.audio.music_bed = tmp_path / "bed.wav"  # -6 LU from the speech, 18 dB under it
    document = parse_markdown("Ертең күн жылы болады. Жел соғады.\n", "a.md")
    production = produce(document, tmp_path / "a.wav", station)
    data, rate = _decoded(production.output)
    opening = data[rate // 4 : 3 * rate // 4]
    assert _level_at(opening, rate, 440) > _level_at(opening, rate, 330) + 20  # the jingle first
    cues = production.programme.cues
    gaps = [(a.end, b.start) for a, b in itertools.pairwise(cues) if b.start - a.end > 1.5]
    # The bed is held down 0.7 s after the words and goes down 0.25 s before them.
    story_break = data[round((gaps[0][0] + 0.9) * rate) : round((gaps[0][1] - 0.45) * rate)]
    speaking = data[round(cues[1].start * rate) : round(cues[1].end * rate)]
    rise = _level_at(story_break, rate, 330) - _level_at(speaking, rate, 330)
    assert rise == pytest.approx(18 - 6, abs=1.5)  # ducked under the words, up between stories
