"""Tags and chapters inside the audio file.

MP3 gets ID3v2.3 (the version every player reads): title, artist (the station),
album, date, language, cover art, and chapters as one CHAP frame per story plus a
CTOC frame flagged top-level and ordered that lists them, which is the form podcast
players expect. OGG Vorbis, Opus and FLAC get Vorbis comments with the same
fields, the cover as a picture block, and chapters in the common
``CHAPTERnnn``/``CHAPTERnnnNAME`` form. WAV is left untagged.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from mutagen import MutagenError
from mutagen.flac import FLAC, Picture
from mutagen.id3 import (
    APIC,
    CHAP,
    CTOC,
    ID3,
    TALB,
    TDRC,
    TIT2,
    TLAN,
    TLEN,
    TPE1,
    CTOCFlags,
)
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from narrator.audio.programme import Chapter
from narrator.errors import InputError, OutputError

# ISO 639-1 (the station file) -> ISO 639-2 (ID3 TLAN)
_ISO639_2 = {"kk": "kaz", "ru": "rus", "en": "eng", "tr": "tur", "uz": "uzb", "ky": "kir"}
_TOC_ID = "toc"
UNSET_OFFSET = 0xFFFFFFFF
"""CHAP byte offsets meaning 'use the times' (ID3v2 chapter addendum)."""


@dataclass(frozen=True)
class Cover:
    """Cover art: the image bytes and their MIME type."""

    data: bytes
    mime: str


@dataclass(frozen=True)
class TagInfo:
    """What goes into the tags."""

    title: str
    artist: str
    album: str
    date: dt.date
    language: str = "kk"
    """ISO 639-1 or 639-2 code."""
    duration: float = 0.0
    """Seconds (ID3 TLEN)."""
    chapters: list[Chapter] = field(default_factory=list)
    cover: Cover | None = None


def load_cover(path: Path) -> Cover:
    """Read a JPEG or PNG cover image; anything else is an error naming the file."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: cover image not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read cover image ({exc.strerror})") from None
    if data.startswith(b"\xff\xd8\xff"):
        return Cover(data, "image/jpeg")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Cover(data, "image/png")
    raise InputError(f"{path}: cover image must be JPEG or PNG")


def language_code(language: str) -> str:
    """The three-letter code ID3 wants for a station language."""
    code = language.strip().lower()
    return _ISO639_2.get(code, code)


def chapter_id(index: int) -> str:
    """The element id of chapter ``index`` (``chp1``, ``chp2``, ...)."""
    return f"chp{index + 1}"


def write_id3(path: Path, info: TagInfo) -> None:
    """Write ID3v2.3 tags and chapters to the MP3 at ``path``, replacing any tag there."""
    tags = ID3()
    tags.add(TIT2(encoding=3, text=[info.title]))
    tags.add(TPE1(encoding=3, text=[info.artist]))
    tags.add(TALB(encoding=3, text=[info.album]))
    tags.add(TDRC(encoding=3, text=[info.date.isoformat()]))
    tags.add(TLAN(encoding=3, text=[language_code(info.language)]))
    if info.duration:
        tags.add(TLEN(encoding=3, text=[str(round(info.duration * 1000))]))
    if info.cover is not None:
        tags.add(APIC(encoding=3, mime=info.cover.mime, type=3, desc="Cover", data=info.cover.data))
    if info.chapters:
        ids = [chapter_id(index) for index in range(len(info.chapters))]
        tags.add(
            CTOC(
                element_id=_TOC_ID,
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text=[info.title])],
            )
        )
        for element_id, chapter in zip(ids, info.chapters, strict=True):
            tags.add(
                CHAP(
                    element_id=element_id,
                    start_time=round(chapter.start * 1000),
                    end_time=round(chapter.end * 1000),
                    start_offset=UNSET_OFFSET,
                    end_offset=UNSET_OFFSET,
                    sub_frames=[TIT2(encoding=3, text=[chapter.title])],
                )
            )
    # v2.3 has no TDRC (TYER + TDAT instead) and no UTF-8 (saved as UTF-16).
    tags.update_to_v23()
    tags.save(path, v2_version=3)


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _picture(cover: Cover) -> Picture:
    picture = Picture()
    picture.type = 3
    picture.mime = cover.mime
    picture.desc = "Cover"
    picture.data = cover.data
    return picture


def write_vorbis_comments(path: Path, fmt: str, info: TagInfo) -> None:
    """Write Vorbis comments (and the cover) to an OGG Vorbis, Opus or FLAC file."""
    audio = {"ogg": OggVorbis, "opus": OggOpus, "flac": FLAC}[fmt](path)
    if audio.tags is None:
        audio.add_tags()
    comments = audio.tags
    assert comments is not None
    comments.clear()
    comments["TITLE"] = info.title
    comments["ARTIST"] = info.artist
    comments["ALBUM"] = info.album
    comments["DATE"] = info.date.isoformat()
    comments["LANGUAGE"] = language_code(info.language)
    for index, chapter in enumerate(info.chapters, start=1):
        comments[f"CHAPTER{index:03d}"] = _timestamp(chapter.start)
        comments[f"CHAPTER{index:03d}NAME"] = chapter.title
    if info.cover is not None:
        if isinstance(audio, FLAC):
            audio.clear_pictures()
            audio.add_picture(_picture(info.cover))
        else:
            encoded = base64.b64encode(_picture(info.cover).write()).decode("ascii")
            comments["METADATA_BLOCK_PICTURE"] = encoded
    audio.save()


def write_tags(path: Path, fmt: str, info: TagInfo, *, name: Path | None = None) -> None:
    """Tag the audio file at ``path`` (of format ``fmt``) with ``info``.

    ``name`` is the file as the user knows it (``path`` may be a temporary file).
    """
    try:
        if fmt == "mp3":
            write_id3(path, info)
        elif fmt in ("ogg", "opus", "flac"):
            write_vorbis_comments(path, fmt, info)
    except MutagenError as exc:
        raise OutputError(f"{name or path}: cannot write tags ({exc})") from None
