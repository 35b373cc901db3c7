"""Latin-script tokens, and Cyrillic words typed with Latin lookalikes (бiр)."""

from __future__ import annotations

import re

from narrator.text.normalize.endings import Ending, parse_ending
from narrator.text.normalize.latin import lexicon_phrase_length
from narrator.text.normalize.latin_fallback import ENGLISH_LETTER_NAMES, LATIN_LETTERS, read_latin
from narrator.text.normalize.semiotic import Tagged
from narrator.text.normalize.tables import letter_names
from narrator.text.normalize.taggers.abbreviation import tag_caps
from narrator.text.normalize.taggers.common import (
    CYRILLIC,
    HOMOGLYPHS,
    LOWER,
    SPAN_FLOOR,
    is_caps,
    with_ending,
)

_LATIN_RUN_RE = re.compile(rf"[{LATIN_LETTERS}]+")

_LATIN_TOKEN_RE = re.compile(rf"[{LATIN_LETTERS}]+(?:['’][{LATIN_LETTERS}]+)?")


_WORD_AROUND_RE = re.compile(rf"[{LATIN_LETTERS}{CYRILLIC}]+")

# The words of a name of several Latin words (Paris Saint-Germain), each a whole word.
# The last may have a Kazakh ending typed straight on (New Yorkта).
_NAME_WORD = (
    rf"(?P<word>[{LATIN_LETTERS}]+(?:['’-][{LATIN_LETTERS}]+)*)"
    rf"(?P<ending>[{LOWER}]+)?(?![{LATIN_LETTERS}{CYRILLIC}])"
)
_NAME_WORD_RE = re.compile(_NAME_WORD)
_NEXT_NAME_WORD_RE = re.compile(rf"[ \u00a0]{_NAME_WORD}")
_MAX_NAME_WORDS = 5

# A Latin word and the Kazakh ending typed straight after it (Samsungтың).
_LATIN_WORD_WITH_ENDING_RE = re.compile(rf"([{LATIN_LETTERS}]+)([{LOWER}]+)")


def handle_latin(text: str, m: re.Match[str]) -> Tagged | None:
    """A Latin-script token, or a Cyrillic word typed with Latin lookalikes (бiр)."""
    start = m.start()
    word_match = _WORD_AROUND_RE.match(text, start)
    assert word_match is not None
    # extend back to the start of a word that mixes scripts (бiр with a Latin i)
    word_start = start
    floor = SPAN_FLOOR.get()
    while word_start > floor and _WORD_AROUND_RE.match(text[word_start - 1]):
        word_start -= 1  # only over Latin and Cyrillic letters: ҚРבx is two words
    word = text[word_start : word_match.end()]
    if re.search(f"[{CYRILLIC}]", word):
        end = word_match.end()
        glued = _LATIN_WORD_WITH_ENDING_RE.fullmatch(word)
        if glued is not None and _is_latin_word(glued.group(1)):
            # Samsungтың, Appleға: a Latin word with a Kazakh ending typed straight on
            spoken = read_latin(glued.group(1))
            if _LATIN_RUN_RE.search(spoken) is None:
                return _mixed(text, word_start, end, spoken + glued.group(2))
        # Latin lookalikes become Cyrillic; other Latin letters are read in Cyrillic
        fixed = word.translate(HOMOGLYPHS)
        if _LATIN_RUN_RE.search(fixed) is None:
            caps = tag_caps(text, word_start, end, fixed) if is_caps(fixed) else None
            return caps or _mixed(text, word_start, end, fixed)
        if word.isupper():  # an acronym in mixed scripts: spell every letter
            return _mixed(text, word_start, end, _spelled(fixed))
        # Only the Latin runs are rewritten: the Cyrillic letters keep their case, and a
        # letter the Latin reader cannot say stays as written, so that the same word
        # glued to other letters on a second pass reads the same.
        fixed = _LATIN_RUN_RE.sub(_read_run_lowercase, fixed)
        if word[:1].isupper():
            fixed = fixed[:1].upper() + fixed[1:]
        if is_caps(fixed):
            # read into capitals (YhОПЕК → ИОПЕК): an acronym, as a second pass sees it
            caps = tag_caps(text, word_start, end, fixed)
            if caps is not None:
                return caps
        return _mixed(text, word_start, end, fixed)
    token_match = _LATIN_TOKEN_RE.match(text, start)
    assert token_match is not None
    name_end, name_ending = _name_end(text, start)
    end = name_end or token_match.end()
    tagged = Tagged(start, end, "latin", words=text[start:end].replace("\u00a0", " "))
    if name_ending is not None:
        tagged.ending, tagged.end = name_ending  # New Yorkта → Нью-Йоркта
        return tagged
    return with_ending(text, tagged)


def _name_end(text: str, start: int) -> tuple[int, tuple[Ending, int] | None]:
    """Where a name of several Latin words that the lexicon knows ends (São Paulo, Wall
    Street Journal), or 0: such a name is one span, said with its established reading.
    Second, the ending typed straight on its last word and where it ends, if any."""
    words: list[str] = []
    ends: list[int] = []
    glued: tuple[Ending, int] | None = None
    pos = start
    while len(words) < _MAX_NAME_WORDS and glued is None:
        word = _NAME_WORD_RE.match(text, pos) if not words else _NEXT_NAME_WORD_RE.match(text, pos)
        if word is None:
            break
        if word.group("ending") is not None:
            ending = parse_ending(word.group("ending"))
            if ending is None or not words:
                break  # not an ending, or one Latin word (Samsungтың, read elsewhere)
            glued = ending, word.end()
        words.append(word.group("word"))
        ends.append(word.end("word"))
        pos = word.end()
    size = lexicon_phrase_length(words) if len(words) > 1 else 0
    if not size:
        return 0, None
    return ends[size - 1], glued if size == len(words) else None


def _read_run_lowercase(run: re.Match[str]) -> str:
    """A Latin run inside a Cyrillic word, read in lowercase Cyrillic; kept as written
    when the reader cannot say it (Ȣ)."""
    spoken = read_latin(run.group(0))
    return run.group(0) if _LATIN_RUN_RE.search(spoken) else spoken.lower()


def _spelled(letters: str) -> str:
    """An acronym's letter names joined by hyphens; a letter that has none and is kept
    as written stands apart, as a second pass would set it (ве-ве-эс Ɖ қа-эр)."""
    words: list[list[str]] = [[]]
    for letter in letters:
        name = _letter_name(letter)
        if _LATIN_RUN_RE.search(name):
            words += [[name], []]
        else:
            words[-1].append(name)
    return " ".join("-".join(word) for word in words if word)


def _letter_name(letter: str) -> str:
    """The name of one letter of an acronym in mixed scripts: Kazakh for a Cyrillic
    letter, English for a Latin one; a letter with no name is read, or kept as written
    when the reader cannot say it."""
    name = letter_names().get(letter) or ENGLISH_LETTER_NAMES.get(letter.lower())
    if name is not None:
        return name
    spoken = read_latin(letter)
    return letter if _LATIN_RUN_RE.search(spoken) else spoken.lower()


def _mixed(text: str, start: int, end: int, words: str) -> Tagged:
    """A word in mixed scripts, said apart from a letter of another script stuck to it
    (as a Latin word is), so that a second pass, which reads its Latin letters on their
    own, puts the same space there."""
    tail = " " if text[end : end + 1].isalpha() else ""
    return Tagged(start, end, "mixed", words=words, tail=tail)


def _is_latin_word(letters: str) -> bool:
    """Whether Latin letters before a Cyrillic ending are a Latin word (Samsung, BBC)
    rather than a Cyrillic word typed with lookalikes (Ocы): a letter that is no
    lookalike, or an acronym in capitals."""
    return _LATIN_RUN_RE.search(letters.translate(HOMOGLYPHS)) is not None or (
        len(letters) >= 2 and letters.isupper()
    )
