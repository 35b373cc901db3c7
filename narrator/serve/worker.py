"""Worker threads that take jobs from the store and produce them.

Each job runs :func:`narrator.pipeline.produce` into its own folder under the data
folder (named by the id the server made, never by anything from a request), with the
shared segment cache, so an identical request re-synthesises nothing. Cancellation and
shutdown are seen between segments, through the progress callback.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from narrator.audio.sidecars import sidecar_paths
from narrator.cache import SegmentCache
from narrator.config import Station
from narrator.errors import NarratorError
from narrator.fsutil import write_text_atomic
from narrator.serve.documents import read_request_text, station_for
from narrator.serve.jobs import Job, JobState, JobStore
from narrator.serve.metrics import Metrics
from narrator.serve.settings import ServeSettings

log = logging.getLogger(__name__)

PEAKS = 1200
"""Points of the waveform the web page draws."""
SYNTHESIS_SHARE = 0.9
"""Share of the progress bar for synthesis; assembly, mastering and encoding fill the rest."""


class _Stop(Exception):
    """Raised inside a job when it is cancelled or the server stops."""

    def __init__(self, cancelled: bool) -> None:
        super().__init__("cancelled" if cancelled else "server stopping")
        self.cancelled = cancelled


def job_dir(settings: ServeSettings, job_id: str) -> Path:
    """The folder of one job's files."""
    return settings.jobs_dir / job_id


def job_files(settings: ServeSettings, job: Job) -> dict[str, Path]:
    """Where a job's outputs are: ``audio``, ``vtt``, ``chapters`` and ``peaks``."""
    audio = job_dir(settings, job.id) / f"audio.{job.request.get('format', 'mp3')}"
    sidecars = sidecar_paths(audio)
    return {
        "audio": audio,
        "vtt": sidecars["vtt"],
        "chapters": sidecars["chapters"],
        "peaks": audio.with_name("peaks.json"),
    }


def file_peaks(path: Path, points: int = PEAKS) -> dict[str, Any]:
    """The largest magnitude in each of ``points`` equal slices of an audio file,
    decoded block by block (memory does not grow with the programme's length)."""
    import soundfile

    values = np.zeros(points, dtype=np.float32)
    position = 0
    with soundfile.SoundFile(path) as audio:
        frames, rate = max(audio.frames, 1), audio.samplerate
        for block in audio.blocks(blocksize=1 << 16, dtype="float32", always_2d=True):
            magnitude = np.max(np.abs(block), axis=1)
            slots = np.minimum(
                np.arange(position, position + len(magnitude)) * points // frames, points - 1
            )
            # Slots only grow within a block: one maximum per run of equal slots.
            starts = np.concatenate([[0], np.flatnonzero(np.diff(slots)) + 1])
            runs = np.maximum.reduceat(magnitude, starts)
            values[slots[starts]] = np.maximum(values[slots[starts]], runs)
            position += len(magnitude)
    return {"duration": position / rate, "peaks": [round(float(v), 4) for v in values]}


class JobRunner:
    """``workers`` threads producing the store's queued jobs, oldest first."""

    def __init__(
        self,
        settings: ServeSettings,
        store: JobStore,
        station: Station,
        lexicon_path: Callable[[], Path | None],
        metrics: Metrics,
    ) -> None:
        self.settings = settings
        self.store = store
        self.station = station
        self.lexicon_path = lexicon_path
        self.metrics = metrics
        self._wake = threading.Condition()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._last_expiry = 0.0

    def start(self) -> None:
        """Re-queue interrupted jobs, apply retention and start the workers."""
        requeued = self.store.recover()
        if requeued:
            log.warning("re-queued %d job(s) interrupted by the last stop", len(requeued))
        self.expire()
        for number in range(max(1, self.settings.workers)):
            thread = threading.Thread(target=self._loop, name=f"narrator-job-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the workers; a job being produced goes back to the queue."""
        self._stopping.set()
        self.wake()
        for thread in self._threads:
            thread.join(timeout)

    def wake(self) -> None:
        """Tell idle workers a job was queued."""
        with self._wake:
            self._wake.notify_all()

    def expire(self) -> None:
        """Remove finished jobs past retention, and their files."""
        self._last_expiry = time.time()
        cutoff = time.time() - self.settings.retention_hours * 3600
        for job_id in self.store.expire(cutoff):
            shutil.rmtree(job_dir(self.settings, job_id), ignore_errors=True)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            if time.time() - self._last_expiry > 60:
                self.expire()
            job = self.store.claim()
            if job is None:
                with self._wake:
                    self._wake.wait(timeout=1.0)
                continue
            self.run(job)

    def run(self, job: Job) -> None:
        """Produce one claimed job and record how it ended; never raises."""
        from narrator.pipeline import produce

        files = job_files(self.settings, job)
        files["audio"].parent.mkdir(parents=True, exist_ok=True)
        request = job.request
        last_write = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last_write
            if self._stopping.is_set():
                raise _Stop(cancelled=False)
            if self.store.cancel_requested(job.id):
                raise _Stop(cancelled=True)
            now = time.monotonic()
            if now - last_write > 0.2 or done == total:
                last_write = now
                self.store.set_progress(job.id, SYNTHESIS_SHARE * done / max(total, 1))

        cache = SegmentCache(self.settings.cache_dir, self.station.cache.max_mb * 1024 * 1024)
        try:
            document = read_request_text(request["text"], request.get("input", "text"))
            if request.get("title"):
                document.title = request["title"]
            station = station_for(self.station, request, self.lexicon_path())
            production = produce(
                document,
                files["audio"],
                station,
                fmt=request.get("format", "mp3"),
                progress=progress,
                cache=cache if self.station.cache.enabled else None,
            )
            write_text_atomic(files["peaks"], json.dumps(file_peaks(files["audio"])))
            if self.store.cancel_requested(job.id):  # asked after the last sentence
                raise _Stop(cancelled=True)
        except _Stop as stop:
            if stop.cancelled:
                self.store.finish(job.id, JobState.CANCELLED, error="cancelled")
                self.metrics.add("narrator_jobs_finished_total", state="cancelled")
                shutil.rmtree(files["audio"].parent, ignore_errors=True)
            else:
                self.store.requeue(job.id)
            return
        except NarratorError as exc:
            self._fail(job, str(exc))
            return
        except Exception as exc:  # a job never takes its worker down
            log.exception("job %s failed", job.id)
            self._fail(job, f"internal error: {type(exc).__name__}")
            return
        figures = {
            "duration_s": round(production.programme.duration, 3),
            "loudness_lufs": round(production.loudness_lufs, 2),
            "true_peak_dbtp": round(production.true_peak_dbtp, 2),
            "segments": production.segments,
            "production_s": round(production.seconds, 3),
            "cache_hits": cache.stats.hits,
            "cache_misses": cache.stats.misses,
            "fallbacks": len(production.fallbacks),
            "chapters": len(production.programme.chapters),
            "bytes": files["audio"].stat().st_size,
        }
        self.store.finish(job.id, JobState.DONE, figures=figures)
        self.metrics.add("narrator_jobs_finished_total", state="done")
        self.metrics.add("narrator_synthesis_seconds_total", production.seconds)
        self.metrics.add("narrator_audio_seconds_total", production.programme.duration)
        self.metrics.add("narrator_cache_hits_total", cache.stats.hits)
        self.metrics.add("narrator_cache_misses_total", cache.stats.misses)

    def _fail(self, job: Job, message: str) -> None:
        self.store.finish(job.id, JobState.FAILED, error=message)
        self.metrics.add("narrator_jobs_finished_total", state="failed")
        self.metrics.add("narrator_job_failures_total")
