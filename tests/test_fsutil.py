"""Output files: refusing special files, cleaning up after killed runs, whole-set renames."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from narrator.errors import OutputError
from narrator.fsutil import (
    atomic_outputs,
    atomic_path,
    check_output_target,
    is_stale_temporary,
    remove_stale_temporaries,
    write_text_atomic,
)
from tests.helpers import ROOT, SEED_ARTICLE, run_narrator


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# -- special files -------------------------------------------------------------------


def test_special_files_are_refused_as_targets(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    try:
        for target, kind in [
            (fifo, "a FIFO"),
            (Path("/dev/null"), "a character device"),
            (tmp_path, "a directory"),
            (sock_path, "a socket"),
        ]:
            with pytest.raises(OutputError, match=f"cannot write {target}: it is {kind}"):
                check_output_target(target)
            with pytest.raises(OutputError), atomic_path(target) as tmp:
                tmp.write_bytes(b"x")
    finally:
        sock.close()
    regular = tmp_path / "regular.txt"
    regular.write_text("old")
    check_output_target(regular)
    check_output_target(tmp_path / "new.txt")
    link = tmp_path / "link.txt"
    link.symlink_to(regular)
    check_output_target(link)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fifo",
        "link.txt",
        "regular.txt",
        "sock",
    ], "no temporary left behind"


def test_speak_refuses_a_fifo_and_leaves_it_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "out.wav"
    os.mkfifo(fifo)
    result = run_narrator("speak", str(SEED_ARTICLE), "-o", str(fifo), "-q")
    assert result.returncode == 4
    assert result.stderr.strip().splitlines() == [
        f"error: cannot write {fifo}: it is a FIFO (named pipe), not a regular file "
        "(give a new path or an existing regular file)"
    ]
    assert fifo.is_fifo()


# -- stale temporaries ---------------------------------------------------------------


def test_stale_temporaries_are_recognised_by_pattern_owner_and_age(tmp_path: Path) -> None:
    dead = _dead_pid()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        files = {
            f".out.mp3.{dead}.k2j3h4g5.part.mp3": True,  # its run was killed
            f".out.vtt.{dead}.abcdefgh.part.vtt": True,
            f".out.mp3.{alive.pid}.abcdefgh.part.mp3": False,  # still being written
            ".out.mp3.abcdefgh.part.mp3": False,  # no pid, fresh
            ".old.mp3.zyxwvuts.part.mp3": True,  # no pid, made stale below
            "out.mp3": False,
            ".hidden": False,
            f".notes.{dead}.txt": False,
        }
        for name in files:
            (tmp_path / name).write_bytes(b"x")
        past = time.time() - 120
        os.utime(tmp_path / ".old.mp3.zyxwvuts.part.mp3", (past, past))
        for name, stale in files.items():
            assert is_stale_temporary(tmp_path / name) is stale, name
        removed = remove_stale_temporaries(tmp_path)
        assert sorted(p.name for p in removed) == sorted(n for n, s in files.items() if s)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            n for n, s in files.items() if not s
        )
    finally:
        alive.kill()
        alive.wait()


def test_a_temporary_left_by_a_sigkilled_write_is_removed_by_the_next_write(
    tmp_path: Path,
) -> None:
    target = tmp_path / "bulletin.mp3"
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from narrator.fsutil import atomic_path
        with atomic_path(Path({str(target)!r})) as tmp:
            tmp.write_bytes(b"half an mp3")
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], cwd=ROOT)
    assert killed.returncode == -signal.SIGKILL
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".bulletin.mp3.") and ".part" in left[0]
    write_text_atomic(tmp_path / "other.txt", "a later run")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.txt"]


def test_a_later_speak_removes_what_a_killed_speak_left(tmp_path: Path) -> None:
    out = tmp_path / "out.wav"
    leftovers = [
        tmp_path / f".out.wav.{_dead_pid()}.abcdefgh.part.wav",
        tmp_path / f".out.vtt.{_dead_pid()}.ijklmnop.part.vtt",
    ]
    for path in leftovers:
        path.write_bytes(b"\0" * 1000)
    result = run_narrator("speak", str(SEED_ARTICLE), "-o", str(out), "-q")
    assert result.returncode == 0, result.stderr
    assert not any(path.exists() for path in leftovers)
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]


def test_the_loudness_probe_makes_no_temporary_files(monkeypatch: pytest.MonkeyPatch) -> None:
    from narrator.audio.export import codec_loudness_shift

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a temporary file or folder was made")

    monkeypatch.setattr(tempfile, "mkdtemp", forbidden)
    monkeypatch.setattr(tempfile, "mkstemp", forbidden)
    noise = np.random.default_rng(0).normal(0, 0.1, 44100 * 5).astype(np.float32)
    shift = codec_loudness_shift(noise, 44100, "mp3", 112)
    assert -3 < shift < 3


# -- the audio and its sidecars as one set --------------------------------------------

NAMES = ["show.vtt", "show.srt", "show.chapters.json"]
SET_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from narrator.fsutil import atomic_outputs

    folder, kill_at = Path(sys.argv[1]), int(sys.argv[2])
    calls = 0
    real_replace = os.replace

    def replace(src, dst):
        global calls
        if calls == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        calls += 1
        real_replace(src, dst)

    os.replace = replace
    sidecars = [folder / name for name in {names!r}]
    with atomic_outputs(folder / "show.mp3", sidecars) as tmp:
        for target, path in tmp.items():
            path.write_text("new " + target.name)
    """
).format(names=NAMES)


@pytest.mark.parametrize("kill_at", range(5))
def test_a_kill_at_any_rename_never_leaves_new_audio_with_old_sidecars(
    tmp_path: Path, kill_at: int
) -> None:
    audio = tmp_path / "show.mp3"
    sidecars = [tmp_path / name for name in NAMES]
    for path in (audio, *sidecars):
        path.write_text("old " + path.name)
    result = subprocess.run(
        [sys.executable, "-c", SET_WRITER, str(tmp_path), str(kill_at)], cwd=ROOT
    )
    assert result.returncode == (-signal.SIGKILL if kill_at < 4 else 0)
    if audio.read_text() == "new show.mp3":
        assert all(path.read_text() == "new " + path.name for path in sidecars)
    else:
        assert audio.read_text() == "old show.mp3"
    # Every file is whole: the old or the new text, never a mix or a truncation.
    for path in (audio, *sidecars):
        assert path.read_text() in ("old " + path.name, "new " + path.name)
    # The next write into the folder removes what the killed one left.
    write_text_atomic(tmp_path / "show.vtt", "next run")
    assert not [p.name for p in tmp_path.iterdir() if ".part" in p.name]


def test_an_error_while_writing_the_set_changes_nothing(tmp_path: Path) -> None:
    audio = tmp_path / "show.mp3"
    sidecars = [tmp_path / name for name in NAMES]
    for path in (audio, *sidecars):
        path.write_text("old")
    with pytest.raises(RuntimeError), atomic_outputs(audio, sidecars) as tmp:
        for path in tmp.values():
            path.write_text("new")
        raise RuntimeError("encoder failed")
    assert all(path.read_text() == "old" for path in (audio, *sidecars))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["show.mp3", *NAMES])


def test_a_set_with_a_special_file_among_its_targets_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "show.vtt")
    with (
        pytest.raises(OutputError, match="FIFO"),
        atomic_outputs(tmp_path / "show.mp3", [tmp_path / "show.vtt"]),
    ):
        pass
    assert not (tmp_path / "show.mp3").exists()
