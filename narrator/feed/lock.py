"""One build at a time per published folder: an exclusive lock file with a bounded wait.

``flock`` locks belong to the open file, so the kernel releases them when a build
exits or is killed: a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from narrator.errors import NarratorError, OutputError

LOCK_NAME = ".narrator.lock"
_POLL_S = 0.1


class BuildLockedError(NarratorError):
    """Another build holds the folder's lock for longer than we may wait."""

    exit_code = 75  # EX_TEMPFAIL: cron and systemd read it as "try again later"


class BuildLock:
    """``with BuildLock(out, timeout):`` holds ``out/.narrator.lock`` exclusively."""

    def __init__(self, directory: Path, timeout_s: float) -> None:
        self.path = Path(directory) / LOCK_NAME
        self.timeout_s = max(0.0, timeout_s)
        self._fd: int | None = None

    def __enter__(self) -> BuildLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot open lock file ({exc.strerror})") from None
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise BuildLockedError(
                        f"{self.path}: another feed build is running "
                        f"(waited {self.timeout_s:g} s); try again later"
                    ) from None
                time.sleep(_POLL_S)
        self._fd = fd
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            # Closing releases the lock; the file stays so that waiters share one inode.
            os.close(self._fd)
            self._fd = None
