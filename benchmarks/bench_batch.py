"""``narrator batch`` throughput: the local executor against a local Ray cluster.

50 short articles (title and two stories each, about 15 s of audio) are produced to
MP3 with the segment cache off (so every run synthesises), through:

* the local executor with ``[performance] jobs = 1`` (one article after another, in
  this process);
* the local executor with ``jobs = auto`` (the layout chosen per article);
* a local Ray cluster of 2 CPUs (two actors, whole articles on each; the driver
  writes the files).

with the embedded espeak voice, then with a tiny Piper voice (the test suite's ONNX
model, installed into a scratch voices folder). It prints articles per minute, the
cluster's start-up, and Ray's overhead per task (no-op jobs through the same worker
pool: dispatch, scheduling and the result's return through the object store).

    python benchmarks/bench_batch.py [--articles 50] [--skip-piper]
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from narrator.batch.inputs import gather  # noqa: E402
from narrator.batch.run import Batch  # noqa: E402
from narrator.config import Station  # noqa: E402
from narrator.engines.chain import VoiceChain  # noqa: E402
from tests.batch.articles import quick_station, write_articles  # noqa: E402

PIPER_ID = "kk_KZ-tiny-low"


def no_op(chain: VoiceChain, payload: bytes) -> bytes:
    """A job that does nothing but hand its payload back (Ray's own cost)."""
    return payload


def station_for(voice_id: str, voices: Path, jobs: int | str) -> Station:
    station = quick_station()
    station.voice.id = voice_id
    station.voice.voices_dir = voices
    station.performance.jobs = jobs
    return station


def run_batch(station: Station, sources: Path, out: Path, executor: str) -> tuple[float, int, int]:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    items = gather([str(sources)])
    started = time.perf_counter()
    report = Batch(out, station, cache=False, executor=executor).run(items)
    return time.perf_counter() - started, report.done, report.failed


def ray_overhead(station: Station, calls: int = 200) -> tuple[float, float, float]:
    """Seconds to start two actors, per no-op job through them, and per round trip on
    one actor."""
    from narrator.engines.ray_executor import RayWorkerPool
    from narrator.pipeline import voice_spec

    payload = b"\0" * 200_000  # about one short article's MP3 and sidecars
    started = time.perf_counter()
    with RayWorkerPool(voice_spec(station), workers=2) as pool:
        actors_start = time.perf_counter() - started
        jobs = ((str(n), no_op, (payload,)) for n in range(calls))
        started = time.perf_counter()
        assert sum(1 for _ in pool.run(jobs)) == calls
        through_two = (time.perf_counter() - started) / calls
    with RayWorkerPool(voice_spec(station), workers=1) as pool:
        jobs = ((str(n), no_op, (payload,)) for n in range(calls // 2))
        started = time.perf_counter()
        assert sum(1 for _ in pool.run(jobs)) == calls // 2
        round_trip = (time.perf_counter() - started) / (calls // 2)
    return actors_start, through_two, round_trip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--skip-piper", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    voices = work / "voices"
    os.environ["NARRATOR_VOICES_DIR"] = str(voices)  # before Ray starts: its workers see it
    os.environ["NARRATOR_CACHE_DIR"] = str(work / "cache")
    sources = work / "articles"
    write_articles(sources, args.articles)
    voice_ids = ["kk-espeak"]
    if not args.skip_piper:
        from narrator.engines.install import install
        from tests.engines.models import build_piper_voice

        model = build_piper_voice(work / "model", PIPER_ID)
        install(str(model), voices, voice_id=PIPER_ID, progress=False)
        voice_ids.append(PIPER_ID)

    import ray

    started = time.perf_counter()
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        logging_level=logging.ERROR,
    )
    cluster_start = time.perf_counter() - started
    results: list[tuple[str, str, float, int, int]] = []
    try:
        for voice_id in voice_ids:
            runs: list[tuple[str, Station, str]] = [
                ("local, jobs 1", station_for(voice_id, voices, 1), "local"),
                ("local, jobs auto", station_for(voice_id, voices, "auto"), "local"),
                ("Ray, 2 CPUs", station_for(voice_id, voices, 1), "ray"),
            ]
            for label, station, executor in runs:
                seconds, done, failed = run_batch(station, sources, work / "out", executor)
                results.append((voice_id, label, seconds, done, failed))
                print(
                    f"{voice_id:16} {label:18} {seconds:7.1f} s  "
                    f"{done * 60 / seconds:6.1f} articles/min  ({failed} failed)",
                    flush=True,
                )
        actors_start, through_two, round_trip = ray_overhead(station_for("kk-espeak", voices, 1))
    finally:
        ray.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{args.articles} articles, cache off, MP3; {os.cpu_count()} cores")
    print("| voice | executor | seconds | articles/min | vs local jobs 1 |")
    print("|---|---|---|---|---|")
    base: dict[str, float] = {}
    for voice_id, label, seconds, done, _ in results:
        rate = done * 60 / seconds
        base.setdefault(voice_id, rate)
        print(
            f"| {voice_id} | {label} | {seconds:.1f} | {rate:.1f} | {rate / base[voice_id]:.2f}x |"
        )
    print()
    print(f"load average during the run (1, 5, 15 min): {os.getloadavg()}")
    print(f"Ray cluster start (ray.init, 2 CPUs): {cluster_start:.1f} s")
    print(f"Ray worker pool start (2 actors, voice loaded): {actors_start:.1f} s")
    print(
        f"Ray overhead per task, no-op jobs with 200 KB results, 2 actors: {through_two * 1000:.1f} ms"
    )
    print(f"Ray round trip per task, one actor: {round_trip * 1000:.1f} ms")


if __name__ == "__main__":
    main()
