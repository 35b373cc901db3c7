"""Assembly: trimming, exact pauses, chapters, jingles, the bed; and narrator's own sting."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from narrator.audio.assemble import Assembler, jittered_ms, trim_silence
from narrator.audio.jingle import default_sting, duck_gain, lay_bed, load_audio
from narrator.audio.master import integrated_loudness
from narrator.engines.base import AudioChunk
from narrator.errors import InputError

RATE = 44100
VOICE_RATE = 22050


def _tone(seconds: float, *, lead: float = 0.1, tail: float = 0.15, rate: int = VOICE_RATE):
    """A 'sentence' as an engine gives it: silence, a tone, silence."""
    t = np.arange(int(seconds * rate)) / rate
    body = 0.3 * np.sin(2 * np.pi * 200 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))
    audio = np.concatenate([np.zeros(int(lead * rate)), body, np.zeros(int(tail * rate))])
    return AudioChunk(audio.astype(np.float32), rate)


def test_trim_keeps_exactly_the_margin_around_the_speech() -> None:
    chunk = _tone(0.5, lead=0.2, tail=0.3, rate=RATE)
    trimmed = trim_silence(chunk.samples, RATE, margin_ms=8)
    margin = RATE * 8 // 1000
    assert abs(len(trimmed) - (int(0.5 * RATE) + 2 * margin)) <= RATE // 1000
    assert trimmed[0] == 0 and trimmed[-1] == 0  # faded over the margins
    # Speech that starts at the very first sample is padded, so the margin still exists.
    flush = trim_silence(chunk.samples[int(0.2 * RATE) :], RATE, margin_ms=8)
    assert not flush[:margin].any()
    assert len(trim_silence(np.zeros(RATE, dtype=np.float32), RATE)) == 0


def test_pauses_are_measured_from_audible_end_to_audible_start() -> None:
    assembler = Assembler(RATE)
    first = assembler.add_speech([_tone(0.6)], "Бірінші.")
    second = assembler.add_speech([_tone(0.4)], "Екінші.", pause_ms=450)
    third = assembler.add_speech([_tone(0.4)], "Үшінші.", pause_ms=1700)
    assert first is not None and second is not None and third is not None
    assert second.start - first.end == pytest.approx(0.450, abs=1 / RATE)
    assert third.start - second.end == pytest.approx(1.700, abs=1 / RATE)
    programme = assembler.build("Сынақ")
    # In the audio: the quiet between the tones is the pause, to the sample.
    loud = np.flatnonzero(np.abs(programme.samples) > 10 ** (-50 / 20))
    steps = np.diff(loud)
    gaps = steps[steps > RATE // 10] / RATE
    np.testing.assert_allclose(gaps, [0.450, 1.700], atol=2 / RATE)
    # The pauses are recorded as gaps for room tone, inside the quiet.
    assert len(programme.gaps) == 2
    for start, stop in programme.gaps:
        assert not programme.samples[start:stop].any()


def test_a_long_sentence_in_chunks_keeps_the_clause_pause_inside_one_cue() -> None:
    assembler = Assembler(RATE)
    cue = assembler.add_speech([_tone(0.3), _tone(0.3)], "Ұзын сөйлем.", gap_ms=180)
    assert cue is not None
    assert cue.end - cue.start == pytest.approx(0.3 + 0.18 + 0.3, abs=0.003)
    assert assembler.add_speech([AudioChunk(np.zeros(100, np.float32), RATE)], "…") is None
    assert len(assembler.cues) == 1


def test_chapters_open_and_close_at_the_words() -> None:
    assembler = Assembler(RATE)
    assembler.add_clip(default_sting(RATE))
    assembler.add_speech([_tone(0.5)], "Кіріспе.", pause_ms=500)
    assembler.start_chapter("Бірінші")
    one = assembler.add_speech([_tone(0.5)], "Бірінші.", pause_ms=1700)
    assembler.start_chapter("Екінші")
    two = assembler.add_speech([_tone(0.5)], "Екінші.", pause_ms=1700)
    assembler.end_chapter()
    outro = assembler.add_speech([_tone(0.5)], "Соңы.", pause_ms=1700)
    programme = assembler.build()
    assert one and two and outro
    assert [c.title for c in programme.chapters] == ["Бірінші", "Екінші"]
    assert programme.chapters[0].start == one.start
    assert programme.chapters[0].end == programme.chapters[1].start == two.start
    assert programme.chapters[1].end == outro.start


def test_jingles_sit_at_their_level_against_the_speech() -> None:
    assembler = Assembler(RATE)
    sting = default_sting(RATE)
    assembler.add_clip(sting, level_lu=-3.0)
    assembler.add_pause(500)
    speech = [assembler.add_speech([_tone(2.0)], f"{i}.", pause_ms=450) for i in range(3)]
    programme = assembler.build()
    jingle_part = programme.samples[: len(sting)]
    first = speech[0]
    assert first is not None
    speech_part = programme.samples[int(first.start * RATE) :]
    difference = integrated_loudness(jingle_part, RATE) - integrated_loudness(speech_part, RATE)
    assert difference == pytest.approx(-3.0, abs=0.5)


def test_bed_is_ducked_under_speech_and_rises_in_long_gaps() -> None:
    frames = 10 * RATE
    speech = [(1 * RATE, 3 * RATE), (int(3.45 * RATE), 5 * RATE), (8 * RATE, 9 * RATE)]
    gain = 20 * np.log10(duck_gain(frames, RATE, speech, 15.0))
    assert gain[2 * RATE] == pytest.approx(-15.0, abs=0.01)
    assert gain[int(3.2 * RATE)] == pytest.approx(-15.0, abs=0.01)  # no swell in a sentence pause
    assert gain[int(6.8 * RATE)] == pytest.approx(0.0, abs=0.01)  # up in the long gap
    assert gain[8 * RATE] == pytest.approx(-15.0, abs=0.01)  # down again before the words
    assert np.abs(np.diff(gain)).max() < 0.01  # a ramp, not a step
    bed = (0.1 * np.sin(2 * np.pi * 330 * np.arange(RATE) / RATE)).astype(np.float32)
    track = lay_bed(bed, frames, RATE, speech, duck_db=15.0)
    loud = np.sqrt(np.mean(track[int(6.5 * RATE) : 7 * RATE] ** 2))
    assert track[0] == 0  # it fades in before the first words
    assert np.sqrt(np.mean(track[: RATE // 10] ** 2)) < loud / 10
    ducked = np.sqrt(np.mean(track[2 * RATE : int(2.5 * RATE)] ** 2))
    assert 20 * math.log10(loud / ducked) == pytest.approx(15.0, abs=0.5)


def test_bed_in_assembly_sits_under_the_speech() -> None:
    assembler = Assembler(RATE)
    for index in range(2):
        assembler.add_speech([_tone(2.0)], f"{index}.", pause_ms=2500)
    bed = (0.1 * np.sin(2 * np.pi * 330 * np.arange(RATE) / RATE)).astype(np.float32)
    assembler.set_bed(bed, level_lu=-6.0, duck_db=18.0)
    programme = assembler.build()
    gap_start, gap_stop = programme.gaps[-1]
    middle = programme.samples[(gap_start + gap_stop) // 2 - 2000 : (gap_start + gap_stop) // 2]
    assert np.sqrt(np.mean(middle**2)) > 10 ** (-40 / 20)  # the bed plays in the gap


def test_default_sting_is_narrators_own() -> None:
    intro, outro = default_sting(RATE, "intro"), default_sting(RATE, "outro")
    assert len(intro) / RATE == pytest.approx(2.4, abs=0.01)
    assert 20 * math.log10(float(np.abs(intro).max())) == pytest.approx(-6.02, abs=0.01)
    assert not np.array_equal(intro, outro)
    np.testing.assert_array_equal(intro, default_sting(RATE, "intro"))  # deterministic
    assert abs(float(intro[0])) < 1e-3 and abs(float(intro[-1])) < 1e-3  # no clicks at its ends
    assert math.isfinite(integrated_loudness(intro, RATE))


@pytest.mark.parametrize("fmt", ["wav", "flac", "ogg", "mp3"])
def test_jingle_files_load_mono_at_the_output_rate(tmp_path: Path, fmt: str) -> None:
    t = np.arange(48000) / 48000
    stereo = np.column_stack([0.3 * np.sin(2 * np.pi * 440 * t)] * 2).astype(np.float32)
    path = tmp_path / f"jingle.{fmt}"
    sf.write(path, stereo, 48000)
    audio = load_audio(path, RATE)
    assert audio.ndim == 1 and audio.dtype == np.float32
    assert len(audio) / RATE == pytest.approx(1.0, abs=0.06)
    assert np.abs(audio).max() == pytest.approx(0.3, abs=0.05)


def test_bad_jingle_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.wav: audio file not found"):
        load_audio(tmp_path / "nope.wav", RATE)
    junk = tmp_path / "junk.mp3"
    junk.write_text("not audio")
    with pytest.raises(InputError, match=r"junk\.mp3: not an audio file"):
        load_audio(junk, RATE)


def test_jitter_is_small_repeatable_and_varied() -> None:
    values = [jittered_ms(450, 40, f"sentence {i}") for i in range(50)]
    assert all(410 <= v <= 490 for v in values)
    assert values == [jittered_ms(450, 40, f"sentence {i}") for i in range(50)]
    assert len(set(values)) > 10
    assert jittered_ms(450, 0, "x") == 450
