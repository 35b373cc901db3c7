"""``narrator voices``: list, install, remove and try voices."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from narrator.config import VoiceSettings
from narrator.engines.catalogue import (
    EMBEDDED_VOICES,
    installed_voices,
    load_catalogue,
    voices_dir,
)
from narrator.errors import NarratorError

SAMPLE_TEXT = "Қайырлы таң, құрметті тыңдармандар! Бүгінгі жаңалықтарды назарларыңызға ұсынамыз."
"""What ``voices try`` says by default: "Good morning, dear listeners! Here is today's news."""

voices_app = typer.Typer(
    help="List, install, remove and try voices.",
    no_args_is_help=True,
)

VoicesDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--voices-dir",
        help="Voices directory (default: the station's voices_dir, $NARRATOR_VOICES_DIR, "
        "or the user data directory).",
    ),
]
StationOpt = Annotated[
    Path | None,
    typer.Option("--station", help="Station file whose voice.voices_dir to use."),
]


def _station(station: Path | None) -> VoiceSettings:
    """The station file's voice settings (the defaults without one)."""
    from narrator.config import load_station

    return load_station(station).voice


def _directory(directory: Path | None, station: Path | None) -> Path | None:
    """The voices directory the user chose: --voices-dir, else the station file's."""
    if directory is None and station is not None:
        return _station(station).voices_dir
    return directory


def _size(size: int | None) -> str:
    return f"{size / 1e6:.0f} MB" if size else "-"


COLUMNS = ("id", "engine", "quality", "Hz", "licence", "size", "installed")


def _voice_rows(directory: Path | None) -> list[dict[str, str | int | None]]:
    """One record per voice: embedded, then catalogue and installed voices by id."""
    catalogue = load_catalogue()
    installed = {voice.id: voice for voice in installed_voices(directory)}
    rows: list[dict[str, str | int | None]] = [
        {
            "id": voice_id,
            "engine": "espeak",
            "quality": "formant",
            "sample_rate": 22050,
            "licence": "GPL-3.0",
            "size": None,
            "installed": "embedded",
        }
        for voice_id in EMBEDDED_VOICES
    ]
    for voice_id in sorted(catalogue.keys() | installed.keys()):
        entry, voice = catalogue.get(voice_id), installed.get(voice_id)
        engine = voice.engine if voice else entry.engine  # type: ignore[union-attr]
        rows.append(
            {
                "id": voice_id,
                "engine": engine,
                "quality": (voice.quality if voice else "") or (entry.quality if entry else ""),
                "sample_rate": (voice.sample_rate if voice else 0)
                or (entry.sample_rate if entry else 0)
                or None,
                "licence": (voice.licence if voice else "") or (entry.licence if entry else ""),
                "size": entry.size if entry else None,
                "installed": "yes" if voice else "no",
            }
        )
    return rows


def _cells(row: dict[str, str | int | None]) -> list[str]:
    size = row["size"]
    return [
        str(row["id"]),
        str(row["engine"]),
        str(row["quality"] or "-"),
        str(row["sample_rate"] or "-"),
        str(row["licence"] or "-"),
        _size(size if isinstance(size, int) else None),
        str(row["installed"]),
    ]


def plain_table(rows: list[list[str]], header: tuple[str, ...]) -> str:
    """Columns padded to their widest cell, never cut or wrapped (for pipes and files)."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [header, *rows]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


@voices_app.command("list")
def list_voices(
    directory: VoicesDirOpt = None,
    station: StationOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", metavar="", help="Print the voices as a JSON list.")
    ] = False,
) -> None:
    """Installed and downloadable voices: engine, quality, licence, installed or not.

    On a terminal the list is a table; in a pipe or a file it is plain columns.
    """
    import json
    import sys

    directory = _directory(directory, station)
    rows = _voice_rows(directory)
    where = voices_dir(directory)
    if as_json:
        typer.echo(
            json.dumps({"voices_dir": str(where), "voices": rows}, ensure_ascii=False, indent=2)
        )
        return
    if not sys.stdout.isatty():
        typer.echo(f"voices installed in {where}")
        typer.echo(plain_table([_cells(row) for row in rows], COLUMNS))
        return
    table = Table(title=f"voices (installed in {where})")
    for column in COLUMNS:
        table.add_column(column, no_wrap=column == "id")
    for row in rows:
        table.add_row(*_cells(row))
    Console().print(table)


@voices_app.command()
def install(
    source: Annotated[
        str, typer.Argument(help="A catalogue voice id, a model file or folder, or a URL.")
    ],
    voice_id: Annotated[
        str | None, typer.Option("--id", help="Id to install the voice as.")
    ] = None,
    sha256: Annotated[
        str, typer.Option("--sha256", help="Expected SHA-256 of the model file.")
    ] = "",
    force: Annotated[
        bool,
        typer.Option("--force", metavar="", help="Replace an installed voice with the same id."),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", metavar="", help="No progress bar.")
    ] = False,
    directory: VoicesDirOpt = None,
    station: StationOpt = None,
) -> None:
    """Download or copy a voice into the voices directory (atomically).

    Downloads over voice.max_download_mb (default 4096 MB) are refused.
    Offline: download the files elsewhere, then: narrator voices install FILE.
    """
    from narrator.engines.install import download_limit
    from narrator.engines.install import install as do_install

    settings = _station(station)
    directory = directory if directory is not None else settings.voices_dir
    voice = do_install(
        source,
        directory,
        voice_id=voice_id,
        sha256=sha256,
        force=force,
        progress=not quiet,
        max_download_bytes=download_limit(settings.max_download_mb),
    )
    typer.echo(f"installed {voice.id} ({voice.engine}) in {voice.folder}")


@voices_app.command()
def remove(
    voice_id: Annotated[str, typer.Argument(help="Id of the installed voice.")],
    directory: VoicesDirOpt = None,
    station: StationOpt = None,
) -> None:
    """Uninstall a voice."""
    directory = _directory(directory, station)
    from narrator.engines.install import remove as do_remove

    folder = do_remove(voice_id, directory)
    typer.echo(f"removed {voice_id} from {folder}")


@voices_app.command("try")
def try_voice(
    voice_id: Annotated[str, typer.Argument(help="Voice id (see 'narrator voices list').")],
    text: Annotated[
        str | None, typer.Argument(help="What to say (default: a sample Kazakh sentence).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="WAV file to write (default: ID-sample.wav in the temporary folder).",
        ),
    ] = None,
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Speaker of a multi-speaker voice.")
    ] = None,
    rate: Annotated[
        int | None,
        typer.Option(
            "--rate",
            min=60,
            max=450,
            help="Speaking rate, words per minute (default: the station's, "
            f"{VoiceSettings().rate_wpm}).",
        ),
    ] = None,
    directory: VoicesDirOpt = None,
    station: StationOpt = None,
) -> None:
    """Speak a sample sentence with a voice into a WAV file."""
    import tempfile

    settings = _station(station)
    directory = directory if directory is not None else settings.voices_dir
    rate = rate or settings.rate_wpm
    import numpy as np
    import soundfile

    from narrator.engines import SynthesisParams, load_voice
    from narrator.fsutil import atomic_path

    params = SynthesisParams(rate_wpm=rate, speaker=speaker)
    started = time.perf_counter()
    voice = load_voice(voice_id, params, directory)
    loaded = time.perf_counter()
    chunk = voice.synthesize_all(text or SAMPLE_TEXT, params)
    synthesised = time.perf_counter()
    if not len(chunk.samples) or not np.any(chunk.samples):
        raise NarratorError(f"voice {voice_id!r} produced no sound for that text")
    # Not the current folder by default: trying a voice should not litter the project.
    target = output or Path(tempfile.gettempdir()) / f"{voice_id}-sample.wav"
    with atomic_path(target) as tmp:
        soundfile.write(tmp, chunk.samples, chunk.sample_rate, format="WAV", subtype="PCM_16")
    typer.echo(
        f"wrote {target} ({chunk.duration:.1f} s at {chunk.sample_rate} Hz, "
        f"{voice.engine}: loaded in {loaded - started:.2f} s, "
        f"synthesised in {synthesised - loaded:.2f} s)"
    )
