"""Block-wise audio equals whole-array audio: the meters, the limiter, room tone, the bed,
the spool, and pass 2 (mix, gain, limiter, room tone, encode) against :func:`master`.

Blocks are cut at random sizes (from 1 frame up) and at sizes that put peaks right on
the block boundaries, so that state carried across blocks is really exercised.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from narrator.audio.assemble import Mixer
from narrator.audio.export import PCM_HEADROOM_DB, measure_file
from narrator.audio.jingle import default_sting, duck_gain, lay_bed
from narrator.audio.loudness import (
    LoudnessMeter,
    TruePeakMeter,
    integrated_loudness,
    true_peak_dbtp,
    true_peak_envelope,
)
from narrator.audio.master import Limiter, RoomTone, fill_gaps, limit, master
from narrator.audio.programme import Clip, Programme
from narrator.audio.render import BLOCK_FRAMES, Targets, master_to_file, render
from narrator.audio.spool import Spool
from narrator.pipeline import programme_loudness

RATE = 44100
Gaps = list[tuple[int, int]]
LSB = 1 / 32768
"""One step of 16-bit PCM (WAV and FLAC are written at 16 bits with TPDF dither)."""


def _blocks(frames: int, seed: int, *, largest: int = 5000) -> Iterator[slice]:
    """Random block boundaries covering ``frames``, single frames included."""
    rng = np.random.default_rng(seed)
    start = 0
    while start < frames:
        size = int(rng.choice([1, 2, 7, int(rng.integers(1, largest))]))
        yield slice(start, min(frames, start + size))
        start += size


def _speechlike(seconds: float, seed: int, *, level: float = 0.1) -> tuple[np.ndarray, Gaps]:
    """Voiced 'syllables' (a 110 Hz buzz with its harmonics, some noise) in words, with
    a pause every two seconds; returns the signal and the pauses' frame ranges."""
    rng = np.random.default_rng(seed)
    frames = int(seconds * RATE)
    t = np.arange(frames) / RATE
    phase = 2 * np.pi * np.cumsum(110 + 15 * np.sin(2 * np.pi * 0.4 * t)) / RATE
    buzz = sum(np.sin(k * phase) / k for k in range(1, 10))
    syllables = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) ** 0.5
    signal = (buzz * 0.6 + rng.standard_normal(frames) * 0.3) * syllables * level
    pauses = [
        (start, min(frames, start + int(0.4 * RATE))) for start in range(RATE, frames, 2 * RATE)
    ]
    for start, stop in pauses:
        signal[start:stop] = 0.0
    return signal.astype(np.float32), pauses


def _with_boundary_peaks(signal: np.ndarray, block: int, height: float = 0.9) -> np.ndarray:
    """Clicks a few frames either side of every ``block`` boundary."""
    out = signal.copy()
    for boundary in range(block, len(out), block):
        for offset, sign in ((-3, 1.0), (2, -1.0)):
            out[boundary + offset] = sign * height
    return out


def _limited_in_blocks(signal: np.ndarray, blocks: Iterator[slice]) -> np.ndarray:
    channels = 1 if signal.ndim == 1 else signal.shape[1]
    limiter = Limiter(RATE, -1.0, channels=channels)
    parts = [limiter.process(signal[block]) for block in blocks]
    return np.concatenate([*parts, limiter.flush()])


# --- the limiter --------------------------------------------------------------------

SPEECH, PAUSES = _speechlike(8.0, seed=1, level=0.3)
SIGNALS = {
    "speech with peaks on 4096-frame boundaries": _with_boundary_peaks(SPEECH, 4096),
    "near-silent": (np.random.default_rng(2).standard_normal(3 * RATE) * 1e-4).astype(np.float32),
    "shorter than one block": _with_boundary_peaks(SPEECH[:1000], 500),
    "one frame": np.array([0.99], dtype=np.float32),
}


@pytest.mark.parametrize("name", SIGNALS)
def test_limiter_in_random_blocks_equals_limit_on_the_whole(name: str) -> None:
    signal = SIGNALS[name]
    whole = limit(signal, RATE, -1.0)
    for seed in (1, 2):
        streamed = _limited_in_blocks(signal, _blocks(len(signal), seed))
        assert streamed.shape == whole.shape
        np.testing.assert_allclose(streamed, whole, rtol=1e-5, atol=1e-7)
    if len(signal) > RATE:
        assert true_peak_dbtp(whole, RATE) <= -1.0 + 0.01


def test_limiter_with_blocks_cut_exactly_at_the_peaks() -> None:
    """Blocks of 4096 frames, clicks 3 frames before and 2 after each boundary."""
    signal = SIGNALS["speech with peaks on 4096-frame boundaries"]
    whole = limit(signal, RATE, -1.0)
    blocks = (slice(s, s + 4096) for s in range(0, len(signal), 4096))
    np.testing.assert_allclose(_limited_in_blocks(signal, blocks), whole, rtol=1e-5, atol=1e-7)
    # The clicks really were limited, and everything far from them left alone.
    assert true_peak_dbtp(whole, RATE) <= -1.0 + 0.01
    assert np.abs(whole[4096 - 3]) <= 10 ** (-1.0 / 20) * 1.001 < 0.9
    assert np.array_equal(whole[: 4096 - 1500], signal[: 4096 - 1500])


def test_stereo_limiter_in_random_blocks_equals_limit_on_the_whole() -> None:
    left = SIGNALS["speech with peaks on 4096-frame boundaries"]
    stereo = np.column_stack([left, np.roll(left, 777) * 0.5])
    whole = limit(stereo, RATE, -1.0)
    streamed = _limited_in_blocks(stereo, _blocks(len(stereo), 3))
    np.testing.assert_allclose(streamed, whole, rtol=1e-5, atol=1e-7)


# --- meters -------------------------------------------------------------------------


@pytest.mark.parametrize("name", SIGNALS)
def test_true_peak_meter_in_blocks_equals_the_whole_envelope(name: str) -> None:
    signal = SIGNALS[name]
    meter = TruePeakMeter(RATE)
    parts = [meter.add(signal[block]) for block in _blocks(len(signal), 4)]
    streamed = np.concatenate([*parts, meter.flush()])
    whole = true_peak_envelope(signal, RATE)
    assert streamed.shape == whole.shape == signal.shape
    np.testing.assert_allclose(streamed, whole, rtol=1e-5, atol=1e-7)
    assert meter.dbtp == pytest.approx(true_peak_dbtp(signal, RATE), abs=1e-4)


def test_true_peak_meter_in_blocks_finds_the_peak_between_samples() -> None:
    # A quarter-rate sine sampled 45 degrees off its crests: samples at 0.707, true peak 1.
    t = np.arange(RATE)
    sine = (0.5 * np.sin(2 * np.pi * t / 4 + np.pi / 4)).astype(np.float32)
    meter = TruePeakMeter(RATE)
    for block in _blocks(len(sine), 5):
        meter.add(sine[block])
    meter.flush()
    assert 20 * math.log10(np.abs(sine).max() / 0.5) == pytest.approx(-3.01, abs=0.01)
    assert meter.dbtp == pytest.approx(20 * math.log10(0.5), abs=0.1)


def test_loudness_meter_in_blocks_equals_the_whole() -> None:
    meter = LoudnessMeter(RATE)
    for block in _blocks(len(SPEECH), 6):
        meter.add(SPEECH[block])
    assert meter.loudness == pytest.approx(integrated_loudness(SPEECH, RATE), abs=0.01)
    assert meter.seconds == pytest.approx(len(SPEECH) / RATE)


# --- room tone and the bed ----------------------------------------------------------


def test_room_tone_laid_in_blocks_equals_fill_gaps() -> None:
    frames = 3 * RATE
    # Gaps straddling block edges, one too short to take any, one running off the end.
    gaps = [(1000, 9000), (20000, 20300), (44000, 90000), (frames - 5000, frames)]
    base = (np.random.default_rng(7).standard_normal(frames) * 0.01).astype(np.float32)
    whole = fill_gaps(base, RATE, gaps, -50.0)
    tone = RoomTone(RATE, gaps, -50.0)
    streamed = np.concatenate([tone.lay(base[b].copy(), b.start) for b in _blocks(frames, 8)])
    assert np.array_equal(streamed, whole)
    assert not np.array_equal(whole[1000:9000], base[1000:9000])  # laid
    assert np.array_equal(whole[20000:20300], base[20000:20300])  # too short: left
    assert np.array_equal(whole[9000:20000], base[9000:20000])  # speech: untouched


def test_the_bed_and_its_ducking_in_windows_equal_the_whole() -> None:
    frames = 4 * RATE
    speech = [(RATE // 2, RATE + 1000), (int(1.4 * RATE), 2 * RATE), (3 * RATE, frames - 100)]
    bed = (np.random.default_rng(9).standard_normal(RATE // 3) * 0.1).astype(np.float32)
    whole_gain = duck_gain(frames, RATE, speech, 12.0)
    whole_bed = lay_bed(bed, frames, RATE, speech, duck_db=12.0)
    assert whole_gain.min() < 0.3 and whole_gain.max() == pytest.approx(1.0)
    gains, beds = [], []
    for block in _blocks(frames, 10, largest=20000):
        gains.append(duck_gain(frames, RATE, speech, 12.0, start=block.start, stop=block.stop))
        beds.append(
            lay_bed(bed, frames, RATE, speech, duck_db=12.0, start=block.start, stop=block.stop)
        )
    np.testing.assert_allclose(np.concatenate(gains), whole_gain, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.concatenate(beds), whole_bed, rtol=1e-5, atol=1e-6)


# --- the spool ----------------------------------------------------------------------


def test_spool_reads_back_exactly_what_was_appended() -> None:
    signal = np.random.default_rng(11).standard_normal(100_003).astype(np.float32)
    with Spool() as spool:
        for block in _blocks(len(signal), 12):
            spool.append(signal[block])
        spool.append(np.zeros(0, dtype=np.float32))
        assert spool.frames == len(signal)
        assert np.array_equal(spool.read(0, spool.frames), signal)
        assert np.array_equal(spool.read(99_000, 200_000), signal[99_000:])  # clipped
        assert len(spool.read(500, 500)) == 0
        starts, parts = zip(*spool.blocks(4096), strict=True)
        assert list(starts) == list(range(0, len(signal), 4096))
        assert np.array_equal(np.concatenate(parts), signal)
        later = np.concatenate([b for _, b in spool.blocks(1000, start=50_000)])
        assert np.array_equal(later, signal[50_000:])


def test_spool_followed_while_another_thread_appends() -> None:
    signal = np.random.default_rng(13).standard_normal(300_000).astype(np.float32)
    read: list[tuple[int, np.ndarray]] = []
    with Spool() as spool:

        def follow() -> None:
            read.extend(spool.blocks(8192, follow=True))

        reader = threading.Thread(target=follow, daemon=True)
        reader.start()  # before anything is appended
        for number, block in enumerate(_blocks(len(signal), 14, largest=30000)):
            spool.append(signal[block])
            if number % 10 == 0:
                time.sleep(0.001)  # let the reader catch up and wait again
        time.sleep(0.05)
        assert reader.is_alive()  # still waiting for frames until the spool is finished
        spool.finish()
        reader.join(10)
        assert not reader.is_alive(), "the follower did not return after finish()"
    assert [start for start, _ in read] == list(range(0, len(signal), 8192))
    assert np.array_equal(np.concatenate([b for _, b in read]), signal)


# --- pass 2 against master() on the whole programme ---------------------------------


def _spooled(signal: np.ndarray, seed: int) -> tuple[Spool, LoudnessMeter]:
    """Pass 1: the speech appended to a spool and measured, in random blocks."""
    spool, meter = Spool(), LoudnessMeter(RATE)
    for block in _blocks(len(signal), seed, largest=40000):
        spool.append(signal[block])
        meter.add(signal[block])
    spool.finish()
    return spool, meter


def _programme(signal: np.ndarray, pauses: Gaps, clip_at: int | None) -> Programme:
    clips = [Clip(clip_at, default_sting(RATE), -3.0)] if clip_at is not None else []
    return Programme(RATE, len(signal), gaps=list(pauses), clips=clips)


PROGRAMMES = (
    # A jingle across the first block boundary, in a pause left for it; clicks on
    # every block boundary of pass 2.
    "speech, a jingle and peaks across block boundaries",
    "shorter than one block",
    "quiet (-60 LUFS)",
)


def _case(name: str, *, clicks: bool = True) -> tuple[np.ndarray, Gaps, int | None]:
    if name == "shorter than one block":
        signal, _ = _speechlike(1.2, seed=21)
        assert len(signal) < BLOCK_FRAMES
        return signal, [(int(0.6 * RATE), int(0.9 * RATE))], None
    if name == "quiet (-60 LUFS)":
        signal, pauses = _speechlike(6.0, seed=22, level=0.0015)
        return signal, pauses, None
    signal, pauses = _speechlike(12.0, seed=23)
    hole = (BLOCK_FRAMES - RATE, BLOCK_FRAMES + 2 * RATE)  # the jingle goes here
    signal[hole[0] : hole[1]] = 0.0
    if clicks:
        signal = _with_boundary_peaks(signal, BLOCK_FRAMES, height=0.5)
    apart = [(a, b) for a, b in pauses if b <= hole[0] or a >= hole[1]]  # gaps never overlap
    return signal, sorted([*apart, hole]), hole[0] + 2000


@pytest.mark.parametrize("fmt", ["wav", "flac"])
@pytest.mark.parametrize("name", PROGRAMMES)
def test_render_at_equal_gain_equals_master_on_the_whole(
    name: str, fmt: str, tmp_path: Path
) -> None:
    """Pass 2 (mix, gain, limiter, room tone, encode, in blocks) on a spooled programme,
    at the gain :func:`master` chose for the whole mixed array: the decoded file is that
    array, to within the 16-bit dither."""
    signal, pauses, clip_at = _case(name)
    spool, speech = _spooled(signal, seed=31)
    with spool:
        programme = _programme(signal, pauses, clip_at)
        mixer = Mixer(programme, speech.loudness)
        mixed = mixer.mix(signal.copy(), 0)
        ceiling = -1.0 - PCM_HEADROOM_DB
        whole = master(mixed, RATE, -16.0, ceiling)
        expected = fill_gaps(whole.samples, RATE, programme.gaps, -66.0)
        out = tmp_path / f"out.{fmt}"
        targets = Targets(fmt, -16.0, -1.0, -66.0)
        render(spool, programme, mixer, out, targets, gain_db=whole.gain_db, ceiling_dbtp=ceiling)
    decoded, rate = sf.read(out, dtype="float32")
    assert rate == RATE and decoded.shape == expected.shape
    assert np.abs(decoded - expected).max() <= 3 * LSB
    figures = measure_file(out)
    assert figures.loudness_lufs == pytest.approx(integrated_loudness(expected, RATE), abs=0.1)
    assert figures.true_peak_dbtp == pytest.approx(true_peak_dbtp(expected, RATE), abs=0.1)
    assert figures.loudness_lufs == pytest.approx(-16.0, abs=0.1)


@pytest.mark.parametrize("name", PROGRAMMES)
def test_master_to_file_meets_what_master_on_the_whole_meets(name: str, tmp_path: Path) -> None:
    """The whole of pass 2 as production runs it (its own gain, from pass 1's loudness
    and a probe of the limiter's effect): the same loudness and true peak as
    :func:`master` on the whole array, within 0.1 LU and 0.1 dB.

    Without the clicks of the equal-gain test: pass 2 predicts the limiter's loss of
    loudness once, from a probe (and accepts the decoded file within 0.2 LU), where
    :func:`master` iterates to 0.05 LU, so clicks 9 dB over the ceiling would part
    the two by more than 0.1 LU by design. Speech alone still has the limiter trim
    its occasional peak, as it does in production."""
    signal, pauses, clip_at = _case(name, clicks=False)
    spool, speech = _spooled(signal, seed=41)
    with spool:
        programme = _programme(signal, pauses, clip_at)
        mixer = Mixer(programme, speech.loudness)
        loudness = programme_loudness(spool, mixer, speech)
        mixed = mixer.mix(signal.copy(), 0)
        # Pass 1's loudness (jingle pooled with the speech) is the mix's.
        assert loudness == pytest.approx(integrated_loudness(mixed, RATE), abs=0.1)
        out = tmp_path / "out.wav"
        rendered = master_to_file(
            spool, programme, mixer, loudness, out, Targets("wav", -16.0, -1.0, -66.0)
        )
    whole = master(mixed, RATE, -16.0, -1.0 - PCM_HEADROOM_DB)
    expected = fill_gaps(whole.samples, RATE, programme.gaps, -66.0)
    assert rendered.encodes == 1
    assert rendered.gain_db == pytest.approx(whole.gain_db, abs=0.1)
    assert rendered.figures.loudness_lufs == pytest.approx(
        integrated_loudness(expected, RATE), abs=0.1
    )
    assert rendered.figures.true_peak_dbtp == pytest.approx(true_peak_dbtp(expected, RATE), abs=0.1)
    assert rendered.figures.true_peak_dbtp <= -1.0


def test_render_of_a_programme_below_the_loudness_gate(tmp_path: Path) -> None:
    """Quieter than BS.1770's -70 LUFS gate: nothing to measure, so no gain on either
    path; the decoded file is the whole-array result to within the dither."""
    signal = (np.random.default_rng(51).standard_normal(2 * RATE) * 1e-4).astype(np.float32)
    spool, speech = _spooled(signal, seed=52)
    with spool:
        programme = _programme(signal, [], None)
        mixer = Mixer(programme, speech.loudness)
        loudness = programme_loudness(spool, mixer, speech)
        assert loudness == -math.inf
        out = tmp_path / "out.flac"
        rendered = master_to_file(
            spool, programme, mixer, loudness, out, Targets("flac", -16.0, -1.0, -66.0)
        )
    whole = master(signal, RATE, -16.0, -1.0 - PCM_HEADROOM_DB)
    assert whole.gain_db == rendered.gain_db == 0.0
    decoded, _ = sf.read(out, dtype="float32")
    assert np.abs(decoded - whole.samples).max() <= 3 * LSB
    assert rendered.figures.loudness_lufs == -math.inf
