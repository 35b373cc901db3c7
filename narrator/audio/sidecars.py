"""Files beside the audio: the transcript (WebVTT and SRT) and Podcasting 2.0 chapters.

They share the audio's stem (``NAME.vtt``, ``NAME.srt``, ``NAME.chapters.json``) and
are written from the assembly timings, which are exact: no speech recognition.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from narrator.audio.programme import Chapter, Cue, Programme
from narrator.fsutil import write_text_atomic

LINE_CHARS = 65
"""Longest transcript line (Podcasting 2.0 recommends about 65 characters)."""
CHAPTERS_VERSION = "1.2.0"


def sidecar_paths(output: Path) -> dict[str, Path]:
    """Where the sidecars of ``output`` go: keys ``vtt``, ``srt`` and ``chapters``."""
    output = Path(output)
    stem = output.with_suffix("")
    return {
        "vtt": stem.with_name(stem.name + ".vtt"),
        "srt": stem.with_name(stem.name + ".srt"),
        "chapters": stem.with_name(stem.name + ".chapters.json"),
    }


def wrap(text: str, width: int = LINE_CHARS) -> list[str]:
    """Cut ``text`` into lines of at most ``width`` characters, between words."""
    return textwrap.wrap(
        " ".join(text.split()), width, break_long_words=False, break_on_hyphens=False
    ) or [""]


def _millis(cues: list[Cue]) -> list[tuple[int, int, str]]:
    """Cue times in whole milliseconds, each cue at least 1 ms long and in order."""
    timed: list[tuple[int, int, str]] = []
    for cue in cues:
        start = round(cue.start * 1000)
        if timed:
            start = max(start, timed[-1][1])
        timed.append((start, max(start + 1, round(cue.end * 1000)), cue.text))
    return timed


def _clock(millis: int, separator: str) -> str:
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _vtt_escape(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(cues: list[Cue]) -> str:
    """A WebVTT transcript: one cue per sentence, the written text, wrapped."""
    blocks = ["WEBVTT"]
    for index, (start, end, text) in enumerate(_millis(cues), start=1):
        lines = "\n".join(_vtt_escape(line) for line in wrap(text))
        blocks.append(f"{index}\n{_clock(start, '.')} --> {_clock(end, '.')}\n{lines}")
    return "\n\n".join(blocks) + "\n"


def to_srt(cues: list[Cue]) -> str:
    """The same transcript as SubRip."""
    blocks = []
    for index, (start, end, text) in enumerate(_millis(cues), start=1):
        lines = "\n".join(wrap(text))
        blocks.append(f"{index}\n{_clock(start, ',')} --> {_clock(end, ',')}\n{lines}")
    return "\n\n".join(blocks) + "\n"


def to_chapters_json(chapters: list[Chapter], title: str | None = None) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0)."""
    document: dict[str, object] = {"version": CHAPTERS_VERSION}
    if title:
        document["title"] = title
    document["chapters"] = [
        {
            "startTime": round(chapter.start, 3),
            "endTime": round(chapter.end, 3),
            "title": chapter.title,
        }
        for chapter in chapters
    ]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def sidecar_texts(programme: Programme) -> dict[str, str]:
    """The text of each sidecar, by kind (as :func:`sidecar_paths` names them)."""
    return {
        "vtt": to_vtt(programme.cues),
        "srt": to_srt(programme.cues),
        "chapters": to_chapters_json(programme.chapters, programme.title),
    }


def write_sidecars(output: Path, programme: Programme) -> dict[str, Path]:
    """Write the transcript and chapters beside ``output`` (each atomically)."""
    paths = sidecar_paths(output)
    for kind, text in sidecar_texts(programme).items():
        write_text_atomic(paths[kind], text)
    return paths
