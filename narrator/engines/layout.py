"""How many worker processes, and how many threads each: chosen from measurement.

Engines differ: libespeak-ng is single-threaded, onnxruntime (Piper) and torch
(Coqui) already spread one call over several cores. Which layout is fastest depends
on the engine, the machine and the amount of work, so ``auto`` measures the voice
once per machine (one short text in this process with all cores' threads, the same
with one thread, and the time to start a worker process and load the voice there),
caches the figures, and for each run picks the layout its model predicts fastest:

* one process, every core's threads: ``work x seconds_per_char(all threads)``;
* one process per core, one thread each:
  ``start-up + work x seconds_per_char(1 thread) / cores``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from narrator.cache import voice_fingerprint
from narrator.engines.base import Voice
from narrator.engines.executor import ProcessExecutor, VoiceSpec

log = logging.getLogger(__name__)

CALIBRATION_TEXT = (
    "Елімізде жаңа оқу жылы басталды. Биыл мектеп табалдырығын үш жүз мың бала аттайды, "
    "деп хабарлады министрлік. Ауа райы бүгін бұлтты болады, кей жерлерде жаңбыр жауады."
)
"""Normalised Kazakh news text, about 190 characters, synthesised to measure a voice."""


@dataclass(frozen=True)
class Layout:
    """Where synthesis runs: ``processes`` workers (1 = in this process)."""

    processes: int
    threads: int | None = None
    """Threads per worker for engines that use several (None: the engine's default)."""


@dataclass(frozen=True)
class Calibration:
    """A voice's measured speed on this machine."""

    seconds_per_char: float
    """In this process, with the engine's default threads."""
    seconds_per_char_one_thread: float
    """In one thread."""
    worker_start_s: float
    """Starting one worker process and loading the voice in it."""


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def choose_layout(spec: VoiceSpec, voice: Voice, jobs: int | str, work_chars: int) -> Layout:
    """The layout for ``jobs`` (a number of processes, or ``auto``) and ``work_chars``
    characters to synthesise with ``voice`` (the loaded primary voice of ``spec``)."""
    cores = available_cores()
    if isinstance(jobs, int) or str(jobs).isdigit():
        processes = max(1, int(jobs))
        return Layout(processes, None if processes == 1 else max(1, cores // processes))
    if str(jobs) != "auto":
        raise ValueError(f"jobs must be a number or 'auto', not {jobs!r}")
    if cores == 1 or work_chars == 0:
        return Layout(1)
    try:
        figures = calibration(spec, voice, cores)
    except Exception as exc:  # a voice that fails on the test text: leave it to the chain
        log.info("layout: cannot measure voice %s (%s); one process", voice.id, exc)
        return Layout(1)
    alone = work_chars * figures.seconds_per_char
    spread = figures.worker_start_s + work_chars * figures.seconds_per_char_one_thread / cores
    log.info("layout: 1 process %.2f s predicted, %d processes %.2f s", alone, cores, spread)
    return Layout(cores, 1) if spread < alone else Layout(1)


def calibration(spec: VoiceSpec, voice: Voice, cores: int) -> Calibration:
    """The voice's figures on this machine: from the user cache directory (they are
    facts about the machine, shared by every station), or measured now, once."""
    from platformdirs import user_cache_dir

    path = Path(user_cache_dir("narrator")) / "layout.json"
    key = f"{voice_fingerprint(voice)}\x1f{cores}"
    try:
        known = json.loads(path.read_text("utf-8"))
        return Calibration(**known[key])
    except (OSError, ValueError, KeyError, TypeError):
        known = {} if not path.is_file() else _read(path)
    figures = measure(spec, voice)
    known[key] = asdict(figures)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(known), "utf-8")
        temporary.replace(path)
    except OSError as exc:  # an unwritable cache only costs a measurement next time
        log.info("layout: cannot keep the calibration in %s (%s)", path, exc)
    return figures


def _read(path: Path) -> dict[str, dict[str, float]]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _seconds_per_char(voice: Voice) -> float:
    voice.synthesize_all(CALIBRATION_TEXT)  # warm up (first-call allocations)
    started = time.perf_counter()
    voice.synthesize_all(CALIBRATION_TEXT)
    return (time.perf_counter() - started) / len(CALIBRATION_TEXT)


def measure(spec: VoiceSpec, voice: Voice) -> Calibration:
    """Measure ``voice``: default threads, one thread, and a worker's start-up."""
    from narrator.engines import load_voice

    log.info("layout: measuring voice %s on this machine (once)", voice.id)
    per_char = _seconds_per_char(voice)
    one_thread = per_char
    if voice.engine != "espeak":  # libespeak-ng has no threads to take away
        single = load_voice(voice.id, spec.params, spec.voices_dir, threads=1)
        one_thread = _seconds_per_char(single)
    started = time.perf_counter()
    worker = dataclasses.replace(spec, voice_ids=(voice.id,), threads=1)
    with ProcessExecutor(worker, 1) as executor:
        executor.start()
    return Calibration(per_char, one_thread, time.perf_counter() - started)
