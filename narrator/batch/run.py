"""``narrator batch``: many articles, one audio file each (with sidecars), resumable.

For each article the manifest is consulted first: an article done before from the
same input and settings, whose file is still there, is skipped. The others are
produced with :func:`narrator.pipeline.produce`:

* ``local``: one after another in this process (synthesis on the station's ``jobs``);
* ``ray``: whole articles (synthesis, mastering, encoding) on Ray actors that hold
  the voice; each returns the encoded bytes, the sidecar texts and the figures, and
  this process writes the files and the manifest line. The output folder only has to
  exist here, and every article is written once, whatever the workers went through.

One article's failure is recorded and the batch goes on.
"""

from __future__ import annotations

import copy
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from narrator.audio.export import format_for
from narrator.audio.sidecars import sidecar_paths
from narrator.batch.hashing import input_hash, settings_hash
from narrator.batch.inputs import BatchItem
from narrator.batch.manifest import DONE, FAILED, Entry, Manifest
from narrator.cache import SegmentCache, cache_dir_for, voice_fingerprint
from narrator.config import Station
from narrator.engines.chain import VoiceChain
from narrator.errors import NarratorError, OutputError
from narrator.fsutil import write_bytes_atomic, write_text_atomic
from narrator.pipeline import produce, voice_spec
from narrator.text.document import Document
from narrator.text.normalize import NORMALIZER_VERSION

log = logging.getLogger(__name__)

SKIPPED = "skipped"

ArticleCallback = Callable[[Entry, str], None]
"""Called as ``on_article(entry, outcome)`` for every article; outcome is
``done``, ``skipped`` or ``failed``."""


@dataclass
class BatchReport:
    """What a batch did."""

    done: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    entries: list[Entry] = field(default_factory=list)
    """This run's entry of every article, in input order."""

    @property
    def summary(self) -> str:
        """One line: counts and time."""
        return (
            f"batch: {self.done} done, {self.skipped} skipped, {self.failed} failed "
            f"({self.seconds:.1f} s)"
        )


@dataclass(frozen=True)
class ProducedArticle:
    """One article, produced on a worker: the file's bytes, its sidecars and figures."""

    audio: bytes
    sidecars: dict[str, str]
    """Sidecar kind (``vtt``, ``srt``, ``chapters``) to its text."""
    duration_s: float
    loudness_lufs: float
    true_peak_dbtp: float


def local_station(station: Station, jobs: int | None = None) -> Station:
    """``station`` with synthesis on this machine (``jobs`` processes, if given)."""
    local = copy.deepcopy(station)
    local.performance.executor = "local"
    if jobs is not None:
        local.performance.jobs = jobs
    return local


def produce_article(
    chain: VoiceChain,
    document: Document,
    station: Station,
    file_name: str,
    fmt: str,
    cache_dir: str | None,
    cache_max_bytes: int,
) -> ProducedArticle:
    """Produce one article in a scratch folder and return its files' contents.

    Runs on a batch worker with the worker's loaded ``chain``; ``cache_dir`` is the
    segment cache as the worker sees it (None: no cache).
    """
    cache = SegmentCache(Path(cache_dir), cache_max_bytes) if cache_dir else None
    with tempfile.TemporaryDirectory(prefix="narrator-batch-") as scratch:
        output = Path(scratch) / file_name
        result = produce(document, output, station, fmt=fmt, cache=cache, jobs=1, chain=chain)
        sidecars = {kind: path.read_text("utf-8") for kind, path in result.sidecars.items()}
        return ProducedArticle(
            output.read_bytes(),
            sidecars,
            result.programme.duration,
            result.loudness_lufs,
            result.true_peak_dbtp,
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _finite(value: float) -> float | None:
    return round(value, 3) if value == value and abs(value) != float("inf") else None


class Batch:
    """A batch into the output folder ``out``, with ``station``'s settings."""

    def __init__(
        self,
        out: Path,
        station: Station,
        *,
        fmt: str = "mp3",
        cache: bool = True,
        executor: str = "local",
        ray_address: str | None = None,
        workers: int | None = None,
    ) -> None:
        self.out = Path(out)
        if not self.out.is_dir():
            raise OutputError(f"{self.out}: output folder does not exist")
        self.station = station
        self.local = local_station(station)
        self.fmt = format_for(Path(f"x.{fmt}"), fmt)
        if executor not in ("local", "ray"):
            raise NarratorError(f"executor must be 'local' or 'ray', not {executor!r}")
        self.executor = executor
        self.ray_address = ray_address
        self.workers = workers
        self.cache = SegmentCache.for_station(station) if cache else None
        self.spec = voice_spec(station)
        self.chain = self.spec.chain()
        self.settings_hash = settings_hash(
            station, voice_fingerprint(self.chain.primary), NORMALIZER_VERSION, self.fmt
        )
        self.manifest = Manifest(self.out)

    def run(
        self,
        items: list[BatchItem],
        *,
        on_article: ArticleCallback | None = None,
        on_pool: Callable[[object], None] | None = None,
    ) -> BatchReport:
        """Produce ``items``; ``on_pool`` is handed the Ray worker pool when there is one."""
        started = time.perf_counter()
        report = BatchReport()
        self.manifest.compact()
        entries: dict[str, Entry] = {}
        todo: list[tuple[BatchItem, str]] = []

        def finish(entry: Entry, outcome: str) -> None:
            entries[entry.id] = entry
            setattr(report, outcome, getattr(report, outcome) + 1)
            if on_article:
                on_article(entry, outcome)

        for item in items:
            if item.document is None:
                entry = Entry(
                    item.id, "", self.settings_hash, None, FAILED, error=item.error, finished=_now()
                )
                self.manifest.record(entry)
                finish(entry, FAILED)
                continue
            hashed = input_hash(item.document)
            if self.manifest.is_done(item.id, hashed, self.settings_hash):
                finish(self.manifest.entries[item.id], SKIPPED)
            else:
                todo.append((item, hashed))
        produced = self._run_ray(todo, on_pool) if self.executor == "ray" else self._run_local(todo)
        for entry in produced:
            self.manifest.record(entry)
            finish(entry, DONE if entry.status == DONE else FAILED)
        self.manifest.compact()
        report.entries = [entries[item.id] for item in items if item.id in entries]
        report.seconds = time.perf_counter() - started
        if self.cache is not None:
            self.cache.prune_if_grown()
        return report

    def _file_name(self, item: BatchItem) -> str:
        return f"{item.name}.{self.fmt}"

    def _run_local(self, todo: list[tuple[BatchItem, str]]) -> Iterator[Entry]:
        for item, hashed in todo:
            assert item.document is not None
            name = self._file_name(item)
            try:
                result = produce(
                    item.document,
                    self.out / name,
                    self.local,
                    fmt=self.fmt,
                    cache=self.cache,
                    chain=self.chain,
                )
            except NarratorError as exc:
                yield self._failed(item, hashed, str(exc))
                continue
            except Exception as exc:  # one article must not stop the batch
                log.debug("article %s failed", item.id, exc_info=True)
                yield self._failed(item, hashed, f"{type(exc).__name__}: {exc}")
                continue
            yield Entry(
                item.id,
                hashed,
                self.settings_hash,
                name,
                DONE,
                _finite(result.programme.duration),
                _finite(result.loudness_lufs),
                _finite(result.true_peak_dbtp),
                finished=_now(),
            )

    def _run_ray(
        self, todo: list[tuple[BatchItem, str]], on_pool: Callable[[object], None] | None
    ) -> Iterator[Entry]:
        if not todo:
            return
        from narrator.engines.ray_executor import RayWorkerPool

        by_id = {item.id: (item, hashed) for item, hashed in todo}
        station = local_station(self.station, jobs=1)  # a worker is one CPU
        cache_dir = str(cache_dir_for(self.station)) if self.cache is not None else None
        max_bytes = self.cache.max_bytes if self.cache is not None else 0
        jobs = (
            (
                item.id,
                produce_article,
                (item.document, station, self._file_name(item), self.fmt, cache_dir, max_bytes),
            )
            for item, _ in todo
        )
        with RayWorkerPool(self.spec, address=self.ray_address, workers=self.workers) as pool:
            if on_pool:
                on_pool(pool)
            for id, result in pool.run(jobs):
                item, hashed = by_id[id]
                if result.error is not None:
                    yield self._failed(item, hashed, result.error)
                    continue
                try:
                    yield self._write(item, hashed, result.value)
                except NarratorError as exc:
                    yield self._failed(item, hashed, str(exc))

    def _write(self, item: BatchItem, hashed: str, article: ProducedArticle) -> Entry:
        """Write a worker's article: the audio first, then what points at it."""
        name = self._file_name(item)
        output = self.out / name
        try:
            write_bytes_atomic(output, article.audio)
            for kind, path in sidecar_paths(output).items():
                if kind in article.sidecars:
                    write_text_atomic(path, article.sidecars[kind])
        except OSError as exc:
            raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None
        return Entry(
            item.id,
            hashed,
            self.settings_hash,
            name,
            DONE,
            _finite(article.duration_s),
            _finite(article.loudness_lufs),
            _finite(article.true_peak_dbtp),
            finished=_now(),
        )

    def _failed(self, item: BatchItem, hashed: str, error: str) -> Entry:
        return Entry(
            item.id, hashed, self.settings_hash, None, FAILED, error=error, finished=_now()
        )
