"""Time the readers on hostile inputs of growing size: each must grow linearly.

Run: ``python benchmarks/bench_readers.py``. For each input (unclosed Markdown links,
unclosed emphasis, long heading lines, deep JSON, deep SSML, deep HTML) prints the
seconds at 1x and 4x the size and their ratio; a linear reader shows about 4 (a
quadratic one 16). The Markdown case ``"[a" * 50000`` took 11.4 s before.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from narrator.api import parse_input  # noqa: E402
from narrator.errors import NarratorError  # noqa: E402

CASES: dict[str, tuple[str, Callable[[int], str]]] = {
    "md: [a * n": ("md", lambda n: "[a" * n),
    "md: [a]( * n": ("md", lambda n: "[a](" * n),
    "md: _a  * n": ("md", lambda n: "_a " * n),
    "md: # a + spaces": ("md", lambda n: "# a" + " " * (2 * n) + "b"),
    "json: nested n": ("json", lambda n: "[" * n + "]" * n),
    "ssml: <p> * n": ("ssml", lambda n: "<speak>" + "<p>x" * n + "</p>" * n + "</speak>"),
    "html: <b> * n": ("html", lambda n: "<b>" * (n // 4) + "Сәлем."),
}


def _seconds(fmt: str, text: str) -> float:
    started = time.perf_counter()
    with contextlib.suppress(NarratorError):
        parse_input(text, "bench", fmt)
    return time.perf_counter() - started


def main() -> None:
    _seconds("json", "[]")  # imports, so that the first case does not time them
    base = 50_000
    print(f"{'input':24} {'n':>8} {'1x s':>8} {'4x s':>8} {'ratio':>6}")
    for name, (fmt, make) in CASES.items():
        small = _seconds(fmt, make(base))
        large = _seconds(fmt, make(4 * base))
        print(f"{name:24} {base:8d} {small:8.3f} {large:8.3f} {large / max(small, 1e-6):6.1f}")


if __name__ == "__main__":
    main()
