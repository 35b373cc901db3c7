"""The held-out news sentences: written by someone who never saw the normaliser's code,
and scored the way the issue scores them (exact, ignoring case and punctuation).

Unlike the case files, a few lines may fail (ambiguous readings stay as their author
wrote them); the suite fails when the score drops below the 95% target.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from narrator.text.normalize import normalize

HELDOUT = sorted((Path(__file__).parent / "heldout").glob("*.txt"))
TARGET = 0.95


def _canonical(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@pytest.mark.parametrize("path", HELDOUT, ids=lambda p: p.name)
def test_heldout_sentences_meet_the_target(path: Path) -> None:
    cases = [
        line.split("~", 1)
        for line in path.read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    misses = [
        f"{written}\n  expected: {spoken}\n  got:      {normalize(written)}"
        for written, spoken in cases
        if _canonical(normalize(written)) != _canonical(spoken)
    ]
    score = 1 - len(misses) / len(cases)
    assert len(cases) >= 200
    assert score >= TARGET, f"{score:.1%} of {len(cases)}:\n" + "\n".join(misses)
