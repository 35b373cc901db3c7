"""The spool: the assembled programme kept on disk, not in memory, between two passes.

Pass 1 (assembly) appends blocks as synthesis delivers them; pass 2 (mastering and
encoding) reads them back, possibly while pass 1 is still appending. Samples are
float32 mono at the output rate (about 10 MB a minute at 44.1 kHz). The file is
unlinked from the moment it is created, so nothing is left behind, even when the
process is killed.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator

import numpy as np

_BYTES = np.dtype(np.float32).itemsize


class Spool:
    """An append-only, randomly readable file of float32 mono samples."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="narrator-spool-")  # noqa: SIM115
        self._fd = self._file.fileno()
        self._frames = 0
        self._grown = threading.Condition()
        self._finished = False

    @property
    def frames(self) -> int:
        """Frames appended so far."""
        return self._frames

    def append(self, samples: np.ndarray) -> None:
        """Add ``samples`` (mono) at the end."""
        data = np.ascontiguousarray(samples, dtype=np.float32)
        if len(data) == 0:
            return
        os.pwrite(self._fd, data.tobytes(), self._frames * _BYTES)
        with self._grown:
            self._frames += len(data)
            self._grown.notify_all()

    def finish(self) -> None:
        """No more appends: readers waiting for frames that will never come return."""
        with self._grown:
            self._finished = True
            self._grown.notify_all()

    def read(self, start: int, stop: int) -> np.ndarray:
        """Frames ``start`` to ``stop`` (clipped to what has been appended)."""
        stop = min(stop, self._frames)
        if stop <= start:
            return np.zeros(0, dtype=np.float32)
        data = os.pread(self._fd, (stop - start) * _BYTES, start * _BYTES)
        return np.frombuffer(data, dtype=np.float32).copy()

    def blocks(
        self, size: int = 1 << 16, *, start: int = 0, follow: bool = False
    ) -> Iterator[tuple[int, np.ndarray]]:
        """``(first frame, samples)`` blocks from ``start`` to the end.

        With ``follow``, keep reading as frames are appended until :meth:`finish`.
        """
        position = start
        while True:
            with self._grown:
                while follow and not self._finished and self._frames < position + size:
                    self._grown.wait()
                available = self._frames
            if position >= available:
                return
            block = self.read(position, min(available, position + size))
            yield position, block
            position += len(block)

    def close(self) -> None:
        """Delete the spool."""
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
