"""The station file: typed settings with ranges; one clear line for any bad value."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narrator.config import SAMPLE_RATES, Station, load_station, station_from_dict
from narrator.errors import InputError
from tests.helpers import SEED_ARTICLE, run_narrator

# (TOML line, section, the setting as the error names it, the value as it shows it,
#  words of the allowed range that must appear)
BAD_VALUES = [
    ("jitter_ms = 100000000", "pauses", "pauses.jitter_ms", "100000000", "from 0 to 1000"),
    ("sample_rate = 0", "audio", "audio.sample_rate", "0", "44100"),
    ("sample_rate = -44100", "audio", "audio.sample_rate", "-44100", "48000"),
    ("sample_rate = 1099511627776", "audio", "audio.sample_rate", "1099511627776", "8000"),
    ("sample_rate = 10000000", "audio", "audio.sample_rate", "10000000", "one of"),
    ("loudness_lufs = nan", "audio", "audio.loudness_lufs", "nan", "from -40.0 to -10.0"),
    ("loudness_lufs = +10", "audio", "audio.loudness_lufs", "10", "from -40.0 to -10.0"),
    ("room_tone_dbfs = +20", "audio", "audio.room_tone_dbfs", "20", "from -120.0 to -40.0"),
    ("sentence_ms = -450", "pauses", "pauses.sentence_ms", "-450", "from 0 to 10000"),
    ("story_ms = -1", "pauses", "pauses.story_ms", "-1", "from 0 to 10000"),
    ("rate_wpm = 0", "voice", "voice.rate_wpm", "0", "from 60 to 450"),
    ("max_chunk_chars = 0", "text", "text.max_chunk_chars", "0", "from 40 to 5000"),
    ('register = "bogus"', "text", "text.register", '"bogus"', '"news", "formal"'),
    ("channels = 3", "audio", "audio.channels", "3", "one of 1, 2"),
    ("channels = true", "audio", "audio.channels", "true", "one of 1, 2"),
    ('format = "aac"', "audio", "audio.format", '"aac"', '"mp3", "ogg"'),
    ("bitrate_kbps = 8", "audio", "audio.bitrate_kbps", "8", "from 32 to 320"),
    ("true_peak_dbtp = inf", "audio", "audio.true_peak_dbtp", "inf", "from -12.0 to 0.0"),
    ('rate_wpm = "fast"', "voice", "voice.rate_wpm", '"fast"', "an integer"),
    ("rate_wpm = 165.5", "voice", "voice.rate_wpm", "165.5", "an integer"),
    ("jobs = 0", "performance", "performance.jobs", "0", '"auto" or an integer from 1'),
    ('executor = "dask"', "performance", "performance.executor", '"dask"', '"local", "ray"'),
    ('timezone = "Mars/Olympus"', "feed", "feed.timezone", '"Mars/Olympus"', "time zone"),
    ('link = "example.com"', "feed", "feed.link", '"example.com"', "http(s) URL"),
    ("max_mb = -1", "cache", "cache.max_mb", "-1", "from 0 to"),
]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(("line", "section", "key", "shown", "allowed"), BAD_VALUES)
def test_a_bad_value_is_one_line_naming_file_key_value_and_range(
    tmp_path: Path, line: str, section: str, key: str, shown: str, allowed: str
) -> None:
    path = _write(tmp_path, f"[{section}]\n{line}\n")
    with pytest.raises(InputError) as caught:
        load_station(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {key} = {shown}: must be "), message
    assert allowed in message, message


def test_sample_rate_lists_every_allowed_rate(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_station(_write(tmp_path, "[audio]\nsample_rate = 0\n"))
    assert all(str(rate) in str(caught.value) for rate in SAMPLE_RATES)


def test_bad_values_fail_the_real_cli_with_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "[pauses]\njitter_ms = 100000000\n")
    result = run_narrator(
        "speak", str(SEED_ARTICLE), "-o", str(tmp_path / "out.wav"), "--station", str(path)
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"error: {path}: pauses.jitter_ms = 100000000: must be an integer from 0 to 1000"
    ]
    assert not (tmp_path / "out.wav").exists()


def test_unknown_keys_and_sections_are_errors_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match=r"unknown setting 'audio\.samplerate' \(did you mean 'sample_rate'\?\)"
    ):
        load_station(_write(tmp_path, "[audio]\nsamplerate = 44100\n"))
    with pytest.raises(InputError, match=r"unknown setting 'sound'"):
        load_station(_write(tmp_path, "[sound]\nx = 1\n"))
    with pytest.raises(InputError, match=r"unknown setting 'path'"):
        load_station(_write(tmp_path, 'path = "/etc"\n'))
    with pytest.raises(InputError, match=r"\[audio\] must be a table of settings, not 3"):
        load_station(_write(tmp_path, "audio = 3\n"))


def test_relative_paths_are_resolved_against_the_files_folder(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    path = folder / "station.toml"
    path.write_text(
        '[text]\nlexicon = "lex/words.tsv"\n[audio]\ncover = "/abs/cover.png"\nmusic_bed = ""\n'
        '[voice]\nvoices_dir = "~/voices"\n',
        "utf-8",
    )
    station = load_station(path)
    assert station.text.lexicon == folder / "lex" / "words.tsv"
    assert station.audio.cover == Path("/abs/cover.png")
    assert station.audio.music_bed is None
    assert station.voice.voices_dir == Path("~/voices").expanduser()
    assert station.path == path


def test_valid_settings_keep_the_attribute_api(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "[audio]\nsample_rate = 48000\nloudness_lufs = -16\nchannels = 2\n"
        '[pauses]\nsentence_ms = 0\n[performance]\njobs = 3\nexecutor = "ray"\n'
        'ray_address = "ray://head:10001"\n',
    )
    station = load_station(path)
    assert station.audio.sample_rate == 48000
    assert station.audio.loudness_lufs == -16.0 and isinstance(station.audio.loudness_lufs, float)
    assert station.audio.target_lufs == -16.0
    assert station.pauses.sentence_ms == 0
    assert station.voice.rate_wpm == 165
    assert station.performance.jobs == 3
    assert station.performance.ray_address == "ray://head:10001"


def test_assignments_are_checked_too() -> None:
    station = Station()
    station.voice.rate_wpm = 200
    with pytest.raises(ValueError):
        station.voice.rate_wpm = 0
    with pytest.raises(ValueError):
        station.audio.sample_rate = 10_000_000  # type: ignore[assignment]


def test_a_file_that_is_not_a_station_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="station file not found"):
        load_station(tmp_path / "missing.toml")
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * (2 << 20))
    with pytest.raises(InputError, match="larger than"):
        load_station(big)
    nested = tmp_path / "nested.toml"
    nested.write_text("x = " + "[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError, match=str(nested)):
        load_station(nested)
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('[station]\nname = "Радио"\n'.encode("cp1251"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_station(latin1)


# -- arbitrary TOML values ------------------------------------------------------------

SECTIONS = {
    name: list(type(getattr(Station(), name)).model_fields)
    for name in Station.model_fields
    if name != "path"
}

toml_scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-2000, max_value=200_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["auto", "ray", "local", "news", "formal", "mp3", "Asia/Almaty", "x@y.kz"]),
    st.sampled_from(["https://x.kz/", "", "kk", "relative/path.tsv"]),
    st.booleans(),
    st.dates(),
    st.datetimes(timezones=st.just(dt.UTC)),
    st.sampled_from(list(SAMPLE_RATES)),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
section_tables = st.fixed_dictionaries(
    {},
    optional={
        section: st.dictionaries(st.sampled_from([*keys, "bogus_key"]), toml_values, max_size=4)
        | toml_values
        for section, keys in SECTIONS.items()
    },
)


def _check_valid(station: Station) -> None:
    """What every accepted station must satisfy."""
    assert station.audio.sample_rate in SAMPLE_RATES
    assert station.audio.channels in (1, 2)
    assert math.isfinite(station.audio.target_lufs) and -40 <= station.audio.target_lufs <= -10
    assert -120 <= station.audio.room_tone_dbfs <= -40
    assert 60 <= station.voice.rate_wpm <= 450
    assert 40 <= station.text.max_chunk_chars <= 5000
    assert station.text.register in ("news", "formal")
    for name in Station.model_fields["pauses"].annotation.model_fields:  # type: ignore[union-attr]
        assert 0 <= getattr(station.pauses, name) <= 10_000
    assert station.performance.jobs == "auto" or station.performance.jobs >= 1
    for value in (station.check.max_silence_s, station.feed.lock_timeout_s):
        assert math.isfinite(value) and value >= 0


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=section_tables)
def test_any_toml_values_give_valid_settings_or_one_clear_error(data: dict[str, Any]) -> None:
    file = Path("/stations/hyp.toml")
    try:
        station = station_from_dict(data, file)
    except InputError as exc:
        message = str(exc)
        assert message.startswith(f"{file}: ") and "\n" not in message, message
        assert re.search(r"(unknown setting|must be)", message), message
        return
    _check_valid(station)
