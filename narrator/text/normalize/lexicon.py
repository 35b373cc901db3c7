"""The user lexicon: a newsroom's own written → spoken table, applied before the
built-in tables."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from narrator.errors import InputError


@dataclass(frozen=True)
class Lexicon:
    """Written → spoken pairs. Matching is whole-word; an exact (case-sensitive) entry
    wins over a case-insensitive one. Hashable; ``fingerprint`` identifies the content
    for caches."""

    entries: tuple[tuple[str, str], ...]
    _exact: dict[str, str] = field(init=False, repr=False, compare=False, hash=False)
    _folded: dict[str, str] = field(init=False, repr=False, compare=False, hash=False)
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        exact = dict(self.entries)
        folded: dict[str, str] = {}
        for written, spoken in self.entries:
            folded.setdefault(written.casefold(), spoken)
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_folded", folded)
        pattern = None
        if exact:
            alternation = "|".join(re.escape(w) for w in sorted(exact, key=lambda w: (-len(w), w)))
            pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)
        object.__setattr__(self, "_pattern", pattern)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the entries, stable across runs."""
        content = "\n".join(f"{w}\t{s}" for w, s in self.entries)
        return hashlib.sha256(content.encode("utf-8")).hexdigest()

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """The regex that finds any written form (case-insensitively)."""
        return self._pattern

    def lookup(self, written: str) -> str | None:
        """The spoken form of a written form (exact entry first, then ignoring case),
        or None if the lexicon does not have it."""
        found = self._exact.get(written)
        if found is not None:
            return found
        return self._folded.get(written.casefold())

    def spoken_for(self, written: str) -> str:
        """The spoken form for a matched written form (itself if not in the lexicon)."""
        return self.lookup(written) or written


def load_lexicon(path: str | Path) -> Lexicon:
    """Read a user lexicon TSV (written<TAB>spoken; ``#`` comments and blank lines are
    skipped). A malformed line raises :class:`InputError` naming the file and line."""
    source = Path(path)
    try:
        lines = source.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read lexicon {source}: {error}") from error
    entries: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
            raise InputError(
                f"{source}:{number}: expected 'written<TAB>spoken', got {line.strip()!r}"
            )
        entries.append((fields[0].strip(), fields[1].strip()))
    return Lexicon(tuple(entries))
