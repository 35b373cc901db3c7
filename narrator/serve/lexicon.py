"""The station lexicon as the API edits it: one TSV file, versioned by its content.

The ETag is a digest of the file's bytes, so every change (through the API or by
hand) gives a new one. A write names the ETag it was based on; if the file changed
since, the write is refused, so two editors never overwrite each other.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from narrator.errors import InputError
from narrator.fsutil import write_text_atomic
from narrator.text.normalize import Lexicon, load_lexicon

_HEADER = "# written<TAB>spoken: the station lexicon, edited with narrator serve\n"
MAX_FIELD_CHARS = 200


class EtagMismatch(Exception):
    """The lexicon changed since the ETag the writer had."""


@dataclass(frozen=True)
class LexiconVersion:
    """The lexicon's entries and the ETag of the file they came from."""

    entries: tuple[tuple[str, str], ...]
    etag: str

    @property
    def lexicon(self) -> Lexicon | None:
        """The entries as a :class:`Lexicon` for the normaliser (None when empty)."""
        return Lexicon(self.entries) if self.entries else None


def _etag(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


class LexiconStore:
    """Reads and writes the lexicon file at ``path`` (which need not exist yet)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._cached: tuple[bytes, LexiconVersion] | None = None

    def current(self) -> LexiconVersion:
        """The lexicon as it is on disk now."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            data = b""
        if self._cached is not None and self._cached[0] == data:
            return self._cached[1]
        entries = load_lexicon(self.path).entries if data else ()
        version = LexiconVersion(entries, _etag(data))
        self._cached = (data, version)
        return version

    def replace(self, entries: list[tuple[str, str]], if_match: str) -> LexiconVersion:
        """Write ``entries`` if the lexicon is still at ETag ``if_match``."""
        cleaned = [_check_entry(written, spoken) for written, spoken in entries]
        with self._lock:
            if self.current().etag != if_match:
                raise EtagMismatch
            body = "".join(f"{written}\t{spoken}\n" for written, spoken in cleaned)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(self.path, _HEADER + body)
            return self.current()


def _check_entry(written: str, spoken: str) -> tuple[str, str]:
    written, spoken = written.strip(), spoken.strip()
    for name, value in (("written", written), ("spoken", spoken)):
        if not value:
            raise InputError(f"lexicon: an entry has an empty {name} form")
        if len(value) > MAX_FIELD_CHARS:
            raise InputError(f"lexicon: {name} form {value[:20]!r}… is too long")
        if any(ch in value for ch in "\t\r\n") or value.startswith("#"):
            raise InputError(f"lexicon: {name} form {value!r} has a tab, a line break or a #")
    return written, spoken
