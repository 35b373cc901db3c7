"""Counters for ``GET /metrics``, written in the Prometheus text exposition format."""

from __future__ import annotations

import threading


class Metrics:
    """Process-wide counters; gauges (queue length, jobs by state) come from the store."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}

    def add(self, name: str, value: float = 1.0, **labels: str) -> None:
        """Add ``value`` to counter ``name`` with ``labels``."""
        with self._lock:
            key = (name, tuple(sorted(labels.items())))
            self._counters[key] = self._counters.get(key, 0.0) + value

    def render(self, jobs_by_state: dict[str, int]) -> str:
        """The exposition text: every counter, then the job gauges."""
        helps = {
            "narrator_jobs_submitted_total": "Speech jobs accepted.",
            "narrator_jobs_finished_total": "Speech jobs finished, by final state.",
            "narrator_job_failures_total": "Speech jobs that failed.",
            "narrator_synthesis_seconds_total": "Wall-clock seconds spent producing jobs.",
            "narrator_audio_seconds_total": "Seconds of audio produced.",
            "narrator_requests_rejected_total": "Requests refused, by reason.",
            "narrator_cache_hits_total": "Segments reused from the segment cache.",
            "narrator_cache_misses_total": "Segments synthesised.",
        }
        with self._lock:
            counters = dict(self._counters)
        lines: list[str] = []
        for name, text in helps.items():
            lines.append(f"# HELP {name} {text}")
            lines.append(f"# TYPE {name} counter")
            samples = [(labels, value) for (n, labels), value in counters.items() if n == name]
            if not samples:
                samples = [((), 0.0)]
            for labels, value in sorted(samples):
                lines.append(f"{name}{_labels(labels)} {float(value):g}")
        lines.append("# HELP narrator_jobs Jobs in the store, by state.")
        lines.append("# TYPE narrator_jobs gauge")
        for state, count in sorted(jobs_by_state.items()):
            lines.append(f'narrator_jobs{{state="{state}"}} {count}')
        lines.append("# HELP narrator_queue_length Jobs waiting for a worker.")
        lines.append("# TYPE narrator_queue_length gauge")
        lines.append(f"narrator_queue_length {jobs_by_state.get('queued', 0)}")
        return "\n".join(lines) + "\n"


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    if not labels:
        return ""
    inner = ",".join(
        f'{key}="{value.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for key, value in labels
    )
    return "{" + inner + "}"
