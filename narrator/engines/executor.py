"""Executors: where synthesis runs. Submit texts, receive their audio in the same order.

An executor is built from a :class:`VoiceSpec` (which voices, how they speak) and
turns an iterable of texts (or :class:`Request`: a text with its own synthesis
settings) into an iterator of :class:`Synthesised` results, in
document order, with at most ``window`` texts in flight. The pipeline knows nothing
else about it, so a distributed executor plugs in behind the same two calls.

* :class:`InProcessExecutor` runs the voice chain in this process (``--jobs 1``).
* :class:`ProcessExecutor` runs a pool of worker processes, each of which loads the
  chain once (spawned, not forked: onnxruntime's threads and espeak-ng's state do not
  survive a fork). A worker that dies has its texts retried once on a new pool;
  a second death fails the run with one line.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from narrator.cache import voice_fingerprint
from narrator.engines.base import AudioChunk, SynthesisParams
from narrator.engines.chain import Fallback, VoiceChain
from narrator.errors import VoiceError

log = logging.getLogger(__name__)

STALL_CHECK_S = 0.5
"""How often a waiting consumer checks that the workers are alive (and how long a
worker may be dead before a result that has not come is given up)."""


@dataclass(frozen=True)
class VoiceSpec:
    """Everything a worker needs to build the voice chain: plain, picklable data."""

    voice_ids: tuple[str, ...]
    """Voice ids, the preferred one first (the rest are fallbacks)."""
    params: SynthesisParams = field(default_factory=SynthesisParams)
    """Synthesis settings handed to every voice."""
    voices_dir: Path | None = None
    """Where installed voices live (None: the default)."""
    threads: int | None = None
    """Intra-op threads per voice for engines that have them (None: the engine's default)."""

    def chain(self) -> VoiceChain:
        """Load the chain (its primary voice at once: an unknown voice fails here)."""
        return VoiceChain(
            list(self.voice_ids), self.params, voices_dir=self.voices_dir, threads=self.threads
        )


@dataclass(frozen=True)
class Request:
    """One text to synthesise, with the settings to speak it with."""

    text: str
    params: SynthesisParams | None = None
    """None: the spec's (SSML ``<prosody rate>`` gives a segment its own rate)."""


def as_request(item: str | Request) -> Request:
    """A plain text is a request with the spec's settings."""
    return item if isinstance(item, Request) else Request(item)


@dataclass(frozen=True)
class Synthesised:
    """The audio for one submitted text."""

    chunk: AudioChunk
    voice_id: str
    """The voice that spoke it (a fallback when the first voice failed)."""
    fingerprint: str
    """That voice's cache fingerprint (id, engine and exact model)."""
    fallback: Fallback | None = None
    """Set when a fallback voice read the text."""


class Executor(Protocol):
    """Synthesis somewhere: texts in, audio out in the same order."""

    def map(self, texts: Iterable[str | Request]) -> Iterator[Synthesised]:
        """Synthesise ``texts``; results come back in the order the texts were given."""
        ...

    def close(self) -> None:
        """Stop every worker (safe to call twice)."""
        ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *_: object) -> None: ...


def synthesise_request(chain: VoiceChain, item: str | Request) -> Synthesised:
    """Synthesise one text on ``chain`` (in whatever process holds it)."""
    request = as_request(item)
    before = len(chain.fallbacks)
    chunk, voice = chain.synthesize(request.text, request.params)
    fallback = chain.fallbacks[-1] if len(chain.fallbacks) > before else None
    return Synthesised(chunk, voice.id, voice_fingerprint(voice), fallback)


class InProcessExecutor:
    """The chain in this process, one text at a time."""

    def __init__(self, spec: VoiceSpec, chain: VoiceChain | None = None) -> None:
        self.spec = spec
        self.chain = chain or spec.chain()

    def map(self, texts: Iterable[str | Request]) -> Iterator[Synthesised]:
        for text in texts:
            yield synthesise_request(self.chain, text)

    def close(self) -> None:
        """Nothing to stop."""

    def __enter__(self) -> InProcessExecutor:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


# The worker process's chain, loaded once by the pool's initialiser.
_WORKER_CHAIN: VoiceChain | None = None


def _init_worker(spec: VoiceSpec) -> None:
    global _WORKER_CHAIN
    # A worker's Ctrl-C belongs to the parent: it stops the pool in order.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_CHAIN = spec.chain()


def _work(request: Request) -> Synthesised:
    assert _WORKER_CHAIN is not None, "worker used before its initialiser ran"
    return synthesise_request(_WORKER_CHAIN, request)


def _worker_ready() -> int:
    return os.getpid()


class ProcessExecutor:
    """A pool of ``processes`` spawned workers, each with its own loaded chain.

    Texts are submitted ahead of the consumer by at most ``window``; results are
    yielded in order. When a worker dies (killed, out of memory), the pool is
    replaced and the texts that were in flight are submitted again, once.
    """

    RETRIES = 1
    """New pools started after a worker died, per run."""

    def __init__(self, spec: VoiceSpec, processes: int, *, window: int | None = None) -> None:
        if processes < 1:
            raise ValueError("processes must be at least 1")
        self.spec = spec
        self.processes = processes
        self.window = window or 2 * processes + 2
        self._pool: ProcessPoolExecutor | None = None
        self._restarts = 0

    def _start(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.spec,),
        )
        self._pool = pool
        return pool

    def start(self) -> None:
        """Start the workers and wait until each has loaded its voice.

        A voice that fails to load fails here with its own one-line error.
        """
        pool = self._pool or self._start()
        try:
            for future in [pool.submit(_worker_ready) for _ in range(self.processes)]:
                future.result()
        except BrokenProcessPool:
            self.close()
            # Load it here to get the voice's own message (a worker's is lost with it).
            self.spec.chain()
            raise VoiceError("the synthesis workers could not start") from None

    def map(self, texts: Iterable[str | Request]) -> Iterator[Synthesised]:
        pending = map(as_request, texts)
        in_flight: deque[tuple[Request, Future[Synthesised]]] = deque()
        pool = self._pool or self._start()

        def fill() -> None:
            while len(in_flight) < self.window:
                text = next(pending, None)
                if text is None:
                    return
                try:
                    future = pool.submit(_work, text)
                except BrokenProcessPool as exc:  # broke since the last result: retried below
                    future = Future()
                    future.set_exception(exc)
                in_flight.append((text, future))

        fill()
        while in_flight:
            text, future = in_flight[0]
            try:
                result = self._result(future, pool)
            except BrokenProcessPool:
                pool = self._replace_pool(text.text)
                # Everything in flight died with the pool: submit it again, in order.
                texts_in_flight = [t for t, _ in in_flight]
                in_flight.clear()
                for again in texts_in_flight:
                    in_flight.append((again, pool.submit(_work, again)))
                continue
            in_flight.popleft()
            fill()
            yield result

    def _result(self, future: Future[Synthesised], pool: ProcessPoolExecutor) -> Synthesised:
        """``future.result()``, but a pool that a dead worker left stuck is broken, not
        waited on forever.

        A worker killed while sending its result (audio: larger than a pipe's buffer)
        leaves half a message in the result pipe and its lock held: the pool's own
        thread then waits for the rest and never notices the death. When a worker has
        been dead for a while and the result still has not come, stop the other
        workers and close this process's end of the result pipe, so that the pool's
        thread reads end-of-file and fails every pending text with BrokenProcessPool.
        """
        dead_since: float | None = None
        while True:
            try:
                return future.result(timeout=STALL_CHECK_S)
            except TimeoutError:
                pass
            workers = list((pool._processes or {}).values())
            if all(worker.is_alive() for worker in workers):
                dead_since = None
            elif dead_since is None:
                dead_since = time.monotonic()
            elif time.monotonic() - dead_since >= STALL_CHECK_S:
                log.warning("a synthesis worker died while sending its result; stopping the pool")
                for worker in workers:
                    worker.kill()
                pool._result_queue._writer.close()  # type: ignore[attr-defined]
                dead_since = math.inf  # once; the pool breaks now

    def _replace_pool(self, text: str) -> ProcessPoolExecutor:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._restarts >= self.RETRIES:
            raise VoiceError(f"a synthesis worker died twice; last text: {text[:60]!r}")
        self._restarts += 1
        log.warning("a synthesis worker died; retrying its texts on a new worker pool")
        return self._start()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ProcessExecutor:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
