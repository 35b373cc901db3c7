"""The terminal: logs, reports and progress bars go to stderr, data to stdout."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

stderr = Console(stderr=True)


class progress_bar:
    """A rich progress bar on stderr, used as ``with progress_bar(quiet, label) as update``.

    ``update(done, total)`` advances it; with ``quiet`` there is no bar and ``update`` is
    ``None``.
    """

    def __init__(self, quiet: bool, label: str) -> None:
        self._bar = (
            None
            if quiet
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
