"""How well and how fast Latin words are read when the lexicon does not know them.

Run: ``python benchmarks/bench_latin.py``. The lexicon (data/latin_words.tsv) holds the
established Kazakh readings of hundreds of single words; reading each of them *without*
the lexicon (the CMU Pronouncing Dictionary, else espeak-ng's English phonemes) and
comparing with the lexicon's reading measures the pronouncing path on real names.
Prints the exact-match share, the mean character similarity, the Latin case file's
pass count through the full normaliser, and the cost of the first dictionary lookups.
"""

from __future__ import annotations

import difflib
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from narrator.text.normalize import english, latin, normalize  # noqa: E402

CASES = ROOT / "tests" / "normalize" / "cases" / "latin.txt"


def _lexicon_words() -> list[tuple[str, str]]:
    """Single plain words of the lexicon (no acronyms, no camel case) with their reading."""
    rows = []
    for line in latin.LEXICON_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        written, spoken = line.split("\t")
        if re.fullmatch(r"[A-Z]?[a-z]+", written) and len(written) > 1:
            rows.append((written, spoken))
    return rows


def main() -> None:
    """Time the first lookups, then score the pronouncing path and the case file."""
    started = time.perf_counter()
    english.phonemes("snowflake")
    loaded = time.perf_counter()
    english.phonemes("figma")  # not in the CMU dictionary: espeak-ng
    espeak_ready = time.perf_counter()
    print(
        f"first CMU lookup (loads the dictionary): {loaded - started:.3f} s; "
        f"first espeak-ng lookup (loads the library): {espeak_ready - loaded:.3f} s"
    )

    rows = _lexicon_words()
    exact = 0
    similarity = 0.0
    started = time.perf_counter()
    for written, spoken in rows:
        guess = latin._translit(latin._translit_fold(written))
        exact += guess.lower() == spoken.lower()
        similarity += difflib.SequenceMatcher(None, guess.lower(), spoken.lower()).ratio()
    elapsed = time.perf_counter() - started
    print(
        f"pronouncing path on {len(rows)} lexicon words: exact {exact} "
        f"({100 * exact / len(rows):.1f}%), mean similarity {similarity / len(rows):.3f}, "
        f"{1000 * elapsed / len(rows):.2f} ms a word uncached"
    )

    pairs = [
        line.split("~", 1)
        for line in CASES.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    passed = sum(normalize(written) == spoken for written, spoken in pairs)
    print(f"{CASES.name}: {passed}/{len(pairs)} through normalize()")


if __name__ == "__main__":
    main()
