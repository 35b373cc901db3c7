"""``narrator batch`` and ``produce()`` on a real local Ray cluster (2 CPUs, started here)."""

from __future__ import annotations

import json
import logging
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import ray

from narrator.batch.inputs import gather
from narrator.batch.manifest import Entry
from narrator.batch.run import Batch, BatchReport
from narrator.engines.base import SynthesisParams
from narrator.engines.executor import Request, VoiceSpec
from narrator.engines.install import install
from narrator.engines.ray_executor import RayExecutor, RayWorkerPool, wants_gpu
from narrator.pipeline import produce
from narrator.text.readers import read_document
from tests.batch.articles import (
    manifest_lines,
    quick_station,
    read_chapters,
    read_cues,
    write_articles,
)
from tests.engines.models import build_piper_voice
from tests.feed.feedcheck import BASE_URL, check_published
from tests.helpers import run_narrator

ARTICLES = 20


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    """A real two-CPU Ray cluster on 127.0.0.1, shut down after this module.

    It declares one logical GPU (Ray schedules by declared resources; there is no GPU
    here), so that a CUDA voice's request for one can be seen being granted.
    """
    ray.init(
        num_cpus=2,
        num_gpus=1,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        logging_level=logging.WARNING,
    )
    yield
    ray.shutdown()


@dataclass
class Batches:
    sources: Path
    local: Path
    ray: Path
    local_report: BatchReport
    ray_report: BatchReport


@pytest.fixture(scope="module")
def batches(cluster: None, tmp_path_factory: pytest.TempPathFactory) -> Batches:
    """The same 20 articles through the local executor and through Ray (no cache)."""
    root = tmp_path_factory.mktemp("batch")
    sources = root / "in"
    write_articles(sources, ARTICLES)
    items = gather([str(sources)])
    (root / "local").mkdir()
    (root / "ray").mkdir()
    local = Batch(root / "local", quick_station(), cache=False).run(items)
    on_ray = Batch(root / "ray", quick_station(), cache=False, executor="ray").run(items)
    return Batches(sources, root / "local", root / "ray", local, on_ray)


def test_ray_batch_gives_the_local_executors_outputs(batches: Batches) -> None:
    assert (batches.ray_report.done, batches.ray_report.failed) == (ARTICLES, 0)
    assert batches.local_report.done == ARTICLES
    local = {line["id"]: line for line in manifest_lines(batches.local)}
    on_ray = {line["id"]: line for line in manifest_lines(batches.ray)}
    assert sorted(local) == sorted(on_ray) and len(on_ray) == ARTICLES
    for id, line in on_ray.items():
        expected = local[id]
        assert line["output"] == expected["output"]
        duration = float(expected["duration_s"])
        assert abs(float(line["duration_s"]) - duration) <= 0.01 * duration
        assert abs(float(line["loudness_lufs"]) - float(expected["loudness_lufs"])) <= 0.5
        stem = str(line["output"]).removesuffix(".mp3")
        ray_cues = read_cues(batches.ray / f"{stem}.vtt")
        local_cues = read_cues(batches.local / f"{stem}.vtt")
        assert [c[2] for c in ray_cues] == [c[2] for c in local_cues]
        assert len(ray_cues) >= 5  # title and two stories of two or one sentences
        for (start, end, _), (start0, end0, _) in zip(ray_cues, local_cues, strict=True):
            assert abs(start - start0) <= 0.01 * duration and abs(end - end0) <= 0.01 * duration
        ray_chapters = read_chapters(batches.ray / f"{stem}.chapters.json")
        local_chapters = read_chapters(batches.local / f"{stem}.chapters.json")
        assert (
            [c[1] for c in ray_chapters]
            == [c[1] for c in local_chapters]
            == ["Кіріспе", "Астана", "Алматы"]
        )
        for (start, _), (start0, _) in zip(ray_chapters, local_chapters, strict=True):
            assert abs(start - start0) <= 0.01 * duration
        assert (batches.ray / f"{stem}.srt").read_text("utf-8").count("-->") == len(ray_cues)
        assert (batches.ray / str(line["output"])).stat().st_size > 10_000


def test_rerun_on_ray_does_nothing_then_only_the_changed_article(batches: Batches) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in batches.ray.glob("*.mp3")}
    again = Batch(batches.ray, quick_station(), cache=False, executor="ray").run(
        gather([str(batches.sources)])
    )
    assert (again.done, again.skipped, again.failed) == (0, ARTICLES, 0)
    assert {p.name: p.stat().st_mtime_ns for p in batches.ray.glob("*.mp3")} == before

    changed = batches.sources / "a07.md"
    changed.write_text(changed.read_text("utf-8").replace("жылы", "суық"), "utf-8")
    redone = Batch(batches.ray, quick_station(), cache=False, executor="ray").run(
        gather([str(batches.sources)])
    )
    assert (redone.done, redone.skipped, redone.failed) == (1, ARTICLES - 1, 0)
    after = {p.name: p.stat().st_mtime_ns for p in batches.ray.glob("*.mp3")}
    assert [name for name in before if after[name] != before[name]] == ["a07.mp3"]
    assert "суық" in (batches.ray / "a07.vtt").read_text("utf-8")
    assert len(manifest_lines(batches.ray)) == ARTICLES  # compacted: one line per article


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(
    cluster: None, tmp_path: Path
) -> None:
    write_articles(tmp_path / "in", 5)
    out = tmp_path / "out"
    out.mkdir()
    killed: list[int] = []
    pools: list[RayWorkerPool] = []

    def kill_one_worker(entry: Entry, outcome: str) -> None:
        if not killed:
            # Every worker is busy with its next article when a result comes back.
            pid = pools[0].started_pids[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    batch = Batch(out, quick_station(), cache=False, executor="ray")
    report = batch.run(
        gather([str(tmp_path / "in")]),
        on_article=kill_one_worker,
        on_pool=lambda pool: pools.append(pool),  # type: ignore[arg-type]
    )
    assert killed and not _alive(killed[0])
    assert (report.done, report.failed) == (5, 0)
    lines = manifest_lines(out)
    assert len(lines) == 5 and len({line["id"] for line in lines}) == 5
    assert all(line["status"] == "done" for line in lines)
    assert sorted(p.name for p in out.glob("*.mp3")) == [f"a0{n}.mp3" for n in range(1, 6)]
    assert not list(out.glob(".*.part*"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child of the raylet may linger as a zombie until it is reaped.
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_a_poisoned_article_fails_alone_on_ray(cluster: None, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 4)
    poisoned = tmp_path / "in" / "a03.md"
    poisoned.write_text("---\ndate: 2026-13-45\n---\n# Бас\n\nАстанада жаңбыр.\n", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    report = Batch(out, quick_station(), executor="ray").run(gather([str(tmp_path / "in")]))
    assert (report.done, report.failed) == (3, 1)
    lines = {line["id"]: line for line in manifest_lines(out)}
    failed = lines[str(poisoned)]
    assert failed["status"] == "failed" and failed["output"] is None
    assert "2026-13-45" in str(failed["error"])
    assert sorted(p.name for p in out.glob("*.mp3")) == ["a01.mp3", "a02.mp3", "a04.mp3"]


def test_produce_on_the_ray_executor_equals_in_process(cluster: None, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 1)
    document = read_document(tmp_path / "in" / "a01.md")
    local = produce(document, tmp_path / "local.mp3", quick_station())
    station = quick_station()
    station.performance.executor = "ray"
    on_ray = produce(document, tmp_path / "ray.mp3", station)
    assert [c.text for c in on_ray.programme.cues] == [c.text for c in local.programme.cues]
    assert abs(on_ray.programme.duration - local.programme.duration) <= 0.01 * (
        local.programme.duration
    )
    assert [c.title for c in on_ray.programme.chapters] == [
        "Кіріспе",
        "Астана",
        "Алматы",
    ]


def test_ray_executor_speaks_each_request_at_its_own_rate(cluster: None) -> None:
    """A segment's own rate (SSML ``<prosody rate>``) reaches the voice on a Ray actor."""
    text = "Ертең астанада күн жылы болады."
    spec = VoiceSpec(("kk-espeak",), SynthesisParams(rate_wpm=160))
    requests = [Request(text), Request(text, SynthesisParams(rate_wpm=80)), text]
    with RayExecutor(spec, workers=2) as executor:
        normal, slow, again = [r.chunk.duration for r in executor.map(requests)]
    assert slow > 1.6 * normal
    assert again == pytest.approx(normal, rel=0.01)


def test_a_cuda_voice_asks_ray_for_a_gpu(cluster: None, tmp_path: Path) -> None:
    voices = tmp_path / "voices"
    model = build_piper_voice(tmp_path / "model", "kk_KZ-tiny-low")
    install(str(model), voices, voice_id="kk_KZ-tiny-low", progress=False)
    manifest = voices / "kk_KZ-tiny-low" / "voice.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text("utf-8")), "gpu": True}))
    spec = VoiceSpec(("kk_KZ-tiny-low",), SynthesisParams(), voices)
    assert wants_gpu(spec)
    with RayExecutor(spec) as executor:
        assert len(executor.started_pids) == 1  # one worker per GPU of the cluster
        deadline = time.monotonic() + 10
        while ray.available_resources().get("GPU", 0) != 0 and time.monotonic() < deadline:
            time.sleep(0.1)  # the resource view is updated asynchronously
        assert ray.available_resources().get("GPU", 0) == 0  # the actor holds the GPU
        results = list(executor.map(["Сәлем.", "Қайырлы таң, Алматы."]))
    # No CUDA for onnxruntime here: the voice itself falls back to its CPU provider.
    assert [r.voice_id for r in results] == ["kk_KZ-tiny-low"] * 2
    assert all(r.chunk.samples.size > 1000 for r in results)


def test_cli_joins_a_running_cluster_for_batch_and_feed_build(
    cluster: None, tmp_path: Path
) -> None:
    address = ray.get_runtime_context().gcs_address
    write_articles(tmp_path / "in", 2)
    station = tmp_path / "station.toml"
    station.write_text(
        '[station]\nname = "Тест радиосы"\n[bulletin]\nintro = ""\noutro = ""\n'
        f'[audio]\njingles = false\n[cache]\ndir = "{tmp_path / "cache"}"\n'
        '[feed]\ntimezone = "UTC"\n',
        "utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    batch = run_narrator(
        "-v", "batch", str(tmp_path / "in"), "--out", str(out), "--station", str(station),
        "--executor", "ray", "--ray-address", address, "--quiet",
    )  # fmt: skip
    assert batch.returncode == 0, batch.stderr
    assert "batch: 2 Ray workers" in batch.stderr
    assert sorted(p.name for p in out.glob("*.mp3")) == ["a01.mp3", "a02.mp3"]
    assert all(line["status"] == "done" for line in manifest_lines(out))

    feed = run_narrator(
        "-v", "feed", "build", "--sources", str(tmp_path / "in"), "--out", str(tmp_path / "feed"),
        "--base-url", BASE_URL, "--station", str(station),
        "--executor", "ray", "--ray-address", address, "--quiet",
    )  # fmt: skip
    assert feed.returncode == 0, feed.stderr
    assert feed.stdout.startswith(BASE_URL + "/episodes/")
    assert "synthesis: 2 Ray actors" in feed.stderr
    check_published(tmp_path / "feed")
    assert ray.is_initialized()  # the commands left the cluster they joined running
