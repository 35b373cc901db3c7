"""Encoding the programme: MP3, OGG/Vorbis, Opus, FLAC or WAV; and decoding audio files.

soundfile's bundled libsndfile encodes all of them with no system packages. The
encoded file is decoded again and measured, so the loudness and true-peak figures
narrator reports are those of the file a listener gets.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soundfile as sf

from narrator.audio.master import MasteringReport, integrated_loudness, limit, true_peak_dbtp
from narrator.errors import InputError, OutputError

# format name -> (libsndfile format, subtype, file extension)
FORMATS: dict[str, tuple[str, str, str]] = {
    "mp3": ("MP3", "MPEG_LAYER_III", ".mp3"),
    "ogg": ("OGG", "VORBIS", ".ogg"),
    "opus": ("OGG", "OPUS", ".opus"),
    "flac": ("FLAC", "PCM_16", ".flac"),
    "wav": ("WAV", "PCM_16", ".wav"),
}
OPUS_RATE = 48000
LOSSY = frozenset({"mp3", "ogg", "opus"})
LOSSY_HEADROOM_DB = 1.0
"""Room left under the true-peak ceiling before a lossy encoder (which raises peaks)."""
PCM_HEADROOM_DB = 0.1
"""Room for 16-bit dither and rounding."""
MAX_ENCODES = 3
LOUDNESS_TOLERANCE_LU = 0.2
"""How far the decoded file may be from the loudness target before it is re-encoded."""
_WRITE_BLOCK = 1 << 16
"""Frames per write: libvorbis overflows its stack on very long single writes."""


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


# The first bytes of the containers narrator reads: WAV (RIFF, RF64, W64), FLAC, OGG,
# AIFF, CAF, AU, and MP3 with an ID3 tag; a bare MP3 starts with a frame sync instead.
_MAGIC = (b"RIFF", b"RF64", b"riff", b"fLaC", b"OggS", b"FORM", b"caff", b".snd", b"ID3")


def read_audio(path: Path) -> tuple[np.ndarray, int]:
    """Decode an audio file to float32 frames x channels and its rate; errors name the file.

    Anything that does not start like an audio file is refused before the decoder sees
    it (libsndfile's MP3 decoder would print its own complaints first).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: audio file not found")
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
        frame_sync = len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
        if not (head.startswith(_MAGIC) or frame_sync):
            raise InputError(f"{path}: not an audio file (WAV, FLAC, OGG, Opus or MP3 expected)")
        data, rate = sf.read(path, dtype="float32", always_2d=True)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise InputError(f"{path}: cannot decode audio ({exc})") from None
    return data, rate


def mp3_compression_level(bitrate_kbps: int) -> float:
    """libsndfile's MP3 compression level (0 = 320 kbps .. 1 = 32 kbps) for a CBR bitrate."""
    return float(np.clip((320 - bitrate_kbps) / (320 - 32), 0.0, 1.0))


def encode(
    samples: np.ndarray,
    sample_rate: int,
    path: Path | BinaryIO,
    fmt: str,
    *,
    bitrate_kbps: int = 112,
    name: Path | None = None,
) -> None:
    """Encode ``samples`` (float32) into ``path`` as it is (not atomically).

    ``name`` is the file as the user knows it, for messages (``path`` may be a
    temporary file).
    """
    container, subtype, _ = FORMATS[fmt]
    kwargs: dict[str, object] = {}
    if fmt == "mp3":
        kwargs = {
            "bitrate_mode": "CONSTANT",
            "compression_level": mp3_compression_level(bitrate_kbps),
        }
    if fmt == "opus" and sample_rate != OPUS_RATE:
        raise OutputError(
            f"{name or path}: Opus needs a sample rate of {OPUS_RATE} (got {sample_rate})"
        )
    data = samples
    if subtype == "PCM_16":
        data = tpdf_dither(samples)
    try:
        with sf.SoundFile(
            path,
            "w",
            sample_rate,
            1 if data.ndim == 1 else data.shape[1],
            subtype,
            format=container,
            **kwargs,
        ) as out:
            for start in range(0, len(data), _WRITE_BLOCK):
                out.write(data[start : start + _WRITE_BLOCK])
    except sf.LibsndfileError as exc:
        raise OutputError(f"{name or path}: cannot encode {fmt}: {exc}") from None


def headroom_for(fmt: str) -> float:
    """dB to leave under the true-peak ceiling before encoding ``fmt``."""
    return LOSSY_HEADROOM_DB if fmt in LOSSY else PCM_HEADROOM_DB


def codec_loudness_shift(
    samples: np.ndarray, sample_rate: int, fmt: str, bitrate_kbps: int, *, excerpt_s: float = 30.0
) -> float:
    """How much ``fmt`` changes the loudness (LU), measured on an excerpt (0 for PCM)."""
    if fmt not in LOSSY:
        return 0.0
    middle, half = len(samples) // 2, round(excerpt_s * sample_rate / 2)
    excerpt = samples[max(0, middle - half) : middle + half]
    before = integrated_loudness(excerpt, sample_rate)
    if not math.isfinite(before):
        return 0.0
    # Encoded in memory: a probe file in $TMPDIR would outlive a killed run.
    probe = io.BytesIO()
    encode(excerpt, sample_rate, probe, fmt, bitrate_kbps=bitrate_kbps)
    probe.seek(0)
    decoded, rate = sf.read(probe, dtype="float32")
    after = integrated_loudness(decoded, rate)
    return after - before if math.isfinite(after) else 0.0


def encode_to_targets(
    samples: np.ndarray,
    sample_rate: int,
    path: Path,
    fmt: str,
    *,
    target_lufs: float,
    ceiling_dbtp: float,
    bitrate_kbps: int = 112,
    name: Path | None = None,
) -> tuple[np.ndarray, MasteringReport]:
    """Encode mastered ``samples`` into ``path`` so that the *decoded* file meets the
    targets; return the samples encoded and the figures of the decoded file.

    ``samples`` should already be at ``target_lufs`` and limited to
    ``ceiling_dbtp - headroom_for(fmt)``. A lossy codec changes both figures: it raises
    peaks (its low-pass filter and quantisation noise ring) and at lower bitrates
    drops some of the speech's energy (LAME at 112 kbps loses about 0.5 LU). So the
    decoded file is measured, and when it misses, the gain and the limiter are
    corrected by what was measured and the programme is encoded again.
    """
    headroom = headroom_for(fmt)
    # Encoding a long programme twice is slow: learn the codec's loudness shift on an
    # excerpt first, so that the first full encode usually lands on the target.
    gain_db = -codec_loudness_shift(samples, sample_rate, fmt, bitrate_kbps)
    current = samples
    if gain_db:
        current = limit(
            samples * np.float32(10 ** (gain_db / 20)), sample_rate, ceiling_dbtp - headroom
        )
    for attempt in range(MAX_ENCODES):
        encode(current, sample_rate, path, fmt, bitrate_kbps=bitrate_kbps, name=name)
        decoded, rate = sf.read(path, dtype="float32")
        loudness = integrated_loudness(decoded, rate)
        peak = true_peak_dbtp(decoded, rate)
        loudness_error = target_lufs - loudness if math.isfinite(loudness) else 0.0
        if peak <= ceiling_dbtp and abs(loudness_error) <= LOUDNESS_TOLERANCE_LU:
            break
        if attempt == MAX_ENCODES - 1:
            break
        if peak > ceiling_dbtp:
            headroom += peak - ceiling_dbtp + 0.2
        gain_db += loudness_error
        current = limit(
            samples * np.float32(10 ** (gain_db / 20)), sample_rate, ceiling_dbtp - headroom
        )
    if peak > ceiling_dbtp:
        raise OutputError(
            f"{name or path}: true peak {peak:.2f} dBTP after encoding, over {ceiling_dbtp} dBTP"
        )
    return current, MasteringReport(len(decoded) / rate, loudness, peak)


def tpdf_dither(samples: np.ndarray) -> np.ndarray:
    """Add triangular dither of one 16-bit LSB before quantising to 16 bits."""
    rng = np.random.default_rng(0)  # fixed seed: identical input gives identical files
    lsb = 1.0 / 32768
    noise = (rng.random(samples.shape) - rng.random(samples.shape)) * lsb
    return np.clip(samples + noise.astype(np.float32), -1.0, 1.0 - lsb)
