"""The segment cache against damaged, crafted and unwritable entries (issue 14)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from narrator.cache import _HEADER, SegmentCache
from narrator.engines.base import AudioChunk
from narrator.errors import OutputError
from tests.helpers import SEED_ARTICLE

KEY = "ab" + "0" * 62


def _stored(tmp_path: Path) -> tuple[SegmentCache, Path]:
    cache = SegmentCache(tmp_path / "cache")
    cache.put(KEY, AudioChunk(np.linspace(-0.5, 0.5, 2205, dtype=np.float32), 22050))
    return cache, cache.segments / KEY[:2] / f"{KEY}.seg"


def _forge(path: Path, rate: int, samples: np.ndarray) -> None:
    """An entry with a *valid* digest for whatever header it has (the digest is not a
    secret: anyone who can write the cache can compute it)."""
    from narrator.cache import _DIGESTED, _MAGIC, _digest

    payload = samples.astype("<f4").tobytes()
    fields = _DIGESTED.pack(_MAGIC, rate, len(samples))
    path.write_bytes(fields + _digest(fields, payload) + payload)


def test_a_bit_flip_in_the_sample_rate_is_caught_and_the_entry_dropped(tmp_path: Path) -> None:
    cache, path = _stored(tmp_path)
    data = bytearray(path.read_bytes())
    rate_offset = 8  # after the 8-byte magic
    assert struct.unpack_from("<I", data, rate_offset)[0] == 22050
    data[rate_offset + 1] ^= 0x10  # 22050 -> 17954 Hz: would play slower
    path.write_bytes(bytes(data))
    assert cache.get(KEY) is None
    assert cache.stats.corrupt == 1
    assert not path.exists()


@pytest.mark.parametrize("offset", range(0, _HEADER.size, 3))
def test_any_flipped_header_byte_is_caught(tmp_path: Path, offset: int) -> None:
    cache, path = _stored(tmp_path)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))
    assert cache.get(KEY) is None and not path.exists()


def test_crafted_rates_and_lengths_are_refused(tmp_path: Path) -> None:
    cache, path = _stored(tmp_path)
    _forge(path, 1, np.zeros(100, dtype=np.float32))  # 1 Hz: 100 s of audio to resample
    assert cache.get(KEY) is None
    _forge(path, 10_000_000, np.zeros(100, dtype=np.float32))
    assert cache.get(KEY) is None
    _forge(path, 22050, np.zeros(100, dtype=np.float32))
    assert cache.get(KEY) is not None  # the forger's format is right: only values differ


def test_a_huge_frame_count_in_a_small_file_is_refused(tmp_path: Path) -> None:
    from narrator.cache import _DIGESTED, _MAGIC, _digest

    cache, path = _stored(tmp_path)
    fields = _DIGESTED.pack(_MAGIC, 22050, 2**60)
    path.write_bytes(fields + _digest(fields, b"") + b"\0" * 16)
    assert cache.get(KEY) is None


def _peak_rss_mb_of_get(cache_dir: Path) -> tuple[bool, float]:
    # VmHWM is this process's own peak: ru_maxrss would carry over the peak of the
    # (large, late in a test run) pytest process the child was forked from.
    code = (
        "import re\n"
        "from narrator.cache import SegmentCache\n"
        f"cache = SegmentCache({str(cache_dir)!r})\n"
        f"chunk = cache.get({KEY!r})\n"
        "status = open('/proc/self/status').read()\n"
        "peak_kb = int(re.search(r'VmHWM:\\s*(\\d+)', status).group(1))\n"
        "print(chunk is None, peak_kb / 1024)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    missed, peak = result.stdout.split()
    return missed == "True", float(peak)


def test_an_entry_symlinked_to_a_2_gb_sparse_file_is_not_read(tmp_path: Path) -> None:
    cache, path = _stored(tmp_path)
    sparse = tmp_path / "sparse.bin"
    with open(sparse, "wb") as handle:
        handle.truncate(2 << 30)
    path.unlink()
    path.symlink_to(sparse)
    missed, peak_mb = _peak_rss_mb_of_get(cache.directory)
    assert missed
    assert peak_mb < 400, f"the 2 GB file was read: peak RSS {peak_mb:.0f} MB"
    assert sparse.stat().st_size == 2 << 30  # the link is dropped, its target untouched
    assert not path.is_symlink()


def test_a_2_gb_sparse_file_planted_as_an_entry_is_not_read(tmp_path: Path) -> None:
    cache, path = _stored(tmp_path)
    with open(path, "r+b") as handle:
        handle.truncate(2 << 30)
    missed, peak_mb = _peak_rss_mb_of_get(cache.directory)
    assert missed and peak_mb < 400


def test_a_fifo_as_an_entry_does_not_block(tmp_path: Path) -> None:
    cache, path = _stored(tmp_path)
    path.unlink()
    os.mkfifo(path)
    assert cache.get(KEY) is None


# -- read-only and unwritable caches --------------------------------------------------


def _readonly_mounts_work(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    script = (
        f"mount --bind {probe} {probe} && mount -o remount,ro,bind {probe} && ! touch {probe}/x"
    )
    if shutil.which("unshare") is None:
        return False
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True)
    return result.returncode == 0


def _run_on_readonly(
    folder: Path, *args: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run narrator with ``folder`` mounted read-only (a private mount namespace)."""
    script = (
        f'mount --bind "{folder}" "{folder}" && mount -o remount,ro,bind "{folder}" && exec "$@"'
    )
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", sys.executable, "-m", "narrator", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "COLUMNS": "200"},
        timeout=600,
    )


@pytest.fixture
def readonly(tmp_path: Path) -> None:
    if not _readonly_mounts_work(tmp_path):
        pytest.skip("read-only bind mounts need unshare and CAP_SYS_ADMIN")


@pytest.mark.usefixtures("readonly")
def test_a_read_only_cache_with_truncated_entries_speaks_and_warns_once(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    env = {"NARRATOR_CACHE_DIR": str(cache_dir)}
    warm = subprocess.run(
        [
            sys.executable,
            "-m",
            "narrator",
            "speak",
            str(SEED_ARTICLE),
            "-o",
            str(tmp_path / "a.wav"),
            "-q",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    )
    assert warm.returncode == 0
    entries = sorted(cache_dir.glob("segments/*/*.seg"))
    assert entries
    for entry in entries:
        with open(entry, "r+b") as handle:
            handle.truncate(entry.stat().st_size // 2)
    out = tmp_path / "out"
    out.mkdir()
    result = _run_on_readonly(
        cache_dir, "speak", str(SEED_ARTICLE), "-o", str(out / "b.wav"), "-q", env=env
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "cannot be written" in line]
    assert len(warnings) == 1, result.stderr
    assert "Read-only file system" in warnings[0]
    assert (out / "b.wav").stat().st_size > 0
    assert all(entry.stat().st_size > 0 for entry in entries)  # nothing could be removed


@pytest.mark.usefixtures("readonly")
def test_cache_clear_on_a_read_only_filesystem_is_one_line(tmp_path: Path) -> None:
    cache, _ = _stored(tmp_path)
    result = _run_on_readonly(
        cache.directory, "cache", "clear", env={"NARRATOR_CACHE_DIR": str(cache.directory)}
    )
    assert result.returncode == 4
    assert result.stderr.strip().splitlines() == [
        f"error: cannot clear the cache {cache.directory}: Read-only file system"
    ]


def test_clear_reports_a_failed_removal_as_an_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache, _ = _stored(tmp_path)

    def refuse(self: Path, missing_ok: bool = False) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(Path, "unlink", refuse)
    with pytest.raises(OutputError, match=r"cannot clear the cache .*: Read-only file system"):
        cache.clear()
