"""narrator speak against the raw engine, --jobs 1 against auto, and peak memory.

Everything runs as a child process, as a user runs it (interpreter start-up and
imports included), and every figure of a comparison is measured in this one run:

* espeak: the naive floor (libespeak-ng sentence by sentence on the normalised seed
  article, plus one soundfile MP3 encode of the result) against ``narrator speak``;
* Piper, a random-weight voice of the published medium architecture (built with
  torch in ``.venv-coqui``; skipped with a note where that environment is missing):
  piper-tts's own ``PiperVoice`` on the same normalised text, writing a WAV, against
  ``narrator speak``;
* ``[performance] jobs = 1`` against ``auto``, run in turn with the floor so that the
  machine's load falls on all alike (the first narrator run has no mastering history);
* peak RSS (``wait4`` of the child) of ``narrator speak`` for a 10-minute and a
  60-minute programme.

    python benchmarks/bench_pipeline.py [--skip-memory]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from narrator.text.normalize import normalize  # noqa: E402
from narrator.text.readers import read_document  # noqa: E402
from narrator.text.segment import segment_document  # noqa: E402

SEED = ROOT / "examples" / "seed-article.txt"
PYTHON = sys.executable
COQUI_PYTHON = ROOT / ".venv-coqui" / "bin" / "python"

ESPEAK_FLOOR = """
import sys, numpy as np, soundfile as sf
from narrator.engines.espeak import EspeakVoice
voice = EspeakVoice.load()
sentences = open(sys.argv[1], encoding="utf-8").read().splitlines()
audio = np.concatenate([voice.synthesize_all(s).samples for s in sentences])
sf.write(sys.argv[2], audio, voice.sample_rate, format="MP3")
"""

PIPER_FLOOR = """
import sys, wave
from piper import PiperVoice, SynthesisConfig
voice = PiperVoice.load(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
with wave.open(sys.argv[3], "wb") as out:
    voice.synthesize_wav(text, out, SynthesisConfig(normalize_audio=False))
"""

BUILD_MEDIUM = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from tests.engines.models import build_piper_real_architecture
print(build_piper_real_architecture(Path(sys.argv[1]), "medium"))
"""


def normalised_sentences() -> list[str]:
    """The seed article's sentences as the engine gets them."""
    segments = segment_document(read_document(str(SEED), None))
    return [normalize(segment.text) for segment in segments]


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """(wall seconds, peak RSS in MB) of a child process; its failure stops the benchmark."""
    started = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    stderr = child.stderr.read().decode() if child.stderr else ""
    if status != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{stderr}")
    return seconds, usage.ru_maxrss // 1024


def station(folder: Path, jobs: str, voice: str = "kk-espeak") -> Path:
    path = folder / f"station-{voice}-{jobs}.toml"
    jobs_value = jobs if jobs.isdigit() else f'"{jobs}"'
    path.write_text(
        f'[voice]\nid = "{voice}"\n[cache]\nenabled = false\n[performance]\njobs = {jobs_value}\n',
        "utf-8",
    )
    return path


def speak(source: Path, out: Path, station_file: Path) -> list[str]:
    command = ["speak", str(source), "-o", str(out), "--quiet", "--station", str(station_file)]
    return [PYTHON, "-m", "narrator", *command]


def line(label: str, value: str) -> None:
    print(f"  {label:<48} {value}")


def interleaved(
    rounds: int, commands: dict[str, tuple[list[str], dict[str, str] | None]]
) -> dict[str, list[float]]:
    """Every command once per round, in turn, so that the machine's load (noisy here)
    falls on all of them alike; the wall times of each, in order."""
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(rounds):
        for label, (args, env) in commands.items():
            times[label].append(run(args, env)[0])
    return times


def bench_espeak(work: Path, rounds: int) -> None:
    sentences = work / "sentences.txt"
    sentences.write_text("\n".join(normalised_sentences()), "utf-8")
    # A cache folder of its own: the first narrator run has no mastering history yet.
    env = {**os.environ, "NARRATOR_CACHE_DIR": str(work / "cache-espeak")}
    times = interleaved(
        rounds,
        {
            "floor": ([PYTHON, "-c", ESPEAK_FLOOR, str(sentences), str(work / "floor.mp3")], None),
            "1": (speak(SEED, work / "one.mp3", station(work, "1")), env),
            "auto": (speak(SEED, work / "auto.mp3", station(work, "auto")), env),
        },
    )
    floor = min(times["floor"])
    print(f"espeak, seed article (best of {rounds}, interleaved):")
    line("naive floor (espeak + one soundfile MP3 encode)", f"{floor:.2f} s")
    line("narrator speak, jobs = 1, first run", f"{times['1'][0]:.2f} s  (no mastering history)")
    for jobs in ("1", "auto"):
        best = min(times[jobs])
        line(f"narrator speak, jobs = {jobs}", f"{best:.2f} s  ({best / floor:.2f}x the floor)")


def bench_piper(work: Path, rounds: int) -> None:
    if not COQUI_PYTHON.exists():
        print(
            "piper medium: skipped (needs torch in .venv-coqui to build the voice: make test-coqui)"
        )
        return
    built = subprocess.run(
        [str(COQUI_PYTHON), "-c", BUILD_MEDIUM, str(work / "medium"), str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
    )
    model = Path(built.stdout.strip().splitlines()[-1])
    voices = work / "voices"
    env = {**os.environ, "NARRATOR_VOICES_DIR": str(voices)}
    subprocess.run(
        [PYTHON, "-m", "narrator", "voices", "install", str(model), "--quiet"],
        env=env,
        check=True,
        capture_output=True,
    )
    voice_id = model.stem
    text = work / "normalised.txt"
    text.write_text("\n".join(normalised_sentences()), "utf-8")
    env["NARRATOR_CACHE_DIR"] = str(work / "cache-piper")
    commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "raw": ([PYTHON, "-c", PIPER_FLOOR, str(model), str(text), str(work / "f.wav")], None)
    }
    for jobs in ("1", "auto"):
        commands[jobs] = (speak(SEED, work / f"p{jobs}.mp3", station(work, jobs, voice_id)), env)
    times = interleaved(rounds, commands)
    floor = min(times["raw"])
    print(
        f"Piper, random-weight medium architecture, seed article (best of {rounds}, interleaved):"
    )
    line("piper-tts PiperVoice, same normalised text", f"{floor:.2f} s")
    line("narrator speak, jobs = 1, first run", f"{times['1'][0]:.2f} s  (no mastering history)")
    for jobs in ("1", "auto"):
        best = min(times[jobs])
        line(f"narrator speak, jobs = {jobs}", f"{best:.2f} s  ({best / floor:.2f}x raw)")


def bench_memory(work: Path) -> None:
    article = SEED.read_text("utf-8").strip()
    peaks = {}
    for minutes, copies in ((10, 3), (60, 18)):
        source = work / f"programme-{minutes}.md"
        stories = [f"# {index + 1}-хабар\n\n{article}" for index in range(copies)]
        source.write_text("\n\n".join(stories), "utf-8")
        seconds, peak = run(speak(source, work / f"m{minutes}.mp3", station(work, "auto")))
        import soundfile as sf

        length = sf.info(str(work / f"m{minutes}.mp3")).duration / 60
        peaks[minutes] = peak
        line(f"{length:.0f}-minute programme", f"peak RSS {peak} MB, {seconds:.1f} s")
    line("60-minute against 10-minute peak", f"{peaks[60] / peaks[10]:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-piper", action="store_true")
    options = parser.parse_args()
    # Byte-compiled first, as pip does when it installs narrator from a wheel: an
    # editable install under PYTHONDONTWRITEBYTECODE (set on this machine) would
    # otherwise compile narrator's modules again in every run (about 0.15 s).
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "narrator")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bench_espeak(work, options.rounds)
        if not options.skip_piper:
            bench_piper(work, options.rounds)
        if not options.skip_memory:
            print("Peak memory of narrator speak (embedded voice, MP3):")
            bench_memory(work)


if __name__ == "__main__":
    main()
