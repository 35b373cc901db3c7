"""What earlier runs measured: how much loudness the limiter and the codec take.

Pass 2 chooses its gain before it encodes. The plain gain (target minus the measured
programme) is short by what the look-ahead limiter shaves off the peaks and what the
lossy codec drops, so the first run of a voice and format measures both on a probe
(see :func:`narrator.audio.render.planned_gain`). After each run the decoded file says
what the loss really was; it is kept here, keyed by everything it depends on (voice,
format, bitrate, rate, channels, targets, stings and bed), and the next run of the same
kind plans from it without a probe. The decoded file is still checked every time, and
re-encoded (and the history corrected) when it misses, so a wrong entry costs time,
never a file out of specification.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MAX_GAIN_DISTANCE_DB = 1.5
"""An entry stands for runs whose plain gain is within this of its own: the limiter's
share of the loss grows with how hard the gain drives the peaks into it."""
MAX_ENTRIES = 256


@dataclass(frozen=True)
class LoudnessLoss:
    """The loudness a finished file lost to the limiter and the codec."""

    lu: float
    """Planned loudness (programme + gain) minus the decoded file's, in LU."""
    gain_db: float
    """The plain gain it was measured at (target minus the programme's loudness)."""


class LossHistory:
    """The last measured :class:`LoudnessLoss` per kind of run, in a small JSON file.

    A missing, unreadable or unwritable file only means a probe next time: it is a
    cache, never a reason to fail a run.
    """

    def __init__(self, path: Path | None, kind: str) -> None:
        self.path = path
        self.key = hashlib.sha256(kind.encode("utf-8")).hexdigest()[:32]
        self._entry: object = None
        self._entry_read = False

    def predict(self, gain_db: float) -> float | None:
        """The loss (LU) to expect at plain gain ``gain_db``, or None when unknown."""
        if not self._entry_read:  # read once a run: a run asks up to three times
            self._entry, self._entry_read = self._read().get(self.key), True
        entry = self._entry
        try:
            lu, measured_at = float(entry["lu"]), float(entry["gain_db"])  # type: ignore[index]
        except (TypeError, KeyError, ValueError):
            return None
        if abs(measured_at - gain_db) > MAX_GAIN_DISTANCE_DB or not -3.0 <= lu <= 3.0:
            return None
        return lu

    def record(self, loss: LoudnessLoss) -> None:
        """Keep ``loss`` for the next run of this kind."""
        if self.path is None or not -3.0 <= loss.lu <= 3.0:
            return
        known = self._read()  # afresh: other runs may have added kinds of their own
        known.pop(self.key, None)
        known[self.key] = {"lu": round(loss.lu, 4), "gain_db": round(loss.gain_db, 3)}
        self._entry_read = False  # what the file holds now (it may not have been written)
        while len(known) > MAX_ENTRIES:  # oldest first: dicts keep insertion order
            known.pop(next(iter(known)))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(known), "utf-8")
            temporary.replace(self.path)
        except OSError as exc:
            log.info("cannot keep the mastering history in %s (%s)", self.path, exc)

    def _read(self) -> dict[str, object]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}
