"""The segment cache: synthesised audio kept between runs, editions and commands.

An hourly bulletin repeats a lot (station idents, intros, outros, stories carried
over), and synthesis is the slow part of a run. Every engine-sized piece of text is
therefore stored under a hash of everything that decides its sound:

- the normalised text handed to the engine (what a lexicon edit changes),
- the voice id, its engine and model version,
- the synthesis parameters (:meth:`SynthesisParams.cache_key`),
- the normaliser version.

The lexicon is deliberately *not* part of the key: its whole effect on the audio is
already in the normalised text, so a lexicon edit re-synthesises exactly the
sentences whose normalised text it changes, and nothing else.

Entries are small files (``<key[:2]>/<key>.seg``): a fixed header (magic, sample
rate, frame count, BLAKE2b digest of the header fields and the payload) followed by
float32 little-endian samples. Each is written to a temporary file and renamed, so
concurrent runs never see half an entry; each is verified on read, so a truncated,
corrupt or implausible entry (a rate outside 8-96 kHz, more than
:data:`MAX_ENTRY_SECONDS` of audio, a symlink, not a regular file) is deleted and
re-synthesised, never played. The last use of an entry is its file's modification
time, which drives least-recently-used pruning to a size bound.

A cache that cannot be written (a full or read-only disk) never fails a run: the
first failure is logged once as a warning, and the run goes on without caching.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import stat
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from narrator.config import Station
from narrator.engines.base import AudioChunk, SynthesisParams, Voice
from narrator.errors import OutputError

log = logging.getLogger(__name__)

ENV_VAR = "NARRATOR_CACHE_DIR"
_MAGIC = b"NRSEG\x00\x02\n"
# magic, sample rate (u32), frames (u64), digest (32 bytes) of everything before it and
# of the payload: a flipped bit anywhere in the entry is caught.
_HEADER = struct.Struct("<8sIQ32s")
_DIGESTED = struct.Struct("<8sIQ")
MIN_RATE = 8000
MAX_RATE = 96_000
MAX_ENTRY_SECONDS = 600
"""An entry is one engine-sized piece of text: ten minutes is far beyond any."""
MAX_ENTRY_BYTES = _HEADER.size + MAX_RATE * MAX_ENTRY_SECONDS * 4
_SUFFIX = ".seg"
_KEY_VERSION = "1"
"""Bumped when the key recipe or file layout changes, so old entries are never misread."""


@dataclass
class CacheStats:
    """What one :class:`SegmentCache` did since it was opened."""

    hits: int = 0
    misses: int = 0
    stores: int = 0
    corrupt: int = 0
    """Entries found damaged on read (deleted and counted as misses)."""
    pruned: int = 0
    """Entries removed to stay under the size bound."""
    write_errors: int = 0
    """Entries that could not be stored (full or read-only cache)."""


@dataclass(frozen=True)
class CacheUsage:
    """What is on disk."""

    directory: Path
    entries: int
    bytes: int
    max_bytes: int


def default_cache_dir() -> Path:
    """The user cache directory of narrator (platform dependent)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("narrator"))


def cache_dir_for(station: Station) -> Path:
    """Where the cache lives: ``$NARRATOR_CACHE_DIR``, else the station file, else the default.

    The environment wins over the station file because it is set per invocation
    (tests, a CI job, a second newsroom on the same machine).
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    if station.cache.dir is not None:
        return Path(station.cache.dir).expanduser()
    return default_cache_dir()


def voice_fingerprint(voice: Voice) -> str:
    """Voice id, engine and exact model: the voice's part of a cache key."""
    return f"{voice.id}\x1f{voice.engine}\x1f{voice.model_version}"


class SegmentCache:
    """Synthesised segments on disk, shared by every run that points at ``directory``."""

    def __init__(self, directory: Path, max_bytes: int = 2048 * 1024 * 1024) -> None:
        self.directory = Path(directory)
        self.segments = self.directory / "segments"
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self._dirty = False

    @classmethod
    def for_station(cls, station: Station) -> SegmentCache:
        """The cache a station's runs use (its directory and size bound)."""
        return cls(cache_dir_for(station), station.cache.max_mb * 1024 * 1024)

    @staticmethod
    def key(text: str, voice: str, params: SynthesisParams, normalizer: str) -> str:
        """The hex key of ``text`` spoken by ``voice`` (a :func:`voice_fingerprint`)."""
        parts = (_KEY_VERSION, text, voice, params.cache_key(), normalizer)
        return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.segments / key[:2] / f"{key}{_SUFFIX}"

    def contains(self, key: str) -> bool:
        """Whether an entry for ``key`` exists (it is checked only when read); a lookup
        that finds nothing counts as a miss."""
        found = self._path(key).is_file()
        if not found:
            self.stats.misses += 1
        return found

    def get(self, key: str) -> AudioChunk | None:
        """The stored audio for ``key``, or None (a miss, or an entry that failed checks)."""
        path = self._path(key)
        try:
            data = _read_entry(path)
        except FileNotFoundError:
            self.stats.misses += 1
            return None
        except OSError:
            data = None  # a symlink, a device, an unreadable file: not an entry of ours
        chunk = _decode(data) if data is not None else None
        if chunk is None:
            # Damaged (a crash mid-copy, a disk error, a truncation): never play it.
            self.stats.corrupt += 1
            self.stats.misses += 1
            with contextlib.suppress(OSError):  # a read-only cache keeps it; still a miss
                path.unlink(missing_ok=True)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # last use, for LRU pruning (atime is unreliable: noatime)
        self.stats.hits += 1
        return chunk

    def put(self, key: str, chunk: AudioChunk) -> None:
        """Store ``chunk`` under ``key`` (atomically; a failure only costs the caching)."""
        path = self._path(key)
        samples = np.ascontiguousarray(chunk.samples, dtype="<f4")
        payload = samples.tobytes()
        fields = _DIGESTED.pack(_MAGIC, chunk.sample_rate, len(samples))
        header = fields + _digest(fields, payload)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".part", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(header)
                    handle.write(payload)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            # A full or read-only cache disk must not fail the bulletin; say so once.
            if not self.stats.write_errors:
                log.warning(
                    "cache %s cannot be written (%s): segments are not being cached",
                    self.directory,
                    exc.strerror or exc,
                )
            self.stats.write_errors += 1
            return
        self.stats.stores += 1
        self._dirty = True

    def prune(self, max_bytes: int | None = None) -> int:
        """Remove least-recently-used entries until the cache fits; returns how many."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        entries = self._entries()
        total = sum(size for _, size, _ in entries)
        removed = 0
        for path, size, _ in sorted(entries, key=lambda e: e[2]):
            if total <= limit:
                break
            try:
                path.unlink(missing_ok=True)  # another run may have pruned it already
            except OSError:
                break  # a read-only cache cannot be pruned; it was reported when written
            total -= size
            removed += 1
        self.stats.pruned += removed
        self._dirty = False
        self._remove_stale_temporaries()
        return removed

    def prune_if_grown(self) -> int:
        """Prune only when this cache stored something since the last pruning."""
        return self.prune() if self._dirty else 0

    def usage(self) -> CacheUsage:
        """Entries and bytes on disk."""
        entries = self._entries()
        return CacheUsage(
            self.directory, len(entries), sum(size for _, size, _ in entries), self.max_bytes
        )

    def clear(self) -> int:
        """Remove every entry (and stale temporary files); returns the number of entries.

        An :class:`OutputError` (one line) when the cache cannot be changed.
        """
        removed = 0
        if not self.segments.is_dir():
            return 0
        try:
            for path in self.segments.glob("*/*"):
                if path.suffix in (_SUFFIX, ".part"):
                    path.unlink(missing_ok=True)
                    removed += path.suffix == _SUFFIX
        except OSError as exc:
            kept = "" if not removed else f" after removing {removed} segment(s)"
            raise OutputError(
                f"cannot clear the cache {self.directory}{kept}: {exc.strerror or exc}"
            ) from None
        for sub in self.segments.iterdir():
            with contextlib.suppress(OSError):
                sub.rmdir()
        return removed

    def _remove_stale_temporaries(self) -> None:
        # Left by runs killed mid-write; an hour is far longer than any write takes.
        cutoff = time.time() - 3600
        for path in self.segments.glob("*/.*.part"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()

    def _entries(self) -> list[tuple[Path, int, float]]:
        found: list[tuple[Path, int, float]] = []
        if not self.segments.is_dir():
            return found
        for path in self.segments.glob(f"*/*{_SUFFIX}"):
            with contextlib.suppress(OSError):  # pruned by a concurrent run meanwhile
                info = path.stat()
                found.append((path, info.st_size, info.st_mtime))
        return found


def _digest(fields: bytes, payload: bytes) -> bytes:
    digest = hashlib.blake2b(fields, digest_size=32)
    digest.update(payload)
    return digest.digest()


def _read_entry(path: Path) -> bytes | None:
    """An entry file's bytes; None if it is not a plausible entry (too big, not a file).

    Symlinks are not followed (``O_NOFOLLOW``: an ``OSError``), and the size is checked
    before reading, so a link or a huge sparse file planted in the cache costs nothing.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _HEADER.size <= info.st_size <= MAX_ENTRY_BYTES:
            return None
        return handle.read(MAX_ENTRY_BYTES + 1)


def _decode(data: bytes) -> AudioChunk | None:
    """The chunk in an entry's bytes, or None if anything about it is off."""
    if not _HEADER.size <= len(data) <= MAX_ENTRY_BYTES:
        return None
    magic, rate, frames, digest = _HEADER.unpack_from(data)
    payload = data[_HEADER.size :]
    if magic != _MAGIC or not MIN_RATE <= rate <= MAX_RATE:
        return None
    if frames > rate * MAX_ENTRY_SECONDS or len(payload) != frames * 4:
        return None
    if _digest(data[: _DIGESTED.size], payload) != digest:
        return None
    samples = np.frombuffer(payload, dtype="<f4").astype(np.float32)
    return AudioChunk(samples, int(rate))
