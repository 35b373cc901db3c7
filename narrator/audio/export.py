"""Writing the programme to an audio file: MP3, OGG/Vorbis, Opus, FLAC or WAV.

soundfile's bundled libsndfile encodes all of them with no system packages.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from narrator.errors import OutputError
from narrator.fsutil import atomic_path

# format name -> (libsndfile format, subtype, file extension)
FORMATS: dict[str, tuple[str, str, str]] = {
    "mp3": ("MP3", "MPEG_LAYER_III", ".mp3"),
    "ogg": ("OGG", "VORBIS", ".ogg"),
    "opus": ("OGG", "OPUS", ".opus"),
    "flac": ("FLAC", "PCM_16", ".flac"),
    "wav": ("WAV", "PCM_16", ".wav"),
}
OPUS_RATE = 48000


def format_for(path: Path, requested: str | None = None) -> str:
    """The output format: ``requested``, else from the file extension."""
    if requested:
        name = requested.lower().lstrip(".")
        if name not in FORMATS:
            raise OutputError(f"unknown format {requested!r} (choose from {', '.join(FORMATS)})")
        return name
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix == "oga":
        return "ogg"
    raise OutputError(
        f"{path}: cannot tell the format from the extension (use .mp3, .ogg, .opus, .flac, .wav or --format)"
    )


def mp3_compression_level(bitrate_kbps: int) -> float:
    """libsndfile's MP3 compression level (0 = 320 kbps .. 1 = 32 kbps) for a CBR bitrate."""
    return float(np.clip((320 - bitrate_kbps) / (320 - 32), 0.0, 1.0))


def write_audio(
    samples: np.ndarray, sample_rate: int, path: Path, fmt: str, *, bitrate_kbps: int = 112
) -> None:
    """Encode ``samples`` (float32) to ``path`` atomically."""
    container, subtype, _ = FORMATS[fmt]
    kwargs: dict[str, object] = {}
    if fmt == "mp3":
        kwargs = {
            "bitrate_mode": "CONSTANT",
            "compression_level": mp3_compression_level(bitrate_kbps),
        }
    if fmt == "opus" and sample_rate != OPUS_RATE:
        raise OutputError(f"{path}: Opus needs a sample rate of {OPUS_RATE} (got {sample_rate})")
    data = samples
    if subtype == "PCM_16":
        data = tpdf_dither(samples)
    try:
        with atomic_path(path) as tmp:
            sf.write(tmp, data, sample_rate, format=container, subtype=subtype, **kwargs)
    except sf.LibsndfileError as exc:
        raise OutputError(f"{path}: cannot encode {fmt}: {exc}") from None


def tpdf_dither(samples: np.ndarray) -> np.ndarray:
    """Add triangular dither of one 16-bit LSB before quantising to 16 bits."""
    rng = np.random.default_rng(0)  # fixed seed: identical input gives identical files
    lsb = 1.0 / 32768
    noise = (rng.random(samples.shape) - rng.random(samples.shape)) * lsb
    return np.clip(samples + noise.astype(np.float32), -1.0, 1.0 - lsb)
