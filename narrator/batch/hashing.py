"""What decides an article's audio, hashed: the article itself, and the settings.

The settings hash covers the station sections that shape the sound or the file (station
name, voice, text, pauses, bulletin, audio, the feed title that tags the album), the
contents of every file those sections name (lexicon, jingles, music bed, cover), the
voice's fingerprint (id, engine, exact model), the normaliser version and the output
format. Settings that only change *how* the work runs (jobs, executor, cache, the
checker's thresholds, the rest of the feed) are left out: changing them redoes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from narrator.config import Station
from narrator.text.document import Document

AUDIO_SECTIONS = ("station", "voice", "text", "pauses", "bulletin", "audio")


def _plain(value: Any) -> Any:
    """``value`` as JSON-ready data (dataclasses or pydantic models, paths as text)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):
        return _plain(value.model_dump())
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def input_hash(document: Document) -> str:
    """SHA-256 of the parsed article (title, stories, metadata)."""
    return _digest(_plain(document))


def _named_files(value: Any, found: list[Path]) -> None:
    if isinstance(value, Path):
        found.append(value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            _named_files(getattr(value, item.name), found)
    elif hasattr(value, "model_dump"):
        for name in type(value).model_fields:
            _named_files(getattr(value, name), found)


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"  # production fails on it with its own message


def settings_hash(station: Station, voice_fingerprint: str, normalizer: str, fmt: str) -> str:
    """SHA-256 of everything besides the article that decides its audio file."""
    sections = {name: getattr(station, name) for name in AUDIO_SECTIONS}
    files: list[Path] = []
    for section in sections.values():
        _named_files(section, files)
    return _digest(
        {
            "sections": _plain(sections),
            "album": station.feed.title,
            "files": {str(path): _file_digest(path) for path in files if path.is_file()},
            "voice": voice_fingerprint,
            "normalizer": normalizer,
            "format": fmt,
        }
    )
