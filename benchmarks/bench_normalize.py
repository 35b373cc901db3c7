"""Throughput of the Kazakh normaliser on a large body of news-like text (one core).

Run: ``python benchmarks/bench_normalize.py [MEGABYTES] [--root DIR]``. Builds the
text from the seed article, the normaliser's case files and generated sentences with
numbers, dates, percentages, money, units and times, then times ``normalize()`` over it
and prints KB/s. The target is at least 3 MB/s on one core (issue 11). ``--root DIR``
times the ``narrator`` package under DIR instead (an older checkout, for before/after
figures on the same text).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_ROOT_ARGUMENT = sys.argv.index("--root") if "--root" in sys.argv else None
CODE_ROOT = Path(sys.argv[_ROOT_ARGUMENT + 1]) if _ROOT_ARGUMENT is not None else ROOT
if _ROOT_ARGUMENT is not None:
    del sys.argv[_ROOT_ARGUMENT : _ROOT_ARGUMENT + 2]
sys.path.insert(0, str(CODE_ROOT))

from narrator.text.normalize import normalize  # noqa: E402

TARGET_KB_PER_S = 3000
SEED_ARTICLE = ROOT.parent / "shared" / "examples" / "seed-article.txt"
CASES_DIR = ROOT / "tests" / "normalize" / "cases"
TEMPLATES = (
    "{year} жылы елімізде {n} мыңнан астам жаңа жұмыс орны ашылды.",
    "Инфляция {d},{d2}%-ға дейін баяулады, деп хабарлады Ұлттық банк.",
    "Жобаға ${n} млн инвестиция тартылды, оның {p}%-ы шетел капиталы.",
    "Қаладағы ауа температурасы -{t}°C-қа дейін төмендейді.",
    "Жиын {day} {month_in} сағат {h}:00-де басталады.",
    "Жол {n} км-ге созылып, оған {n} млрд теңге жұмсалды.",
    "ҚР Үкіметі {year} жылғы {day} {month_of} қаулыны бекітті.",
    "Матч {d}:{d2} есебімен аяқталды, ал келесі ойын {day}-{month_in} өтеді.",
    "Өнімділік гектарына {n} центнерді құрады, бұл өткен жылдан {d} есе көп.",
    "Мектептің {d}-сыныбында {n} оқушы оқиды.",
)
# Months in the locative (сәуірде) and with -дағы/-дегі (сәуірдегі), as news writes them.
MONTHS = (
    ("қаңтарда", "қаңтардағы"),
    ("ақпанда", "ақпандағы"),
    ("наурызда", "наурыздағы"),
    ("сәуірде", "сәуірдегі"),
    ("мамырда", "мамырдағы"),
    ("маусымда", "маусымдағы"),
    ("шілдеде", "шілдедегі"),
    ("тамызда", "тамыздағы"),
)


def _case_sentences() -> list[str]:
    sentences = []
    for path in sorted(CASES_DIR.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and "~" in line:
                sentences.append(line.split("~", 1)[0])
    return sentences


def build_body(megabytes: float, seed: int = 1) -> str:
    """A deterministic body of news-like text of about ``megabytes`` MB (UTF-8)."""
    rng = random.Random(seed)
    pieces = _case_sentences()
    if SEED_ARTICLE.exists():
        pieces.extend(SEED_ARTICLE.read_text(encoding="utf-8").split(". "))
    target = int(megabytes * 1_000_000)
    out: list[str] = []
    size = 0
    while size < target:
        if rng.random() < 0.5:
            sentence = rng.choice(pieces)
        else:
            month_in, month_of = rng.choice(MONTHS)
            sentence = rng.choice(TEMPLATES).format(
                year=rng.randint(1990, 2030),
                n=rng.randint(1, 999),
                d=rng.randint(1, 9),
                d2=rng.randint(0, 9),
                p=rng.randint(1, 99),
                t=rng.randint(1, 40),
                day=rng.randint(1, 28),
                month_in=month_in,
                month_of=month_of,
                h=rng.randint(8, 20),
            )
        out.append(sentence)
        size += len(sentence.encode("utf-8")) + 1
    return "\n".join(out)


def main() -> None:
    """Build the body, time normalize() over it (best of three, CPU and wall clock) and
    print KB/s."""
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 4.0
    body = build_body(megabytes)
    kilobytes = len(body.encode("utf-8")) / 1000
    normalize(body[:10_000])  # load the tables and compile the regexes first
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        normalize(body)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    # CPU time is what one core spends; on a shared machine the wall clock also
    # counts the time other processes held the core.
    rate = kilobytes / min(cpu)
    verdict = "meets" if rate >= TARGET_KB_PER_S else "BELOW"
    print(
        f"normalize(): {kilobytes:,.0f} KB in {min(cpu):.2f} s CPU = {rate:,.0f} KB/s "
        f"({kilobytes / min(wall):,.0f} KB/s by the wall clock); "
        f"{verdict} the {TARGET_KB_PER_S} KB/s target; code from {CODE_ROOT}"
    )


if __name__ == "__main__":
    main()
