"""The ``narrator`` command line: a thin layer over the pipeline and its stages."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from narrator import __version__
from narrator.batch.command import batch_command
from narrator.console import progress_bar, stderr
from narrator.engines.commands import voices_app
from narrator.errors import NarratorError
from narrator.feed.commands import cache_app, feed_app

app = typer.Typer(
    name="narrator",
    help="Turn Kazakh news text into podcast-ready audio and a podcast feed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
log = logging.getLogger("narrator")
app.add_typer(voices_app, name="voices")
app.add_typer(feed_app, name="feed", help="Publish a podcast feed of the newsroom's articles.")
app.add_typer(cache_app, name="cache", help="The cache of synthesised segments.")
app.command("batch")(batch_command)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"narrator {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log details to stderr.")
    ] = False,
) -> None:
    """Turn Kazakh news text into podcast-ready audio and a podcast feed."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


InputArg = Annotated[
    str,
    typer.Argument(
        help="Text, Markdown or HTML file; a folder of articles, an RSS/Atom or JSON file "
        "or URL (read as one bulletin); '-' reads stdin."
    ),
]
StationOpt = Annotated[
    Path | None,
    typer.Option("--station", "-s", help="Station file (TOML) with voice, pauses, loudness..."),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option("--encoding", help="Input encoding when it is not UTF-8/UTF-16 with BOM."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or report.")]


@app.command()
def speak(
    input: InputArg,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Audio file to write (.mp3, .ogg, .opus, .flac, .wav)."
        ),
    ],
    voice: Annotated[
        str | None, typer.Option("--voice", help="Voice id (see 'narrator voices list').")
    ] = None,
    rate: Annotated[
        int | None, typer.Option("--rate", min=60, max=450, help="Speaking rate, words per minute.")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="mp3, ogg, opus, flac or wav (default: from the extension)."
        ),
    ] = None,
    station: StationOpt = None,
    encoding: EncodingOpt = None,
    quiet: QuietOpt = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Synthesise everything; do not use the cache.")
    ] = False,
) -> None:
    """Read an article or a bulletin aloud into an audio file."""
    from narrator.cache import SegmentCache
    from narrator.config import load_station
    from narrator.feed.sources import collection_document, is_collection
    from narrator.pipeline import produce
    from narrator.text.readers import read_document

    settings = load_station(station)
    if voice:
        settings.voice.id = voice
    if rate:
        settings.voice.rate_wpm = rate
    if is_collection(input):
        document = collection_document(input)
    else:
        document = read_document(input, encoding)
    use_cache = settings.cache.enabled and not no_cache
    cache = SegmentCache.for_station(settings) if use_cache else None
    with progress_bar(quiet, "Synthesising") as update:
        result = produce(document, output, settings, fmt=fmt, progress=update, cache=cache)
    for fallback in result.fallbacks:
        stderr.print(
            escape(
                f"fallback: {fallback.used_voice} read {fallback.text[:50]!r} "
                f"({fallback.failed_voice} failed: {fallback.reason})"
            ),
            highlight=False,
            soft_wrap=True,
        )
    if not quiet:
        stderr.print(
            f"wrote {result.report} ({result.segments} segments, {result.seconds:.1f} s)",
            highlight=False,
            soft_wrap=True,
        )


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="Audio file to check (any format narrator writes).")],
    station: StationOpt = None,
) -> None:
    """Check an audio file against the station's targets; exit 1 when a figure is off.

    Reports duration, sample rate, channels, integrated loudness, true peak, the
    longest silence, clipped samples and silence at the start and the end.
    """
    from narrator.audio.check import analyse, evaluate, format_report
    from narrator.config import load_station

    settings = load_station(station)
    analysis = analyse(file, silence_threshold_db=settings.check.silence_threshold_db)
    verdicts = evaluate(analysis, settings)
    typer.echo(format_report(analysis, verdicts))
    failed = [verdict.name for verdict in verdicts if not verdict.ok]
    if failed:
        stderr.print(f"{file}: outside the station's targets: {', '.join(failed)}", highlight=False)
        raise typer.Exit(1)


@app.command()
def normalize(
    path: Annotated[
        str, typer.Argument(help="Text file to normalise; '-' (default) reads stdin.")
    ] = "-",
    lines: Annotated[
        bool,
        typer.Option(
            "--lines", help="Normalise each line on its own: one output line per input line."
        ),
    ] = False,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Print each span found, its class and its spoken form."),
    ] = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="List what a Kazakh voice cannot say; exit 1 if anything."),
    ] = False,
    lexicon: Annotated[
        Path | None, typer.Option("--lexicon", help="TSV of written<TAB>spoken pronunciations.")
    ] = None,
    register: Annotated[
        str, typer.Option("--register", help="news (жүз, мың) or formal (бір жүз, бір мың).")
    ] = "news",
    encoding: EncodingOpt = None,
) -> None:
    """Print text as a newsreader says it: numbers, dates, units and abbreviations in words."""
    from narrator.text import normalize as norm
    from narrator.text.readers import read_text

    if register not in ("news", "formal"):
        raise NarratorError(f"unknown register {register!r} (news or formal)")
    text, _ = read_text(path, encoding)
    loaded = norm.load_lexicon(lexicon) if lexicon else None
    if check:
        problems = norm.check(text, register=register, lexicon=loaded)
        for problem in problems:
            typer.echo(f"{problem.line}:{problem.column}: {problem.text!r}: {problem.reason}")
        raise typer.Exit(1 if problems else 0)
    if explain:
        for span in norm.explain(text, register=register, lexicon=loaded):
            typer.echo(f"{span.start}-{span.end}\t{span.cls}\t{span.written}\t{span.spoken}")
        return
    if lines:
        body = text[:-1] if text.endswith("\n") else text
        for line in body.split("\n"):
            typer.echo(norm.normalize(line, register=register, lexicon=loaded))
        return
    typer.echo(norm.normalize(text, register=register, lexicon=loaded), nl=not text.endswith("\n"))


def main() -> None:
    """Entry point: run the app, turning user errors into one line on stderr."""
    try:
        app()
    except NarratorError as exc:
        stderr.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
