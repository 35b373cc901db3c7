"""Synthesis and whole articles on a Ray cluster (the ``ray`` extra, imported lazily).

Two ways of using the cluster, both on Ray actors that load the voice chain once:

* :class:`RayExecutor` is an :class:`~narrator.engines.executor.Executor`: each text
  is an actor call, its audio comes back through Ray's object store, results are
  yielded in order with at most ``window`` texts in flight. ``produce()`` uses it
  unchanged (``--executor ray``).
* :class:`RayWorkerPool` runs whole jobs (a module-level function and its arguments;
  for ``narrator batch``, one article's synthesis, mastering and encoding) on actors
  and hands the results back as they finish, so the driver alone writes files.

Faults: actors are restarted (``max_restarts``) and the calls that were running on a
dead actor are submitted again (``max_task_retries``), so killing a worker process
loses nothing; the driver consumes each result once, so nothing is duplicated. An
exception raised by the job itself (a bad article) is not retried: it is returned as
that job's error.

The cluster is the one at ``address`` (``--ray-address``, the station's
``[performance] ray_address``, or ``RAY_ADDRESS``), or one started in this process
when none is given; a Ray session already open in this process is reused.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Self

from narrator.engines.executor import Request, Synthesised, VoiceSpec, as_request
from narrator.errors import NarratorError, VoiceError

log = logging.getLogger(__name__)

MAX_RESTARTS = 4
"""Times Ray restarts a worker actor whose process died."""
MAX_TASK_RETRIES = 4
"""Times Ray resubmits a call whose actor died while running it."""


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise NarratorError(
            "the Ray executor needs the ray extra: pip install 'narrator[ray]'"
        ) from None
    return ray


def connect(address: str | None = None) -> bool:
    """Join the Ray cluster at ``address`` (or ``RAY_ADDRESS``), or start a local one.

    Returns whether this call opened the session (and so should close it). A session
    already open in this process is reused as it is.
    """
    ray = _ray()
    if ray.is_initialized():
        return False
    address = address or os.environ.get("RAY_ADDRESS") or None
    try:
        if address:
            ray.init(address=address, include_dashboard=False, logging_level=logging.WARNING)
        else:  # a cluster of this machine alone, reachable from it alone
            ray.init(
                include_dashboard=False,
                logging_level=logging.WARNING,
                _node_ip_address="127.0.0.1",
            )
    except Exception as exc:  # ConnectionError, RuntimeError, ValueError from Ray's own code
        where = address or "a local cluster"
        raise NarratorError(f"cannot start or join Ray ({where}): {exc}") from None
    return True


def disconnect(opened: bool) -> None:
    """Leave the cluster if :func:`connect` opened the session."""
    if opened:
        _ray().shutdown()


def wants_gpu(spec: VoiceSpec) -> bool:
    """Whether the chain's first voice is set to run on CUDA (by its install or ``gpu``)."""
    from narrator.engines import _wants_gpu
    from narrator.engines.catalogue import EMBEDDED_VOICES, find_installed

    voice_id = spec.voice_ids[0]
    if voice_id in EMBEDDED_VOICES:
        return False
    installed = find_installed(voice_id, spec.voices_dir)
    return _wants_gpu(spec.params, installed.gpu if installed else False)


def on_gpu(spec: VoiceSpec) -> bool:
    """Whether the workers ask Ray for a GPU: the voice wants CUDA and the cluster has one.

    Without one the voice runs on CPU workers, with a warning, as it would locally.
    """
    if not wants_gpu(spec):
        return False
    if _ray().cluster_resources().get("GPU", 0) < 1:
        log.warning(
            "voice %s is set to run on CUDA, but the Ray cluster has no GPU; using CPUs",
            spec.voice_ids[0],
        )
        return False
    return True


def worker_count(gpu: bool) -> int:
    """One worker per CPU of the cluster, or per GPU for a voice that runs on CUDA."""
    resources = _ray().cluster_resources()
    return max(1, int(resources.get("GPU" if gpu else "CPU", 1)))


class _Worker:
    """The body of a worker actor: a loaded voice chain, and a process id to report."""

    def __init__(self, spec: VoiceSpec) -> None:
        self.spec = spec
        self.chain = spec.chain()

    def pid(self) -> int:
        """The actor's process (for tests and operators that need to find it)."""
        return os.getpid()

    def synthesise(self, request: Request) -> Synthesised:
        """Audio for one text (returned through the object store)."""
        from narrator.engines.executor import synthesise_request

        return synthesise_request(self.chain, request)

    def call(self, function: Callable[..., Any], *args: Any) -> JobResult:
        """Run ``function(chain, *args)`` here; its own failure is returned, not raised."""
        try:
            return JobResult(function(self.chain, *args), None)
        except NarratorError as exc:
            return JobResult(None, str(exc))
        except Exception as exc:  # an article must never take the batch down with it
            return JobResult(None, f"{type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class JobResult:
    """What a job returned, or its one-line error."""

    value: Any
    error: str | None


def _start_actors(spec: VoiceSpec, count: int, gpu: bool) -> tuple[list[Any], list[int]]:
    """Start ``count`` worker actors and wait until each has loaded the voice;
    returns them and their processes' ids."""
    ray = _ray()
    actor_class = ray.remote(_Worker).options(
        num_cpus=1,  # a GPU worker still masters and encodes on a CPU
        num_gpus=1 if gpu else 0,
        max_restarts=MAX_RESTARTS,
        max_task_retries=MAX_TASK_RETRIES,
    )
    actors = [actor_class.remote(spec) for _ in range(count)]
    try:
        pids = ray.get([actor.pid.remote() for actor in actors])
    except ray.exceptions.RayActorError:
        for actor in actors:
            ray.kill(actor)
        spec.chain()  # the voice's own one-line error, if it is the voice
        raise VoiceError("the Ray voice workers could not start") from None
    return actors, pids


class _RayActors:
    """Ray actors that each hold the voice chain of ``spec``, on a cluster joined (or
    started) for them; :meth:`close` stops both."""

    def __init__(self, spec: VoiceSpec, address: str | None, workers: int | None) -> None:
        self._opened = connect(address)
        gpu = on_gpu(spec)
        # One onnxruntime thread per actor: each actor holds one CPU of the cluster.
        self.spec = spec if gpu else VoiceSpec(spec.voice_ids, spec.params, spec.voices_dir, 1)
        self.workers = workers or worker_count(gpu)
        self.on_gpu = gpu
        self._actors, self.started_pids = _start_actors(self.spec, self.workers, gpu)

    def close(self) -> None:
        """Stop the actors, and the local cluster if this object started it."""
        if self._actors:
            ray = _ray()
            for actor in self._actors:
                ray.kill(actor)
            self._actors = []
        disconnect(self._opened)
        self._opened = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class RayExecutor(_RayActors):
    """Synthesis on ``workers`` Ray actors, each holding the voice chain.

    Texts are dealt to the actors in turn; at most ``window`` are in flight; results
    are yielded in the order the texts were given.
    """

    def __init__(
        self,
        spec: VoiceSpec,
        *,
        address: str | None = None,
        workers: int | None = None,
        window: int | None = None,
    ) -> None:
        super().__init__(spec, address, workers)
        self.window = window or 2 * self.workers + 2
        log.info("synthesis: %d Ray actors%s", self.workers, " on GPUs" if self.on_gpu else "")

    def worker_pids(self) -> list[int]:
        """The actors' current processes (waits for the calls queued on them)."""
        ray = _ray()
        return list(ray.get([actor.pid.remote() for actor in self._actors]))

    def map(self, texts: Iterable[str | Request]) -> Iterator[Synthesised]:
        ray = _ray()
        pending = map(as_request, texts)
        in_flight: deque[tuple[Request, Any]] = deque()
        turn = 0

        def fill() -> None:
            nonlocal turn
            while len(in_flight) < self.window:
                text = next(pending, None)
                if text is None:
                    return
                actor = self._actors[turn % len(self._actors)]
                turn += 1
                in_flight.append((text, actor.synthesise.remote(text)))

        fill()
        while in_flight:
            text, reference = in_flight.popleft()
            try:
                result: Synthesised = ray.get(reference)
            except ray.exceptions.RayActorError:
                raise VoiceError(
                    f"a Ray voice worker died more than {MAX_RESTARTS} times; "
                    f"last text: {text.text[:60]!r}"
                ) from None
            except ray.exceptions.RayTaskError as exc:
                raise VoiceError(f"Ray voice worker failed: {exc.cause}") from None
            fill()
            yield result


class RayWorkerPool(_RayActors):
    """Whole jobs on Ray actors that each hold the voice chain of ``spec``.

    ``run`` takes ``(key, function, args)`` jobs and yields ``(key, JobResult)`` as jobs
    finish, in any order, with at most ``window`` in flight. ``function`` must be a
    module-level function (Ray ships it by reference) taking the actor's chain first.
    """

    def __init__(
        self,
        spec: VoiceSpec,
        *,
        address: str | None = None,
        workers: int | None = None,
        window: int | None = None,
    ) -> None:
        super().__init__(spec, address, workers)
        self.window = window or 2 * self.workers
        log.info("batch: %d Ray workers%s", self.workers, " on GPUs" if self.on_gpu else "")

    def run(
        self, jobs: Iterable[tuple[str, Callable[..., Any], tuple[Any, ...]]]
    ) -> Iterator[tuple[str, JobResult]]:
        """Run ``jobs``; yield each one's key and result once, as it finishes."""
        ray = _ray()
        pending = iter(jobs)
        running: dict[Any, tuple[str, int]] = {}
        idle = deque(range(len(self._actors)))

        def fill() -> None:
            # Each actor runs one job at a time; a call waiting behind another one on
            # the same actor would not be running anywhere.
            while idle and len(running) < self.window:
                job = next(pending, None)
                if job is None:
                    return
                key, function, args = job
                index = idle.popleft()
                reference = self._actors[index].call.remote(function, *args)
                running[reference] = (key, index)

        fill()
        while running:
            ready, _ = ray.wait(list(running), num_returns=1)
            key, index = running.pop(ready[0])
            idle.append(index)
            try:
                result: JobResult = ray.get(ready[0])
            except ray.exceptions.RayActorError as exc:
                result = JobResult(None, f"Ray worker died more than {MAX_RESTARTS} times ({exc})")
            except ray.exceptions.RayTaskError as exc:
                result = JobResult(None, f"Ray worker failed: {exc.cause}")
            fill()
            yield key, result
