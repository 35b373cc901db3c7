"""Real-time factor (synthesis time / audio time) of each engine on this machine.

Engines: the embedded espeak-ng voice, the tiny Piper voices the tests build (one and
three speakers), and, where torch is installed (``.venv-coqui``), random-weight Piper
voices of the published "medium" and "high" architectures, the tiny random VITS and a
random-weight VITS of MMS's size (the architecture of Meta's Kazakh model). Lower is
faster; below 1 is faster than real time. The tiny models measure narrator's and the
engines' overhead; the random full-size ones, the speed of a real voice's network.

    python benchmarks/bench_engines.py            # in .venv (espeak, Piper)
    .venv-coqui/bin/python benchmarks/bench_engines.py   # adds Coqui
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from narrator.engines.base import Voice  # noqa: E402
from narrator.engines.coqui import CoquiVoice  # noqa: E402
from narrator.engines.espeak import EspeakVoice  # noqa: E402
from narrator.engines.piper import PiperVoice  # noqa: E402
from tests.engines.models import build_piper_voice  # noqa: E402

SENTENCES = [
    "Қайырлы таң, құрметті тыңдармандар!",
    "Бүгін Астанада ауа райы жылы болады, кешке қарай жаңбыр жауады.",
    "Қала әкімдігі жаңа саябақтың құрылысы аяқталғанын хабарлады.",
    "Үкімет отырысында ауыл шаруашылығын қолдау шаралары талқыланды.",
    "Спорт жаңалықтарына келсек, біздің құрама жеңіске жетті.",
    "Ертеңгі хабарларымызды тыңдауды ұмытпаңыздар.",
]
ROUNDS = 3


def real_time_factor(voice: Voice, sentences: list[str]) -> tuple[float, float, float]:
    """(RTF, seconds synthesising, seconds of audio) over ``ROUNDS`` passes."""
    voice.synthesize_all(sentences[0])  # warm-up: first-call initialisation is not speed
    spent = audio = 0.0
    for _ in range(ROUNDS):
        for sentence in sentences:
            started = time.perf_counter()
            chunk = voice.synthesize_all(sentence)
            spent += time.perf_counter() - started
            audio += chunk.duration
    return spent / audio, spent, audio


def main() -> None:
    warnings.simplefilter("ignore")  # torch's export and deprecation notices, not figures
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        voices: list[tuple[str, Voice | None]] = [
            ("espeak kk-espeak (embedded)", EspeakVoice.load()),
            (
                "piper tiny test voice (1 speaker)",
                PiperVoice.load("tiny", build_piper_voice(work / "p1", "tiny")),
            ),
            (
                "piper tiny test voice (3 speakers)",
                PiperVoice.load(
                    "multi", build_piper_voice(work / "p3", "multi", speakers=["A", "B", "C"])
                ),
            ),
        ]
        if importlib.util.find_spec("torch") is not None:
            from tests.engines.models import build_piper_real_architecture

            for quality in ("medium", "high"):
                model = build_piper_real_architecture(work / f"piper-{quality}", quality)
                name = f"piper {quality} architecture, random weights"
                voices.append((name, PiperVoice.load(quality, model)))
        if importlib.util.find_spec("TTS") is not None:
            from tests.engines.models import build_mms_folder, build_vits

            model, config = build_vits(work / "vits")
            voices.append(("coqui tiny random VITS (6 MB)", CoquiVoice.load("vits", model, config)))
            checkpoint = build_mms_folder(work / "fairseq" / "kaz")
            voices.append(("coqui MMS-size random VITS", CoquiVoice.load("mms", checkpoint)))
        else:
            voices.append(("coqui (TTS not installed: run with .venv-coqui)", None))

        print(f"{'engine / voice':48} {'RTF':>8} {'synth s':>8} {'audio s':>8}")
        for name, voice in voices:
            if voice is None:
                print(f"{name:48} {'-':>8}")
                continue
            rtf, spent, audio = real_time_factor(voice, SENTENCES)
            print(f"{name:48} {rtf:8.4f} {spent:8.2f} {audio:8.1f}")


if __name__ == "__main__":
    main()
