"""SSML breaks, rates and phonemes through the real engines and the real command line.

Pauses are measured in the decoded audio as the assembler lays them: from the last
millisecond of speech louder than -50 dBFS (RMS over 1 ms) to the next one. The cues of
the transcript only say where to look.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from narrator.audio.assemble import SILENCE_THRESHOLD_DB
from narrator.cache import SegmentCache
from narrator.config import Station
from narrator.engines.base import SynthesisParams
from narrator.engines.espeak import EspeakVoice
from narrator.engines.executor import InProcessExecutor, ProcessExecutor, Request, VoiceSpec
from narrator.errors import InputError
from narrator.pipeline import make_chain, synthesise
from narrator.text.normalize import normalize
from narrator.text.segment import segment_document
from narrator.text.ssml import MAX_BREAK_MS, parse_ssml
from tests.engines.models import build_piper_voice
from tests.helpers import run_narrator

TOLERANCE_MS = 20
SENTENCE = "Ертең астанада күн жылы болады"


def _speak(tmp_path: Path, name: str, text: str, *args: str) -> Path:
    source = tmp_path / name
    source.write_text(text, "utf-8")
    out = source.with_suffix(".wav")
    result = run_narrator("speak", str(source), "-o", str(out), "-q", *args)
    assert result.returncode == 0, result.stderr
    return out


def _cues(out: Path) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue of the WebVTT beside ``out``."""
    cues = []
    for block in out.with_suffix(".vtt").read_text("utf-8").split("\n\n")[1:]:
        lines = block.strip().splitlines()
        start, _, end = lines[1].partition(" --> ")
        cues.append((_seconds(start), _seconds(end), " ".join(lines[2:])))
    return cues


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _loud_ms(out: Path) -> np.ndarray:
    """Per millisecond of the decoded file: louder than the assembler's threshold?"""
    samples, rate = sf.read(out, dtype="float32")
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    frame = rate // 1000
    blocks = samples[: len(samples) // frame * frame].reshape(-1, frame).astype(np.float64)
    return np.sqrt(np.mean(blocks**2, axis=1)) > 10 ** (SILENCE_THRESHOLD_DB / 20)


def _pauses_ms(out: Path) -> list[int]:
    """The quiet between each pair of consecutive cues, measured in the audio."""
    loud = _loud_ms(out)
    cues = _cues(out)
    pauses = []
    for (_, end, _), (start, _, _) in itertools.pairwise(cues):
        middle = round((end + start) / 2 * 1000)
        assert not loud[middle], "a cue boundary in the middle of speech"
        before = middle
        while before > 0 and not loud[before - 1]:
            before -= 1
        after = middle
        while after < len(loud) and not loud[after]:
            after += 1
        pauses.append(after - before)
    return pauses


def _durations(out: Path) -> list[float]:
    return [end - start for start, end, _ in _cues(out)]


# -- <break> -----------------------------------------------------------------------------


def test_ssml_breaks_give_exactly_their_pause(tmp_path: Path) -> None:
    station = Station()  # the default pauses: clause 180, sentence 450, paragraph 900, story 1700
    ssml = (
        "<speak><p>Бүгін ауа райы жақсы.<break time='750ms'/>Ертең жаңбыр жауады."
        "<break time='2s'/>Бұл үшінші сөйлем.<break strength='strong'/>Бұл төртінші сөйлем."
        "<break strength='x-weak'/>Бұл бесінші сөйлем.<break/>Бұл алтыншы"
        "<break time='1.25s'/>сөйлемнің соңы.</p></speak>"
    )
    out = _speak(tmp_path, "b.ssml", ssml, "--input-format", "ssml")
    wanted = [
        750,
        2000,
        station.pauses.story_ms,
        station.pauses.clause_ms,
        station.pauses.paragraph_ms,  # a bare <break/> is medium
        1250,  # inside a sentence: the sentence is cut there
    ]
    measured = _pauses_ms(out)
    assert len(measured) == len(wanted), _cues(out)
    for got, want in zip(measured, wanted, strict=True):
        assert abs(got - want) <= TOLERANCE_MS, (measured, wanted)
    assert [text for _, _, text in _cues(out)][-2:] == ["Бұл алтыншы", "сөйлемнің соңы."]


def test_markdown_inline_break_gives_exactly_its_pause(tmp_path: Path) -> None:
    text = "# Ауа райы\n\nБүгін күн ашық.<break time='1200ms'/> Ертең қар жауады.\n"
    out = _speak(tmp_path, "m.md", text)
    cues = _cues(out)
    assert [c[2] for c in cues] == ["Ауа райы", "Бүгін күн ашық.", "Ертең қар жауады."]
    assert abs(_pauses_ms(out)[-1] - 1200) <= TOLERANCE_MS


def test_bad_break_values(tmp_path: Path) -> None:
    source = tmp_path / "bad.ssml"
    source.write_text("<speak>Бір.<break time='soon'/>Екі.</speak>", "utf-8")
    result = run_narrator("speak", str(source), "-o", str(tmp_path / "bad.wav"))
    assert result.returncode == InputError.exit_code
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith("bad.ssml: break time 'soon' is not a time (e.g. 750ms, 2s)")
    )
    assert "Traceback" not in result.stderr and not (tmp_path / "bad.wav").exists()
    long = run_narrator(
        "normalize", "-", input="<speak>Бір.<break time='40s'/>Екі.</speak>".encode()
    )
    assert long.returncode == 0 and f"cut to {MAX_BREAK_MS} ms" in long.stderr
    document = parse_ssml("<speak>Бір.<break time='40s'/>Екі.</speak>", "x")
    assert segment_document(document)[1].pause_before == (str(MAX_BREAK_MS),)


# -- <prosody rate> ----------------------------------------------------------------------


def _rated_ssml() -> str:
    return (
        f"<speak><p>{SENTENCE}.</p><p><prosody rate='50%'>{SENTENCE}.</prosody></p>"
        f"<p>{SENTENCE}.</p><p>Бүгін <prosody rate='x-fast'>{SENTENCE}</prosody> деді.</p>"
        "</speak>"
    )


def test_prosody_rate_applies_to_the_text_it_wraps_espeak(tmp_path: Path) -> None:
    out = _speak(tmp_path, "r.ssml", _rated_ssml(), "--input-format", "ssml")
    cues = _cues(out)
    assert [c[2] for c in cues] == [f"{SENTENCE}."] * 3 + ["Бүгін", SENTENCE, "деді."]
    normal, slow, again, _, fast, _ = _durations(out)
    assert slow > 1.6 * normal  # 165 wpm -> 82 wpm
    assert abs(again - normal) < 0.05 * normal  # the rate ends with its element
    assert fast < 0.8 * normal  # x-fast: 1.5 times the rate
    # The sentence cut by the change of rate is joined with the clause pause.
    clause = Station().pauses.clause_ms
    assert all(abs(p - clause) <= TOLERANCE_MS for p in _pauses_ms(out)[-2:])


def test_prosody_rate_applies_to_the_text_it_wraps_piper(tmp_path: Path) -> None:
    model = build_piper_voice(tmp_path / "voice")
    out = _speak(tmp_path, "r.ssml", _rated_ssml(), "--input-format", "ssml", "--voice", str(model))
    normal, slow, again, _, fast, _ = _durations(out)
    # The tiny model repeats each phoneme's tone round(4 * length_scale) times: 4 at
    # 165 wpm, 8 at 82 wpm, 3 at 248 wpm.
    assert slow == pytest.approx(2 * normal, rel=0.03)
    assert again == pytest.approx(normal, rel=0.01)
    assert fast == pytest.approx(0.75 * normal, rel=0.05)


def test_a_segments_rate_is_part_of_its_cache_key(tmp_path: Path) -> None:
    station = Station()
    cache = SegmentCache(tmp_path / "cache")
    document = parse_ssml(
        f"<speak><p><prosody rate='slow'>{SENTENCE}.</prosody></p><p>{SENTENCE}.</p></speak>",
        "x",
    )
    segments = segment_document(document)
    chain = make_chain(station)
    first = [s.chunks[0].duration for s in synthesise(segments, station, chain, cache=cache)]
    assert cache.stats.stores == 2  # the same words at two rates: two entries
    assert first[0] > 1.15 * first[1]
    again = [s.chunks[0].duration for s in synthesise(segments, station, chain, cache=cache)]
    assert cache.stats.hits == 2 and again == first


def test_process_executor_speaks_each_request_at_its_own_rate() -> None:
    spec = VoiceSpec(("kk-espeak",), SynthesisParams(rate_wpm=160))
    slow = SynthesisParams(rate_wpm=80)
    requests = [Request(SENTENCE), Request(SENTENCE, slow), SENTENCE]
    with InProcessExecutor(spec) as local:
        expected = [r.chunk.duration for r in local.map(requests)]
    with ProcessExecutor(spec, 2) as pool:
        got = [r.chunk.duration for r in pool.map(requests)]
    # (espeak-ng's first sentence after it starts may differ by a few samples)
    assert got == pytest.approx(expected, rel=0.01)
    assert got[1] > 1.6 * got[0] and got[2] == pytest.approx(got[0], rel=0.01)


# -- <phoneme alphabet="x-espeak"> ------------------------------------------------------

PHONEME_SSML = (
    "<speak><p>Мен <phoneme alphabet='x-espeak' ph=\"b'O:t\">Қазақстан Республикасы</phoneme>"
    " дедім.</p><p>Мен Қазақстан Республикасы дедім.</p></speak>"
)


def test_phonemes_reach_the_espeak_voice() -> None:
    (said, written) = segment_document(parse_ssml(PHONEME_SSML, "x"))
    assert said.text == written.text == "Мен Қазақстан Республикасы дедім."
    # The normaliser leaves the phonemes alone and gives them as espeak-ng's input.
    assert normalize(said.reading) == "Мен [[b'O:t]] дедім."
    station = Station()
    spoken = list(synthesise([said, written], station, make_chain(station)))
    assert spoken[0].spoken == "Мен [[b'O:t]] дедім."
    voice = EspeakVoice.load()
    params = SynthesisParams(rate_wpm=station.voice.rate_wpm, pitch=station.voice.pitch)
    direct = voice.synthesize_all("Мен [[b'O:t]] дедім.", params)
    # (espeak-ng is not sample-exact from one call to the next: a few samples' drift)
    assert spoken[0].chunks[0].duration == pytest.approx(direct.duration, rel=0.01)
    # Read as phonemes, not as the written words nor as the letters of "[[b'O:t]]".
    assert spoken[0].chunks[0].duration < 0.6 * spoken[1].chunks[0].duration
    letters = voice.synthesize_all("Мен бэ о тэ дедім.", params)
    assert direct.duration < 0.85 * letters.duration


def test_written_text_never_opens_phoneme_input() -> None:
    assert "[[" not in normalize("Мәтін [[b'O:t]] ішінде.")
    (segment,) = segment_document(parse_ssml("<speak>Мәтін [[b'O:t]] ішінде.</speak>", "x"))
    assert not segment.phonemes and "[[" not in normalize(segment.reading)


def test_phonemes_through_speak_espeak_and_piper(tmp_path: Path) -> None:
    model = build_piper_voice(tmp_path / "voice")
    for voice in ("kk-espeak", str(model)):
        out = _speak(tmp_path, "ph.ssml", PHONEME_SSML, "--input-format", "ssml", "--voice", voice)
        cues = _cues(out)
        assert [c[2] for c in cues] == ["Мен Қазақстан Республикасы дедім."] * 2
        with_phonemes, written = _durations(out)
        assert with_phonemes < 0.6 * written, voice


def test_piper_gets_the_phonemes_as_ipa(tmp_path: Path) -> None:
    from narrator.engines.piper import PiperVoice

    model = build_piper_voice(tmp_path / "voice")
    voice = PiperVoice.load("tiny", model)
    assert voice.piper_text("Мен [[k'aspi]] дедім.") == "Мен [[kˈaspi]] дедім."
    (phonemes,) = voice.piper.phonemize(voice.piper_text("[[k'aspi]]"))
    assert phonemes == list("kˈaspi")
    # What narrator's Piper voice says is what Piper says for those IPA phonemes...
    ours = voice.synthesize_all("[[k'aspi]]")
    config = voice.synthesis_config(SynthesisParams())
    theirs = np.concatenate(
        [c.audio_float_array for c in voice.piper.synthesize("[[kˈaspi]]", config)]
    )
    assert np.array_equal(ours.samples, theirs)
    # ...and not what it says for the written word.
    assert not np.array_equal(ours.samples, voice.synthesize_all("каспи").samples)


def test_x_sampa_is_read_as_text_with_a_warning() -> None:
    ssml = "<speak><phoneme alphabet='x-sampa' ph='kA:spi'>Каспи</phoneme> банкі.</speak>"
    result = run_narrator("normalize", "-", input=ssml.encode())
    assert result.returncode == 0 and result.stdout == "Каспи банкі.\n"
    assert "espeak-ng cannot read x-sampa phonemes" in result.stderr


def test_normalize_command_shows_the_phonemes() -> None:
    result = run_narrator("normalize", "-", input=PHONEME_SSML.encode())
    assert result.returncode == 0, result.stderr
    assert "Мен [[b'O:t]] дедім." in result.stdout
    # The phonemes are no Latin letters to report, and no span of the written text.
    checked = run_narrator("normalize", "--check", "-", input=PHONEME_SSML.encode())
    assert checked.returncode == 0 and checked.stdout == "", checked.stdout
    explained = run_narrator("normalize", "--explain", "-", input=PHONEME_SSML.encode())
    assert explained.returncode == 0 and "\ue000" not in explained.stdout


def test_a_feed_description_shows_no_marks() -> None:
    from narrator.feed.publish import _description
    from narrator.text.readers import parse

    document = parse("Бүгін күн ашық.<break time='1s'/> Ертең қар жауады.\n", "a.md", "md")
    assert _description(document) == "Бүгін күн ашық. Ертең қар жауады."


def test_a_break_at_the_end_of_a_story_goes_before_the_next_title() -> None:
    from narrator.text.readers import parse

    document = parse("## Бір\n\nСөйлем.<break time='3s'/>\n\n## Екі\n\nСөз.\n", "a.md", "md")
    cut = [(s.text, s.pause_before) for s in segment_document(document)]
    assert cut == [("Бір", ()), ("Сөйлем.", ()), ("Екі", ("3000",)), ("Сөз.", ())]


def test_a_chapter_title_from_marked_text_shows_no_marks() -> None:
    from narrator.text.bulletin import chapter_title

    ssml = (
        "<speak><prosody rate='slow'>Баяу <phoneme alphabet='x-espeak' ph='a'>сөз</phoneme>."
        "</prosody><break time='1s'/> Тағы.</speak>"
    )
    assert chapter_title(parse_ssml(ssml, "x").stories[0]) == "Баяу сөз."
