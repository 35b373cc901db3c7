"""What a server is started with: where it keeps its data and the limits it enforces."""

from __future__ import annotations

import fcntl
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from narrator.errors import InputError, OutputError

OUTPUT_FORMATS = ("mp3", "ogg", "opus", "flac", "wav")


@dataclass(frozen=True)
class ServeSettings:
    """A server's data folder, station, tokens and limits (all from the command line)."""

    data: Path
    """Jobs database, job outputs, segment cache and the station lexicon (unless the
    station file names its own)."""
    station: Path | None = None
    token_file: Path | None = None
    """One token a line (``#`` comments); with it every API request needs
    ``Authorization: Bearer <token>``."""
    max_body_bytes: int = 1_000_000
    """Largest request body; past it the answer is 413."""
    max_text_chars: int = 100_000
    """Longest article text; past it the answer is 413."""
    max_queue: int = 20
    """Queued jobs at most; past it the answer is 429 with Retry-After."""
    max_jobs_per_token: int = 10
    """Queued and running jobs of one token at most (429)."""
    workers: int = 1
    """Jobs produced at the same time."""
    retention_hours: float = 24.0
    """Finished jobs and their files are removed this long after they finish."""

    @property
    def jobs_db(self) -> Path:
        """The SQLite database of jobs."""
        return self.data / "jobs.sqlite3"

    @property
    def jobs_dir(self) -> Path:
        """One folder per job, named by the job id the server made."""
        return self.data / "jobs"

    @property
    def cache_dir(self) -> Path:
        """The segment cache every job shares."""
        return self.data / "cache"

    @property
    def lexicon_file(self) -> Path:
        """The lexicon edited through the API when the station names none."""
        return self.data / "lexicon.tsv"


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (``localhost`` or a loopback IP)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_tokens(path: Path) -> frozenset[str]:
    """The tokens in a token file: one a line, blank lines and ``#`` comments skipped."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{path}: token file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read token file ({exc})") from None
    tokens = frozenset(
        line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")
    )
    if not tokens:
        raise InputError(f"{path}: the token file holds no token")
    short = [token for token in tokens if len(token) < 16]
    if short:
        raise InputError(f"{path}: every token must be at least 16 characters long")
    return tokens


def lock_data_folder(data: Path) -> IO[bytes]:
    """Claim the data folder for this process (released when the process ends, however
    it ends): two servers on one folder would each re-queue the other's running jobs."""
    try:
        data.mkdir(parents=True, exist_ok=True)
        handle = open(data / "serve.lock", "ab")  # noqa: SIM115 - held for the process's life
    except OSError as exc:
        raise OutputError(f"{data}: cannot use as the data folder ({exc.strerror})") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise OutputError(f"{data}: another narrator serve is using this data folder") from None
    return handle
