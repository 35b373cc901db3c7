"""Pass 2: the spooled programme mixed, mastered and encoded, block by block.

The gain is decided before the encode, from the loudness measured in pass 1 and the
codec's loudness shift measured on an excerpt, so the programme is normally encoded
once. The encoded file is then decoded and measured (also in blocks); only when it
misses a target is it encoded again, with the gain and the limiter's ceiling
corrected by what was measured, and the run says so.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from narrator.audio.assemble import Mixer
from narrator.audio.export import (
    LAME_QUALITY,
    Encoder,
    codec_loudness_shift,
    headroom_for,
    measure_file,
)
from narrator.audio.history import LossHistory, LoudnessLoss
from narrator.audio.loudness import integrated_loudness
from narrator.audio.master import Limiter, MasteringReport, RoomTone
from narrator.audio.programme import Programme
from narrator.audio.spool import Spool
from narrator.errors import OutputError

log = logging.getLogger(__name__)

MAX_ENCODES = 3
LOUDNESS_TOLERANCE_LU = 0.2
"""How far the decoded file may be from the loudness target before it is re-encoded
(the delivery specs allow 0.5 LU either way)."""
PROBE_SECONDS = 30.0
"""Length of the excerpt the limiter's and the codec's loudness shift is measured on."""
BLOCK_FRAMES = 1 << 16


@dataclass(frozen=True)
class Targets:
    """What the finished file must meet, and how it is encoded."""

    fmt: str
    loudness_lufs: float
    ceiling_dbtp: float
    room_tone_dbfs: float
    channels: int = 1
    bitrate_kbps: int = 112
    mp3_quality: int = LAME_QUALITY


@dataclass(frozen=True)
class Rendered:
    """The figures of the decoded file, and how many encodes it took."""

    figures: MasteringReport
    encodes: int
    gain_db: float


def render(
    spool: Spool,
    programme: Programme,
    mixer: Mixer,
    path: Path,
    targets: Targets,
    *,
    gain_db: float,
    ceiling_dbtp: float,
    name: Path | None = None,
    follow: bool = False,
    stop: threading.Event | None = None,
    nice: int = 0,
) -> None:
    """Encode the programme into ``path``: mix, gain, limit, room tone, channels.

    With ``follow``, blocks are taken as pass 1 appends them, until the spool is
    finished. Setting ``stop`` abandons the file. ``nice`` lowers the encoder's
    priority (see :class:`EarlyRender`).
    """
    rate = programme.sample_rate
    gain = np.float32(10 ** (gain_db / 20))
    limiter = Limiter(rate, ceiling_dbtp)
    tone = RoomTone(rate, programme.gaps, targets.room_tone_dbfs)
    encoder = Encoder(
        path,
        targets.fmt,
        rate,
        targets.channels,
        bitrate_kbps=targets.bitrate_kbps,
        quality=targets.mp3_quality,
        name=name,
        nice=nice,
    )
    position = 0

    def write(samples: np.ndarray) -> None:
        nonlocal position
        laid = tone.lay(samples, position)
        position += len(laid)
        encoder.write(laid if targets.channels == 1 else np.column_stack([laid] * targets.channels))

    try:
        for start, block in spool.blocks(BLOCK_FRAMES, follow=follow):
            if stop is not None and stop.is_set():
                encoder.abort()
                return
            write(limiter.process(mixer.mix(block, start) * gain))
        write(limiter.flush())
    except BaseException:
        encoder.abort()
        raise
    encoder.close()


def excerpt(spool: Spool, mixer: Mixer, seconds: float = PROBE_SECONDS) -> np.ndarray:
    """``seconds`` of the mixed programme, taken in 5-second slices spread evenly over it
    (peaks and pauses are not spread evenly: one stretch would not be typical)."""
    rate = mixer.programme.sample_rate
    total, piece = round(seconds * rate), 5 * rate
    if spool.frames <= total:
        return mixer.mix(spool.read(0, spool.frames), 0)
    count = total // piece
    step = (spool.frames - piece) // max(1, count - 1)
    starts = [index * step for index in range(count)]
    return np.concatenate([mixer.mix(spool.read(s, s + piece), s) for s in starts])


def _limited(probe: np.ndarray, rate: int, gain_db: float, ceiling_dbtp: float) -> np.ndarray:
    limiter = Limiter(rate, ceiling_dbtp)
    return np.concatenate(
        [limiter.process(probe * np.float32(10 ** (gain_db / 20))), limiter.flush()]
    )


def plain_gain(programme_lufs: float, targets: Targets) -> float:
    """The gain (dB) that brings the programme to the target before limiter and codec."""
    return targets.loudness_lufs - programme_lufs - 10 * math.log10(targets.channels)


def planned_gain(
    spool: Spool,
    mixer: Mixer,
    programme_lufs: float,
    targets: Targets,
    history: LossHistory | None = None,
) -> float:
    """The gain (dB) that should bring the decoded file to the loudness target.

    The limiter takes a little loudness where it works hard, and the lossy codec
    shifts it too. What earlier runs of the same kind lost is taken from ``history``;
    without it, both are measured on an excerpt. The limiter's share grows with the
    gain, so it is measured again at the corrected gain.
    """
    if not math.isfinite(programme_lufs):
        return 0.0
    gain_db = plain_gain(programme_lufs, targets)
    known = history.predict(gain_db) if history is not None else None
    if known is not None:
        log.debug("gain planned from earlier runs: they lost %.2f LU", known)
        return gain_db + known
    log.debug("gain planned on a %.0f s probe of the limiter and codec", PROBE_SECONDS)
    rate = mixer.programme.sample_rate
    ceiling = targets.ceiling_dbtp - headroom_for(targets.fmt)
    probe = excerpt(spool, mixer)
    before = integrated_loudness(probe, rate)
    if not math.isfinite(before):
        return gain_db
    limited = _limited(probe, rate, gain_db, ceiling)
    encoded = np.column_stack([limited] * targets.channels) if targets.channels > 1 else limited
    codec = codec_loudness_shift(
        encoded, rate, targets.fmt, targets.bitrate_kbps, targets.mp3_quality
    )
    corrected = gain_db
    for _ in range(2):
        after = integrated_loudness(_limited(probe, rate, corrected, ceiling), rate)
        limiter_loss = after - (before + corrected) if math.isfinite(after) else 0.0
        corrected = gain_db - limiter_loss - codec
    return corrected


def master_to_file(
    spool: Spool,
    programme: Programme,
    mixer: Mixer,
    programme_lufs: float,
    path: Path,
    targets: Targets,
    *,
    name: Path | None = None,
    encoded_with: float | None = None,
    history: LossHistory | None = None,
) -> Rendered:
    """Master and encode the spooled programme so that the *decoded* file meets the
    targets; return its figures.

    ``encoded_with`` is the gain of a file already encoded at ``path`` (pass 2 started
    before synthesis ended, see :class:`EarlyRender`): it is checked first, and kept
    when it meets the targets. ``history`` plans the gain from earlier runs, and
    learns what this one lost.

    ``programme_lufs`` is the mixed (mono) programme's integrated loudness (pass 1);
    the same programme on each of several channels measures that much louder. A lossy
    codec changes both figures: it raises peaks (its low-pass filter and quantisation
    noise ring) and at lower bitrates drops some of the speech's energy (LAME at 112
    kbps loses about 0.5 LU), so its shift is learnt on an excerpt first.
    """
    headroom = headroom_for(targets.fmt)
    # Whether the gain was measured on a probe of this programme (else it was learnt
    # from earlier runs, or planned on the part synthesised early): a miss then
    # measures, rather than trusting a guess twice.
    probed = False
    if encoded_with is not None:
        gain_db = encoded_with
    else:
        probed = history is None or history.predict(plain_gain(programme_lufs, targets)) is None
        gain_db = planned_gain(spool, mixer, programme_lufs, targets, history)
    for attempt in range(1, MAX_ENCODES + 1):
        if attempt > 1 or encoded_with is None:
            render(
                spool,
                programme,
                mixer,
                path,
                targets,
                gain_db=gain_db,
                ceiling_dbtp=targets.ceiling_dbtp - headroom,
                name=name,
            )
        figures = measure_file(path)
        error = (
            targets.loudness_lufs - figures.loudness_lufs
            if math.isfinite(figures.loudness_lufs) and math.isfinite(programme_lufs)
            else 0.0
        )
        over = figures.true_peak_dbtp - targets.ceiling_dbtp
        if (over <= 0 and abs(error) <= LOUDNESS_TOLERANCE_LU) or attempt == MAX_ENCODES:
            break
        log.warning(
            "%s: the decoded file is at %.2f LUFS, %.2f dBTP; encoding it again",
            name or path,
            figures.loudness_lufs,
            figures.true_peak_dbtp,
        )
        if over > 0:
            headroom += over + 0.2
        if abs(error) > LOUDNESS_TOLERANCE_LU and not probed:
            gain_db, probed = planned_gain(spool, mixer, programme_lufs, targets), True
        else:
            gain_db += error
    if (
        history is not None
        and math.isfinite(figures.loudness_lufs)
        and math.isfinite(programme_lufs)
    ):
        plain = plain_gain(programme_lufs, targets)
        history.record(
            LoudnessLoss(targets.loudness_lufs - figures.loudness_lufs + gain_db - plain, plain)
        )
    if figures.true_peak_dbtp > targets.ceiling_dbtp:
        raise OutputError(
            f"{name or path}: true peak {figures.true_peak_dbtp:.2f} dBTP after encoding, "
            f"over {targets.ceiling_dbtp} dBTP"
        )
    return Rendered(figures, attempt, gain_db)


EARLY_AFTER_S = 30.0
"""Seconds of speech measured before pass 2 may start while synthesis goes on. On the
seed article the loudness after 30 s is 0.15-0.22 LU from the whole programme's (after
45 s about 0.05): the file lands within the check's 0.2 LU, or is made again. Starting
at 45 s instead cost the Piper medium voice about 2 % of its run."""
EARLY_MIN_REMAINING_S = 0.2
"""Pass 2 starts early only when synthesis is expected to take at least this much longer
(the encoder then works on the other core while the voice speaks)."""
BACKGROUND_AFTER_S = 2.0
"""Pass 2 runs at a lower priority when synthesis is expected to take this much longer."""
BACKGROUND_NICE = 10
EARLY_TOLERANCE_LU = LOUDNESS_TOLERANCE_LU
"""How far the final loudness may be from the one pass 2 started with, for its file to
be kept (it is still checked against the targets when decoded)."""


class EarlyRender:
    """Pass 2 started while synthesis goes on: it follows the spool in a thread, with
    the gain planned from the speech measured so far.

    A slow (neural) voice leaves the cores idle between its calls; mastering and
    encoding fill them, so the file is nearly done when the last sentence is. With
    ``background`` (synthesis has long to go) pass 2 runs at a lower priority: the
    voice's threads, which split each step between the cores and wait for the slowest,
    are then never held up by it. When the final loudness differs from the one it
    started with, the file is made again.
    """

    def __init__(
        self,
        spool: Spool,
        programme: Programme,
        speech_lufs: float,
        path: Path,
        targets: Targets,
        *,
        name: Path | None = None,
        history: LossHistory | None = None,
        background: bool = False,
    ) -> None:
        self.speech_lufs = speech_lufs
        self.nice = BACKGROUND_NICE if background else 0
        mixer = Mixer(programme, speech_lufs)
        self.gain_db = planned_gain(spool, mixer, speech_lufs, targets, history)
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run,
            args=(spool, programme, mixer, path, targets, name),
            name="narrator-pass-2",
            daemon=True,
        )
        self._thread.start()

    def _run(
        self,
        spool: Spool,
        programme: Programme,
        mixer: Mixer,
        path: Path,
        targets: Targets,
        name: Path | None,
    ) -> None:
        # Linux only: there a thread's id is a "process" setpriority takes; elsewhere it
        # could name another process.
        if self.nice and sys.platform == "linux":
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.nice)
        try:
            render(
                spool,
                programme,
                mixer,
                path,
                targets,
                gain_db=self.gain_db,
                ceiling_dbtp=targets.ceiling_dbtp - headroom_for(targets.fmt),
                name=name,
                follow=True,
                stop=self._stop,
                nice=self.nice,
            )
        except BaseException as exc:  # handed to the main thread in join()
            self._error = exc

    def join(self) -> None:
        """Wait for the file (the spool must be finished); raise what pass 2 raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error

    def abandon(self) -> None:
        """Stop pass 2 and wait for it (the run failed or was interrupted)."""
        self._stop.set()
        self._thread.join()

    def still_fits(self, speech_lufs: float) -> bool:
        """Whether the file it made can stand for a programme of ``speech_lufs``."""
        return abs(speech_lufs - self.speech_lufs) <= EARLY_TOLERANCE_LU
