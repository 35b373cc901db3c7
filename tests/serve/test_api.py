"""The /v1 API, in-process (Starlette's TestClient, the real workers and pipeline)."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import soundfile

from narrator.serve.jobs import JobState, JobStore
from narrator.serve.settings import ServeSettings
from tests.helpers import SEED_ARTICLE
from tests.serve.conftest import SHORT_TEXT, wait_for

TOKEN_A = "token-of-editor-a-0123456789"
TOKEN_B = "token-of-editor-b-0123456789"


def test_speech_job_runs_and_a_repeat_comes_from_the_cache(client: Any) -> None:
    answer = client.post("/v1/speech", json={"text": SHORT_TEXT, "format": "wav"})
    assert answer.status_code == 202
    assert answer.headers["location"] == f"/v1/jobs/{answer.json()['id']}"
    job = wait_for(answer.headers["location"], client.get)
    assert job["state"] == "done", job
    assert job["progress"] == 1
    figures = job["figures"]
    assert figures["segments"] == 2 and figures["cache_misses"] > 0
    audio = client.get(f"/v1/jobs/{job['id']}/audio")
    assert audio.headers["content-type"] == "audio/wav"
    samples, rate = soundfile.read(io.BytesIO(audio.content))
    assert len(samples) / rate == pytest.approx(figures["duration_s"], abs=0.01)

    again = client.post("/v1/speech", json={"text": SHORT_TEXT, "format": "wav"})
    repeat = wait_for(again.headers["location"], client.get)
    assert repeat["figures"]["cache_misses"] == 0
    assert repeat["figures"]["cache_hits"] == figures["cache_misses"]
    vtt = client.get(f"/v1/jobs/{job['id']}/transcript.vtt")
    assert vtt.text.startswith("WEBVTT") and "200 миллион еуроға" in vtt.text
    assert client.get(f"/v1/jobs/{job['id']}/peaks.json").json()["peaks"]
    listed = [j["id"] for j in client.get("/v1/jobs").json()]
    assert listed[:2] == [repeat["id"], job["id"]]


def test_markdown_html_and_ssml_inputs(client: Any) -> None:
    for kind, text in (
        ("markdown", "# Бюллетень\n\n## Бірінші\n\nОл 5 км жүрді.\n\n## Екінші\n\nБәрі жақсы."),
        ("html", "<h1>Тақырып</h1><p>Ол 5 км жүрді.</p><script>alert(1)</script>"),
        ("ssml", '<speak><p>Ол 5 км жүрді.</p><p>Бәрі <break time="1s"/> жақсы.</p></speak>'),
    ):
        answer = client.post("/v1/speech", json={"text": text, "input": kind, "format": "wav"})
        assert answer.status_code == 202, answer.text
        job = wait_for(answer.headers["location"], client.get)
        assert job["state"] == "done", job
        vtt = client.get(f"/v1/jobs/{job['id']}/transcript.vtt").text
        assert "Ол 5 км жүрді." in vtt and "alert" not in vtt
        if kind == "markdown":
            chapters = client.get(f"/v1/jobs/{job['id']}/chapters.json").json()["chapters"]
            assert [c["title"] for c in chapters] == ["Бірінші", "Екінші"]
    bad = client.post("/v1/speech", json={"text": "<speak><p>жоқ", "input": "ssml"})
    assert bad.status_code == 422 and "SSML" in bad.json()["detail"]
    unknown = client.post("/v1/speech", json={"text": "Сәлем.", "voice": "kk-nobody"})
    assert unknown.status_code == 422 and "kk-nobody" in unknown.json()["detail"]


def test_cancel_a_queued_and_a_running_job(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from narrator.serve.app import create_app

    settings = ServeSettings(data=tmp_path / "data")
    # Outside its lifespan the app runs no worker: the test runs the job itself, so the
    # cancellation lands while it is running, however fast the pipeline is.
    app = create_app(settings)
    runner = app.state.services.runner
    test_client = TestClient(app)
    article = SEED_ARTICLE.read_text("utf-8")
    running = test_client.post("/v1/speech", json={"text": article}).json()
    queued = test_client.post("/v1/speech", json={"text": SHORT_TEXT}).json()
    claimed = runner.store.claim()
    assert claimed is not None and claimed.id == running["id"]
    answer = test_client.delete(f"/v1/jobs/{queued['id']}")
    assert answer.status_code == 200 and answer.json()["state"] == "cancelled"
    answer = test_client.delete(f"/v1/jobs/{running['id']}")
    assert answer.status_code == 202 and answer.json()["state"] == "running"
    runner.run(claimed)
    job = test_client.get(f"/v1/jobs/{running['id']}").json()
    assert job["state"] == "cancelled" and job["figures"] is None
    assert test_client.get(f"/v1/jobs/{running['id']}/audio").status_code == 409
    assert not (settings.jobs_dir / running["id"]).exists()
    assert runner.store.claim() is None  # the cancelled queued job never runs
    # A finished job is deleted with its files.
    assert test_client.delete(f"/v1/jobs/{running['id']}").json()["state"] == "deleted"
    assert test_client.get(f"/v1/jobs/{running['id']}").status_code == 404


def test_body_and_text_limits_answer_413(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from narrator.serve.app import create_app

    settings = ServeSettings(data=tmp_path / "data", max_body_bytes=4096, max_text_chars=500)
    test_client = TestClient(create_app(settings))
    big = test_client.post("/v1/speech", json={"text": "сөз " * 2000})
    assert big.status_code == 413 and "4096" in big.json()["detail"]
    long = test_client.post("/v1/speech", json={"text": "а" * 501})
    assert long.status_code == 413 and "500" in long.json()["detail"]
    assert test_client.post("/v1/normalize", json={"text": "а" * 501}).status_code == 413

    def chunks() -> Any:  # no Content-Length: counted while it streams in
        for _ in range(10):
            yield b"x" * 1000

    streamed = test_client.post(
        "/v1/speech", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413


def test_full_queue_and_busy_token_answer_429(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from narrator.serve.app import create_app

    tokens = tmp_path / "tokens"
    tokens.write_text(f"# editors\n{TOKEN_A}\n{TOKEN_B}\n")
    settings = ServeSettings(
        data=tmp_path / "data", token_file=tokens, max_queue=3, max_jobs_per_token=2
    )
    # Outside its lifespan the app runs no worker, so the jobs stay queued.
    test_client = TestClient(create_app(settings))
    editor_a = {"Authorization": f"Bearer {TOKEN_A}"}
    editor_b = {"Authorization": f"Bearer {TOKEN_B}"}
    body = {"text": SHORT_TEXT}
    assert test_client.post("/v1/speech", json=body).status_code == 401
    wrong = {"Authorization": "Bearer not-a-token-0123456789"}
    assert test_client.post("/v1/speech", json=body, headers=wrong).status_code == 401
    assert test_client.post("/v1/speech", json=body, headers=editor_a).status_code == 202
    assert test_client.post("/v1/speech", json=body, headers=editor_a).status_code == 202
    busy = test_client.post("/v1/speech", json=body, headers=editor_a)
    assert busy.status_code == 429 and "per token" in busy.json()["detail"]
    assert busy.headers["retry-after"].isdigit()
    assert test_client.post("/v1/speech", json=body, headers=editor_b).status_code == 202
    full = test_client.post("/v1/speech", json=body, headers=editor_b)
    assert full.status_code == 429 and full.json()["detail"] == "the queue is full"
    assert int(full.headers["retry-after"]) > 0
    # Each editor sees only their own jobs; the token itself is stored nowhere.
    assert len(test_client.get("/v1/jobs", headers=editor_b).json()) == 1
    job_of_a = test_client.get("/v1/jobs", headers=editor_a).json()[0]["id"]
    assert test_client.get(f"/v1/jobs/{job_of_a}", headers=editor_b).status_code == 404
    assert TOKEN_A.encode() not in settings.jobs_db.read_bytes()
    metrics = test_client.get("/metrics", headers=editor_a).text
    assert 'narrator_requests_rejected_total{reason="queue_full"} 1' in metrics
    assert 'narrator_requests_rejected_total{reason="token_busy"} 1' in metrics
    assert "narrator_queue_length 3" in metrics


def test_lexicon_edits_with_the_same_etag_conflict(client: Any, settings: ServeSettings) -> None:
    first = client.get("/v1/lexicon")
    etag = first.headers["etag"]
    assert first.json() == {"etag": etag, "entries": []}
    entry = {"written": "Airbus", "spoken": "Эрбус"}
    saved = client.put("/v1/lexicon", json={"entries": [entry]}, headers={"If-Match": etag})
    assert saved.status_code == 200 and saved.headers["etag"] != etag
    # A second editor who read the lexicon at the same ETag is refused.
    other = {"written": "Airbus", "spoken": "Аэробус"}
    late = client.put("/v1/lexicon", json={"entries": [other]}, headers={"If-Match": etag})
    assert late.status_code == 412
    assert client.put("/v1/lexicon", json={"entries": [other]}).status_code == 428
    assert client.get("/v1/lexicon").json()["entries"] == [entry]
    assert "Airbus\tЭрбус" in settings.lexicon_file.read_text("utf-8")
    # The correction applies at once, to the preview and to jobs.
    reading = client.post("/v1/normalize", json={"text": "Airbus ұшағы"}).json()
    assert reading["spoken"] == "Эрбус ұшағы"
    job = client.post("/v1/speech", json={"text": "Airbus ұшағы келді.", "format": "wav"})
    assert wait_for(job.headers["location"], client.get)["state"] == "done"
    bad = client.put(
        "/v1/lexicon",
        json={"entries": [{"written": "a\tb", "spoken": "x"}]},
        headers={"If-Match": saved.headers["etag"]},
    )
    assert bad.status_code == 422


def test_normalize_returns_spans(client: Any) -> None:
    text = "Бағасы 200 миллион еуроға жетті, ТМД-да 55%-ды құрайды."
    reading = client.post("/v1/normalize", json={"text": text}).json()
    assert reading["spoken"] == (
        "Бағасы екі жүз миллион еуроға жетті, Тәуелсіз Мемлекеттер Достастығында "
        "елу бес пайызды құрайды."
    )
    for span in reading["spans"]:
        assert text[span["start"] : span["end"]] == span["written"]
        assert set(span) == {"start", "end", "written", "spoken", "class"}
    assert [s["class"] for s in reading["spans"]] == ["money", "abbreviation", "percent"]
    formal = client.post("/v1/normalize", json={"text": "Ол 1100", "register": "formal"}).json()
    assert formal["spoken"] == "Ол бір мың бір жүз"


def test_service_endpoints_and_headers(client: Any) -> None:
    page = client.get("/")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script src=" in page.text and "<script>" not in page.text
    assert page.headers["x-content-type-options"] == "nosniff"
    script = client.get("/static/app.js")
    assert script.headers["content-type"].startswith("text/javascript")
    # Text reaches the page through textContent only: no HTML parsing of any string.
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script.text
    assert client.get("/healthz").json()["status"] == "ok"
    voices = client.get("/v1/voices").json()
    assert voices["default"] == "kk-espeak" and voices["voices"][0]["id"] == "kk-espeak"
    assert client.get("/openapi.json").json()["paths"]["/v1/speech"]["post"]
    assert client.get("/docs").status_code == 200
    metrics = client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
    for line in metrics.text.splitlines():
        assert line.startswith("#") or len(line.split(" ")) == 2, line
    assert client.get("/v1/jobs/..%2F..%2Fetc%2Fpasswd/audio").status_code == 404
    assert client.get("/v1/jobs/" + "0" * 32 + "/audio").status_code == 404


def test_feed_status_and_build(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from narrator.serve.app import create_app

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "one.txt").write_text("Жаңа мектеп\n\nҚалада 5 мектеп ашылды.\n")
    station = tmp_path / "station.toml"
    station.write_text(
        '[feed]\nsources = "articles"\nout = "public"\nbase_url = "https://radio.example.kz/p"\n'
        "[audio]\njingles = false\n"
    )
    with TestClient(create_app(ServeSettings(data=tmp_path / "data", station=station))) as c:
        assert c.get("/v1/feed").json()["episodes"] == []
        assert c.post("/v1/feed/build").status_code == 202
        deadline = time.monotonic() + 120
        while (feed := c.get("/v1/feed").json())["building"]:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert feed["last_build"]["summary"].startswith("1 new episode"), feed
        assert str(tmp_path) not in feed["last_build"]["summary"]
        assert feed["feed_url"] == "https://radio.example.kz/p/feed.xml"
        assert len(feed["episodes"]) == 1
        assert (tmp_path / "public" / "feed.xml").is_file()

    with TestClient(create_app(ServeSettings(data=tmp_path / "bare"))) as c:
        assert c.get("/v1/feed").json()["configured"] is False
        refused = c.post("/v1/feed/build")
        assert refused.status_code == 409 and "sources" in refused.json()["detail"]


def test_piper_compatible_endpoint(client: Any) -> None:
    normal = client.post("/", json={"text": "Бүгін 5 км жол салынды."})
    assert normal.status_code == 200 and normal.headers["content-type"] == "audio/wav"
    samples, rate = soundfile.read(io.BytesIO(normal.content))
    slow = client.post("/synthesize", json={"text": "Бүгін 5 км жол салынды.", "length_scale": 1.6})
    slow_samples, slow_rate = soundfile.read(io.BytesIO(slow.content))
    assert len(slow_samples) / slow_rate > 1.25 * len(samples) / rate
    assert "kk-espeak" in client.get("/voices").json()
    assert client.get("/info").json()["voice"]["name"] == "kk-espeak"
    assert client.post("/", json={"text": "  "}).status_code == 400
    assert client.post("/", content=b"not json").status_code == 400


def test_retention_removes_finished_jobs_and_their_files(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from narrator.serve.app import create_app

    settings = ServeSettings(data=tmp_path / "data", retention_hours=0)
    with TestClient(create_app(settings)) as test_client:
        answer = test_client.post("/v1/speech", json={"text": SHORT_TEXT, "format": "wav"})
        job = wait_for(answer.headers["location"], test_client.get)
        assert (settings.jobs_dir / job["id"]).is_dir()
        test_client.app.state.services.runner.expire()
        assert test_client.get(answer.headers["location"]).status_code == 404
        assert not (settings.jobs_dir / job["id"]).exists()


def test_store_requeues_interrupted_jobs(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    first = store.add({"text": "a"}, "local", max_queue=5, max_per_owner=5)
    second = store.add({"text": "b"}, "local", max_queue=5, max_per_owner=5)
    claimed = store.claim()
    assert claimed is not None and claimed.id == first.id
    assert store.claim() is not None
    store.cancel(second.id)  # asked while running: honoured at the next start
    store.close()
    reopened = JobStore(tmp_path / "jobs.sqlite3")
    assert reopened.recover() == [first.id]
    assert reopened.get(first.id).state is JobState.QUEUED  # type: ignore[union-attr]
    assert reopened.get(second.id).state is JobState.CANCELLED  # type: ignore[union-attr]


def test_serve_refuses_a_public_address_without_tokens(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "narrator", "serve", "--host", "0.0.0.0", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "needs --token-file" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())


def test_stopping_the_server_puts_the_running_job_back_in_the_queue(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from narrator.serve.app import create_app

    settings = ServeSettings(data=tmp_path / "data")
    with TestClient(create_app(settings)) as test_client:
        job = test_client.post("/v1/speech", json={"text": SHORT_TEXT, "format": "wav"}).json()
    # Leaving the block ran the shutdown, as SIGTERM does under uvicorn: the job was
    # either finished or given back, never left half-done.
    left = JobStore(settings.jobs_db).get(job["id"])
    assert left is not None and left.state in (JobState.QUEUED, JobState.DONE)

    # A job a worker is producing when the server stops goes back to the queue.
    runner = create_app(settings).state.services.runner
    runner.stop()  # what the shutdown does; this runner never started threads
    runner.store.add({"text": SHORT_TEXT}, "local", max_queue=5, max_per_owner=5)
    claimed = runner.store.claim()  # the oldest queued job (maybe the one given back above)
    assert claimed is not None
    runner.run(claimed)
    stopped = runner.store.get(claimed.id)
    assert stopped is not None
    assert (stopped.state, stopped.attempts, stopped.completions) == (
        JobState.QUEUED,
        claimed.attempts,
        0,
    )
    assert not (settings.jobs_dir / claimed.id / "audio.mp3").exists()


def test_waveform_peaks_come_from_the_file(tmp_path: Path) -> None:
    import numpy as np

    from narrator.serve.worker import file_peaks

    rate = 22050
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(rate) / rate)
    path = tmp_path / "half.flac"
    soundfile.write(path, np.concatenate([tone, np.zeros(rate)]), rate)
    found = file_peaks(path, points=100)
    assert found["duration"] == pytest.approx(2.0)
    assert min(found["peaks"][:50]) == pytest.approx(0.5, abs=0.01)
    assert max(found["peaks"][50:]) == 0
