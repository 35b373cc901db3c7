"""The Python API and what the command line shares with it: reading any input, checking
the output, speaking a document, normalising text.

``narrator.speak`` and ``narrator.normalize`` (in :mod:`narrator`) call into here; the
CLI is a thin layer over the same functions, so both behave alike.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal, cast

from pydantic import ValidationError

from narrator.config import Station, load_station, show_value
from narrator.errors import InputError, OutputError, StdoutError, UsageError
from narrator.fsutil import check_output_target
from narrator.text.document import Document
from narrator.text.readers import (
    COLLECTION_FORMATS,
    MAX_NESTING,
    decode,
    finish,
    format_for,
    parse,
    read_bytes,
)

if TYPE_CHECKING:
    from narrator.pipeline import Production, ProgressCallback
    from narrator.text.normalize import Lexicon, Span

log = logging.getLogger(__name__)

STDIO = "-"
"""The name of standard input (as a source) and standard output (as an output)."""
_OGG_FAMILY = frozenset({"ogg", "oga", "opus"})


def read_input(
    source: str | Path,
    *,
    encoding: str | None = None,
    input_format: str | None = None,
) -> Document:
    """Read an article, a bulletin or a collection of articles into one document.

    ``source`` is a file, ``-`` (standard input), a folder of articles or an
    ``http(s)://`` feed URL. The format is ``input_format`` (txt, md, html, json, rss,
    ssml), else the file's extension, else detected from the content. A folder, a feed
    or a JSON list of articles becomes one bulletin with a story per article.
    """
    name = str(source)
    if name.startswith(("http://", "https://")) or (name != STDIO and Path(name).is_dir()):
        from narrator.feed.sources import collection_document

        return _as_collection(collection_document(name))
    data, name = read_bytes(source)
    text = decode(data, name, encoding).replace("\r\n", "\n").replace("\r", "\n")
    return parse_input(text, name, input_format)


def parse_input(text: str, source: str, input_format: str | None = None) -> Document:
    """A document of ``text`` read from ``source``, in the given or detected format."""
    fmt = format_for(source, text, input_format)
    if fmt in COLLECTION_FORMATS:
        return _collection_of(text, source, fmt)
    return parse(text, source, fmt)


def _collection_of(text: str, source: str, fmt: str) -> Document:
    from narrator.feed.sources import (
        SourceLimits,
        bulletin_document,
        order_articles,
        parse_feed,
        parse_json_articles,
    )

    collection = True
    if fmt == "json":
        if json_depth(text) > MAX_NESTING:
            raise InputError(f"{source}: JSON nested deeper than {MAX_NESTING} levels")
        default_id = Path(source).stem if source != STDIO else "stdin"
        articles = parse_json_articles(text, source, default_id, SourceLimits())
        # One article object is an article; a list (or {"articles": [...]}) a bulletin.
        data = json.loads(text)
        collection = isinstance(data, list) or "articles" in data
    else:
        found = parse_feed(text.encode("utf-8", "surrogatepass"), source)
        for rejected in found.rejected:
            log.warning("%s", rejected.reason)
        articles = found.articles
    if not articles:
        raise InputError(f"{source}: no articles found")
    document = bulletin_document(order_articles(articles), None, {}, source=source)
    return _as_collection(document, collection)


def _as_collection(document: Document, collection: bool = True) -> Document:
    return finish(dataclasses.replace(document, collection=collection))


def json_depth(text: str) -> int:
    """How deeply ``text``'s JSON arrays and objects nest (a linear scan, no parsing)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def output_format(output: str | Path, fmt: str | None, station: Station) -> str:
    """The audio format for ``output``, refusing what cannot be written.

    ``-`` (standard output) takes ``fmt`` or the station's format. A file takes ``fmt``
    or its extension; the two must agree (``x.mp3 --format ogg`` is refused). An
    existing output must be a regular file: a directory, device node, FIFO or socket
    is refused rather than replaced.
    """
    from narrator.audio.export import FORMATS
    from narrator.audio.export import format_for as audio_format_for

    name = str(output)
    if name == STDIO:
        return audio_format_for(Path("stdout"), fmt or station.audio.format)
    path = Path(name)
    check_output_target(path)
    chosen = audio_format_for(path, fmt)
    suffix = path.suffix.lower().lstrip(".")
    known_suffix = suffix in FORMATS or suffix == "oga"
    same_family = suffix in _OGG_FAMILY and chosen in _OGG_FAMILY
    if fmt and known_suffix and suffix != chosen and not same_family:
        raise UsageError(
            f"{path}: --format {chosen} does not match the extension .{suffix} "
            f"(name the file {path.with_suffix('.' + chosen).name} or drop --format)"
        )
    return chosen


def parse_jobs(value: str | int | None) -> Literal["auto"] | int | None:
    """``--jobs``: a positive number or ``auto``."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text == "auto":
        return "auto"
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise UsageError(f"--jobs takes a positive number or 'auto', not {value!r}")


def station_settings(
    station: Station | str | Path | None,
    *,
    voice: str | Path | None = None,
    rate: int | None = None,
    speaker: str | None = None,
    lexicon: str | Path | None = None,
    register: str | None = None,
    template: str | None = None,
    jobs: str | int | None = None,
) -> Station:
    """The station's settings (a file, a :class:`Station` or the defaults) with the
    caller's overrides applied; the caller's station object is not changed."""
    if isinstance(station, Station):
        settings = station.model_copy(deep=True)
    else:
        settings = load_station(station)
    try:
        if voice:
            settings.voice.id = str(voice)
        if rate:
            settings.voice.rate_wpm = rate
        if speaker:
            settings.voice.speaker = speaker
        if lexicon:
            settings.text.lexicon = Path(lexicon)
        if register:
            if register not in ("news", "formal"):
                raise UsageError(f"unknown register {register!r} (news or formal)")
            settings.text.register = cast("Literal['news', 'formal']", register)
        if template:
            from narrator.text.bulletin import TEMPLATES

            if template not in TEMPLATES:
                raise UsageError(
                    f"unknown template {template!r} (choose from {', '.join(TEMPLATES)})"
                )
            settings.bulletin.template = cast("Literal['auto', 'article', 'bulletin']", template)
        parsed_jobs = parse_jobs(jobs)
        if parsed_jobs is not None:
            settings.performance.jobs = parsed_jobs
    except ValidationError as exc:  # an override outside the setting's range
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UsageError(f"{where} = {show_value(first['input'])}: {first['msg']}") from None
    return settings


def speak(
    source: str | Path | None,
    output: str | Path,
    *,
    text: str | None = None,
    station: Station | str | Path | None = None,
    voice: str | Path | None = None,
    rate: int | None = None,
    speaker: str | None = None,
    lexicon: str | Path | None = None,
    template: str | None = None,
    input_format: str | None = None,
    encoding: str | None = None,
    fmt: str | None = None,
    jobs: str | int | None = None,
    cache: bool = True,
    sidecars: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> Production:
    """Read ``source`` (or ``text``) aloud into ``output``, as ``narrator speak`` does.

    ``source``: a file, ``-`` (standard input), a folder of articles or a feed URL.
    ``output``: an audio file (format from ``fmt`` or its extension), or ``-`` for
    standard output, with the transcript and chapters only when ``sidecars`` names a
    folder for them. ``station``: a TOML path or a :class:`~narrator.config.Station`
    (not changed). ``voice``: a voice id or a Piper ``.onnx`` path. ``template``:
    ``article`` or ``bulletin`` (default: the station's, else by the input).
    ``input_format``: txt, md, html, json, rss or ssml. ``jobs``: a number or
    ``auto``. ``cache=False`` synthesises everything. ``progress(done, total)`` is
    called while synthesising.

    Returns the :class:`~narrator.pipeline.Production` (``output``, ``sidecars``,
    ``programme`` with its chapters and cues, ``loudness_lufs``, ``true_peak_dbtp``,
    ``report``). Raises a :class:`~narrator.errors.NarratorError` with a one-line
    message on bad input, voice or output.
    """
    from narrator.cache import SegmentCache
    from narrator.pipeline import produce
    from narrator.text.bulletin import with_template

    if (source is None) == (text is None):
        raise UsageError("give either an input file or --text, not both or neither")
    settings = station_settings(
        station,
        voice=voice,
        rate=rate,
        speaker=speaker,
        lexicon=lexicon,
        template=template,
        jobs=jobs,
    )
    to_stdout = str(output) == STDIO
    if sidecars is not None and not to_stdout:
        raise UsageError("--sidecars is for -o -; a file's sidecars are written beside it")
    chosen = output_format(output, fmt, settings)
    if to_stdout and sys.stdout.isatty():
        raise UsageError(
            "refusing to write audio to a terminal: redirect standard output or use -o FILE"
        )
    if text is not None:
        document = parse_input(text.replace("\r\n", "\n"), "--text", input_format)
    else:
        document = read_input(source, encoding=encoding, input_format=input_format)  # type: ignore[arg-type]
    settings = with_template(document, settings)
    segment_cache = SegmentCache.for_station(settings) if cache and settings.cache.enabled else None
    if not to_stdout:
        return produce(
            document, Path(output), settings, fmt=chosen, progress=progress, cache=segment_cache
        )
    stem = "text" if source is None or str(source) == STDIO else Path(str(source)).stem
    with tempfile.TemporaryDirectory(prefix="narrator-stdout-") as folder:
        target = Path(folder) / f"{stem}.{chosen}"
        production = produce(
            document, target, settings, fmt=chosen, progress=progress, cache=segment_cache
        )
        with target.open("rb") as audio:
            _copy_to_stdout(audio)
        kept = _keep_sidecars(production.sidecars, Path(sidecars)) if sidecars else {}
    return dataclasses.replace(production, output=Path(STDIO), sidecars=kept)


def _copy_to_stdout(audio: BinaryIO) -> None:
    try:
        shutil.copyfileobj(audio, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except OSError as exc:
        raise StdoutError(f"standard output: cannot write ({exc.strerror or exc})") from exc


def _keep_sidecars(made: dict[str, Path], folder: Path) -> dict[str, Path]:
    from narrator.fsutil import write_bytes_atomic

    if not folder.is_dir():
        raise OutputError(f"{folder}: no such folder for the sidecars")
    kept = {}
    for kind, path in made.items():
        kept[kind] = folder / path.name
        write_bytes_atomic(kept[kind], path.read_bytes())
    return kept


def normalize(
    text: str,
    *,
    lexicon: Lexicon | str | Path | None = None,
    register: str = "news",
) -> str:
    """``text`` as a newsreader says it; ``lexicon`` is a :class:`Lexicon` or a TSV path."""
    from narrator.text import normalize as norm

    if register not in ("news", "formal"):
        raise UsageError(f"unknown register {register!r} (news or formal)")
    loaded = norm.load_lexicon(lexicon) if isinstance(lexicon, str | Path) else lexicon
    return norm.normalize(text, register=register, lexicon=loaded)


def document_text(document: Document) -> str:
    """A document's words as plain text: title, then each story's title and paragraphs,
    separated by blank lines (what ``narrator normalize`` reads)."""
    blocks = [document.title] if document.title else []
    for story in document.stories:
        blocks += [story.title] if story.title else []
        blocks += story.paragraphs
    return "\n\n".join(blocks) + "\n"


def spans_json(spans: list[Span]) -> str:
    """``normalize --explain --json``: one JSON array of spans."""
    return json.dumps(
        [
            {
                "start": s.start,
                "end": s.end,
                "written": s.written,
                "spoken": s.spoken,
                "class": s.cls,
            }
            for s in spans
        ],
        ensure_ascii=False,
        indent=1,
    )
