"""Quality check of a finished audio file against the station's targets.

Measures what a podcast host or an editor would: duration, format, integrated
loudness, true peak, the longest silence inside the programme, clipped samples, and
silence at the start and the end. Runs on the decoded file, so it sees what
listeners hear.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from narrator.audio.export import read_audio
from narrator.audio.master import integrated_loudness, true_peak_dbtp
from narrator.config import Station
from narrator.errors import InputError

CLIP_LEVEL = 0.999
"""A sample at or above this magnitude (-0.01 dBFS) counts as clipped."""
WINDOW_S = 0.01
"""Silence is judged on 10 ms windows."""
MIN_DURATION_S = 0.4
"""Shortest file that can be checked: one 400 ms loudness gating block (BS.1770)."""
MAX_CHANNELS = 5
"""The BS.1770 channel weights cover up to five channels (narrator writes 1 or 2)."""


@dataclass(frozen=True)
class Analysis:
    """The measured figures of one audio file."""

    path: Path
    duration: float
    sample_rate: int
    channels: int
    loudness_lufs: float
    true_peak_dbtp: float
    longest_silence_s: float
    """Longest silence between the first and the last sound (the whole file when it
    is all silent)."""
    clipped_samples: int
    leading_silence_s: float
    trailing_silence_s: float

    @property
    def all_silent(self) -> bool:
        """Nothing in the file is louder than the silence threshold."""
        return self.leading_silence_s >= self.duration - WINDOW_S


@dataclass(frozen=True)
class Verdict:
    """One figure judged against its target."""

    name: str
    value: str
    ok: bool
    target: str = ""


def _silent_windows(data: np.ndarray, rate: int, threshold_db: float) -> np.ndarray:
    window = max(1, round(rate * WINDOW_S))
    count = len(data) // window
    power = np.mean(
        data[: count * window].astype(np.float64).reshape(count, window, -1) ** 2, axis=(1, 2)
    )
    return power < 10 ** (threshold_db / 10)


def _longest_run(flags: np.ndarray) -> int:
    if not flags.any():
        return 0
    padded = np.concatenate([[False], flags, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return int((edges[1::2] - edges[::2]).max())


def read_checkable(path: Path) -> tuple[np.ndarray, int]:
    """Decode ``path`` for checking; a one-line :class:`InputError` if it cannot be."""
    data, rate = read_audio(path)
    if len(data) == 0:
        raise InputError(f"{path}: the audio file is empty")
    if data.shape[1] > MAX_CHANNELS:
        raise InputError(
            f"{path}: {data.shape[1]} channels; check measures files of 1 to {MAX_CHANNELS} "
            "channels (podcasts are mono or stereo)"
        )
    if len(data) < MIN_DURATION_S * rate:
        frames = f"{len(data)} frame{'s' if len(data) != 1 else ''}"
        raise InputError(
            f"{path}: too short to check ({frames}, {len(data) / rate:.3f} s; loudness needs "
            f"at least {MIN_DURATION_S} s)"
        )
    return data, rate


def analyse(
    path: Path,
    *,
    silence_threshold_db: float = -50.0,
    audio: tuple[np.ndarray, int] | None = None,
) -> Analysis:
    """Measure the audio file at ``path`` (``audio``: its already decoded frames and rate)."""
    data, rate = audio if audio is not None else read_checkable(path)
    samples = data[:, 0] if data.shape[1] == 1 else data
    silent = _silent_windows(data, rate, silence_threshold_db)
    sound = np.flatnonzero(~silent)
    if len(sound):
        leading, trailing = int(sound[0]), int(len(silent) - 1 - sound[-1])
        inner = _longest_run(silent[sound[0] : sound[-1] + 1])
    else:  # all silent: that is one long silence, not none
        leading, trailing, inner = len(silent), len(silent), len(silent)
    return Analysis(
        path=Path(path),
        duration=len(data) / rate,
        sample_rate=rate,
        channels=data.shape[1],
        loudness_lufs=integrated_loudness(samples, rate),
        true_peak_dbtp=true_peak_dbtp(samples, rate),
        longest_silence_s=inner * WINDOW_S,
        clipped_samples=int(np.count_nonzero(np.abs(data) >= CLIP_LEVEL)),
        leading_silence_s=leading * WINDOW_S,
        trailing_silence_s=trailing * WINDOW_S,
    )


def evaluate(analysis: Analysis, station: Station) -> list[Verdict]:
    """Judge each figure against the station's targets (format figures are information)."""
    check, audio = station.check, station.audio
    target = audio.target_for(analysis.channels)
    loudness = analysis.loudness_lufs
    return [
        Verdict("duration", f"{analysis.duration:.1f} s", analysis.duration > 0),
        Verdict("sample rate", f"{analysis.sample_rate} Hz", True),
        Verdict("channels", str(analysis.channels), True),
        Verdict(
            "loudness",
            f"{loudness:.1f} LUFS" if math.isfinite(loudness) else "silent",
            math.isfinite(loudness) and abs(loudness - target) <= check.loudness_tolerance_lu,
            f"{target:.1f} ± {check.loudness_tolerance_lu:.1f}",
        ),
        Verdict(
            "true peak",
            f"{analysis.true_peak_dbtp:.1f} dBTP",
            analysis.true_peak_dbtp <= audio.true_peak_dbtp,
            f"≤ {audio.true_peak_dbtp:.1f}",
        ),
        Verdict(
            "longest silence",
            f"{analysis.longest_silence_s:.2f} s" + (" (all)" if analysis.all_silent else ""),
            analysis.longest_silence_s <= check.max_silence_s and not analysis.all_silent,
            f"≤ {check.max_silence_s:.1f}",
        ),
        Verdict(
            "clipped samples",
            str(analysis.clipped_samples),
            analysis.clipped_samples <= check.max_clipped_samples,
            f"≤ {check.max_clipped_samples}",
        ),
        Verdict(
            "leading silence",
            f"{analysis.leading_silence_s:.2f} s",
            analysis.leading_silence_s <= check.max_edge_silence_s,
            f"≤ {check.max_edge_silence_s:.1f}",
        ),
        Verdict(
            "trailing silence",
            f"{analysis.trailing_silence_s:.2f} s",
            analysis.trailing_silence_s <= check.max_edge_silence_s,
            f"≤ {check.max_edge_silence_s:.1f}",
        ),
    ]


def format_report(analysis: Analysis, verdicts: list[Verdict]) -> str:
    """The report as aligned lines: figure, value, ok/FAIL and the target."""
    lines = [str(analysis.path)]
    for verdict in verdicts:
        mark = "" if not verdict.target else ("ok" if verdict.ok else "FAIL")
        target = f"(target {verdict.target})" if verdict.target else ""
        lines.append(f"  {verdict.name:<17} {verdict.value:<12} {mark:<4} {target}".rstrip())
    return "\n".join(lines)


def _finite(value: float) -> float | None:
    """JSON has no infinities: a silent file's loudness and peak are null."""
    return round(value, 3) if math.isfinite(value) else None


def to_json(analysis: Analysis, verdicts: list[Verdict]) -> str:
    """The report as one JSON object: the figures, each verdict, and ``ok`` overall."""
    document: dict[str, Any] = {
        "file": str(analysis.path),
        "ok": all(verdict.ok for verdict in verdicts),
        "duration_s": round(analysis.duration, 3),
        "sample_rate": analysis.sample_rate,
        "channels": analysis.channels,
        "loudness_lufs": _finite(analysis.loudness_lufs),
        "true_peak_dbtp": _finite(analysis.true_peak_dbtp),
        "longest_silence_s": round(analysis.longest_silence_s, 3),
        "all_silent": analysis.all_silent,
        "clipped_samples": analysis.clipped_samples,
        "leading_silence_s": round(analysis.leading_silence_s, 3),
        "trailing_silence_s": round(analysis.trailing_silence_s, 3),
        "checks": [
            {"name": v.name, "value": v.value, "ok": v.ok, "target": v.target or None}
            for v in verdicts
        ],
        "failed": [verdict.name for verdict in verdicts if not verdict.ok],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def silent_runs(
    data: np.ndarray, rate: int, threshold_db: float, min_s: float = 0.3
) -> list[tuple[float, float]]:
    """(start, end) seconds of every silence of at least ``min_s``."""
    flags = _silent_windows(data, rate, threshold_db)
    padded = np.concatenate([[False], flags, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [
        (start * WINDOW_S, end * WINDOW_S)
        for start, end in zip(edges[::2], edges[1::2], strict=True)
        if (end - start) * WINDOW_S >= min_s
    ]
