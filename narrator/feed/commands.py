"""``narrator feed ...`` and ``narrator cache ...``: thin command-line layers."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from narrator.batch.command import ExecutorOpt, RayAddressOpt, check_executor

feed_app = typer.Typer(
    help="Publish a podcast feed (RSS, iTunes, Podcasting 2.0) of the newsroom's articles.",
    no_args_is_help=True,
)
cache_app = typer.Typer(
    help="The cache of synthesised segments shared by every run.", no_args_is_help=True
)


class LogFormat(enum.StrEnum):
    """How the build's summary line is written."""

    text = "text"
    json = "json"


StationOpt = Annotated[
    Path | None, typer.Option("--station", help="Station file (TOML) with the feed settings.")
]


@feed_app.command("build")
def build_command(
    sources: Annotated[
        str | None,
        typer.Option(
            "--sources", help="Folder of .md/.txt/.html/.json articles, or an RSS/Atom file or URL."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The published folder: feed.xml, episodes/, cover."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Public URL where --out is served.")
    ] = None,
    station: StationOpt = None,
    per_article: Annotated[
        bool | None,
        typer.Option(
            "--per-article/--bulletin",
            help="One episode per new article, or one bulletin of all new articles.",
        ),
    ] = None,
    lock_timeout: Annotated[
        float | None,
        typer.Option(
            "--lock-timeout", min=0, help="Seconds to wait for another build (default 600)."
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Synthesise everything; do not use the cache.")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="No progress bar or report; the summary line is still logged."
        ),
    ] = False,
    executor: ExecutorOpt = None,
    ray_address: RayAddressOpt = None,
    log_format: Annotated[
        LogFormat,
        typer.Option("--log-format", help="The summary line on stderr: text or json."),
    ] = LogFormat.text,
) -> None:
    """Turn the articles new since the last edition into an episode and publish the feed.

    Prints the URL of each new episode on stdout; every run logs one timestamped
    summary line to stderr (even with --quiet), after a report when not quiet.
    """
    from narrator.cache import SegmentCache
    from narrator.config import load_station
    from narrator.console import progress_bar, stderr
    from narrator.errors import NarratorError
    from narrator.feed.publish import build, resolve_options
    from narrator.feed.summary import error_line, summary_line

    settings = load_station(station)
    if lock_timeout is not None:
        settings.feed.lock_timeout_s = lock_timeout
    chosen = check_executor(executor)
    if chosen:
        settings.performance.executor = chosen
    if ray_address:
        settings.performance.ray_address = ray_address
    options = resolve_options(
        settings, sources=sources, out=out, base_url=base_url, per_article=per_article
    )
    cache = None if no_cache or not settings.cache.enabled else SegmentCache.for_station(settings)
    try:
        with progress_bar(quiet, "Producing") as update:
            report = build(settings, options, cache=cache, progress=update)
    except NarratorError as exc:
        if log_format is LogFormat.json:
            # The error line follows as usual; a JSON log gets its own record of it.
            sys.stderr.write(error_line(str(exc), exc.exit_code) + "\n")
        raise
    for episode in report.new_episodes:
        typer.echo(f"{options.base_url}/{episode.audio}")
    if not quiet:
        stderr.print(report.summary, highlight=False, soft_wrap=True, markup=False)
        if report.cache is not None and report.new_episodes:
            stats = report.cache
            stderr.print(f"cache: {stats.hits} reused, {stats.misses} synthesised", highlight=False)
    sys.stderr.write(summary_line(report, options.base_url, log_format.value) + "\n")
    sys.stderr.flush()


@cache_app.command("info")
def info_command(station: StationOpt = None) -> None:
    """Where the cache is, how many segments it holds and how big it is."""
    from narrator.cache import SegmentCache
    from narrator.config import load_station

    settings = load_station(station)
    usage = SegmentCache.for_station(settings).usage()
    typer.echo(f"directory: {usage.directory}")
    typer.echo(f"enabled:   {'yes' if settings.cache.enabled else 'no'}")
    typer.echo(f"segments:  {usage.entries}")
    typer.echo(f"size:      {usage.bytes / 2**20:.1f} MB of {usage.max_bytes / 2**20:.0f} MB")


@cache_app.command("clear")
def clear_command(station: StationOpt = None) -> None:
    """Delete every cached segment (they are synthesised again when next needed)."""
    from narrator.cache import SegmentCache
    from narrator.config import load_station

    cache = SegmentCache.for_station(load_station(station))
    removed = cache.clear()
    typer.echo(f"removed {removed} segment(s) from {cache.directory}")
