"""The ``narrator`` command line: a thin layer over the pipeline and its stages.

Every failure ends as one line on stderr and an exit code (see :mod:`narrator.errors`
and the README): user errors name the problem, usage errors the option, and anything
unexpected is caught by :func:`main` as the last resort (``--debug`` adds the
traceback).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from narrator.batch.command import batch_command
from narrator.console import echo, flush_stdout, progress_bar, stderr
from narrator.engines.commands import voices_app
from narrator.errors import (
    EXIT_CHECK_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    NarratorError,
    StdoutError,
)
from narrator.feed.commands import cache_app, feed_app
from narrator.serve.command import serve_command

try:  # typer >= 0.20 carries its own copy of click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer
    from click import exceptions as click_exceptions  # type: ignore[no-redef]


def _flags_show_no_type() -> None:
    """typer 0.29 prints a flag as ``--quiet <bool>`` in help, as if it took a value; a
    flag takes none, so narrator shows no type for flags (every command, -h included)."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_show_no_type()
app = typer.Typer(
    name="narrator",
    help="Turn Kazakh news text into podcast-ready audio and a podcast feed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
log = logging.getLogger("narrator")
app.add_typer(voices_app, name="voices")
app.add_typer(feed_app, name="feed", help="Publish a podcast feed of the newsroom's articles.")
app.add_typer(cache_app, name="cache", help="The cache of synthesised segments.")
app.command("serve")(serve_command)


class _State:
    debug = False
    """``--debug``: print the traceback of an error as well as its line."""


app.command("batch")(batch_command)


def _version(value: bool) -> None:
    if value:
        from narrator import __version__

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
    debug: Annotated[
        bool,
        typer.Option("--debug", help="On an error, print its traceback too (any position)."),
    ] = False,
) -> None:
    """Turn Kazakh news text into podcast-ready audio and a podcast feed."""
    _State.debug = _State.debug or debug
    logging.basicConfig(
        level=logging.DEBUG if _State.debug else logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


InputArg = Annotated[
    str | None,
    typer.Argument(
        help="Text, Markdown, HTML, SSML or JSON file; a folder of articles, an RSS/Atom "
        "file or URL (read as one bulletin); '-' reads stdin.",
        show_default=False,
    ),
]
StationOpt = Annotated[
    Path | None,
    typer.Option(
        "--station", help="Station file (TOML) with voice, pauses, loudness... (no short form)."
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option("--encoding", help="Input encoding when it is not UTF-8/UTF-16 with BOM."),
]
InputFormatOpt = Annotated[
    str | None,
    typer.Option(
        "--input-format",
        help="txt, md, html, json, rss or ssml (default: from the extension, else the content).",
    ),
]
LexiconOpt = Annotated[
    Path | None, typer.Option("--lexicon", help="TSV of written<TAB>spoken pronunciations.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or report.")]


@app.command()
def speak(
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="Audio file to write (.mp3, .ogg, .opus, .flac, .wav); '-' writes the audio "
            "to stdout.",
        ),
    ],
    input: InputArg = None,
    text: Annotated[
        str | None, typer.Option("--text", "-t", help="Read this text instead of a file.")
    ] = None,
    voice: Annotated[
        str | None,
        typer.Option(
            "--voice", help="Voice id (see 'narrator voices list'), or a Piper .onnx file."
        ),
    ] = None,
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Speaker of a multi-speaker voice.")
    ] = None,
    rate: Annotated[
        int | None, typer.Option("--rate", min=60, max=450, help="Speaking rate, words per minute.")
    ] = None,
    lexicon: LexiconOpt = None,
    template: Annotated[
        str | None,
        typer.Option(
            "--template",
            help="article (title, then body) or bulletin (jingle, intro, headlines, outro); "
            "default: article for one article, bulletin for several.",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="mp3, ogg, opus, flac or wav (default: from the extension; with -o -, the "
            "station's).",
        ),
    ] = None,
    sidecars: Annotated[
        Path | None,
        typer.Option("--sidecars", help="With -o -: write the transcript and chapters here."),
    ] = None,
    input_format: InputFormatOpt = None,
    station: StationOpt = None,
    encoding: EncodingOpt = None,
    jobs: Annotated[
        str | None,
        typer.Option("--jobs", "-j", help="Synthesis workers: a number or 'auto' (station's)."),
    ] = None,
    quiet: QuietOpt = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Synthesise everything; do not use the cache.")
    ] = False,
) -> None:
    """Read an article or a bulletin aloud into an audio file."""
    from narrator.api import speak as speak_api

    with progress_bar(quiet, "Synthesising") as update:
        result = speak_api(
            input,
            output,
            text=text,
            station=station,
            voice=voice,
            rate=rate,
            speaker=speaker,
            lexicon=lexicon,
            template=template,
            input_format=input_format,
            encoding=encoding,
            fmt=fmt,
            jobs=jobs,
            cache=not no_cache,
            sidecars=sidecars,
            progress=update,
        )
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
            escape(f"wrote {result.report} ({result.segments} segments, {result.seconds:.1f} s)"),
            highlight=False,
            soft_wrap=True,
        )


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="Audio file to check (any format narrator writes).")],
    station: StationOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the figures and verdicts as one JSON object.")
    ] = False,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help="Also draw waveform, short-term loudness, peaks, silences and chapters "
            "into this PNG (needs narrator[plot]).",
        ),
    ] = None,
) -> None:
    """Check an audio file against the station's targets; exit 1 when a figure is off.

    Reports duration, sample rate, channels, integrated loudness, true peak, the
    longest silence, clipped samples and silence at the start and the end.
    """
    from narrator.audio.check import analyse, evaluate, format_report, read_checkable, to_json
    from narrator.config import load_station

    settings = load_station(station)
    audio = read_checkable(file)
    analysis = analyse(file, silence_threshold_db=settings.check.silence_threshold_db, audio=audio)
    verdicts = evaluate(analysis, settings)
    if plot is not None:
        from narrator.audio.plot import plot_check, read_chapters

        plot_check(plot, *audio, analysis, settings, read_chapters(file))
    echo(to_json(analysis, verdicts) if as_json else format_report(analysis, verdicts))
    failed = [verdict.name for verdict in verdicts if not verdict.ok]
    if failed:
        stderr.print(
            escape(f"{file}: outside the station's targets: {', '.join(failed)}"),
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_CHECK_FAILED)


@app.command()
def normalize(
    path: Annotated[
        str,
        typer.Argument(
            help="Document to normalise (txt, md, html, json, rss, ssml); '-' (default) "
            "reads stdin."
        ),
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
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="With --explain: a JSON array of {start, end, written, spoken, class}."
        ),
    ] = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="List what a Kazakh voice cannot say; exit 1 if anything."),
    ] = False,
    lexicon: LexiconOpt = None,
    register: Annotated[
        str | None,
        typer.Option(
            "--register",
            help="news (жүз, мың) or formal (бір жүз, бір мың); default: the station's.",
        ),
    ] = None,
    station: StationOpt = None,
    input_format: InputFormatOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """Print text as a newsreader says it: numbers, dates, units and abbreviations in words.

    Documents are read exactly as 'speak' reads them (Markdown markup, front matter and
    HTML tags are not read); plain text is normalised as it is, line for line.
    """
    from narrator.api import (
        document_text,
        parse_input,
        read_input,
        spans_json,
        station_settings,
    )
    from narrator.errors import UsageError
    from narrator.text import normalize as norm
    from narrator.text.readers import format_for, read_text

    if as_json and not explain:
        raise UsageError("--json goes with --explain")
    settings = station_settings(station, lexicon=lexicon, register=register)
    if path.startswith(("http://", "https://")) or (path != "-" and Path(path).is_dir()):
        text = document_text(read_input(path))  # a folder or feed, as speak reads it
    else:
        raw, source = read_text(path, encoding)
        if format_for(source, raw, input_format) == "txt":
            text = raw  # as it is, so that --lines and --check positions match the file
        else:
            text = document_text(parse_input(raw, source, input_format))
    loaded = norm.load_lexicon(settings.text.lexicon) if settings.text.lexicon else None
    chosen = settings.text.register
    if check:
        problems = norm.check(text, register=chosen, lexicon=loaded)
        for problem in problems:
            echo(f"{problem.line}:{problem.column}: {problem.text!r}: {problem.reason}")
        raise typer.Exit(EXIT_CHECK_FAILED if problems else 0)
    if explain:
        spans = norm.explain(text, register=chosen, lexicon=loaded)
        if as_json:
            echo(spans_json(spans))
            return
        for span in spans:
            echo(f"{span.start}-{span.end}\t{span.cls}\t{span.written}\t{span.spoken}")
        return
    if lines:
        body = text[:-1] if text.endswith("\n") else text
        for line in body.split("\n"):
            echo(norm.normalize(line, register=chosen, lexicon=loaded))
        return
    echo(norm.normalize(text, register=chosen, lexicon=loaded), nl=not text.endswith("\n"))


def _error(message: str) -> None:
    stderr.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)


def _quiet_stdout() -> None:
    """After stdout failed, point it at /dev/null so the exit flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _usage_line(exc: click_exceptions.UsageError) -> str:
    command = exc.ctx.command_path if exc.ctx is not None else "narrator"
    return f"{exc.format_message().rstrip('.')} (see '{command} --help')"


def run(args: list[str] | None = None) -> int:
    """Run the command line and return its exit code; never raises."""
    argv = list(sys.argv[1:] if args is None else args)
    options = argv[: argv.index("--")] if "--" in argv else argv
    if "--debug" in options:  # accepted anywhere, not only before the command
        argv.remove("--debug")
        _State.debug = True
    try:
        try:
            code = app(args=argv, standalone_mode=False)
            flush_stdout()
            if code == EXIT_INTERRUPTED:  # typer's answer to Ctrl-C
                _error("interrupted")
            return code if isinstance(code, int) else 0
        except click_exceptions.NoArgsIsHelpError as exc:
            if exc.ctx is not None:
                echo(exc.ctx.get_help())
            return 0
        except click_exceptions.UsageError as exc:
            _error(_usage_line(exc))
            return EXIT_USAGE
        except click_exceptions.ClickException as exc:
            _error(exc.format_message())
            return EXIT_USAGE
        except (typer.Abort, KeyboardInterrupt):
            _error("interrupted")
            return EXIT_INTERRUPTED
    except NarratorError as exc:
        if _State.debug:
            traceback.print_exc()
        if isinstance(exc, StdoutError):
            _quiet_stdout()
            if isinstance(exc.__cause__, BrokenPipeError):
                return exc.exit_code  # the reader went away: nothing to tell it
        _error(str(exc))
        return exc.exit_code
    except Exception as exc:  # the last resort: no traceback unless asked for
        if _State.debug:
            traceback.print_exc()
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
        _error(
            f"internal error{where}: {type(exc).__name__}: {exc} "
            "(please report it; --debug prints the traceback)"
        )
        return EXIT_INTERNAL


def main() -> None:
    """Entry point: run the app and exit with its code."""
    sys.exit(run())
