"""The ASGI app: the ``/v1`` API, the Piper-compatible endpoint and the web page."""

import contextlib
import re
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from narrator import __version__
from narrator.config import Station, load_station
from narrator.errors import NarratorError
from narrator.serve.documents import INPUT_KINDS, TEMPLATES, read_request_text, station_for
from narrator.serve.feedrun import FeedRunner
from narrator.serve.jobs import FINISHED, Job, JobState, JobStore, QueueFull, TokenBusy
from narrator.serve.lexicon import EtagMismatch, LexiconStore
from narrator.serve.metrics import Metrics
from narrator.serve.security import LOCAL_OWNER, BodyLimit, SecurityHeaders, match_token, owner_of
from narrator.serve.settings import OUTPUT_FORMATS, ServeSettings, load_tokens
from narrator.serve.worker import JobRunner, job_dir, job_files

STATIC = Path(__file__).parent / "static"
RETRY_AFTER_S = 5
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
_MEDIA_TYPES = {
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "opus": "audio/ogg",
    "flac": "audio/flac",
    "wav": "audio/wav",
}


class SpeechRequest(BaseModel):
    """``POST /v1/speech``: what to read and how."""

    text: str = Field(min_length=1, description="The article: plain text, Markdown, HTML or SSML.")
    input: Literal["text", "markdown", "html", "ssml"] = "text"
    voice: str | None = Field(None, max_length=100, description="A voice id from /v1/voices.")
    rate: int | None = Field(None, ge=60, le=450, description="Words per minute.")
    format: Literal["mp3", "ogg", "opus", "flac", "wav"] = "mp3"
    template: Literal["article", "bulletin"] = "article"
    title: str | None = Field(None, max_length=300)


class NormalizeRequest(BaseModel):
    """``POST /v1/normalize``: text to read as the voice will."""

    text: str
    reading_register: Literal["news", "formal"] | None = Field(None, alias="register")


class LexiconEntry(BaseModel):
    """One pronunciation: what is written and what is said."""

    written: str
    spoken: str


class LexiconBody(BaseModel):
    """The whole station lexicon."""

    entries: list[LexiconEntry]


class Services:
    """What the routes share: settings, station, stores and runners."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.station: Station = load_station(settings.station)
        self.tokens = load_tokens(settings.token_file) if settings.token_file else None
        settings.data.mkdir(parents=True, exist_ok=True)
        self.store = JobStore(settings.jobs_db)
        self.lexicon = LexiconStore(self.station.text.lexicon or settings.lexicon_file)
        self.metrics = Metrics()
        self.runner = JobRunner(settings, self.store, self.station, self.lexicon_path, self.metrics)
        self.feed = FeedRunner(settings, self.station)
        self.piper_slots = threading.BoundedSemaphore(max(1, settings.workers))

    def lexicon_path(self) -> Path | None:
        """The station lexicon file jobs read, if it exists yet."""
        return self.lexicon.path if self.lexicon.path.exists() else None


def create_app(settings: ServeSettings) -> FastAPI:
    """The app for ``settings``; its workers start and stop with the app's lifespan."""
    services = Services(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        services.runner.start()
        try:
            yield
        finally:
            await run_in_threadpool(services.runner.stop)
            services.store.close()

    app = FastAPI(
        title="narrator",
        version=__version__,
        description="Kazakh news text to podcast audio: speech jobs, the normaliser, "
        "the station lexicon, voices and the feed.",
        lifespan=lifespan,
    )
    app.state.services = services
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(NarratorError)
    async def narrator_error(_: Request, exc: NarratorError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    def caller(authorization: Annotated[str | None, Header()] = None) -> str:
        """Who is asking: the token's owner id, or ``local`` when tokens are off."""
        if services.tokens is None:
            return LOCAL_OWNER
        token = match_token(authorization, services.tokens)
        if token is None:
            raise HTTPException(
                401,
                "a valid 'Authorization: Bearer <token>' header is needed",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return owner_of(token)

    Caller = Annotated[str, Depends(caller)]

    def owned_job(job_id: str, owner: str) -> Job:
        job = services.store.get(job_id) if _JOB_ID.match(job_id) else None
        if job is None or (owner != LOCAL_OWNER and job.owner != owner):
            raise HTTPException(404, "no such job")
        return job

    def check_text(text: str) -> None:
        if len(text) > settings.max_text_chars:
            services.metrics.add("narrator_requests_rejected_total", reason="text_too_long")
            raise HTTPException(413, f"text longer than {settings.max_text_chars} characters")

    # The web page
    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, Any]:
        """Liveness: the job counts by state."""
        return {"status": "ok", "version": __version__, "jobs": services.store.counts()}

    @app.get("/metrics", tags=["service"], response_class=PlainTextResponse)
    def metrics(_: Caller) -> PlainTextResponse:
        """Prometheus text format: jobs, queue length, synthesis seconds, failures."""
        text = services.metrics.render(services.store.counts())
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8")

    # Jobs
    @app.post("/v1/speech", status_code=202, tags=["speech"])
    def speech(body: SpeechRequest, owner: Caller, response: Response) -> dict[str, Any]:
        """Queue a speech job; 202 with the job, 429 with Retry-After when full."""
        check_text(body.text)
        read_request_text(body.text, body.input)  # bad input fails now, not in the queue
        if body.voice and body.voice not in {v["id"] for v in voice_list(services.station)}:
            raise HTTPException(422, f"unknown voice {body.voice!r} (see /v1/voices)")
        try:
            job = services.store.add(
                body.model_dump(),
                owner,
                max_queue=settings.max_queue,
                max_per_owner=settings.max_jobs_per_token,
            )
        except QueueFull:
            services.metrics.add("narrator_requests_rejected_total", reason="queue_full")
            raise HTTPException(
                429, "the queue is full", headers={"Retry-After": str(RETRY_AFTER_S)}
            ) from None
        except TokenBusy:
            services.metrics.add("narrator_requests_rejected_total", reason="token_busy")
            raise HTTPException(
                429,
                f"at most {settings.max_jobs_per_token} queued or running jobs per token",
                headers={"Retry-After": str(RETRY_AFTER_S)},
            ) from None
        services.metrics.add("narrator_jobs_submitted_total")
        services.runner.wake()
        response.headers["Location"] = f"/v1/jobs/{job.id}"
        return job.public()

    @app.get("/v1/jobs", tags=["speech"])
    def recent_jobs(owner: Caller, limit: int = 20) -> list[dict[str, Any]]:
        """The caller's newest jobs."""
        scope = None if owner == LOCAL_OWNER else owner
        return [job.public() for job in services.store.recent(scope, min(max(limit, 1), 100))]

    @app.get("/v1/jobs/{job_id}", tags=["speech"])
    def job_status(job_id: str, owner: Caller) -> dict[str, Any]:
        """A job's state, progress (0 to 1) and, once done, its figures."""
        return owned_job(job_id, owner).public()

    @app.delete("/v1/jobs/{job_id}", tags=["speech"])
    def cancel_job(job_id: str, owner: Caller, response: Response) -> dict[str, Any]:
        """Cancel a queued or running job (202 while a running one stops); a finished
        job is deleted with its files."""
        job = owned_job(job_id, owner)
        if job.state in FINISHED:
            services.store.delete(job.id)
            shutil.rmtree(job_dir(settings, job.id), ignore_errors=True)
            return {"id": job.id, "state": "deleted"}
        cancelled = services.store.cancel(job.id)
        assert cancelled is not None
        if cancelled.state is JobState.RUNNING:
            response.status_code = 202
        return cancelled.public()

    def finished_file(job_id: str, owner: str, kind: str) -> Path:
        job = owned_job(job_id, owner)
        if job.state is not JobState.DONE:
            raise HTTPException(409, f"the job is {job.state.value}, not done")
        path = job_files(settings, job)[kind]
        if not path.is_file():
            raise HTTPException(404, "the file is gone")
        return path

    @app.get("/v1/jobs/{job_id}/audio", tags=["speech"], response_class=FileResponse)
    def job_audio(job_id: str, owner: Caller) -> FileResponse:
        """The audio, with Range requests."""
        path = finished_file(job_id, owner, "audio")
        fmt = path.suffix.lstrip(".")
        return FileResponse(
            path, media_type=_MEDIA_TYPES[fmt], filename=f"narrator-{job_id[:8]}.{fmt}"
        )

    @app.get("/v1/jobs/{job_id}/transcript.vtt", tags=["speech"], response_class=FileResponse)
    def job_transcript(job_id: str, owner: Caller) -> FileResponse:
        """The WebVTT transcript."""
        path = finished_file(job_id, owner, "vtt")
        return FileResponse(path, media_type="text/vtt; charset=utf-8")

    @app.get("/v1/jobs/{job_id}/chapters.json", tags=["speech"], response_class=FileResponse)
    def job_chapters(job_id: str, owner: Caller) -> FileResponse:
        """Podcasting 2.0 JSON chapters."""
        path = finished_file(job_id, owner, "chapters")
        return FileResponse(path, media_type="application/json+chapters")

    @app.get("/v1/jobs/{job_id}/peaks.json", tags=["speech"], response_class=FileResponse)
    def job_peaks(job_id: str, owner: Caller) -> FileResponse:
        """The waveform the web page draws: duration and the peak of each slice."""
        path = finished_file(job_id, owner, "peaks")
        return FileResponse(path, media_type="application/json")

    # Text
    @app.post("/v1/normalize", tags=["text"])
    def normalize(body: NormalizeRequest, _: Caller) -> dict[str, Any]:
        """The text as the voice will say it, and each span that was converted. Offsets
        count Unicode code points of ``text``."""
        from narrator.text.normalize import explain

        check_text(body.text)
        version = services.lexicon.current()
        register = body.reading_register or services.station.text.register
        spans = explain(body.text, register=register, lexicon=version.lexicon)
        pieces: list[str] = []
        position = 0
        for span in spans:
            pieces += [body.text[position : span.start], span.spoken]
            position = span.end
        pieces.append(body.text[position:])
        return {
            "spoken": "".join(pieces),
            "spans": [
                {
                    "start": span.start,
                    "end": span.end,
                    "written": span.written,
                    "spoken": span.spoken,
                    "class": span.cls,
                }
                for span in spans
            ],
            "lexicon_etag": version.etag,
        }

    @app.get("/v1/lexicon", tags=["text"])
    def get_lexicon(_: Caller, response: Response) -> dict[str, Any]:
        """The station lexicon; its ETag goes back in If-Match to change it."""
        version = services.lexicon.current()
        response.headers["ETag"] = version.etag
        return {
            "etag": version.etag,
            "entries": [{"written": w, "spoken": s} for w, s in version.entries],
        }

    @app.put("/v1/lexicon", tags=["text"])
    def put_lexicon(
        body: LexiconBody,
        _: Caller,
        response: Response,
        if_match: Annotated[str | None, Header()] = None,
    ) -> dict[str, Any]:
        """Replace the lexicon. If-Match must hold the ETag it was read at: 412 when
        someone changed it since, 428 without If-Match."""
        if not if_match:
            raise HTTPException(428, "If-Match with the lexicon's ETag is required")
        try:
            version = services.lexicon.replace(
                [(entry.written, entry.spoken) for entry in body.entries], if_match.strip()
            )
        except EtagMismatch:
            raise HTTPException(
                412, "the lexicon changed since it was read; reload it and edit again"
            ) from None
        response.headers["ETag"] = version.etag
        return {
            "etag": version.etag,
            "entries": [{"written": w, "spoken": s} for w, s in version.entries],
        }

    # Voices and options
    @app.get("/v1/voices", tags=["voices"])
    def voices(_: Caller) -> dict[str, Any]:
        """The voices a job can use, the station's default first."""
        return {"default": services.station.voice.id, "voices": voice_list(services.station)}

    @app.get("/v1/options", tags=["voices"])
    def options(_: Caller) -> dict[str, Any]:
        """Templates, formats, input kinds and the defaults of the station."""
        return {
            "templates": TEMPLATES,
            "formats": list(OUTPUT_FORMATS),
            "inputs": list(INPUT_KINDS),
            "rate": services.station.voice.rate_wpm,
            "voice": services.station.voice.id,
            "max_text_chars": settings.max_text_chars,
        }

    # Feed
    @app.get("/v1/feed", tags=["feed"])
    def feed(_: Caller) -> dict[str, Any]:
        """The station feed: whether it is configured, the last build, its episodes."""
        return services.feed.status()

    @app.post("/v1/feed/build", status_code=202, tags=["feed"])
    def feed_build(_: Caller) -> dict[str, Any]:
        """Start a feed build (409 while one runs or when the station has no feed)."""
        try:
            started = services.feed.start_build()
        except NarratorError as exc:
            raise HTTPException(409, str(exc)) from None
        if not started:
            raise HTTPException(409, "a feed build is already running")
        return services.feed.status()

    install_piper_routes(app, services, caller)
    return app


def voice_list(station: Station) -> list[dict[str, Any]]:
    """Embedded and installed voices: id, engine, quality, licence, sample rate."""
    from narrator.engines.catalogue import EMBEDDED_VOICES, installed_voices

    voices: list[dict[str, Any]] = [
        {"id": voice_id, "engine": "espeak", "quality": "formant", "licence": "GPL-3.0"}
        for voice_id in EMBEDDED_VOICES
    ]
    for voice in installed_voices(station.voice.voices_dir):
        voices.append(
            {
                "id": voice.id,
                "engine": voice.engine,
                "quality": voice.quality,
                "licence": voice.licence,
                "sample_rate": voice.sample_rate,
            }
        )
    return voices


def install_piper_routes(app: FastAPI, services: Services, caller: Any) -> None:
    """Piper's HTTP server API (``python -m piper.http_server``): ``POST /`` and
    ``POST /synthesize`` take ``{"text", "voice", "speaker", "speaker_id",
    "length_scale", "noise_scale", "noise_w_scale"}`` as JSON and answer WAV bytes;
    ``GET /voices`` and ``GET /info`` describe the voices. The text goes through the
    normaliser and the station lexicon first; an unknown voice falls back to the
    station's, as Piper falls back to its default."""
    settings = services.settings

    def synthesize_wav(data: dict[str, Any]) -> bytes:
        from narrator.pipeline import produce

        text = str(data.get("text", "")).strip()
        if not text:
            raise HTTPException(400, "No text provided")
        if len(text) > settings.max_text_chars:
            raise HTTPException(413, f"text longer than {settings.max_text_chars} characters")
        known = {voice["id"] for voice in voice_list(services.station)}
        request: dict[str, Any] = {"template": "article"}
        if isinstance(data.get("voice"), str) and data["voice"] in known:
            request["voice"] = data["voice"]
        try:
            length_scale = float(data.get("length_scale") or 1.0)
        except (TypeError, ValueError):
            raise HTTPException(400, "length_scale must be a number") from None
        if length_scale > 0:
            rate = round(services.station.voice.rate_wpm / length_scale)
            request["rate"] = min(450, max(60, rate))
        station = station_for(services.station, request, services.lexicon_path())
        if data.get("speaker") is not None:
            station.voice.speaker = str(data["speaker"])
        if data.get("speaker_id") is not None:
            station.voice.speaker = str(data["speaker_id"])
        document = read_request_text(text, "text")
        if not services.piper_slots.acquire(blocking=False):
            raise HTTPException(429, "busy", headers={"Retry-After": "1"})
        folder = Path(tempfile.mkdtemp(prefix="piper-", dir=settings.data))
        try:
            output = folder / "speech.wav"
            produce(document, output, station, fmt="wav", progress=None, cache=None)
            return output.read_bytes()
        finally:
            services.piper_slots.release()
            shutil.rmtree(folder, ignore_errors=True)

    async def piper_synthesize(request: Request, _: Annotated[str, Depends(caller)]) -> Response:
        import json

        try:
            data = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            raise HTTPException(400, "the body must be JSON") from None
        if not isinstance(data, dict):
            raise HTTPException(400, "the body must be a JSON object")
        wav = await run_in_threadpool(synthesize_wav, data)
        return Response(wav, media_type="audio/wav")

    for path in ("/", "/synthesize"):
        app.add_api_route(
            path,
            piper_synthesize,
            methods=["POST"],
            tags=["piper"],
            summary="Piper-compatible synthesis (WAV)",
        )

    @app.get("/voices", tags=["piper"])
    def piper_voices(_: Annotated[str, Depends(caller)]) -> dict[str, Any]:
        """Voices keyed by id, as Piper's ``GET /voices``."""
        return {
            voice["id"]: {
                "audio": {"sample_rate": services.station.audio.sample_rate},
                "language": {"code": "kk_KZ"},
                "num_speakers": 1,
                "narrator": voice,
            }
            for voice in voice_list(services.station)
        }

    @app.get("/info", tags=["piper"])
    def piper_info(_: Annotated[str, Depends(caller)]) -> dict[str, Any]:
        """The default voice, as Piper's ``GET /info``."""
        return {
            "voice": {
                "name": services.station.voice.id,
                "language": "kk",
                "num_speakers": 1,
            },
            "last": None,
        }
