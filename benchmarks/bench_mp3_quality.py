"""LAME's quality settings and bitrates on speech: encoding time and a noise measure.

Encodes the seed article (``narrator speak`` to WAV first, with the embedded voice)
with ``lameenc`` at several quality settings and bitrates, decodes it, and prints the
CPU time of each encode and how the coding noise stands against the speech in each
critical band (Zwicker's 25 bands, 1024-point frames): the share of audible cells
where the noise is above the band's own energy less 13 dB, and the mean noise-to-mask
ratio. It is a crude mask (no spreading between bands, no tonality), good for
comparing settings with each other, not for absolute verdicts.

    python benchmarks/bench_mp3_quality.py
"""

from __future__ import annotations

import io
import itertools
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lameenc
import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-article.txt"
BAND_EDGES_HZ = (
    0, 100, 200, 300, 400, 510, 630, 770, 920, 1080, 1270, 1480, 1720, 2000, 2320, 2700,
    3150, 3700, 4400, 5300, 6400, 7700, 9500, 12000, 15500, 20000,
)  # fmt: skip
MASK_OFFSET_DB = 13.0
LAME_DELAY = 1105  # priming samples of a stream without LAME's info tag (576 + 529)
SETTINGS = ((2, 112), (5, 112), (7, 112), (5, 96), (7, 96), (5, 80), (7, 80), (5, 64), (7, 64))


def band_energies(signal: np.ndarray, rate: int, size: int = 1024) -> np.ndarray:
    """Energy per (frame, critical band) of a Hann-windowed STFT with 50 % overlap."""
    hop = size // 2
    count = (len(signal) - size) // hop
    frames = signal[np.arange(size)[None, :] + hop * np.arange(count)[:, None]]
    power = np.abs(np.fft.rfft(frames * np.hanning(size), axis=1)) ** 2
    freqs = np.fft.rfftfreq(size, 1 / rate)
    edges = itertools.pairwise(BAND_EDGES_HZ)
    return np.stack([power[:, (freqs >= lo) & (freqs < hi)].sum(1) for lo, hi in edges], 1)


def encode_decode(pcm: bytes, rate: int, quality: int, kbps: int) -> tuple[np.ndarray, float]:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(quality)
    started = time.process_time()
    mp3 = encoder.encode(pcm) + encoder.flush()
    seconds = time.process_time() - started
    buffer = io.BytesIO(mp3)
    buffer.name = "probe.mp3"
    decoded, _ = sf.read(buffer, dtype="float32")
    return decoded[LAME_DELAY:], seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "seed.wav"
        subprocess.run(
            [sys.executable, "-m", "narrator", "speak", str(SEED), "-o", str(wav), "--quiet"],
            check=True,
        )
        speech, rate = sf.read(wav, dtype="float32")
    pcm = np.rint(np.clip(speech * 32768, -32768, 32767)).astype(np.int16).tobytes()
    reference = band_energies(speech, rate)
    audible = reference > reference.max() * 1e-7  # within 70 dB of the loudest cell
    mask = reference[audible] * 10 ** (-MASK_OFFSET_DB / 10)
    print(f"seed article, {len(speech) / rate:.0f} s of speech at {rate} Hz, mono")
    print("quality  kbps  encode (CPU s)  cells over the mask  mean NMR (dB)")
    for quality, kbps in SETTINGS:
        decoded, seconds = encode_decode(pcm, rate, quality, kbps)
        noise = band_energies(decoded[: len(speech)] - speech[: len(decoded)], rate)
        nmr = 10 * np.log10((noise[audible] + 1e-20) / mask)
        over = 100 * np.mean(nmr > 0)
        print(f"{quality:>7}  {kbps:>4}  {seconds:>14.2f}  {over:>18.1f}%  {np.mean(nmr):>13.2f}")


if __name__ == "__main__":
    main()
