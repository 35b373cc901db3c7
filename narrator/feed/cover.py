"""A default cover image, made here, for a station that has not configured its own.

Apple Podcasts refuses a feed without a square RGB image of 1400-3000 px; a plain
generated PNG (no third-party artwork in the repository) keeps a new feed valid until
the newsroom sets ``audio.cover`` in its station file.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

SIZE = 1400
_BACKGROUND = (16, 78, 96)
_FOREGROUND = (242, 201, 76)


def default_cover() -> bytes:
    """A 1400x1400 RGB PNG: a row of bars like a sound wave on a dark teal ground."""
    image = np.empty((SIZE, SIZE, 3), dtype=np.uint8)
    image[:] = _BACKGROUND
    bars, width, gap = 15, 48, 24
    left = (SIZE - bars * width - (bars - 1) * gap) // 2
    for index in range(bars):
        # A fixed, symmetric envelope: tall in the middle, short at the edges.
        height = int(SIZE * (0.12 + 0.5 * np.sin(np.pi * (index + 0.5) / bars) ** 2))
        x = left + index * (width + gap)
        top = (SIZE - height) // 2
        image[top : top + height, x : x + width] = _FOREGROUND
    return _png(image)


def _png(image: np.ndarray) -> bytes:
    height, width, _ = image.shape
    rows = np.concatenate([np.zeros((height, 1), dtype=np.uint8), image.reshape(height, -1)], 1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 9))
        + chunk(b"IEND", b"")
    )
