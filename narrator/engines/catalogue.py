"""Which voices exist and where installed voices live.

Two sources of voices besides the embedded ``kk-espeak``:

* the *catalogue* (``catalogue.json``, shipped inside the package and linked from the
  repository's ``voices/`` folder): voices narrator knows how to download;
* the *installed* voices: one folder per voice in the voices directory, each with a
  ``voice.json`` manifest written by ``narrator voices install``.

The voices directory is, in order of precedence: a path the caller passes (the station
file's ``voices_dir``), the ``NARRATOR_VOICES_DIR`` environment variable, or
``<user data dir>/narrator/voices``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from narrator.errors import VoiceError

MANIFEST = "voice.json"
"""Name of the manifest inside every installed voice's folder."""

ENGINES = ("espeak", "piper", "coqui")

EMBEDDED_VOICES = {"kk-espeak": "kk"}
"""Voices that need no installation: narrator id -> espeak-ng voice name."""

VOICES_DIR_ENV = "NARRATOR_VOICES_DIR"
CATALOGUE_ENV = "NARRATOR_CATALOGUE"
"""An extra catalogue file (same format) whose entries add to or replace the built-in
ones, e.g. a newsroom's own mirror of the voice files."""

_VOICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def check_voice_id(voice_id: str) -> str:
    """``voice_id`` if it can name a voice folder; a :class:`VoiceError` otherwise."""
    if not _VOICE_ID.match(voice_id):
        raise VoiceError(f"invalid voice id {voice_id!r} (letters, digits, '.', '_' and '-' only)")
    return voice_id


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file, read in blocks (model files are large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def first_line(exc: BaseException) -> str:
    """An exception's message cut to its first line (engine errors can be long)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def voices_dir(configured: Path | str | None = None) -> Path:
    """The directory installed voices live in (it may not exist yet)."""
    if configured:
        return Path(configured).expanduser()
    if env := os.environ.get(VOICES_DIR_ENV):
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("narrator")) / "voices"


@dataclass(frozen=True)
class CatalogueFile:
    """One file to download for a catalogue voice."""

    url: str
    """Where to download it (an archive such as ``.tar.gz`` is unpacked on install)."""
    size: int | None = None
    """Size in bytes, when known (shown by ``voices list``; the most a download may
    bring when the server announces no size)."""
    sha256: str = ""
    """Expected SHA-256 (hex) of the download; empty when no checksum is published."""

    @property
    def name(self) -> str:
        """The file name at the end of the URL."""
        return url_file_name(self.url)


@dataclass(frozen=True)
class CatalogueEntry:
    """A voice narrator can download."""

    id: str
    """The voice id users type (``kk_KZ-issai-high``)."""
    engine: str
    """``piper`` or ``coqui``."""
    language: str
    """ISO 639-1 language code (``kk``)."""
    quality: str
    """The publisher's quality tier (``x_low``, ``medium``, ``high``)."""
    sample_rate: int
    """Sample rate of the audio the voice produces."""
    licence: str
    """The model's licence (what a station may do with the audio)."""
    files: tuple[CatalogueFile, ...]
    """Files to download; for Piper the ``.onnx`` first, then its ``.onnx.json``."""
    speakers: int = 1
    """Number of speakers in the model."""
    description: str = ""
    """One line for ``voices list``."""

    @property
    def size(self) -> int | None:
        """Download size in bytes of the files whose size is known (None: no size known)."""
        known = [f.size for f in self.files if f.size]
        return sum(known) if known else None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CatalogueEntry:
        """Read one entry of ``catalogue.json``."""
        files = tuple(
            CatalogueFile(f["url"], f.get("size"), (f.get("sha256") or "").lower())
            for f in data["files"]
        )
        engine = data["engine"]
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}")
        return cls(
            id=check_voice_id(data["id"]),
            engine=engine,
            language=data.get("language", "kk"),
            quality=data.get("quality", ""),
            sample_rate=int(data["sample_rate"]),
            licence=data.get("licence", ""),
            files=files,
            speakers=int(data.get("speakers", 1)),
            description=data.get("description", ""),
        )


def url_file_name(url: str) -> str:
    """The last path component of ``url`` (query and fragment dropped)."""
    return unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1])


def _read_catalogue(text: str, origin: str) -> dict[str, CatalogueEntry]:
    try:
        data = json.loads(text)
        entries = [CatalogueEntry.from_dict(item) for item in data["voices"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise VoiceError(f"voice catalogue {origin} is invalid: {exc}") from exc
    return {entry.id: entry for entry in entries}


def load_catalogue() -> dict[str, CatalogueEntry]:
    """The built-in catalogue, plus the file named by ``NARRATOR_CATALOGUE`` if set."""
    builtin = resources.files("narrator.engines").joinpath("data", "catalogue.json")
    entries = _read_catalogue(builtin.read_text(encoding="utf-8"), "catalogue.json")
    if extra := os.environ.get(CATALOGUE_ENV):
        try:
            text = Path(extra).read_text(encoding="utf-8")
        except OSError as exc:
            raise VoiceError(f"cannot read voice catalogue {extra}: {exc.strerror}") from exc
        entries.update(_read_catalogue(text, extra))
    return entries


@dataclass
class InstalledVoice:
    """An installed voice: the contents of its folder's ``voice.json``."""

    id: str
    """The voice id (also the folder's name)."""
    engine: str
    """``piper`` or ``coqui``."""
    model: str
    """Model file, relative to the folder (``x.onnx``, ``model.pth``, ``fairseq/G_100000.pth``)."""
    config: str | None = None
    """Config file relative to the folder (``x.onnx.json``, ``config.json``)."""
    language: str = "kk"
    """ISO 639-1 language code."""
    quality: str = ""
    """Quality tier, when known."""
    licence: str = ""
    """Licence, when known (from the catalogue)."""
    sample_rate: int = 0
    """Sample rate of the audio the voice produces (0 = read from the model)."""
    source: str = ""
    """Where it was installed from (catalogue id, path or URL)."""
    sha256: str = ""
    """SHA-256 of the model file at install time."""
    speaker: str | None = None
    """Default speaker of a multi-speaker voice (name or index)."""
    gpu: bool = False
    """Run on the GPU when one is present (Coqui; Piper with onnxruntime-gpu)."""
    folder: Path = field(default=Path(), compare=False)
    """The voice's folder (not stored in the manifest)."""

    @property
    def model_path(self) -> Path:
        return self.folder / self.model

    @property
    def config_path(self) -> Path | None:
        return self.folder / self.config if self.config else None

    @classmethod
    def read(cls, folder: Path) -> InstalledVoice:
        """Read ``folder/voice.json``; a :class:`VoiceError` if it is missing or invalid."""
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            known = {name for name in cls.__dataclass_fields__ if name != "folder"}
            data["id"] = folder.name  # the folder's name is the id users type
            values = {k: v for k, v in data.items() if k in known}
            for name, value in values.items():
                _check_manifest_value(name, value)
            voice = cls(**values, folder=folder)
        except OSError as exc:
            raise VoiceError(f"voice folder {folder} has no readable {MANIFEST}") from exc
        except (ValueError, TypeError, RecursionError) as exc:
            raise VoiceError(f"{path} is invalid: {exc}") from exc
        for relative in (voice.model, voice.config):
            # Files of the voice stay inside its folder.
            if relative and (Path(relative).is_absolute() or ".." in Path(relative).parts):
                raise VoiceError(f"{path} is invalid: {relative!r} is outside the voice folder")
        if voice.engine not in ENGINES:
            raise VoiceError(f"{path} names an unknown engine {voice.engine!r}")
        return voice

    def write(self, folder: Path) -> None:
        """Write the manifest into ``folder``."""
        data = {k: v for k, v in asdict(self).items() if k != "folder"}
        (folder / MANIFEST).write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


_MANIFEST_TYPES: dict[str, tuple[type, ...]] = {
    "sample_rate": (int,),
    "gpu": (bool,),
    "speaker": (str, type(None)),
    "config": (str, type(None)),
}


def _check_manifest_value(name: str, value: Any) -> None:
    """A manifest value of the wrong type is an error now, not deep in an engine later."""
    expected = _MANIFEST_TYPES.get(name, (str,))
    wrong_bool = isinstance(value, bool) and bool not in expected
    if wrong_bool or not isinstance(value, expected):
        raise TypeError(f"{name} = {value!r} has the wrong type")
    if name == "sample_rate" and isinstance(value, int) and not 0 <= value <= 192_000:
        raise ValueError(f"sample_rate = {value} is out of range (0-192000)")


def installed_voices(directory: Path | str | None = None) -> list[InstalledVoice]:
    """Every voice installed in the voices directory, sorted by id.

    Folders without a valid manifest (half-finished or foreign) are skipped.
    """
    root = voices_dir(directory)
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not (folder / MANIFEST).is_file():
            continue
        try:
            found.append(InstalledVoice.read(folder))
        except VoiceError:
            continue
    return found


def find_installed(voice_id: str, directory: Path | str | None = None) -> InstalledVoice | None:
    """The installed voice ``voice_id``, or None."""
    if not _VOICE_ID.match(voice_id):
        return None
    folder = voices_dir(directory) / voice_id
    if not (folder / MANIFEST).is_file():
        return None
    return InstalledVoice.read(folder)
