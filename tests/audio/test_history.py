"""Pass 2 plans its gain from what earlier runs of the same kind lost to the limiter and
the codec, and the decoded-file check still holds every file to the targets."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from narrator.audio.history import LossHistory, LoudnessLoss
from narrator.config import Station
from narrator.pipeline import produce
from narrator.text.readers import parse_markdown

ARTICLE = """# Ауа райы

Ертең елдің солтүстігінде 5 градусқа дейін суытады, деп хабарлады синоптиктер.
Астанада қар жауып, жел секундына 15 метрге дейін күшейеді.
Алматы облысында күн ашық болады, ал оңтүстікте жаңбыр күтіледі.
"""


def _produce(out: Path, caplog: pytest.LogCaptureFixture) -> tuple[float, int, list[str]]:
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="narrator"):
        made = produce(parse_markdown(ARTICLE, "a.md"), out, Station())
    return made.loudness_lufs, made.encodes, [r.getMessage() for r in caplog.records]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A history of this test's own (the session's cache is shared by every test)."""
    monkeypatch.setenv("NARRATOR_CACHE_DIR", str(tmp_path / "cache"))


def _history_file(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "mastering.json"


def test_the_second_run_plans_from_the_first_without_a_probe(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first_lufs, first_encodes, first_log = _produce(tmp_path / "one.mp3", caplog)
    saved = json.loads(_history_file(tmp_path).read_text("utf-8"))
    assert len(saved) == 1
    (entry,) = saved.values()
    assert 0.0 < entry["lu"] < 2.0  # LAME at 112 kbps and the limiter take some loudness
    second_lufs, second_encodes, second_log = _produce(tmp_path / "two.mp3", caplog)
    assert any("probe" in line for line in first_log)
    assert not any("probe" in line for line in second_log)
    assert any("from earlier runs" in line for line in second_log)
    for lufs, encodes in ((first_lufs, first_encodes), (second_lufs, second_encodes)):
        assert lufs == pytest.approx(-19.0, abs=0.2)
        assert encodes == 1


def test_a_wrong_history_costs_an_encode_and_is_corrected(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _produce(tmp_path / "one.mp3", caplog)
    path = _history_file(tmp_path)
    saved = json.loads(path.read_text("utf-8"))
    (key,) = saved
    right = saved[key]["lu"]
    saved[key]["lu"] = right + 2.0  # as if the codec had taken 2 LU more
    path.write_text(json.dumps(saved), "utf-8")
    lufs, encodes, lines = _produce(tmp_path / "two.mp3", caplog)
    assert encodes == 2
    assert any("encoding it again" in line for line in lines)
    assert lufs == pytest.approx(-19.0, abs=0.2)
    assert json.loads(path.read_text("utf-8"))[key]["lu"] == pytest.approx(right, abs=0.3)


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"x": {"lu": "loud"}}', ""])
def test_a_damaged_history_file_means_a_probe_not_a_failure(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: str
) -> None:
    path = _history_file(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, "utf-8")
    lufs, encodes, lines = _produce(tmp_path / "out.mp3", caplog)
    assert any("probe" in line for line in lines)
    assert lufs == pytest.approx(-19.0, abs=0.2) and encodes == 1
    assert len(json.loads(path.read_text("utf-8"))) >= 1


def test_an_entry_stands_only_for_runs_of_a_similar_gain(tmp_path: Path) -> None:
    history = LossHistory(tmp_path / "m.json", "mp3 112 kbps, voice x")
    assert history.predict(3.0) is None
    history.record(LoudnessLoss(0.6, 3.0))
    assert history.predict(3.5) == pytest.approx(0.6)
    assert history.predict(6.0) is None  # the limiter works much harder at +6 dB
    assert LossHistory(tmp_path / "m.json", "opus, voice x").predict(3.0) is None
    history.record(LoudnessLoss(9.0, 3.0))  # not a loss a codec makes: not kept
    assert history.predict(3.0) == pytest.approx(0.6)


def test_an_unwritable_history_is_no_failure(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", "utf-8")
    history = LossHistory(blocked / "m.json", "kind")  # its folder is a file
    history.record(LoudnessLoss(0.5, 2.0))
    assert history.predict(2.0) is None
