"""Encoding the programme: MP3, OGG/Vorbis, Opus, FLAC or WAV; and decoding audio files.

MP3 is encoded by LAME (``lameenc``, a wheel with LAME built in), the others by
soundfile's bundled libsndfile: no system packages. Everything streams: a programme
is encoded block by block, and the encoded file is decoded again and measured block
by block, so the loudness and true-peak figures narrator reports are those of the
file a listener gets.
"""

from __future__ import annotations

import contextlib
import io
import math
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any, BinaryIO, NoReturn

try:
    import fcntl
except ImportError:  # not on Windows
    fcntl = None  # type: ignore[assignment]

import numpy as np
import soundfile as sf

from narrator.audio.loudness import LoudnessMeter, TruePeakMeter, integrated_loudness
from narrator.audio.master import MasteringReport
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
_WRITE_BLOCK = 1 << 16
"""Frames per write: libvorbis overflows its stack on very long single writes."""
_LAME_PROCESS = Path(__file__).with_name("lame_process.py")
"""The encoder process: run as a script, so it needs nothing but ``lameenc``."""
LAME_QUALITY = 7
"""LAME's algorithm quality (0 slowest .. 9 fastest), the default of ``[audio]
mp3_quality``. Measured on the seed article (174 s of speech, 112 kbps mono; see
``benchmarks/bench_mp3_quality.py``): quality 2 took 1.86 s, 5 took 0.90 s and 7
0.53 s, and their noise against the speech's own critical bands is the same within a
point, while 96 kbps at any quality is six points worse: at this bitrate the bits, not
LAME's noise shaping, decide."""


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


class Encoder:
    """Writes a programme into a file block by block, in one of :data:`FORMATS`.

    MP3 goes through LAME (``lameenc``) at a constant bitrate; the other formats
    through libsndfile. 16-bit formats get TPDF dither from one generator for the
    whole file, so identical input gives identical files. LAME's 16-bit input is only
    rounded: its own quantisation noise is tens of dB above the 16-bit step, so dither
    would change nothing a listener could hear.
    """

    def __init__(
        self,
        target: Path | BinaryIO,
        fmt: str,
        sample_rate: int,
        channels: int,
        *,
        bitrate_kbps: int = 112,
        quality: int = LAME_QUALITY,
        name: Path | None = None,
        nice: int = 0,
    ) -> None:
        self.fmt = fmt
        self.name = name or (target if isinstance(target, Path) else Path(fmt))
        self.channels = channels
        self._rng = np.random.default_rng(0)
        container, self._subtype, _ = FORMATS[fmt]
        if fmt == "opus" and sample_rate != OPUS_RATE:
            raise OutputError(
                f"{self.name}: Opus needs a sample rate of {OPUS_RATE} (got {sample_rate})"
            )
        self._lame: Any = None
        self._sound: sf.SoundFile | None = None
        self._handle: IO[bytes] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        try:
            if fmt == "mp3" and isinstance(target, Path):
                # LAME holds the GIL while it works: in a process of its own it encodes
                # on another core while this one limits the next blocks.
                settings = (sample_rate, channels, bitrate_kbps, quality, target, nice)
                self._process = subprocess.Popen(
                    [sys.executable, str(_LAME_PROCESS), *map(str, settings)],
                    stdin=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
                self._handle = self._process.stdin
                _widen_pipe(self._handle)
            elif fmt == "mp3" and not isinstance(target, Path):
                self._handle = target
                self._lame = _lame_encoder(sample_rate, channels, bitrate_kbps, quality)
            else:
                self._sound = sf.SoundFile(
                    target, "w", sample_rate, channels, self._subtype, format=container
                )
        except OSError as exc:
            raise OutputError(f"{self.name}: cannot write ({exc.strerror or exc})") from None
        except sf.LibsndfileError as exc:
            raise OutputError(f"{self.name}: cannot encode {fmt}: {exc}") from None

    def write(self, samples: np.ndarray) -> None:
        """Encode the next frames (float32; frames, or frames x channels)."""
        try:
            if self._handle is not None:
                pcm = self._pcm16(samples).tobytes()
                self._handle.write(self._lame.encode(pcm) if self._lame is not None else pcm)
                return
            assert self._sound is not None
            data = self._dither(samples) if self._subtype == "PCM_16" else samples
            for start in range(0, len(data), _WRITE_BLOCK):
                self._sound.write(data[start : start + _WRITE_BLOCK])
        except BrokenPipeError:
            self._fail()
        except OSError as exc:
            raise OutputError(f"{self.name}: cannot write ({exc.strerror or exc})") from None
        except sf.LibsndfileError as exc:
            raise OutputError(f"{self.name}: cannot encode {self.fmt}: {exc}") from None

    def close(self) -> None:
        """Finish the stream (flush the encoder) and close the file."""
        try:
            if self._process is not None:
                process, self._process = self._process, None
                with contextlib.suppress(BrokenPipeError):
                    assert process.stdin is not None
                    process.stdin.close()
                self._handle = None
                if process.wait() != 0:
                    self._fail(process)
            if self._lame is not None and self._handle is not None:
                self._handle.write(self._lame.flush())
                self._lame = None
            if self._sound is not None:
                self._sound.close()
                self._sound = None
        except OSError as exc:
            raise OutputError(f"{self.name}: cannot write ({exc.strerror or exc})") from None

    def abort(self) -> None:
        """Stop encoding without finishing the file (after an error elsewhere)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
        self.close()

    def _fail(self, process: subprocess.Popen[bytes] | None = None) -> NoReturn:
        process = process or self._process
        message = "the encoder stopped"
        if process is not None:
            process.wait()
            assert process.stderr is not None
            lines = process.stderr.read().decode("utf-8", "replace").strip().splitlines()
            message = lines[-1] if lines else f"the encoder exited with {process.returncode}"
        raise OutputError(f"{self.name}: cannot encode mp3: {message}")

    def _dither(self, samples: np.ndarray) -> np.ndarray:
        lsb = 1.0 / 32768
        noise = (self._rng.random(samples.shape) - self._rng.random(samples.shape)) * lsb
        return np.clip(samples + noise.astype(np.float32), -1.0, 1.0 - lsb)

    @staticmethod
    def _pcm16(samples: np.ndarray) -> np.ndarray:
        scaled = np.clip(np.asarray(samples, dtype=np.float32) * 32768, -32768, 32767)
        return np.rint(scaled).astype(np.int16)


PIPE_BYTES = 1 << 20
"""The encoder's input pipe is widened to this (Linux allows 1 MB unprivileged): with
the default 64 KB, less than one block, the limiter and LAME would take turns instead
of working at the same time."""


def _widen_pipe(pipe: IO[bytes] | None) -> None:
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if pipe is None or set_size is None:
        return
    with contextlib.suppress(OSError):  # a smaller pipe only costs speed
        fcntl.fcntl(pipe.fileno(), set_size, PIPE_BYTES)


def _lame_encoder(sample_rate: int, channels: int, bitrate_kbps: int, quality: int) -> Any:
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(channels)
    encoder.set_quality(quality)
    return encoder


def encode(
    samples: np.ndarray,
    sample_rate: int,
    path: Path | BinaryIO,
    fmt: str,
    *,
    bitrate_kbps: int = 112,
    name: Path | None = None,
) -> None:
    """Encode a whole signal into ``path`` as it is (not atomically)."""
    encoder = Encoder(
        path,
        fmt,
        sample_rate,
        1 if samples.ndim == 1 else samples.shape[1],
        bitrate_kbps=bitrate_kbps,
        name=name,
    )
    try:
        encoder.write(samples)
    except BaseException:
        encoder.abort()
        raise
    encoder.close()


def headroom_for(fmt: str) -> float:
    """dB to leave under the true-peak ceiling before encoding ``fmt``."""
    return LOSSY_HEADROOM_DB if fmt in LOSSY else PCM_HEADROOM_DB


def codec_loudness_shift(
    excerpt: np.ndarray,
    sample_rate: int,
    fmt: str,
    bitrate_kbps: int,
    quality: int = LAME_QUALITY,
) -> float:
    """How much ``fmt`` changes the loudness of ``excerpt`` (LU; 0 for PCM formats).

    The excerpt is encoded and decoded in memory: no file is left behind, whatever
    happens to the process.
    """
    if fmt not in LOSSY:
        return 0.0
    before = integrated_loudness(excerpt, sample_rate)
    if not math.isfinite(before):
        return 0.0
    buffer = io.BytesIO()
    buffer.name = f"probe{FORMATS[fmt][2]}"
    channels = 1 if excerpt.ndim == 1 else excerpt.shape[1]
    encoder = Encoder(
        buffer, fmt, sample_rate, channels, bitrate_kbps=bitrate_kbps, quality=quality
    )
    encoder.write(excerpt)
    encoder.close()
    buffer.seek(0)
    decoded, rate = sf.read(buffer, dtype="float32")
    after = integrated_loudness(decoded, rate)
    return after - before if math.isfinite(after) else 0.0


def measure_file(path: Path, *, block_frames: int = 1 << 16) -> MasteringReport:
    """Duration, integrated loudness and true peak of an audio file, decoded in blocks.

    The true peak is measured in a thread of its own: its oversampling (libsoxr) and
    the decoder (libsndfile) both let go of the interpreter while they work, so on two
    cores the check takes about as long as the decoding alone.
    """
    blocks: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=8)
    peaks: list[TruePeakMeter] = []

    def measure_peaks() -> None:
        while (block := blocks.get()) is not None:
            for channel, meter in enumerate(peaks):
                meter.add(block[:, channel])
        for meter in peaks:
            meter.flush()

    peaker = threading.Thread(target=measure_peaks, name="narrator-true-peak", daemon=True)
    try:
        with sf.SoundFile(path) as audio:
            rate, channels = audio.samplerate, audio.channels
            loudness = LoudnessMeter(rate, channels)
            peaks.extend(TruePeakMeter(rate) for _ in range(channels))
            peaker.start()
            frames = 0
            try:
                for block in audio.blocks(block_frames, dtype="float32", always_2d=True):
                    blocks.put(block)
                    loudness.add(block)
                    frames += len(block)
            finally:
                blocks.put(None)
                peaker.join()
    except sf.LibsndfileError as exc:
        raise OutputError(f"{path}: cannot decode the file just written ({exc})") from None
    peak = max(meter.peak for meter in peaks)
    return MasteringReport(
        frames / rate, loudness.loudness, 20 * math.log10(peak) if peak > 0 else -math.inf
    )
