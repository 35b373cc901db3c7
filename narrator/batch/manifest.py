"""The batch manifest: one JSON line per article produced (or failed) in an output folder.

``manifest.jsonl`` in the output folder records, per article, its input id, the hashes
of its input and of the settings that shape its audio, its output file, duration,
loudness, status and error. The last line of an article wins.

Lines are appended with one ``write`` on a file opened ``O_APPEND`` and synced, so
a batch killed at any moment leaves every finished line intact; at worst the last line
is cut short, and a cut line is ignored when the manifest is read (the article it was
about is simply produced again). A run starts and ends by rewriting the manifest
compactly (one line per article, atomically by rename), so it does not grow with
re-runs and a torn line never has another appended to it.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from narrator.fsutil import write_text_atomic

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.jsonl"

DONE = "done"
FAILED = "failed"


@dataclass(frozen=True)
class Entry:
    """One article's line in the manifest."""

    id: str
    """The input id: a file path, or ``SOURCE#ARTICLE-ID`` for an article of a collection."""
    input_hash: str
    """SHA-256 of the parsed article."""
    settings_hash: str
    """SHA-256 of everything else that shapes the audio (see :mod:`narrator.batch.hashing`)."""
    output: str | None
    """The audio file's name in the output folder."""
    status: str
    """``done`` or ``failed``."""
    duration_s: float | None = None
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None
    error: str | None = None
    finished: str | None = None
    """When the article was finished (UTC, ISO 8601)."""

    def to_json(self) -> str:
        """The entry as one line of JSON (no newline)."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))


_FIELDS = {f.name for f in fields(Entry)}


class Manifest:
    """The manifest of the output folder ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / MANIFEST_NAME
        self.entries: dict[str, Entry] = self._read()

    def _read(self) -> dict[str, Entry]:
        entries: dict[str, Entry] = {}
        try:
            lines = self.path.read_text("utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return entries
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                entry = Entry(**{k: v for k, v in data.items() if k in _FIELDS})
            except (ValueError, TypeError):
                # A line cut short by a killed run: its article is simply redone.
                log.warning("%s: line %d is not a manifest entry; ignored", self.path, number)
                continue
            entries[entry.id] = entry
        return entries

    def compact(self) -> None:
        """Rewrite the manifest with one line per article (atomically)."""
        if not self.path.exists():
            return
        text = "".join(entry.to_json() + "\n" for entry in self.entries.values())
        write_text_atomic(self.path, text)

    def record(self, entry: Entry) -> None:
        """Append ``entry`` (one synced write: a crash cannot tear earlier lines)."""
        data = (entry.to_json() + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        self.entries[entry.id] = entry

    def is_done(self, id: str, input_hash: str, settings_hash: str) -> bool:
        """Whether ``id`` was produced from the same input and settings, and is still there."""
        entry = self.entries.get(id)
        return (
            entry is not None
            and entry.status == DONE
            and entry.input_hash == input_hash
            and entry.settings_hash == settings_hash
            and entry.output is not None
            and (self.path.parent / entry.output).is_file()
        )
