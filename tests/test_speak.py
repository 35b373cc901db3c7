"""``narrator speak`` end to end through the command line, and its error cases."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.helpers import SEED_ARTICLE, run_narrator


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.fixture(scope="module")
def seed_mp3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("speak") / "seed-article.mp3"
    result = run_narrator("speak", str(SEED_ARTICLE), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return out


def test_seed_article_to_mp3(seed_mp3: Path) -> None:
    data, rate = sf.read(seed_mp3, dtype="float32")
    assert rate == 44100
    duration = len(data) / rate
    characters = len(" ".join(SEED_ARTICLE.read_text("utf-8").split()))
    # A plausible speaking rate: 8-25 characters of written text per second.
    assert 8 <= characters / duration <= 25, (characters, duration)
    rms = float(np.sqrt(np.mean(np.square(data, dtype=np.float64))))
    assert rms > 0.01  # not silent
    assert np.abs(data).max() <= 1.0


@pytest.mark.parametrize("fmt", ["wav", "flac", "ogg", "opus"])
def test_other_formats_by_extension(tmp_path: Path, fmt: str) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Бүгін Астанада ауа райы жылы болады.", "utf-8")
    out = tmp_path / f"a.{fmt}"
    result = run_narrator("speak", str(text), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    info = sf.info(out)
    assert info.frames / info.samplerate > 1.0
    assert info.samplerate == (48000 if fmt == "opus" else 44100)


def test_format_option_overrides_extension(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Сәлем, әлем.", "utf-8")
    out = tmp_path / "audio.bin"
    result = run_narrator("speak", str(text), "-o", str(out), "--format", "flac", "--quiet")
    assert result.returncode == 0, result.stderr
    assert sf.info(out).format == "FLAC"


def test_stdin_input(tmp_path: Path) -> None:
    out = tmp_path / "stdin.wav"
    result = run_narrator("speak", "-", "-o", str(out), "--quiet", input="Сәлем, әлем.".encode())
    assert result.returncode == 0, result.stderr
    assert sf.info(out).frames > 0


def test_rate_option_speeds_up(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text(
        "Келер жылы еліміз ғарышқа екі спутник ұшырады. Сөйтіп, көктегі жерсеріктер көбейеді.",
        "utf-8",
    )
    durations = []
    for rate in ("120", "240"):
        out = tmp_path / f"r{rate}.wav"
        assert (
            run_narrator("speak", str(text), "-o", str(out), "--rate", rate, "-q").returncode == 0
        )
        durations.append(sf.info(out).duration)
    assert durations[1] < durations[0] * 0.8


# Each error: one line on stderr naming the problem, non-zero exit, nothing left behind.
def _assert_clean_failure(result, directory: Path, before: list[str], *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert _leftovers(directory) == before


def test_missing_input(tmp_path: Path) -> None:
    result = run_narrator("speak", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "x.mp3"))
    _assert_clean_failure(result, tmp_path, [], "missing.txt", "no such file")


def test_unreadable_input(tmp_path: Path) -> None:
    path = tmp_path / "unreadable.txt"
    if os.geteuid() == 0:
        # root reads any file whatever its mode; /proc/self/mem fails to read at offset 0
        path.symlink_to("/proc/self/mem")
    else:  # pragma: no cover - CI runs as root
        path.write_text("Сәлем.", "utf-8")
        path.chmod(0)
    result = run_narrator("speak", str(path), "-o", str(tmp_path / "x.mp3"))
    _assert_clean_failure(result, tmp_path, ["unreadable.txt"], path.name, "cannot read")


def test_empty_input(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("\n  \n", "utf-8")
    result = run_narrator("speak", str(path), "-o", str(tmp_path / "x.mp3"))
    _assert_clean_failure(result, tmp_path, ["empty.txt"], "empty.txt", "no text")


def test_bad_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Жаналык новости".encode("cp1251"))
    result = run_narrator("speak", str(path), "-o", str(tmp_path / "x.mp3"))
    _assert_clean_failure(result, tmp_path, ["latin1.txt"], "latin1.txt", "--encoding")


def test_unknown_voice(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Сәлем.", "utf-8")
    result = run_narrator(
        "speak", str(path), "-o", str(tmp_path / "x.mp3"), "--voice", "no-such-voice"
    )
    _assert_clean_failure(result, tmp_path, ["a.txt"], "no-such-voice")


def test_unwritable_output(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Сәлем.", "utf-8")
    result = run_narrator("speak", str(path), "-o", str(tmp_path / "no" / "such" / "dir" / "x.mp3"))
    _assert_clean_failure(result, tmp_path, ["a.txt"], "x.mp3")


def test_unknown_output_extension(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Сәлем.", "utf-8")
    result = run_narrator("speak", str(path), "-o", str(tmp_path / "x.xyz"))
    _assert_clean_failure(result, tmp_path, ["a.txt"], "x.xyz", "--format")


def test_existing_output_survives_a_failed_run(tmp_path: Path) -> None:
    out = tmp_path / "keep.mp3"
    out.write_bytes(b"previous audio")
    result = run_narrator("speak", str(tmp_path / "missing.txt"), "-o", str(out))
    assert result.returncode != 0
    assert out.read_bytes() == b"previous audio"


def test_version() -> None:
    result = run_narrator("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("narrator ")


def test_folder_of_articles_becomes_one_bulletin(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.md").write_text("# Бірінші жаңалық\n\nАстанада жаңа мектеп ашылды.\n", "utf-8")
    (articles / "b.txt").write_text("Екінші жаңалық\n\nАлматыда қар жауды.\n", "utf-8")
    out = tmp_path / "bulletin.mp3"
    result = run_narrator("speak", str(articles), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    chapters = json.loads(out.with_name("bulletin.chapters.json").read_text("utf-8"))["chapters"]
    titles = [c["title"] for c in chapters]
    assert titles[0] == "Кіріспе" and titles[-1] == "Қорытынды"
    assert sorted(titles[1:-1]) == ["Бірінші жаңалық", "Екінші жаңалық"]


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    result = run_narrator("speak", str(tmp_path / "articles"), "-o", str(tmp_path / "x.mp3"))
    _assert_clean_failure(result, tmp_path, ["articles"], "articles", "no articles")
