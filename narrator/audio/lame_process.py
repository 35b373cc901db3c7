"""A LAME encoder in a process of its own: 16-bit PCM on stdin, an MP3 file out.

Run as a script (``python lame_process.py RATE CHANNELS KBPS QUALITY PATH NICE``), not as a
module of the package, so that it starts in milliseconds: it needs only ``lameenc``.
LAME holds the interpreter while it works; in its own process it encodes on another
core while the parent limits the next blocks.

``lameenc`` gives no access to LAME's own info tag, so this writes it: a silent first
frame saying how many frames and bytes follow and, in its LAME extension, the encoder
delay and padding. Decoders (mpg123 inside libsndfile, ffmpeg, Apple's) use it to cut
exactly the samples that were encoded, so a decoded file is as long as the programme
and its chapters fall where they were written; without it, 1105 samples of priming
come first and the duration is estimated from the file size.
"""

from __future__ import annotations

import os
import struct
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import BinaryIO

ENCODER_DELAY = 576
"""Samples of priming LAME puts before the first input sample (decoders add their own 529)."""
_BITRATES = {  # kbps by header index: MPEG-1 Layer III, then MPEG-2/2.5 Layer III
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def frame_length(header: bytes) -> int:
    """Bytes in the Layer III frame that starts with ``header`` (0 if it is not one)."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE6 != 0xE2:
        return 0
    version = (header[1] >> 3) & 3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 3
    if version == 1 or bitrate_index in (0, 15) or rate_index == 3:
        return 0
    kbps = _BITRATES[1 if version == 3 else 2][bitrate_index]
    rate = _RATES[version][rate_index]
    slots = 144 if version == 3 else 72
    return slots * kbps * 1000 // rate + ((header[2] >> 1) & 1)


def samples_per_frame(header: bytes) -> int:
    return 1152 if (header[1] >> 3) & 3 == 3 else 576


def _crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16 (polynomial 0x8005, reflected) as LAME computes its tag's checksum."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _unpadded(header: bytes) -> bytes:
    """A frame header with its padding slot cleared (the info frame has none)."""
    return bytes([header[0], header[1], header[2] & ~0x02, header[3]])


def count_frames(stream: BinaryIO, start: int, *, block_bytes: int = 1 << 20) -> int:
    """The Layer III frames in ``stream`` from byte ``start`` on, read in blocks (an
    hour's programme is tens of megabytes)."""
    stream.seek(start)
    frames, skip, tail = 0, 0, b""
    while block := stream.read(block_bytes):
        data, position = tail + block, skip
        while position + 4 <= len(data):
            length = frame_length(data[position : position + 4])
            if not length:
                return frames
            frames, position = frames + 1, position + length
        skip, tail = max(0, position - len(data)), data[position:]
    return frames


def info_frame(first: bytes, frames: int, stream_bytes: int, samples: int) -> bytes:
    """The info tag frame for a CBR stream whose first audio frame header is ``first``.

    ``frames`` and ``stream_bytes`` count the audio frames after this one (the bytes
    include this frame), and ``samples`` the input samples per channel.
    """
    header = _unpadded(first)
    size = frame_length(header)
    mpeg1, mono = (header[1] >> 3) & 3 == 3, header[3] >> 6 == 3
    side_info = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
    padding = frames * samples_per_frame(header) - ENCODER_DELAY - samples
    kbps = _BITRATES[1 if mpeg1 else 2][header[2] >> 4]
    toc = bytes(min(255, i * 256 // 100) for i in range(100))  # CBR: bytes grow linearly
    body = b"Info" + struct.pack(">III", 0x0F, frames, stream_bytes) + toc
    body += struct.pack(">I", 50)  # quality indicator (unused for CBR)
    lame = b"LAME3.100" + bytes([0x01])  # revision 0, VBR method 1: constant bitrate
    lame += bytes([0]) + bytes(8)  # lowpass unknown; no ReplayGain
    lame += bytes([0, min(255, kbps)])  # encoding flags, bitrate
    delay_padding = (ENCODER_DELAY << 12) | max(0, min(padding, 0xFFF))
    lame += delay_padding.to_bytes(3, "big") + bytes([0, 0]) + bytes(2)  # misc, gain, preset
    lame += struct.pack(">IH", stream_bytes, 0)  # music length; music CRC not computed
    frame = header + bytes(side_info) + body + lame
    frame += struct.pack(">H", _crc16(frame))  # over everything before it
    return frame + bytes(size - len(frame))


def main(argv: list[str]) -> None:
    import lameenc

    rate, channels, bitrate, quality, path, nice = argv
    # The niceness asked for, whatever was inherited (a re-niced thread spawned this).
    if int(nice) > os.nice(0):
        os.nice(int(nice) - os.nice(0))
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(int(bitrate))
    encoder.set_in_sample_rate(int(rate))
    encoder.set_channels(int(channels))
    encoder.set_quality(int(quality))
    frame_bytes = 2 * int(channels)
    samples, first = 0, b""
    try:
        with open(path, "w+b") as out:

            def write(encoded: bytes) -> None:
                nonlocal first
                if not first and len(encoded) >= 4:  # room for the info frame, first
                    first = bytes(encoded[:4])
                    out.write(bytes(frame_length(_unpadded(first))))
                out.write(encoded)

            while chunk := sys.stdin.buffer.read(1 << 18):
                samples += len(chunk) // frame_bytes
                write(encoder.encode(chunk))
            write(encoder.flush() if samples else b"")  # LAME refuses to flush nothing
            if not first:
                return
            stream_bytes = out.tell()
            frames = count_frames(out, frame_length(_unpadded(first)))
            out.seek(0)
            out.write(info_frame(first, frames, stream_bytes, samples))
    except OSError as exc:
        sys.exit(f"cannot write ({exc.strerror or exc})")


if __name__ == "__main__":
    main(sys.argv[1:])
