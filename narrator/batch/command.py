"""``narrator batch SOURCES... --out DIR``: the command-line layer over :mod:`narrator.batch.run`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal, cast

import typer

from narrator.errors import NarratorError, UsageError

EXECUTORS = ("local", "ray")
"""Values of ``--executor`` (and of ``[performance] executor``)."""


def check_executor(executor: str | None) -> Literal["local", "ray"] | None:
    """``--executor`` checked: one line naming the choices when it is not one of them."""
    if executor is None or executor in EXECUTORS:
        return cast("Literal['local', 'ray'] | None", executor)
    raise UsageError(f"--executor must be local or ray, not {executor!r}")


ExecutorOpt = Annotated[
    str | None,
    typer.Option(
        "--executor",
        help="Where the work runs: local (this machine) or ray (a Ray cluster; "
        "default: the station's performance.executor).",
    ),
]
RayAddressOpt = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        help="Ray cluster to join, e.g. ray://head:10001 or 10.0.0.5:6379 "
        "(default: the station's, else RAY_ADDRESS, else a local cluster).",
    ),
]


def batch_command(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Article files, folders of articles, RSS/Atom or JSON files or URLs "
            "(every article becomes its own file)."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Output folder (must exist): audio, sidecars, manifest."),
    ],
    station: Annotated[
        Path | None,
        typer.Option("--station", help="Station file (TOML) with voice, pauses, loudness..."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="mp3, ogg, opus, flac or wav.")
    ] = "mp3",
    executor: ExecutorOpt = None,
    ray_address: RayAddressOpt = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Ray workers (default: one per CPU, or per GPU)."),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="Input encoding when it is not UTF-8/UTF-16 with BOM."),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Synthesise everything; do not use the cache.")
    ] = False,
    log_format: Annotated[
        str,
        typer.Option("--log-format", help="text, or json: one JSON object per line on stderr."),
    ] = "text",
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or report.")
    ] = False,
) -> None:
    """Produce many articles, one audio file each with its sidecars, resumably.

    A manifest (manifest.jsonl) in the output folder records every article; a re-run
    skips what is done and unchanged and redoes what changed or failed. Exits 1 when
    any article failed.
    """
    from rich.markup import escape

    from narrator.batch.inputs import gather
    from narrator.batch.manifest import Entry
    from narrator.batch.run import Batch
    from narrator.config import load_station
    from narrator.console import progress_bar, stderr

    if log_format not in ("text", "json"):
        raise NarratorError(f"--log-format must be text or json, not {log_format!r}")
    settings = load_station(station)
    chosen = check_executor(executor) or settings.performance.executor
    address = ray_address or settings.performance.ray_address
    items = gather(sources, encoding)
    if not items:
        raise NarratorError("no articles in " + ", ".join(sources))
    batch = Batch(
        out,
        settings,
        fmt=fmt,
        cache=settings.cache.enabled and not no_cache,
        executor=chosen,
        ray_address=address,
        workers=workers,
    )
    with progress_bar(quiet or log_format == "json", "Articles") as update:
        finished = 0

        def on_article(entry: Entry, outcome: str) -> None:
            nonlocal finished
            finished += 1
            if update:
                update(finished, len(items))
            if log_format == "json":
                line = {"event": "article", "outcome": outcome, **vars(entry)}
                print(json.dumps(line, ensure_ascii=False), file=sys.stderr, flush=True)
            elif outcome == "failed":
                stderr.print(
                    escape(f"failed: {entry.id}: {entry.error}"), highlight=False, soft_wrap=True
                )

        report = batch.run(items, on_article=on_article)
    if log_format == "json":
        summary = {
            "event": "summary",
            "done": report.done,
            "skipped": report.skipped,
            "failed": report.failed,
            "seconds": round(report.seconds, 3),
            "manifest": str(batch.manifest.path),
        }
        print(json.dumps(summary), file=sys.stderr, flush=True)
    elif not quiet:
        stderr.print(report.summary, highlight=False, soft_wrap=True)
    if report.failed:
        raise typer.Exit(1)
