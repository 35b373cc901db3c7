"""MP3 files carry LAME's info tag: decoders cut the encoder's priming and padding, so a
decoded file has exactly the samples that were encoded, where they were encoded."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from mutagen.mp3 import MP3, BitrateMode

from narrator.audio.export import encode
from narrator.audio.lame_process import _crc16, count_frames, frame_length, samples_per_frame


def _tone(frames: int, rate: int, channels: int) -> np.ndarray:
    t = np.arange(frames) / rate
    # a rising chirp: any shift between input and output shows in the difference
    mono = (0.3 * np.sin(2 * np.pi * (200 + 400 * t) * t)).astype(np.float32)
    return mono if channels == 1 else np.column_stack([mono, -mono])


@pytest.mark.parametrize(
    ("rate", "channels", "seconds"),
    [(44100, 1, 7.3), (44100, 2, 2.0), (48000, 1, 0.02), (22050, 1, 3.1), (24000, 2, 1.0)],
)
def test_the_decoded_file_is_exactly_the_encoded_samples(
    tmp_path: Path, rate: int, channels: int, seconds: float
) -> None:
    frames = round(seconds * rate)
    signal = _tone(frames, rate, channels)
    path = tmp_path / "x.mp3"
    encode(signal, rate, path, "mp3", bitrate_kbps=128)
    decoded, decoded_rate = sf.read(path, dtype="float32")
    assert decoded_rate == rate
    assert decoded.shape == signal.shape  # no priming, no padding
    assert sf.info(str(path)).frames == frames
    if frames > rate // 10:  # aligned: the lossy copy follows the chirp sample for sample
        residual = decoded - signal
        assert np.sqrt(np.mean(residual**2)) < 0.1 * np.sqrt(np.mean(signal**2))
    info = MP3(path).info
    assert info.bitrate_mode == BitrateMode.CBR
    assert info.encoder_info.startswith("LAME")
    assert info.length == pytest.approx(frames / rate, abs=1e-3)


def test_the_frame_arithmetic() -> None:
    mpeg1 = bytes.fromhex("fffb80c4")  # MPEG-1 Layer III, 112 kbps, 44.1 kHz, mono
    assert frame_length(mpeg1) == 365 and samples_per_frame(mpeg1) == 1152
    assert frame_length(bytes.fromhex("fffb82c4")) == 366  # with its padding slot
    mpeg2 = bytes.fromhex("fff380c4")  # MPEG-2, 64 kbps, 22.05 kHz
    assert frame_length(mpeg2) == 208 and samples_per_frame(mpeg2) == 576
    for not_a_frame in (b"ID3\x04", b"\xff\xfb", bytes.fromhex("fffbf0c4"), b"\x00" * 4):
        assert frame_length(not_a_frame) == 0


def test_frames_are_counted_alike_whatever_blocks_they_are_read_in(tmp_path: Path) -> None:
    path = tmp_path / "x.mp3"
    encode(_tone(44100 * 3, 44100, 1), 44100, path, "mp3")
    data = path.read_bytes()
    tagged = struct.unpack(">I", data[29:33])[0]  # the info frame's count of those after it
    for size in (1, 3, 4, 5, 365, 366, 4096, 1 << 20):
        assert count_frames(io.BytesIO(data), 0, block_bytes=size) == tagged + 1
    assert count_frames(io.BytesIO(b"not a frame"), 0) == 0


def test_the_tag_checksum_is_lames_crc16() -> None:
    assert _crc16(b"123456789") == 0xBB3D  # the CRC-16/ARC check value


def test_nothing_to_encode_gives_an_empty_file_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp3"
    encode(np.zeros(0, dtype=np.float32), 44100, path, "mp3")
    assert path.read_bytes() == b""
