"""Fuzz the Kazakh normaliser on generated Unicode text (run on demand).

Run: ``python benchmarks/fuzz_normalize.py [COUNT] [SEED]`` (default 100000 inputs).
Each input mixes news fragments, Cyrillic, Latin and Latin lookalikes, other scripts,
digits of every script, symbols, spaces and random code points (lone surrogates too).
Checks that ``normalize`` never raises, that its output keeps no digit
(``str.isdigit``) and that normalising the output again changes nothing. Prints the
counts, and the first few failing inputs of each kind.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from narrator.text.normalize import normalize  # noqa: E402

CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯӘҒҚҢӨҰҮҺІ"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZüöäéçşğıİ"
LOOKALIKES = "aceiopxyABCEHIKMOPTXаеорсухіАВЕКМНОРСТХІ"
OTHER_SCRIPTS = "בגדהוזאשתعربيةΑΒΓΔαβγδ中文字日本語한국어ไทยहिन्दी"
DIGITS = "0123456789" * 4 + "٠١٢٣٤٥٦٧٨٩۰۱۲۳०१२३０１２３²³¹⁴₁₂①②"
SYMBOLS = " \u00a0\u202f\t\n.,;:!?-–—−+%‰№$€₸₽£¥°²³½¼/\\'’«»\"()[]{}#@&*_=<>|~^×х…"
FRAGMENTS = (
    "2025 жылы", "1-қаңтар", "5%-ке", "ҚР", "АҚШ", "т.б.", "млн", "млрд", "км-ге",
    "+7 727 250 10 20", "19:45-те", "3:2", "XXI ғасыр", "Петр I", "ж.", "ғ.", "№ 7",
    "$15", "4 500 ₸", "10–12%", "9х9 м", "ОПЕК+", "info@halyk.kz", "#Қазақстан", "@user",
    "https://gov.kz/a", "Код 050013", "ЖСН 850101300123", "iOS 17.2", "Протон-М", "5G",
    "4-бөлмелі", "04 сағат", "1 сыныпқа", "Samsung", "Zürich", "BBC", "НАТО-ға", "ЕАЭО",
)  # fmt: skip
POOLS = (CYRILLIC, LATIN, LOOKALIKES, OTHER_SCRIPTS, DIGITS, SYMBOLS)


def generate(rng: random.Random) -> str:
    """One input: 1 to 12 pieces, each a fragment, a run from one pool or a code point."""
    pieces: list[str] = []
    for _ in range(rng.randint(1, 12)):
        roll = rng.random()
        if roll < 0.25:
            pieces.append(rng.choice(FRAGMENTS))
        elif roll < 0.85:
            pool = rng.choice(POOLS)
            pieces.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 8))))
        elif roll < 0.95:
            pieces.append(chr(rng.randint(0, 0x2FFF)))
        else:
            pieces.append(chr(rng.randint(0, 0x10FFFF)))
        if rng.random() < 0.4:
            pieces.append(" ")
    return "".join(pieces)


def main() -> None:
    """Generate, normalise twice, count exceptions, digits left and changes on the
    second pass."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rng = random.Random(seed)
    exceptions: list[tuple[str, str]] = []
    with_digits: list[str] = []
    not_idempotent: list[tuple[str, str, str]] = []
    started = time.perf_counter()
    for _ in range(count):
        text = generate(rng)
        try:
            once = normalize(text)
            twice = normalize(once)
        except Exception as error:  # counted and shown, the point of the run
            exceptions.append((text, f"{type(error).__name__}: {error}"[:120]))
            continue
        if any(ch.isdigit() for ch in once):
            with_digits.append(text)
        if twice != once:
            not_idempotent.append((text, once, twice))
    elapsed = time.perf_counter() - started
    print(f"inputs tried:        {count:,} in {elapsed:.1f} s (seed {seed})")
    print(f"exceptions:          {len(exceptions):,}")
    print(f"outputs with digits: {len(with_digits):,}")
    print(f"non-idempotent:      {len(not_idempotent):,}")
    for text, error in exceptions[:5]:
        print(f"  raised  {text!r}: {error}")
    for text in with_digits[:5]:
        print(f"  digits  {text!r} -> {normalize(text)!r}")
    for text, once, twice in not_idempotent[:8]:
        print(f"  changed {text!r}\n          once  {once!r}\n          twice {twice!r}")
    sys.exit(1 if exceptions or with_digits or not_idempotent else 0)


if __name__ == "__main__":
    main()
