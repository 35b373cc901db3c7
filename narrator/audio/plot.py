"""``narrator check FILE --plot out.png``: the checked figures in one picture.

Two panels over the programme's time line: the waveform (with the silences shaded,
grey when allowed and red when too long, and the true-peak overs marked in red), and
the short-term loudness (3 s, BS.1770 K-weighted) against the target and its
tolerance band. The chapter marks (from the ``.chapters.json`` beside the file, else
the file's own ID3 or Vorbis chapters) are drawn across both panels in
:data:`CHAPTER_COLOUR`.

matplotlib is the optional extra ``narrator[plot]``, imported only here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from narrator.audio.check import Analysis, silent_runs
from narrator.config import Station
from narrator.errors import NarratorError, OutputError
from narrator.fsutil import atomic_path

CHAPTER_COLOUR = "#ff00ff"
"""Chapter marks: a colour nothing else in the picture uses."""
OVER_COLOUR = "#d62728"
HOP_S = 0.1
WIDTH_PX, HEIGHT_PX, DPI = 1400, 700, 100
INSTALL_HINT = "pip install 'narrator[plot]'"


@dataclass(frozen=True)
class Chapter:
    """A chapter mark read back from a finished file."""

    start: float
    title: str


@dataclass(frozen=True)
class PlotGeometry:
    """Where the time axis landed in the picture, in pixels from the left edge."""

    left_px: float
    """Pixel column of time 0."""
    right_px: float
    """Pixel column of the end of the file."""
    duration: float

    def column(self, seconds: float) -> float:
        """The pixel column of a moment of the programme."""
        return self.left_px + (self.right_px - self.left_px) * seconds / self.duration


def read_chapters(path: Path) -> list[Chapter]:
    """The chapters of an audio file: its ``.chapters.json`` sidecar, else its tags."""
    sidecar = path.with_suffix(".chapters.json")
    if sidecar.is_file():
        try:
            data = json.loads(sidecar.read_text("utf-8"))
            return [
                Chapter(float(c["startTime"]), str(c.get("title", ""))) for c in data["chapters"]
            ]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a broken sidecar: fall back to the file's own chapters
    return _tag_chapters(path)


def _tag_chapters(path: Path) -> list[Chapter]:
    import mutagen
    from mutagen.id3 import ID3, ID3NoHeaderError

    try:
        if path.suffix.lower() == ".mp3":
            tags = ID3(path)
            chapters = [
                Chapter(frame.start_time / 1000, str(frame.sub_frames.get("TIT2", "")))
                for frame in tags.getall("CHAP")
            ]
            return sorted(chapters, key=lambda chapter: chapter.start)
        audio = mutagen.File(path)
    except (ID3NoHeaderError, mutagen.MutagenError, OSError):
        return []
    comments = getattr(audio, "tags", None) or {}
    found = []
    # Vorbis comments iterate as (key, value) pairs: their keys need .keys().
    names = comments.keys()
    for key in sorted(k for k in names if re.fullmatch(r"CHAPTER\d{3}", k.upper())):
        hours, minutes, seconds = str(comments[key][0]).split(":")
        name = comments.get(f"{key}NAME", [""])[0]
        found.append(Chapter(int(hours) * 3600 + int(minutes) * 60 + float(seconds), name))
    return found


def short_term_loudness(data: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Times (s) and short-term loudness (LUFS, BS.1770's 3 s window, every 100 ms) of
    ``data``, measured by libebur128 as the file is read forward."""
    import pyebur128

    frames = np.asarray(data, dtype=np.float64)
    frames = frames[:, None] if frames.ndim == 1 else frames
    hop = max(1, round(HOP_S * rate))
    blocks = len(frames) // hop
    state = pyebur128.R128State(frames.shape[1], rate, pyebur128.MeasurementMode.MODE_S)
    loudness = np.empty(blocks)
    for index in range(blocks):
        block = np.ascontiguousarray(frames[index * hop : (index + 1) * hop])
        state.add_frames(block.reshape(-1), hop)
        loudness[index] = pyebur128.get_loudness_shortterm(state)
    return np.arange(1, blocks + 1) * HOP_S, loudness


def _envelope(data: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-column minimum and maximum of the (first channel's) waveform."""
    mono = data[:, 0] if data.ndim > 1 else data
    columns = max(1, min(columns, len(mono)))
    edges = np.linspace(0, len(mono), columns + 1).astype(int)
    low = np.minimum.reduceat(mono, edges[:-1])
    high = np.maximum.reduceat(mono, edges[:-1])
    return edges[:-1], low, high


def plot_check(
    out: Path,
    data: np.ndarray,
    rate: int,
    analysis: Analysis,
    station: Station,
    chapters: list[Chapter],
) -> PlotGeometry:
    """Draw the check of one file into the PNG ``out`` (atomically); return where its
    time axis lies in the picture."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise NarratorError(
            f"--plot needs matplotlib ({exc}); install it with: {INSTALL_HINT}"
        ) from None
    from narrator.audio.master import true_peak_envelope

    duration = len(data) / rate
    target = station.audio.target_for(analysis.channels)
    tolerance = station.check.loudness_tolerance_lu
    ceiling = station.audio.true_peak_dbtp

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    wave, level = figure.subplots(2, 1, sharex=True)
    figure.suptitle(f"{analysis.path.name}: {analysis.loudness_lufs:.1f} LUFS integrated")

    starts, low, high = _envelope(data, WIDTH_PX)
    times = starts / rate
    wave.fill_between(times, low, high, color="#1f77b4", linewidth=0, step="post")
    for start, end in silent_runs(data, rate, station.check.silence_threshold_db):
        too_long = end - start > station.check.max_silence_s
        wave.axvspan(start, end, color="#ffb3b3" if too_long else "#dddddd", linewidth=0, zorder=0)
    envelope = true_peak_envelope(data[:, 0] if data.shape[1] == 1 else data, rate)
    overs = np.flatnonzero(envelope > 10 ** (ceiling / 20))
    if len(overs):
        wave.plot(overs / rate, np.sign(data[overs, 0]) * 1.0, "v", color=OVER_COLOUR, ms=4)
    wave.set_ylim(-1.05, 1.05)
    wave.set_ylabel("waveform")

    moments, loudness = short_term_loudness(data, rate)
    shown = np.where(np.isfinite(loudness), loudness, np.nan)
    level.axhspan(target - tolerance, target + tolerance, color="#d9f2d9", linewidth=0)
    level.axhline(target, color="#2ca02c", linewidth=1)
    level.plot(moments, shown, color="#1f77b4", linewidth=1)
    level.set_ylim(target - 30, target + 12)
    level.set_ylabel("short-term LUFS")
    level.set_xlabel("seconds")

    for axes in (wave, level):
        axes.set_xlim(0, duration)
        axes.margins(x=0)
        for chapter in chapters:
            axes.axvline(chapter.start, color=CHAPTER_COLOUR, linewidth=1, antialiased=False)
    for chapter in chapters:
        wave.annotate(
            chapter.title[:30],
            (chapter.start, 1.0),
            xycoords=("data", "axes fraction"),
            rotation=90,
            fontsize=7,
            va="top",
            ha="right",
        )
    figure.tight_layout()
    figure.canvas.draw()
    left = float(wave.transData.transform((0.0, 0.0))[0])
    right = float(wave.transData.transform((duration, 0.0))[0])
    try:
        with atomic_path(out) as tmp:
            figure.savefig(tmp, format="png", dpi=DPI)
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from None
    return PlotGeometry(left, right, duration)
