"""Installing and removing voices: ``narrator voices install ID|PATH|URL`` and ``remove``.

A voice comes from the catalogue (by id), from a local file or folder (a Piper
``.onnx`` with its ``.onnx.json``, a Coqui ``model.pth`` with ``config.json``, an MMS
folder, or an archive of one of these), or from a URL.

Downloads stream into ``<voices dir>/.downloads/*.part`` with a progress bar on stderr;
a download interrupted after some data arrived is resumed by the next install of the
same URL (HTTP Range). Any other failure (no connection, an HTTP error, a download
over the size limit, a checksum mismatch) removes its ``.part``, and the
``.downloads`` folder when it is left empty. A download never grows past
:func:`download_limit` (the server's announced size, the catalogue's, or the station's
``voice.max_download_mb``), even when the server announces no size. A completed
download is checked against its SHA-256 when one is known. Installing is
atomic: everything is assembled and checked in a staging folder inside the voices
directory, then renamed into place, so a failed or mismatched install leaves nothing
behind but a resumable ``.part`` file.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import logging
import os
import shutil
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse, urlunparse
from urllib.request import Request, urlopen

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from narrator.config import show_value
from narrator.engines.base import Voice
from narrator.engines.catalogue import (
    EMBEDDED_VOICES,
    CatalogueEntry,
    CatalogueFile,
    InstalledVoice,
    check_voice_id,
    file_sha256,
    find_installed,
    load_catalogue,
    url_file_name,
    voices_dir,
)
from narrator.engines.coqui import MMS_MARKER, check_checkpoint, is_mms_folder
from narrator.errors import VoiceError

log = logging.getLogger(__name__)

DOWNLOADS = ".downloads"
"""Folder of the voices directory holding partial downloads."""
BLOCK = 1 << 16
TIMEOUT = 60.0
"""Seconds without data before a download counts as interrupted."""
ARCHIVES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip")
MAX_DOWNLOAD_ENV = "NARRATOR_MAX_DOWNLOAD_MB"
"""Overrides the station's ``voice.max_download_mb`` (per invocation, like the others)."""


def download_limit(station_mb: int | None = None) -> int:
    """Largest download accepted, in bytes: ``$NARRATOR_MAX_DOWNLOAD_MB``, else the
    station's ``voice.max_download_mb``, else its default."""
    from narrator.config import VoiceSettings

    env = os.environ.get(MAX_DOWNLOAD_ENV, "").strip()
    if env:
        if not env.isdigit() or int(env) < 1:
            raise VoiceError(f"${MAX_DOWNLOAD_ENV} must be a whole number of MB, not {env!r}")
        return int(env) << 20
    if station_mb is None:
        station_mb = VoiceSettings().max_download_mb
    return station_mb << 20


@dataclass(frozen=True)
class Source:
    """What to install, resolved from the user's ``ID|PATH|URL``."""

    voice_id: str
    """Id the voice gets."""
    files: tuple[CatalogueFile, ...] = ()
    """Files to download (catalogue or URL installs)."""
    path: Path | None = None
    """Local file or folder (path installs)."""
    entry: CatalogueEntry | None = None
    """The catalogue entry it matches, if any (licence, quality...)."""


def is_url(text: str) -> bool:
    return urlparse(text).scheme in ("http", "https")


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVES)


def _stem(name: str) -> str:
    """A file name without its model or archive extension."""
    for suffix in (".onnx", ".pth", *ARCHIVES):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _with_json_suffix(url: str) -> str:
    """``x.onnx?download=true`` -> ``x.onnx.json?download=true`` (Piper's config)."""
    parts = urlparse(url)
    return urlunparse(parts._replace(path=parts.path + ".json"))


def _catalogue_match(name: str, catalogue: dict[str, CatalogueEntry]) -> CatalogueEntry | None:
    """The catalogue entry whose first file is called ``name`` (a manual download)."""
    for entry in catalogue.values():
        if entry.files and entry.files[0].name == name:
            return entry
    return None


def resolve(source: str, voice_id: str | None = None, sha256: str = "") -> Source:
    """Turn ``ID|PATH|URL`` into a :class:`Source`; a :class:`VoiceError` if it is none."""
    sha256 = sha256.strip().lower()
    catalogue = load_catalogue()
    if source in EMBEDDED_VOICES:
        raise VoiceError(f"voice {source!r} is embedded in narrator: nothing to install")
    if source in catalogue:
        listed = catalogue[source]
        files = listed.files
        if sha256:  # the user's checksum for the model file replaces the catalogue's
            files = (CatalogueFile(files[0].url, files[0].size, sha256), *files[1:])
        return Source(check_voice_id(voice_id or listed.id), files, entry=listed)
    entry: CatalogueEntry | None
    if is_url(source):
        name = url_file_name(source)
        entry = _catalogue_match(name, catalogue)
        downloads = [
            CatalogueFile(source, None, sha256 or (entry.files[0].sha256 if entry else ""))
        ]
        if name.endswith(".onnx"):
            downloads.append(CatalogueFile(_with_json_suffix(source)))
        default_id = entry.id if entry else _stem(name)
        return Source(check_voice_id(voice_id or default_id), tuple(downloads), entry=entry)
    path = Path(source).expanduser()
    if not path.exists():
        raise VoiceError(
            f"no voice, file or folder named {source!r} (see 'narrator voices list' for ids)"
        )
    entry = _catalogue_match(path.name, catalogue)
    if path.is_dir():
        default_id = path.name
    elif path.suffix == ".pth":
        default_id = path.parent.name
    else:
        default_id = _stem(path.name)
    expected = sha256 or (entry.files[0].sha256 if entry else "")
    if sha256 and path.is_dir():
        raise VoiceError(f"--sha256 checks a file, and {path} is a folder")
    if expected:
        _verify(path, expected, str(path))
    return Source(
        check_voice_id(voice_id or (entry.id if entry else default_id)), path=path, entry=entry
    )


def install(
    source: str,
    directory: Path | str | None = None,
    *,
    voice_id: str | None = None,
    sha256: str = "",
    force: bool = False,
    progress: bool = True,
    max_download_bytes: int | None = None,
) -> InstalledVoice:
    """Install a voice from the catalogue, a local path or a URL; return its manifest.

    ``sha256`` is the expected checksum of the downloaded or given model file.
    ``force`` replaces an installed voice of the same id. ``progress`` shows download
    bars on stderr. ``max_download_bytes`` caps each download (default:
    :func:`download_limit`).
    """
    resolved = resolve(source, voice_id, sha256)
    root = voices_dir(directory)
    target = root / resolved.voice_id
    if target.exists() and not force:
        raise VoiceError(
            f"voice {resolved.voice_id!r} is already installed in {target} "
            "(remove it first, or use --force)"
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".staging-{resolved.voice_id}-", dir=root))
    except OSError as exc:
        raise VoiceError(f"cannot write to voices directory {root}: {exc.strerror}") from exc
    try:
        unpacked = staging / "src"
        unpacked.mkdir()
        if resolved.path is not None:
            _copy_local(resolved.path, unpacked)
        else:
            limit = max_download_bytes or download_limit()
            downloads = [
                _download(f, root / DOWNLOADS, progress, limit, source) for f in resolved.files
            ]
            for file, downloaded in zip(resolved.files, downloads, strict=True):
                _place(downloaded, unpacked, file.name)
        voice = _assemble(unpacked, staging / "voice", resolved, source)
        _check_loads(voice)
        voice.write(voice.folder)
        _move_into_place(voice.folder, target, staging, force)
        if resolved.path is None:
            for file in resolved.files:
                _part_path(root / DOWNLOADS, file.url).unlink(missing_ok=True)
            _remove_if_empty(root / DOWNLOADS)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return InstalledVoice.read(target)


def remove(voice_id: str, directory: Path | str | None = None) -> Path:
    """Uninstall ``voice_id``; return the folder it occupied."""
    if voice_id in EMBEDDED_VOICES:
        raise VoiceError(f"voice {voice_id!r} is embedded in narrator and cannot be removed")
    installed = find_installed(voice_id, directory)
    if installed is None:
        raise VoiceError(f"voice {voice_id!r} is not installed (see 'narrator voices list')")
    folder = installed.folder
    # Rename first: the voice disappears at once even if deleting its files takes a while.
    doomed = Path(tempfile.mkdtemp(prefix=f".removing-{voice_id}-", dir=folder.parent))
    try:
        os.replace(folder, doomed / "voice")
    except OSError as exc:
        raise VoiceError(f"cannot remove {folder}: {exc.strerror}") from exc
    finally:
        shutil.rmtree(doomed, ignore_errors=True)
    return folder


# -- downloads ----------------------------------------------------------------------------


def _part_path(downloads: Path, url: str) -> Path:
    """Where the download of ``url`` accumulates (stable, so a retry resumes it)."""
    key = hashlib.sha256(url.encode()).hexdigest()[:12]
    return downloads / f"{key}-{url_file_name(url) or 'download'}.part"


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()  # only succeeds when empty


class _Resumable(VoiceError):
    """A download cut short after some data arrived: its ``.part`` is kept to resume."""


def _download(
    file: CatalogueFile, downloads: Path, progress: bool, limit: int, source: str
) -> Path:
    """Download (or resume) ``file``, verify it, and return the completed ``.part``.

    On failure the ``.part`` is removed (and ``downloads`` if that leaves it empty),
    unless the download was interrupted midway and can be resumed.
    """
    try:
        downloads.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VoiceError(f"cannot write to {downloads}: {exc.strerror or exc}") from None
    part = _part_path(downloads, file.url)
    try:
        with _progress_bar(progress) as bar:
            _fetch(file, part, bar, limit, source)
        if file.sha256:
            _verify(part, file.sha256, file.url)  # resuming a corrupt file would not help
    except _Resumable:
        raise
    except BaseException:
        part.unlink(missing_ok=True)
        _remove_if_empty(downloads)
        raise
    return part


def _progress_bar(enabled: bool) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not enabled,
    )


def _open(url: str, offset: int) -> Any:
    from narrator import __version__

    headers = {"User-Agent": f"narrator/{__version__}"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    return urlopen(Request(url, headers=headers), timeout=TIMEOUT)


def _offline_hint(source: str, file: CatalogueFile) -> str:
    """What to do without a connection: fetch the file elsewhere, install it from disk."""
    name = file.name or "FILE"
    if is_url(source) or source == file.url:
        return f"; if you have the file, install it with: narrator voices install {name}"
    return (
        f"; without internet access here, download {file.url} elsewhere and install it "
        f"with: narrator voices install {name}"
    )


def _too_big(file: CatalogueFile, size: int, limit: int) -> VoiceError:
    return VoiceError(
        f"download of {file.url} is larger than the limit of {limit >> 20} MB ({size} bytes "
        f"or more); nothing installed (raise voice.max_download_mb or ${MAX_DOWNLOAD_ENV})"
    )


def _fetch(file: CatalogueFile, part: Path, bar: Progress, limit: int, source: str) -> None:
    """Append the rest of ``file.url`` to ``part`` (all of it if the server cannot resume).

    Never writes more than ``limit`` bytes, nor more than the size the server or the
    catalogue announced.
    """
    offset = part.stat().st_size if part.exists() else 0
    try:
        response = _open(file.url, offset)
    except HTTPError as exc:
        if exc.code == 416 and offset:
            # The .part is not a prefix of what the server has now: start again.
            part.unlink()
            _fetch(file, part, bar, limit, source)
            return
        raise VoiceError(f"cannot download {file.url}: HTTP {exc.code} {exc.reason}") from exc
    except (URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise VoiceError(
            f"cannot download {file.url}: {reason}{_offline_hint(source, file)}"
        ) from exc
    with response:
        resumed = offset > 0 and response.status == 206 and _range_start(response) == offset
        if not resumed:
            offset = 0
        length = response.headers.get("Content-Length")
        total = offset + int(length) if length and length.isdigit() else file.size
        if total is not None and total > limit:
            raise _too_big(file, total, limit)
        ceiling = total if total is not None else limit
        task = bar.add_task(file.name, total=total, completed=offset)
        received = offset
        try:
            with open(part, "ab" if resumed else "wb") as out:
                while block := response.read(min(BLOCK, ceiling + 1 - received)):
                    out.write(block)
                    received += len(block)
                    bar.update(task, completed=received)
                    if received > ceiling:
                        break
        except (http.client.HTTPException, OSError) as exc:
            if received > offset and received <= ceiling:
                raise _interrupted(file, received, total) from exc
            raise VoiceError(f"cannot download {file.url}: {exc}") from exc
    if received > ceiling:
        if total is None:
            raise _too_big(file, received, limit)
        raise VoiceError(
            f"download of {file.url} sent more than the {total} bytes announced; nothing installed"
        )
    if total is not None and received < total:
        raise _interrupted(file, received, total)


def _range_start(response: Any) -> int | None:
    """The first byte of a 206 response (``Content-Range: bytes START-END/TOTAL``)."""
    value = response.headers.get("Content-Range", "")
    try:
        return int(value.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return None


def _interrupted(file: CatalogueFile, received: int, total: int | None) -> VoiceError:
    of = f" of {total}" if total else ""
    return _Resumable(
        f"download of {file.url} was interrupted after {received}{of} bytes; nothing installed "
        "(run the same install again to resume)"
    )


def _verify(path: Path, expected: str, what: str) -> None:
    actual = file_sha256(path)
    if actual != expected.lower():
        raise VoiceError(
            f"sha256 mismatch for {what}: expected {expected.lower()}, got {actual}; "
            "nothing installed"
        )


# -- assembling a voice folder ------------------------------------------------------------


def _copy_local(path: Path, dest: Path) -> None:
    """Copy a voice file (with its config) or folder, or unpack an archive, into ``dest``."""
    if path.is_dir():
        shutil.copytree(path, dest, dirs_exist_ok=True)
        return
    if is_archive(path.name):
        _unpack(path, dest, path.name)
        return
    shutil.copy2(path, dest / path.name)
    companion = {".onnx": Path(f"{path}.json"), ".pth": path.parent / "config.json"}
    config = companion.get(path.suffix)
    if config is None:
        raise VoiceError(f"{path} is not a voice model (.onnx, .pth, a folder or an archive)")
    if not config.is_file():
        raise VoiceError(f"{path} has no {config.name} beside it")
    shutil.copy2(config, dest / config.name)


def _place(downloaded: Path, dest: Path, name: str) -> None:
    """Move a finished download into ``dest`` under its own name, unpacking archives."""
    if is_archive(name):
        _unpack(downloaded, dest, name)
        return
    shutil.copy2(downloaded, dest / name)


def _unpack(archive: Path, dest: Path, name: str) -> None:
    """Unpack ``archive`` (called ``name``: a download's file is a ``.part``) into ``dest``."""
    try:
        if name.lower().endswith(".zip"):
            with zipfile.ZipFile(archive) as zipped:
                for member in zipped.namelist():
                    if member.startswith("/") or ".." in Path(member).parts:
                        raise VoiceError(f"archive {name} has an unsafe path {member!r}")
                zipped.extractall(dest)
        else:
            with tarfile.open(archive) as tar:
                tar.extractall(dest, filter="data")  # refuses links and paths outside dest
    except (tarfile.TarError, zipfile.BadZipFile, OSError) as exc:
        raise VoiceError(f"cannot unpack {name}: {exc}") from exc


def _assemble(src: Path, dest: Path, resolved: Source, source: str) -> InstalledVoice:
    """Find the model in ``src``, lay it out in ``dest`` and describe it."""
    onnx = sorted(src.rglob("*.onnx"))
    mms = sorted({p.parent for p in src.rglob("G_*.pth") if is_mms_folder(p.parent)})
    coqui = sorted(p for p in src.rglob("*.pth") if (p.parent / "config.json").is_file())
    entry = resolved.entry
    if len(onnx) > 1:
        raise VoiceError(f"{source} holds several Piper models; install one .onnx at a time")
    if onnx:
        model = onnx[0]
        config = Path(f"{model}.json")
        if not config.is_file():
            raise VoiceError(f"{source}: Piper model {model.name} has no {config.name}")
        from narrator.engines.piper import read_piper_config

        piper_config = read_piper_config(config)
        dest.mkdir()
        shutil.move(model, dest / model.name)
        shutil.move(config, dest / config.name)
        language = (piper_config.language and piper_config.language.family) or (
            piper_config.espeak and piper_config.espeak.voice
        )
        voice = InstalledVoice(
            id=resolved.voice_id,
            engine="piper",
            model=model.name,
            config=config.name,
            language=language or "kk",
            quality=piper_config.audio.quality or "",
            sample_rate=piper_config.audio.sample_rate,
        )
    elif mms:
        # Coqui recognises MMS checkpoints by this word in their path.
        shutil.move(mms[0], _mkparent(dest / MMS_MARKER))
        checkpoint = sorted((dest / MMS_MARKER).glob("G_*.pth"))[-1]
        data = _read_json(dest / MMS_MARKER / "config.json")
        voice = InstalledVoice(
            id=resolved.voice_id,
            engine="coqui",
            model=f"{MMS_MARKER}/{checkpoint.name}",
            config=f"{MMS_MARKER}/config.json",
            sample_rate=_sample_rate(data, ("data", "sampling_rate"), dest / MMS_MARKER),
        )
    elif coqui:
        if len({p.parent for p in coqui}) > 1:
            raise VoiceError(f"{source} holds several Coqui models; install one at a time")
        folder = coqui[0].parent
        model = next((p for p in coqui if p.name == "model.pth"), coqui[0])
        shutil.move(folder, dest)
        data = _read_json(dest / "config.json")
        voice = InstalledVoice(
            id=resolved.voice_id,
            engine="coqui",
            model=model.name,
            config="config.json",
            sample_rate=_sample_rate(data, ("audio", "sample_rate"), dest),
        )
    else:
        raise VoiceError(
            f"{source} holds no voice model (a Piper .onnx + .onnx.json, a Coqui .pth + "
            "config.json, or an MMS folder)"
        )
    voice.folder = dest
    voice.source = source
    voice.sha256 = file_sha256(voice.model_path)
    if entry is not None:
        voice.language = entry.language
        voice.quality = entry.quality or voice.quality
        voice.licence = entry.licence
    return voice


def _sample_rate(data: dict[str, Any], keys: tuple[str, str], folder: Path) -> int:
    """The sample rate a Coqui or MMS ``config.json`` gives (0: none given)."""
    section = data.get(keys[0], {})
    value = section.get(keys[1], 0) if isinstance(section, dict) else None
    if value == 0:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or not 8000 <= value <= 96_000:
        raise VoiceError(
            f"{folder / 'config.json'}: {'.'.join(keys)} = {show_value(value)}: must be an "
            "integer from 8000 to 96000"
        )
    return value


def _mkparent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise VoiceError(f"{path.name} of the voice is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise VoiceError(f"{path.name} of the voice is not a JSON object")
    return data


def _check_loads(voice: InstalledVoice) -> None:
    """Load the staged voice once, so that a broken model is never installed.

    A Coqui voice may be installed before its engine: without the Coqui extra, its
    checkpoint is only checked to be a well-formed PyTorch file (without importing
    torch), and it is installed with a warning that it was not loaded.
    """
    if voice.engine == "piper":
        from narrator.engines.piper import PiperVoice

        loaded: Voice = PiperVoice.load(voice.id, voice.model_path, voice.config_path)
    else:
        from narrator.engines.coqui import CoquiVoice, _import_tts

        check_checkpoint(voice.model_path)
        try:
            _import_tts()
        except VoiceError as exc:
            log.warning(
                "installing %s unchecked (its checkpoint is well-formed, but the model "
                "could not be loaded): %s",
                voice.id,
                exc,
            )
            return
        loaded = CoquiVoice.load(voice.id, voice.model_path, voice.config_path)
    if not voice.sample_rate:
        voice.sample_rate = loaded.sample_rate


def _move_into_place(folder: Path, target: Path, staging: Path, force: bool) -> None:
    """Rename the staged voice onto ``target`` (replacing an old one with ``force``)."""
    old = staging / "old"
    try:
        if force and target.exists():
            os.replace(target, old)
        os.replace(folder, target)
    except OSError as exc:
        if old.exists() and not target.exists():
            os.replace(old, target)  # put the voice that was there back
        raise VoiceError(f"cannot install into {target}: {exc.strerror}") from exc
