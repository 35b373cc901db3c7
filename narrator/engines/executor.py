"""Executors: where synthesis runs. Submit texts, receive their audio in the same order.

An executor is built from a :class:`VoiceSpec` (which voices, how they speak) and
turns an iterable of texts (or :class:`Request`: a text with its own synthesis
settings) into an iterator of :class:`Synthesised` results, in
document order, with at most ``window`` texts in flight. The pipeline knows nothing
else about it, so a distributed executor plugs in behind the same two calls.

* :class:`InProcessExecutor` runs the voice chain in this process (``--jobs 1``).
* :class:`ProcessExecutor` runs a pool of worker processes, each of which loads the
  chain once (spawned, not forked: onnxruntime's threads and espeak-ng's state do not
  survive a fork), each with a pipe of its own. A worker that dies has its texts
  retried once on new workers; a second death fails the run with one line.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Protocol

from narrator.cache import voice_fingerprint
from narrator.engines.base import AudioChunk, SynthesisParams
from narrator.engines.chain import Fallback, VoiceChain
from narrator.errors import VoiceError

log = logging.getLogger(__name__)

STOP_WAIT_S = 10.0
"""How long a worker told to stop may take to finish the text in hand."""


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


def _worker_main(spec: VoiceSpec, connection: Connection) -> None:
    """A worker process: load the chain once, say so, then answer requests in order
    until told to stop (``None``) or the parent goes away."""
    import signal

    # A worker's Ctrl-C belongs to the parent: it stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        chain = spec.chain()
    except BaseException:  # the parent loads the voice itself for the message
        return
    connection.send(os.getpid())
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):  # the parent has gone: so does the worker
            return
        if message is None:
            return
        index, request = message
        try:
            reply: tuple[int, Synthesised | None, BaseException | None] = (
                index,
                synthesise_request(chain, request),
                None,
            )
        except Exception as exc:  # raised in the parent, as a text that failed
            reply = (index, None, exc)
        try:
            connection.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            connection.send((index, None, RuntimeError(f"{reply[2] or exc}")))


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    sent: deque[int] = field(default_factory=deque)
    """Indexes of the requests it has been sent and not answered, in order."""


class _WorkerDied(Exception):
    pass


class ProcessExecutor:
    """``processes`` spawned workers, each with its own loaded chain and its own pipe.

    Texts are handed out ahead of the consumer by at most ``window`` (each to the
    worker with the fewest in hand); results are yielded in order. When a worker dies
    (killed, out of memory; even halfway through sending a result, which only ends
    its own pipe), every worker is replaced and the texts that were in flight are
    sent again, once. A second death fails the run with one line.
    """

    RETRIES = 1
    """Times the workers are replaced after one died, per run."""

    def __init__(self, spec: VoiceSpec, processes: int, *, window: int | None = None) -> None:
        if processes < 1:
            raise ValueError("processes must be at least 1")
        self.spec = spec
        self.processes = processes
        self.window = window or 2 * processes + 2
        self._workers: list[_Worker] = []
        self._restarts = 0

    def worker_pids(self) -> set[int]:
        """The process ids of the current workers."""
        return {w.process.pid for w in self._workers if w.process.pid is not None}

    def start(self) -> None:
        """Start the workers and wait until each has loaded its voice.

        A voice that fails to load fails here with its own one-line error.
        """
        try:
            self._spawn()
        except _WorkerDied:
            self.close()
            # Load it here to get the voice's own message (a worker's is lost with it).
            self.spec.chain()
            raise VoiceError("the synthesis workers could not start") from None

    def _spawn(self) -> None:
        context = multiprocessing.get_context("spawn")
        for number in range(self.processes):
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_worker_main,
                args=(self.spec, theirs),
                name=f"narrator-synthesis-{number + 1}",
                daemon=True,
            )
            process.start()
            theirs.close()
            self._workers.append(_Worker(process, ours))
        for worker in self._workers:
            try:
                worker.connection.recv()  # its pid, once the voice is loaded
            except (EOFError, OSError):
                raise _WorkerDied from None

    def map(self, texts: Iterable[str | Request]) -> Iterator[Synthesised]:
        if not self._workers:
            self.start()
        pending = enumerate(map(as_request, texts))
        in_flight: dict[int, Request] = {}
        done: dict[int, Synthesised] = {}
        following = 0
        exhausted = False
        while True:
            # answered but not yet yielded counts too: at most ``window`` ahead
            while not exhausted and len(in_flight) + len(done) < self.window:
                item = next(pending, None)
                if item is None:
                    exhausted = True
                    break
                in_flight[item[0]] = item[1]
                self._send(*item)
            if following in done:
                following += 1
                yield done.pop(following - 1)
                continue
            if not in_flight:
                return
            try:
                self._receive(in_flight, done)
            except _WorkerDied:
                self._replace_workers(in_flight)

    def _send(self, index: int, request: Request) -> None:
        worker = min(self._workers, key=lambda w: len(w.sent))
        worker.sent.append(index)
        with contextlib.suppress(OSError):  # it died: noticed when its answers are awaited
            worker.connection.send((index, request))

    def _receive(self, in_flight: dict[int, Request], done: dict[int, Synthesised]) -> None:
        """Wait for at least one answer; raise :class:`_WorkerDied` when a worker died."""
        busy = [w for w in self._workers if w.sent]
        ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy])
        for worker in busy:
            if worker.connection in ready:
                try:
                    index, result, error = worker.connection.recv()
                except (EOFError, OSError):
                    raise _WorkerDied from None
                worker.sent.popleft()
                del in_flight[index]
                if error is not None:
                    raise error
                assert result is not None
                done[index] = result
            elif worker.process.sentinel in ready:  # exited with nothing left to read
                raise _WorkerDied

    def _replace_workers(self, in_flight: dict[int, Request]) -> None:
        self._stop(kill=True)
        first = in_flight[min(in_flight)].text
        if self._restarts >= self.RETRIES:
            raise VoiceError(f"a synthesis worker died twice; last text: {first[:60]!r}")
        self._restarts += 1
        log.warning("a synthesis worker died; retrying its texts on new worker processes")
        try:
            self._spawn()
        except _WorkerDied:
            self._stop(kill=True)
            raise VoiceError("a synthesis worker died and new ones could not start") from None
        for index in sorted(in_flight):
            self._send(index, in_flight[index])

    def _stop(self, *, kill: bool) -> None:
        workers, self._workers = self._workers, []
        for worker in workers:
            if kill:
                worker.process.kill()
            else:
                with contextlib.suppress(OSError):
                    worker.connection.send(None)
        for worker in workers:
            worker.process.join(STOP_WAIT_S)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()

    def close(self) -> None:
        """Stop the workers (after the text each has in hand)."""
        self._stop(kill=False)

    def __enter__(self) -> ProcessExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        # After an error or Ctrl-C nothing they are doing is wanted.
        self._stop(kill=exc_info[0] is not None)
