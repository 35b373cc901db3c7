"""A real ``narrator serve`` (uvicorn) on 127.0.0.1 and a random port: downloads with
Range requests, a restart in the middle of the queue, and 100 concurrent requests."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from mutagen.id3 import ID3

from narrator.audio.check import analyse
from tests.serve.conftest import Server, wait_for

ARTEFACTS = Path(__file__).parent / "artefacts"
BULLETIN = (
    "# Таңғы жаңалықтар\n\n## Ғарыш\n\nЗауыт 200 миллион еуроға бағаланады. "
    "Құрылыс 2025 жылы аяқталады.\n\n## Спорт\n\nКомандамыз 3:1 есебімен жеңді."
)


def test_produce_poll_and_download_over_http(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve()
    with httpx.Client(base_url=server.url, timeout=30) as http:
        answer = http.post(
            "/v1/speech", json={"text": BULLETIN, "input": "markdown", "template": "bulletin"}
        )
        assert answer.status_code == 202
        job = wait_for(answer.headers["location"], http.get)
        assert job["state"] == "done", job
        audio = http.get(f"/v1/jobs/{job['id']}/audio")
        assert audio.headers["content-type"] == "audio/mpeg"
        assert audio.headers["accept-ranges"] == "bytes"
        mp3 = tmp_path / "download.mp3"
        mp3.write_bytes(audio.content)
        # Range requests: a slice, and the tail.
        part = http.get(f"/v1/jobs/{job['id']}/audio", headers={"Range": "bytes=100-1099"})
        assert part.status_code == 206
        assert part.content == audio.content[100:1100]
        size = len(audio.content)
        assert part.headers["content-range"] == f"bytes 100-1099/{size}"
        tail = http.get(f"/v1/jobs/{job['id']}/audio", headers={"Range": "bytes=-500"})
        assert tail.status_code == 206 and tail.content == audio.content[-500:]
        beyond = http.get(f"/v1/jobs/{job['id']}/audio", headers={"Range": f"bytes={size}-"})
        assert beyond.status_code == 416
        chapters = http.get(f"/v1/jobs/{job['id']}/chapters.json").json()["chapters"]
        transcript = http.get(f"/v1/jobs/{job['id']}/transcript.vtt").text
    # The bulletin template reads the station's intro, headlines and outro around the stories.
    assert "Назарларыңызға жаңалықтар" in transcript
    assert "жаңалықтары аяқталды" in transcript
    analysis = analyse(mp3)
    assert analysis.loudness_lufs == pytest.approx(-19.0, abs=1.0)
    assert analysis.true_peak_dbtp <= -1.0
    assert analysis.duration == pytest.approx(job["figures"]["duration_s"], abs=0.1)
    frames = sorted(ID3(mp3).getall("CHAP"), key=lambda frame: frame.start_time)
    titles = ["Кіріспе", "Ғарыш", "Спорт", "Қорытынды"]  # the opening and close too
    assert [frame.sub_frames["TIT2"].text[0] for frame in frames] == titles
    assert [c["title"] for c in chapters] == titles
    assert frames[2].start_time == pytest.approx(chapters[2]["startTime"] * 1000, abs=2)


def test_restart_mid_queue_completes_every_job_once(
    serve: Callable[..., Server], tmp_path: Path
) -> None:
    server = serve("--workers", "1")
    texts = [f"Бүгін {n} жаңалық бар. Ауа райы {n + 10} градус жылы." for n in range(1, 7)]
    with httpx.Client(base_url=server.url, timeout=30) as http:
        ids = [http.post("/v1/speech", json={"text": text}).json()["id"] for text in texts]
        deadline = time.monotonic() + 120
        while http.get(f"/v1/jobs/{ids[0]}").json()["state"] != "done":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    server.kill()  # SIGKILL: no chance to tidy up
    database = server.data / "jobs.sqlite3"
    with sqlite3.connect(database) as db:
        before = dict(db.execute("SELECT id, state FROM jobs").fetchall())
    assert before[ids[0]] == "done"
    assert "queued" in before.values()

    restarted = serve("--workers", "1", data=server.data)
    with httpx.Client(base_url=restarted.url, timeout=30) as http:
        jobs = [wait_for(f"/v1/jobs/{job_id}", http.get) for job_id in ids]
        assert [job["state"] for job in jobs] == ["done"] * len(ids)
        for job in jobs:
            audio = http.get(f"/v1/jobs/{job['id']}/audio")
            assert audio.status_code == 200 and len(audio.content) == job["figures"]["bytes"]
        # The job finished before the kill is still there, downloadable.
        assert http.get(f"/v1/jobs/{ids[0]}/transcript.vtt").text.startswith("WEBVTT")
        assert len(http.get("/v1/jobs", params={"limit": 100}).json()) == len(ids)
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT id, completions, attempts FROM jobs").fetchall()
    assert sorted(row[0] for row in rows) == sorted(ids)
    assert all(completions == 1 for _, completions, _ in rows)
    # A job queued at the kill ran once, after the restart.
    queued_then = [job_id for job_id, state in before.items() if state == "queued"]
    assert all(attempts == 1 for job_id, _, attempts in rows if job_id in queued_then)


def test_hundred_concurrent_requests(serve: Callable[..., Server]) -> None:
    server = serve("--workers", "1", "--max-queue", "25", "--max-jobs-per-token", "1000")
    count = 100
    # A few different texts: the repeats come from the segment cache.
    texts = [f"Сынақ хабары {n % 5 + 1}. Бәрі жақсы." for n in range(count)]

    async def one(client: httpx.AsyncClient, text: str) -> tuple[int, float, str | None]:
        started = time.perf_counter()
        answer = await client.post("/v1/speech", json={"text": text, "format": "wav"})
        job_id = answer.json().get("id") if answer.status_code == 202 else None
        if answer.status_code == 429:
            assert int(answer.headers["retry-after"]) > 0
        return answer.status_code, time.perf_counter() - started, job_id

    async def burst() -> list[tuple[int, float, str | None]]:
        limits = httpx.Limits(max_connections=count)
        async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as client:
            return await asyncio.gather(*(one(client, text) for text in texts))

    started = time.perf_counter()
    results = asyncio.run(burst())
    burst_s = time.perf_counter() - started
    statuses = [status for status, _, _ in results]
    assert set(statuses) <= {202, 429}, statuses
    accepted = [job_id for status, _, job_id in results if status == 202]
    assert len(accepted) >= 25  # the queue fills before anything is refused
    assert statuses.count(429) > 0

    with httpx.Client(base_url=server.url, timeout=30) as http:
        jobs = [wait_for(f"/v1/jobs/{job_id}", http.get, timeout=300) for job_id in accepted]
        drained_s = time.perf_counter() - started
        assert all(job["state"] == "done" for job in jobs)
        assert http.get("/healthz").json()["jobs"]["done"] == len(accepted)
        metrics = http.get("/metrics").text
    assert server.process is not None and server.process.poll() is None  # no crash
    assert f"narrator_jobs_submitted_total {len(accepted)}" in metrics
    latencies = sorted(latency for _, latency, _ in results)
    figures = {
        "requests": count,
        "accepted_202": len(accepted),
        "rejected_429": statuses.count(429),
        "burst_s": round(burst_s, 2),
        "latency_median_s": round(statistics.median(latencies), 3),
        "latency_max_s": round(latencies[-1], 3),
        "all_jobs_done_s": round(drained_s, 2),
        "cache_hits": sum(job["figures"]["cache_hits"] for job in jobs),
        "cache_misses": sum(job["figures"]["cache_misses"] for job in jobs),
    }
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / "load.json").write_text(json.dumps(figures, indent=2) + "\n")
    print("load:", json.dumps(figures))


def test_a_second_server_on_the_same_data_folder_is_refused(
    serve: Callable[..., Server],
) -> None:
    import subprocess
    import sys

    server = serve()
    second = subprocess.run(
        [sys.executable, "-m", "narrator", "serve", "--port", "0", "--data", str(server.data)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode != 0
    assert "another narrator serve is using this data folder" in second.stderr
    assert "Traceback" not in second.stderr
    assert httpx.get(f"{server.url}/healthz").status_code == 200
