"""``narrator serve``: run the HTTP API and the web page on uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from narrator.errors import NarratorError

_DEFAULTS = Path("narrator-serve")


def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")] = 8080,
    station: Annotated[
        Path | None,
        typer.Option("--station", help="Station file (TOML): voice, lexicon, feed..."),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Folder for the jobs database, job outputs, cache and lexicon "
            "(default: ./narrator-serve).",
        ),
    ] = None,
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file",
            help="Bearer tokens, one a line; required to listen on a non-loopback address.",
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Jobs produced at once.")] = 1,
    max_queue: Annotated[
        int, typer.Option("--max-queue", min=1, help="Queued jobs at most (then 429).")
    ] = 20,
    max_jobs_per_token: Annotated[
        int, typer.Option("--max-jobs-per-token", min=1, help="Active jobs per token at most.")
    ] = 10,
    max_text_chars: Annotated[
        int, typer.Option("--max-text-chars", min=1, help="Longest article text (then 413).")
    ] = 100_000,
    max_body_bytes: Annotated[
        int, typer.Option("--max-body-bytes", min=1024, help="Largest request body (then 413).")
    ] = 1_000_000,
    retention_hours: Annotated[
        float,
        typer.Option("--retention-hours", min=0, help="Finished jobs are kept this long."),
    ] = 24.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No access log.")] = False,
) -> None:
    """Serve the HTTP API (/v1, docs at /docs) and the editors' web page at /."""
    from narrator.serve.settings import ServeSettings, is_loopback, lock_data_folder

    if not is_loopback(host) and token_file is None:
        raise NarratorError(
            f"refusing to listen on {host}: a non-loopback address needs --token-file"
        )
    try:
        import uvicorn

        from narrator.serve.app import create_app
    except ImportError as exc:
        raise NarratorError(
            f"narrator serve needs the serve extra: pip install 'narrator[serve]' ({exc.name})"
        ) from None
    settings = ServeSettings(
        data=data or _DEFAULTS,
        station=station,
        token_file=token_file,
        max_body_bytes=max_body_bytes,
        max_text_chars=max_text_chars,
        max_queue=max_queue,
        max_jobs_per_token=max_jobs_per_token,
        workers=workers,
        retention_hours=retention_hours,
    )
    lock = lock_data_folder(settings.data)
    app = create_app(settings)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning" if quiet else "info",
        access_log=not quiet,
        proxy_headers=False,
    )
    lock.close()
