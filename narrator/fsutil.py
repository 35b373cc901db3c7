"""Atomic file writing: a reader never sees a half-written file, nor a mixed set.

Every file narrator writes goes to a temporary name beside its target first
(``.NAME.PID.RANDOM.part.EXT``) and is renamed onto the target when complete. A run
that is killed (SIGKILL, power loss) can leave such a temporary behind; the next write
into the same folder removes those whose process is gone (see
:func:`remove_stale_temporaries`). Targets that are not regular files (a device, a
FIFO, a socket, a directory) are refused rather than replaced.

:func:`atomic_outputs` writes an audio file and its sidecars (transcripts, chapters)
as one set: all are written to temporaries first, then renamed sidecars first and
the audio last, so a kill at any moment never leaves a new audio file beside an old
transcript.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from narrator.errors import OutputError

STALE_AFTER_S = 60.0
"""A temporary without an owner process id is stale when untouched for this long."""
PID_REUSE_AFTER_S = 3600.0
"""A temporary whose process id is alive again (reused) is stale after this long."""

# .NAME.PID.RANDOM.part[.EXT]: mkstemp's random part is 8 of [a-z0-9_]. Temporaries of
# older versions have no PID.
_TEMPORARY = re.compile(
    r"^\.(?P<name>.+?)\.(?:(?P<pid>\d{1,10})\.)?(?P<random>[a-z0-9_]{8})\.part(?:\.[^./]+)?$"
)


def check_output_target(target: Path) -> None:
    """Refuse an output path that exists and is not a regular file.

    ``-o /dev/sda``, a FIFO or a socket would otherwise be replaced by a regular file
    (the rename swaps the directory entry); a directory cannot be replaced at all. A
    symlink to a regular file is allowed (the link itself is replaced). A one-line
    :class:`OutputError` names the path and what it is.
    """
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return  # a new path (or a dangling link, replaced by the rename)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise OutputError(
            f"cannot write {target}: it is {_kind(mode)}, not a regular file "
            "(give a new path or an existing regular file)"
        )


def _kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0  # it exists but belongs to someone else (or is not a pid at all)
    return True


def is_stale_temporary(path: Path, *, now: float | None = None) -> bool:
    """True for a temporary of narrator's own naming whose writer is gone.

    With a process id in its name: when that process no longer exists (or its id has
    been reused for over :data:`PID_REUSE_AFTER_S`). Without one: when untouched for
    :data:`STALE_AFTER_S`.
    """
    match = _TEMPORARY.match(path.name)
    if match is None:
        return False
    try:
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    age = (time.time() if now is None else now) - info.st_mtime
    pid = match.group("pid")
    if pid is None:
        return age > STALE_AFTER_S
    return not _process_alive(int(pid)) or age > PID_REUSE_AFTER_S


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Delete the temporaries killed runs left in ``directory``; return what went.

    Only names of narrator's own pattern are considered (``.NAME.PID.RANDOM.part.EXT``),
    and only stale ones (:func:`is_stale_temporary`). Errors are ignored: a folder that
    cannot be cleaned is not a reason to fail the write at hand.
    """
    removed: list[Path] = []
    try:
        names = [entry.name for entry in os.scandir(directory) if entry.name.startswith(".")]
    except OSError:
        return removed
    now = time.time()
    for name in names:
        path = Path(directory) / name
        if is_stale_temporary(path, now=now):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def _directory_of(target: Path) -> Path:
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"cannot write {target}: directory {directory} does not exist")
    return directory


def _temporary_for(target: Path, directory: Path) -> Path:
    """A new, empty temporary file beside ``target`` (with the usual file mode)."""
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".part" + target.suffix, dir=directory
        )
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    os.close(fd)
    # mkstemp makes the file private (0600); a published file gets the usual mode.
    os.chmod(tmp_name, _default_file_mode())
    return Path(tmp_name)


@contextlib.contextmanager
def atomic_path(target: Path, *, fsync: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    The temporary file lives in the same directory so that the final ``os.replace`` is
    atomic. On any exception the temporary file is removed and ``target`` is untouched.
    A ``target`` that is not a regular file is refused (:func:`check_output_target`),
    and stale temporaries of killed runs in the folder are removed first.
    """
    with atomic_outputs(Path(target), fsync=fsync) as temporaries:
        yield temporaries[Path(target)]


@contextlib.contextmanager
def atomic_outputs(
    main: Path, sidecars: Sequence[Path] = (), *, fsync: bool = True
) -> Iterator[dict[Path, Path]]:
    """Write ``main`` (the audio) and its ``sidecars`` as one set.

    Yields ``{target: temporary}`` for every file; the caller writes each temporary.
    When the block ends without an exception, each temporary is flushed to disk, then
    the sidecars are renamed onto their targets in the order given and ``main`` last:
    a reader (or a kill at any moment) may see new sidecars beside the old audio, never
    a new audio file beside an old transcript. On an exception every temporary is
    removed and no target changes. Targets must be new paths or regular files.
    """
    targets = [*(Path(s) for s in sidecars), Path(main)]
    if len(set(targets)) != len(targets):
        raise OutputError(f"cannot write {main}: the same file is named twice among its outputs")
    directories = []
    for target in [targets[-1], *targets[:-1]]:  # errors name the audio file first
        check_output_target(target)
        directory = _directory_of(target)
        if directory not in directories:
            directories.append(directory)
            remove_stale_temporaries(directory)
    temporaries: dict[Path, Path] = {}
    try:
        for target in targets:
            temporaries[target] = _temporary_for(target, _directory_of(target))
        yield dict(temporaries)
        if fsync:
            for tmp in temporaries.values():
                with open(tmp, "rb+") as handle:
                    os.fsync(handle.fileno())
        for target in targets:  # sidecars first, the audio last
            check_output_target(target)  # it may have become a FIFO meanwhile
            try:
                os.replace(temporaries[target], target)
            except OSError as exc:
                raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
            del temporaries[target]
    finally:
        for tmp in temporaries.values():
            tmp.unlink(missing_ok=True)
    if fsync:
        for directory in directories:
            _fsync_directory(directory)


def write_bytes_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(target: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``target`` atomically."""
    write_bytes_atomic(target, text.encode("utf-8"))


def _default_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every filesystem allows opening a directory.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
