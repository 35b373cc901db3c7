"""The terminal: logs, reports and progress bars go to stderr, data to stdout."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from narrator.errors import StdoutError

stderr = Console(stderr=True)


def echo(text: str, *, nl: bool = True) -> None:
    """Write ``text`` to stdout; a failed write is a one-line :class:`StdoutError`."""
    try:
        typer.echo(text, nl=nl)
    except OSError as exc:
        raise StdoutError(f"standard output: cannot write ({exc.strerror or exc})") from exc


def flush_stdout() -> None:
    """Flush stdout now, so that a failure is reported rather than lost at exit."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        raise StdoutError(f"standard output: cannot write ({exc.strerror or exc})") from exc
    except ValueError:  # already closed
        pass


class progress_bar:
    """A rich progress bar on stderr, used as ``with progress_bar(quiet, label) as update``.

    ``update(done, total)`` advances it; with ``quiet``, or when stderr is not a terminal
    (a log file, a pipe), there is no bar and ``update`` is ``None``.
    """

    def __init__(self, quiet: bool, label: str) -> None:
        self._bar = (
            None
            if quiet or not stderr.is_terminal
            else Progress(
                TextColumn(f"[bold]{label}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=stderr,
                transient=True,
            )
        )
        self._task = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        if self._bar is None:
            return None
        self._bar.__enter__()
        self._task = self._bar.add_task("", total=None)

        def update(done: int, total: int) -> None:
            self._bar.update(self._task, completed=done, total=total)  # type: ignore[union-attr,arg-type]

        return update

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
