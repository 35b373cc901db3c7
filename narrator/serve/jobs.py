"""Jobs kept in SQLite, so that a restart loses none.

A job is ``queued`` until a worker claims it (``running``), then ``done``, ``failed``
or ``cancelled``. A job found ``running`` when the server starts was interrupted (the
process died or stopped): it is queued again, unless its cancellation had been asked
for. Finished jobs stay until retention removes them.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any


class JobState(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)
ACTIVE = (JobState.QUEUED, JobState.RUNNING)


class QueueFull(Exception):
    """The queue is at its bound."""


class TokenBusy(Exception):
    """The caller already has as many active jobs as a token may."""


@dataclass(frozen=True)
class Job:
    """One row of the jobs table."""

    id: str
    owner: str
    """Who asked: a digest of the caller's token (never the token), or ``local``."""
    state: JobState
    request: dict[str, Any]
    created: float
    started: float | None
    finished: float | None
    progress: float
    error: str | None
    figures: dict[str, Any] | None
    attempts: int
    """How many times a worker started it (more than one after an interrupted run)."""
    completions: int
    """How many times it finished: 0 or 1."""
    cancel_requested: bool

    def public(self) -> dict[str, Any]:
        """What ``GET /v1/jobs/{id}`` shows."""
        return {
            "id": self.id,
            "state": self.state.value,
            "progress": round(self.progress, 3),
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "error": self.error,
            "figures": self.figures,
            "attempts": self.attempts,
            "request": {k: v for k, v in self.request.items() if k != "text"},
            "title": self.request.get("title") or _first_words(self.request.get("text", "")),
        }


def _first_words(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    state TEXT NOT NULL,
    request TEXT NOT NULL,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    progress REAL NOT NULL DEFAULT 0,
    error TEXT,
    figures TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    completions INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, created);
"""


class JobStore:
    """The jobs table of one data folder. Safe to use from several threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def recover(self) -> list[str]:
        """At start-up: jobs left ``running`` by an earlier process are queued again
        (or cancelled, if that had been asked). Returns the ids re-queued."""
        with self._transaction() as db:
            rows = db.execute("SELECT id, cancel_requested FROM jobs WHERE state = ?", ("running",))
            requeued: list[str] = []
            for row in rows.fetchall():
                if row["cancel_requested"]:
                    db.execute(
                        "UPDATE jobs SET state = ?, finished = ?, completions = completions + 1 "
                        "WHERE id = ?",
                        (JobState.CANCELLED, time.time(), row["id"]),
                    )
                else:
                    db.execute(
                        "UPDATE jobs SET state = ?, progress = 0 WHERE id = ?",
                        (JobState.QUEUED, row["id"]),
                    )
                    requeued.append(row["id"])
            return requeued

    def add(
        self, request: dict[str, Any], owner: str, *, max_queue: int, max_per_owner: int
    ) -> Job:
        """Queue a new job; :class:`QueueFull` or :class:`TokenBusy` past the bounds."""
        job_id = uuid.uuid4().hex
        with self._transaction() as db:
            queued = db.execute("SELECT COUNT(*) FROM jobs WHERE state = ?", ("queued",))
            if queued.fetchone()[0] >= max_queue:
                raise QueueFull
            active = db.execute(
                "SELECT COUNT(*) FROM jobs WHERE owner = ? AND state IN (?, ?)",
                (owner, *ACTIVE),
            )
            if active.fetchone()[0] >= max_per_owner:
                raise TokenBusy
            db.execute(
                "INSERT INTO jobs (id, owner, state, request, created) VALUES (?, ?, ?, ?, ?)",
                (job_id, owner, JobState.QUEUED, json.dumps(request), time.time()),
            )
        job = self.get(job_id)
        assert job is not None
        return job

    def claim(self) -> Job | None:
        """The oldest queued job, now ``running``; None when the queue is empty."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT id FROM jobs WHERE state = ? ORDER BY created, rowid LIMIT 1",
                ("queued",),
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE jobs SET state = ?, started = ?, attempts = attempts + 1, progress = 0 "
                "WHERE id = ?",
                (JobState.RUNNING, time.time(), row["id"]),
            )
            job_id = row["id"]
        return self.get(job_id)

    def set_progress(self, job_id: str, progress: float) -> None:
        """Record how far a running job is (0 to 1)."""
        with self._lock:
            self._db.execute(
                "UPDATE jobs SET progress = ? WHERE id = ? AND state = ?",
                (progress, job_id, JobState.RUNNING),
            )

    def finish(
        self,
        job_id: str,
        state: JobState,
        *,
        figures: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        """Mark a running job finished (done, failed or cancelled)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE jobs SET state = ?, finished = ?, figures = ?, error = ?, "
                "progress = CASE WHEN ? = 'done' THEN 1 ELSE progress END, "
                "completions = completions + 1 WHERE id = ? AND state = ?",
                (
                    state,
                    time.time(),
                    json.dumps(figures) if figures is not None else None,
                    error,
                    state,
                    job_id,
                    JobState.RUNNING,
                ),
            )

    def requeue(self, job_id: str) -> None:
        """Put a running job back in the queue (the server is stopping)."""
        with self._lock:
            self._db.execute(
                "UPDATE jobs SET state = ?, progress = 0 WHERE id = ? AND state = ?",
                (JobState.QUEUED, job_id, JobState.RUNNING),
            )

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a job: a queued one at once, a running one when its worker next looks
        (:attr:`Job.cancel_requested`). None if there is no such job."""
        with self._transaction() as db:
            db.execute(
                "UPDATE jobs SET state = ?, finished = ?, completions = completions + 1 "
                "WHERE id = ? AND state = ?",
                (JobState.CANCELLED, time.time(), job_id, JobState.QUEUED),
            )
            db.execute(
                "UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND state = ?",
                (job_id, JobState.RUNNING),
            )
        return self.get(job_id)

    def cancel_requested(self, job_id: str) -> bool:
        """Whether someone asked to cancel this job."""
        with self._lock:
            row = self._db.execute(
                "SELECT cancel_requested FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()
        return bool(row and row["cancel_requested"])

    def delete(self, job_id: str) -> None:
        """Forget a job."""
        with self._lock:
            self._db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or None."""
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def recent(self, owner: str | None, limit: int = 20) -> list[Job]:
        """The newest jobs, of one owner (or of all when ``owner`` is None)."""
        with self._lock:
            if owner is None:
                rows = self._db.execute(
                    "SELECT * FROM jobs ORDER BY created DESC, rowid DESC LIMIT ?", (limit,)
                )
            else:
                rows = self._db.execute(
                    "SELECT * FROM jobs WHERE owner = ? ORDER BY created DESC, rowid DESC LIMIT ?",
                    (owner, limit),
                )
            return [_job(row) for row in rows.fetchall()]

    def counts(self) -> dict[str, int]:
        """How many jobs are in each state."""
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall()
        found = {state.value: 0 for state in JobState}
        found.update({row[0]: row[1] for row in rows})
        return found

    def expire(self, finished_before: float) -> list[str]:
        """Remove finished jobs that finished before ``finished_before``; their ids."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id FROM jobs WHERE state IN (?, ?, ?) AND finished < ?",
                (*FINISHED, finished_before),
            ).fetchall()
            ids = [row["id"] for row in rows]
            db.executemany("DELETE FROM jobs WHERE id = ?", [(i,) for i in ids])
        return ids


def _job(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"],
        owner=row["owner"],
        state=JobState(row["state"]),
        request=json.loads(row["request"]),
        created=row["created"],
        started=row["started"],
        finished=row["finished"],
        progress=row["progress"],
        error=row["error"],
        figures=json.loads(row["figures"]) if row["figures"] else None,
        attempts=row["attempts"],
        completions=row["completions"],
        cancel_requested=bool(row["cancel_requested"]),
    )
