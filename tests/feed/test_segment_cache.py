"""The segment cache: hits and misses, LRU pruning, damaged entries, lexicon changes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from narrator.cache import SegmentCache, cache_dir_for, voice_fingerprint
from narrator.config import Station
from narrator.engines.base import AudioChunk, SynthesisParams, Voice
from narrator.pipeline import make_chain, synthesise
from narrator.text.document import Segment, SegmentKind
from narrator.text.normalize import NORMALIZER_VERSION
from tests.feed.feedcheck import narrator

SENTENCES = [
    "Бүгін Астанада күн ашық болады.",
    "Жаңа зауытты ҚазЕОСат компаниясы салады.",
    "Ертең жаңбыр жауады.",
]


def _segments(texts: list[str]) -> list[Segment]:
    return [Segment(text, SegmentKind.SENTENCE, story=0, paragraph=0) for text in texts]


def _chunk(value: float, frames: int = 1000) -> AudioChunk:
    return AudioChunk(np.full(frames, value, dtype=np.float32), 22050)


def _entry(cache: SegmentCache, key: str) -> Path:
    (path,) = cache.segments.glob(f"*/{key}.seg")
    return path


def test_store_then_hit(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    key = SegmentCache.key("сәлем", "voice", SynthesisParams(), "1")
    assert cache.get(key) is None
    samples = np.linspace(-1, 1, 5000, dtype=np.float32)
    cache.put(key, AudioChunk(samples, 22050))
    hit = cache.get(key)
    assert hit is not None and hit.sample_rate == 22050
    np.testing.assert_array_equal(hit.samples, samples)
    assert hit.samples.dtype == np.float32
    assert (cache.stats.hits, cache.stats.misses, cache.stats.stores) == (1, 1, 1)
    assert SegmentCache(tmp_path).get(key) is not None  # another run sees it too


def test_key_covers_text_voice_parameters_and_normaliser() -> None:
    base = SegmentCache.key("мәтін", "kk-espeak\x1fespeak\x1fv1", SynthesisParams(), "n1")
    assert base == SegmentCache.key("мәтін", "kk-espeak\x1fespeak\x1fv1", SynthesisParams(), "n1")
    variants = [
        SegmentCache.key("мәтін.", "kk-espeak\x1fespeak\x1fv1", SynthesisParams(), "n1"),
        SegmentCache.key("мәтін", "other\x1fespeak\x1fv1", SynthesisParams(), "n1"),
        SegmentCache.key("мәтін", "kk-espeak\x1fespeak\x1fv2", SynthesisParams(), "n1"),
        SegmentCache.key("мәтін", "kk-espeak\x1fespeak\x1fv1", SynthesisParams(rate_wpm=170), "n1"),
        SegmentCache.key("мәтін", "kk-espeak\x1fespeak\x1fv1", SynthesisParams(pitch=40), "n1"),
        SegmentCache.key("мәтін", "kk-espeak\x1fespeak\x1fv1", SynthesisParams(), "n2"),
    ]
    assert len({base, *variants}) == len(variants) + 1


def test_least_recently_used_entries_are_pruned_first(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    keys = [SegmentCache.key(str(i), "v", SynthesisParams(), "1") for i in range(4)]
    for age, key in zip((400, 300, 200, 100), keys, strict=True):
        cache.put(key, _chunk(0.1))
        then = _entry(cache, key).stat().st_mtime - age
        os.utime(_entry(cache, key), (then, then))
    size = _entry(cache, keys[0]).stat().st_size
    assert cache.get(keys[0]) is not None  # the oldest is used again: now the newest
    assert cache.prune(max_bytes=2 * size) == 2
    assert cache.stats.pruned == 2
    assert [cache.get(k) is not None for k in keys] == [True, False, False, True]
    assert cache.usage().entries == 2 and cache.usage().bytes == 2 * size


def test_prune_after_a_run_keeps_the_cache_within_its_bound(tmp_path: Path) -> None:
    station = Station()
    cache = SegmentCache(tmp_path, max_bytes=1)  # smaller than any entry
    list(synthesise(_segments(SENTENCES[:2]), station, make_chain(station), cache=cache))
    assert cache.stats.stores == 2 and cache.stats.pruned == 2
    assert cache.usage().entries == 0


@pytest.mark.parametrize(
    "damage",
    ["truncate", "flip payload byte", "flip header byte", "empty", "wrong length"],
)
def test_damaged_entry_is_a_miss_and_is_removed(tmp_path: Path, damage: str) -> None:
    cache = SegmentCache(tmp_path)
    key = SegmentCache.key("x", "v", SynthesisParams(), "1")
    cache.put(key, _chunk(0.25))
    path = _entry(cache, key)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) - 7]
    elif damage == "flip payload byte":
        data[-10] ^= 0x40
    elif damage == "flip header byte":
        data[3] ^= 0x01
    elif damage == "empty":
        data = bytearray()
    else:
        data += b"\x00\x00\x00\x00"
    path.write_bytes(bytes(data))
    assert cache.get(key) is None
    assert (cache.stats.corrupt, cache.stats.misses, cache.stats.hits) == (1, 1, 0)
    assert not path.exists()


def test_corrupt_entry_is_synthesised_again_never_played(tmp_path: Path) -> None:
    station = Station()
    chain = make_chain(station)
    first = SegmentCache(tmp_path)
    spoken = list(synthesise(_segments(SENTENCES), station, chain, cache=first))
    assert (first.stats.misses, first.stats.stores) == (3, 3)
    # Damage the middle sentence's entry: same length, different samples.
    key = SegmentCache.key(
        spoken[1].spoken, voice_fingerprint(chain.primary), chain.params, NORMALIZER_VERSION
    )
    entry = _entry(first, key)
    data = bytearray(entry.read_bytes())
    data[-100:] = bytes(b ^ 0x55 for b in data[-100:])
    entry.write_bytes(bytes(data))
    second = SegmentCache(tmp_path)
    again = list(synthesise(_segments(SENTENCES), station, chain, cache=second))
    assert (second.stats.hits, second.stats.misses, second.stats.corrupt) == (2, 1, 1)
    for index in (0, 2):  # the intact entries, as stored
        np.testing.assert_array_equal(
            spoken[index].chunks[0].samples, again[index].chunks[0].samples
        )
    # The damaged one was synthesised afresh: the flipped bits (huge or NaN floats) never
    # reach the programme. (espeak is not sample-exact from one call to the next.)
    fresh = again[1].chunks[0].samples
    assert np.isfinite(fresh).all() and np.abs(fresh).max() <= 1.0
    assert abs(len(fresh) - len(spoken[1].chunks[0].samples)) < 1000


def test_warm_run_never_calls_the_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    station = Station()
    chain = make_chain(station)
    cold = list(synthesise(_segments(SENTENCES), station, chain, cache=SegmentCache(tmp_path)))

    def no_synthesis(text: str) -> tuple[AudioChunk, Voice]:
        raise AssertionError(f"synthesised {text!r} despite the cache")

    monkeypatch.setattr(chain, "synthesize", no_synthesis)
    warm_cache = SegmentCache(tmp_path)
    warm = list(synthesise(_segments(SENTENCES), station, chain, cache=warm_cache))
    assert (warm_cache.stats.hits, warm_cache.stats.misses) == (3, 0)
    assert [s.voice_id for s in warm] == ["kk-espeak"] * 3
    for a, b in zip(cold, warm, strict=True):
        np.testing.assert_array_equal(a.chunks[0].samples, b.chunks[0].samples)


def test_rate_change_misses(tmp_path: Path) -> None:
    station = Station()
    list(
        synthesise(
            _segments(SENTENCES[:1]), station, make_chain(station), cache=SegmentCache(tmp_path)
        )
    )
    station.voice.rate_wpm += 20
    cache = SegmentCache(tmp_path)
    list(synthesise(_segments(SENTENCES[:1]), station, make_chain(station), cache=cache))
    assert (cache.stats.hits, cache.stats.misses) == (0, 1)


def test_lexicon_change_resynthesises_only_the_sentences_it_changes(tmp_path: Path) -> None:
    station = Station()
    cold = SegmentCache(tmp_path)
    list(synthesise(_segments(SENTENCES), station, make_chain(station), cache=cold))
    assert cold.stats.misses == 3
    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text("ҚазЕОСат\tҚазеосат\n", "utf-8")
    station.text.lexicon = lexicon
    warm = SegmentCache(tmp_path)
    spoken = list(synthesise(_segments(SENTENCES), station, make_chain(station), cache=warm))
    assert "Қазеосат" in spoken[1].spoken
    assert (warm.stats.hits, warm.stats.misses, warm.stats.stores) == (2, 1, 1)
    # A further edit of an entry no sentence uses changes nothing at all.
    lexicon.write_text("ҚазЕОСат\tҚазеосат\nАҚШ\tА-Қ-Ш\n", "utf-8")
    again = SegmentCache(tmp_path)
    list(synthesise(_segments(SENTENCES), station, make_chain(station), cache=again))
    assert (again.stats.hits, again.stats.misses) == (3, 0)


class _BrokenVoice(Voice):
    id = "broken"
    engine = "test"
    sample_rate = 22050

    def synthesize(self, text: str, params: SynthesisParams | None = None) -> Iterator[AudioChunk]:
        raise RuntimeError("model file missing")


def test_fallback_audio_is_filed_under_the_voice_that_spoke_it(tmp_path: Path) -> None:
    station = Station()
    chain = make_chain(station)
    chain._voices["broken"] = _BrokenVoice()
    chain.voice_ids = ["broken", "kk-espeak"]
    cache = SegmentCache(tmp_path)
    spoken = list(synthesise(_segments(SENTENCES[:1]), station, chain, cache=cache))
    assert spoken[0].voice_id == "kk-espeak" and cache.stats.stores == 1
    # Not a hit for the primary voice: the next run tries the primary voice again...
    again = SegmentCache(tmp_path)
    list(synthesise(_segments(SENTENCES[:1]), station, chain, cache=again))
    assert (again.stats.hits, again.stats.misses) == (0, 1)
    # ...while a station whose primary voice is the fallback reuses it.
    plain = SegmentCache(tmp_path)
    list(synthesise(_segments(SENTENCES[:1]), station, make_chain(station), cache=plain))
    assert (plain.stats.hits, plain.stats.misses) == (1, 0)


def test_cache_directory_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    station = Station()
    station.cache.dir = tmp_path / "from-station"
    monkeypatch.setenv("NARRATOR_CACHE_DIR", str(tmp_path / "from-env"))
    assert cache_dir_for(station) == tmp_path / "from-env"
    monkeypatch.delenv("NARRATOR_CACHE_DIR")
    assert cache_dir_for(station) == tmp_path / "from-station"
    station.cache.dir = None
    assert cache_dir_for(station).name == "narrator"


def test_clear_removes_entries_and_leftovers(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    for i in range(3):
        cache.put(SegmentCache.key(str(i), "v", SynthesisParams(), "1"), _chunk(0.1))
    (cache.segments / "ab").mkdir(exist_ok=True)
    (cache.segments / "ab" / ".abcdef.123.part").write_bytes(b"half")
    assert cache.clear() == 3
    assert cache.usage().entries == 0
    assert not any(cache.segments.rglob("*"))


def test_speak_uses_the_cache_unless_told_not_to(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(SENTENCES[0] + "\n", "utf-8")
    env = {"NARRATOR_CACHE_DIR": str(tmp_path / "cache")}
    result = narrator("speak", str(article), "-o", str(tmp_path / "a.wav"), "--no-cache", env=env)
    assert result.returncode == 0, result.stderr
    assert SegmentCache(tmp_path / "cache").usage().entries == 0
    result = narrator("speak", str(article), "-o", str(tmp_path / "b.wav"), env=env)
    assert result.returncode == 0, result.stderr
    assert SegmentCache(tmp_path / "cache").usage().entries >= 1


def test_a_long_sentence_keeps_every_chunk_cold_and_warm(tmp_path: Path) -> None:
    station = Station()
    station.text.max_chunk_chars = 40
    long = (
        "Елорда іргесінде салынып жатқан конструкторлық бюроның өнімдері, "
        "мамандардың айтуынша, орта есеппен екі жүз миллион еуроға сатылуы тиіс, "
        "ал зауыттың құрылысы екі жылдан кейін аяқталады."
    )
    segments = _segments([long, SENTENCES[2]])
    chain = make_chain(station)
    cold = list(synthesise(segments, station, chain, cache=SegmentCache(tmp_path)))
    warm = list(synthesise(segments, station, chain, cache=SegmentCache(tmp_path)))
    for spoken in (cold, warm):
        assert len(spoken[0].chunks) >= 4  # cut at the commas: every piece is kept
        assert all(len(chunk.samples) for chunk in spoken[0].chunks)
        assert len(spoken[1].chunks) == 1
    for first, again in zip(cold[0].chunks, warm[0].chunks, strict=True):
        np.testing.assert_array_equal(first.samples, again.samples)
