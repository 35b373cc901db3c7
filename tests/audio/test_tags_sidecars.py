"""Tags and chapters inside the audio, and the transcript/chapters files beside it."""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from mutagen.flac import FLAC, Picture
from mutagen.id3 import ID3, CTOCFlags
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from narrator.audio.export import encode
from narrator.audio.programme import Chapter, Cue, Programme
from narrator.audio.sidecars import (
    sidecar_paths,
    to_chapters_json,
    to_srt,
    to_vtt,
    wrap,
    write_sidecars,
)
from narrator.audio.tags import TagInfo, load_cover, write_tags
from narrator.errors import InputError

# The smallest valid PNG (1x1 pixel).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
CHAPTERS = [Chapter(1.5, 10.25, "Бірінші жаңалық"), Chapter(10.25, 19.0, "Екінші жаңалық")]


@pytest.fixture(scope="module")
def cover_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cover") / "cover.png"
    path.write_bytes(PNG)
    return path


def _audio(path: Path, fmt: str) -> None:
    rate = 48000 if fmt == "opus" else 44100
    t = np.arange(rate * 20) / rate
    encode((0.1 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), rate, path, fmt)


def test_id3v23_tags_chapters_and_toc(tmp_path: Path, cover_png: Path) -> None:
    path = tmp_path / "a.mp3"
    _audio(path, "mp3")
    info = TagInfo(
        title="Таңғы жаңалықтар",
        artist="Дала радиосы",
        album="Дала жаңалықтары",
        date=dt.date(2026, 11, 25),
        duration=20.0,
        chapters=CHAPTERS,
        cover=load_cover(cover_png),
    )
    write_tags(path, "mp3", info)
    raw = path.read_bytes()
    assert raw[:4] == b"ID3\x03"  # ID3v2.3
    assert b"TYER" in raw[:4096] and b"TDAT" in raw[:4096] and b"TDRC" not in raw[:4096]
    tags = ID3(path)
    assert tags["TIT2"].text == ["Таңғы жаңалықтар"]
    assert tags["TPE1"].text == ["Дала радиосы"]
    assert tags["TALB"].text == ["Дала жаңалықтары"]
    assert str(tags["TDRC"].text[0]) == "2026-11-25"
    assert tags["TLAN"].text == ["kaz"]
    assert tags["APIC:Cover"].mime == "image/png" and tags["APIC:Cover"].data == PNG
    (toc,) = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    chapters = sorted(tags.getall("CHAP"), key=lambda c: toc.child_element_ids.index(c.element_id))
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == [c.title for c in CHAPTERS]
    assert [(c.start_time, c.end_time) for c in chapters] == [(1500, 10250), (10250, 19000)]
    decoded, rate = sf.read(path)
    assert len(decoded) / rate == pytest.approx(20.0, abs=0.1)  # still plays


@pytest.mark.parametrize("fmt", ["ogg", "opus", "flac"])
def test_vorbis_comments_cover_and_chapters(tmp_path: Path, fmt: str, cover_png: Path) -> None:
    path = tmp_path / f"a.{fmt}"
    _audio(path, fmt)
    info = TagInfo(
        title="Таңғы жаңалықтар",
        artist="Дала радиосы",
        album="Дала радиосы",
        date=dt.date(2026, 11, 25),
        chapters=CHAPTERS,
        cover=load_cover(cover_png),
    )
    write_tags(path, fmt, info)
    audio = {"ogg": OggVorbis, "opus": OggOpus, "flac": FLAC}[fmt](path)
    assert audio["TITLE"] == ["Таңғы жаңалықтар"]
    assert audio["ARTIST"] == ["Дала радиосы"]
    assert audio["DATE"] == ["2026-11-25"]
    assert audio["LANGUAGE"] == ["kaz"]
    assert audio["CHAPTER002"] == ["00:00:10.250"]
    assert audio["CHAPTER002NAME"] == ["Екінші жаңалық"]
    if fmt == "flac":
        assert audio.pictures[0].data == PNG
    else:
        picture = Picture(base64.b64decode(audio["METADATA_BLOCK_PICTURE"][0]))
        assert picture.data == PNG and picture.mime == "image/png"
    assert sf.info(path).frames > 0


def test_cover_must_be_jpeg_or_png(tmp_path: Path) -> None:
    bad = tmp_path / "cover.gif"
    bad.write_bytes(b"GIF89a...")
    with pytest.raises(InputError, match=r"cover\.gif: cover image must be JPEG or PNG"):
        load_cover(bad)
    with pytest.raises(InputError, match=r"missing\.jpg: cover image not found"):
        load_cover(tmp_path / "missing.jpg")


CUES = [
    Cue(0.5, 2.25, "Дала радиосы."),
    Cue(
        2.7,
        9.125,
        "Елорда іргесінде салынып жатқан бұл конструкторлық бюроның өнімдері орта есеппен "
        "200 миллион еуроға сатылуы тиіс <бұл> & т.б.",
    ),
    Cue(3661.0, 3662.5, "Соңы."),
]


def test_vtt_cues_are_timed_wrapped_and_escaped() -> None:
    text = to_vtt(CUES)
    assert text.startswith("WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.250\nДала радиосы.\n")
    assert "01:01:01.000 --> 01:01:02.500" in text
    assert "&lt;бұл&gt; &amp;" in text and "<бұл>" not in text
    assert "200 миллион" in text  # the written text, not the spoken one
    for line in text.splitlines():  # as a player shows it
        assert len(html.unescape(line)) <= 65


def test_srt_has_the_same_cues() -> None:
    text = to_srt(CUES)
    blocks = text.strip().split("\n\n")
    assert len(blocks) == 3
    assert blocks[0] == "1\n00:00:00,500 --> 00:00:02,250\nДала радиосы."
    assert "<бұл> &" in blocks[1]


def test_wrap_never_breaks_words() -> None:
    long_word = "Ә" * 80
    assert wrap(f"қысқа {long_word} сөз") == ["қысқа", long_word, "сөз"]
    assert wrap("") == [""]


def test_chapters_json_is_podcasting_2_0() -> None:
    document = json.loads(to_chapters_json(CHAPTERS, "Таңғы жаңалықтар"))
    assert document == {
        "version": "1.2.0",
        "title": "Таңғы жаңалықтар",
        "chapters": [
            {"startTime": 1.5, "endTime": 10.25, "title": "Бірінші жаңалық"},
            {"startTime": 10.25, "endTime": 19.0, "title": "Екінші жаңалық"},
        ],
    }


def test_sidecars_share_the_stem_and_are_written_whole(tmp_path: Path) -> None:
    output = tmp_path / "2026-11-25.morning.mp3"
    assert sidecar_paths(output) == {
        "vtt": tmp_path / "2026-11-25.morning.vtt",
        "srt": tmp_path / "2026-11-25.morning.srt",
        "chapters": tmp_path / "2026-11-25.morning.chapters.json",
    }
    programme = Programme(np.zeros(10, np.float32), 44100, CUES, CHAPTERS, "Т")
    paths = write_sidecars(output, programme)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths.values())


def test_a_long_programme_encodes_to_ogg(tmp_path: Path) -> None:
    # libvorbis overflows its stack when handed minutes of audio in one write.
    noise = np.random.default_rng(0).standard_normal(44100 * 200) * 0.05
    path = tmp_path / "long.ogg"
    encode(noise.astype(np.float32), 44100, path, "ogg")
    assert sf.info(path).duration == pytest.approx(200.0, abs=0.1)
