"""The station file: everything a newsroom tunes, in one TOML file.

Every field has a documented default, so narrator works with no station file at all.
The file is validated as a whole (pydantic) before anything runs: each setting has a
type and, where a wrong value would break or silently spoil the audio, a range or a
list of allowed values. A bad value is one line naming the file, the setting, the
value and what is allowed. Relative paths in the file are relative to the file's own
directory. Unknown keys are errors (a typo should not be silently ignored).
"""

from __future__ import annotations

import difflib
import math
import tomllib
import types
import typing
import warnings
from pathlib import Path
from typing import Annotated, Any, Literal

import annotated_types
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from narrator.errors import InputError

MAX_STATION_BYTES = 1 << 20
"""A station file is a few kilobytes; anything past a megabyte is not one."""

SAMPLE_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
"""Output rates every format narrator writes supports (MP3's MPEG rates)."""

URL_PATTERN = r"^https?://\S+$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
_PATTERN_WORDS = {
    URL_PATTERN: "an http(s) URL",
    EMAIL_PATTERN: "an e-mail address",
    LANGUAGE_PATTERN: "a language code such as kk",
}

# Short names for the constrained types below (TOML gives int, float, str, bool, ...).
Milliseconds = Annotated[int, Field(ge=0, le=10_000)]
Decibels = Annotated[float, Field(allow_inf_nan=False)]


class _Section(BaseModel):
    """Settings of one ``[section]``: strict types, unknown keys refused, checked on
    assignment too (the CLI overrides settings from its options)."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _prepare(cls, value: Any, info: ValidationInfo) -> Any:
        """Refuse ``true`` for a number; resolve a path string against the station file's
        folder."""
        if info.field_name is None:
            return value
        if isinstance(value, bool) and cls.model_fields[info.field_name].annotation is not bool:
            # Python counts True as 1, so a choice of 1 or 2 would take it.
            raise ValueError("true and false are not numbers")
        if not isinstance(value, str):
            return value
        if _PATH_FIELDS.get((cls.__name__, info.field_name)):
            if not value:
                return None  # "" means "not set", as a commented-out line does
            base = (info.context or {}).get("base")
            path = Path(value).expanduser()
            return base / path if base is not None and not path.is_absolute() else path
        return value


class StationInfo(_Section):
    """Who is speaking."""

    name: str = Field(default="Narrator", min_length=1, max_length=200)
    """Station name: the ID3 artist, the feed author, read in intros."""
    language: str = Field(default="kk", pattern=LANGUAGE_PATTERN)
    """Language code of the programme (ID3 TLAN, feed ``language``)."""


class VoiceSettings(_Section):
    """Which voice reads, and how."""

    id: str = Field(default="kk-espeak", min_length=1, max_length=1000)
    """Voice id (see ``narrator voices list``)."""
    fallbacks: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    """Voices tried in order when the main voice fails on a segment."""
    rate_wpm: int = Field(default=165, ge=60, le=450)
    """Speaking rate in words per minute."""
    pitch: int = Field(default=50, ge=0, le=100)
    """Pitch, 0-100."""
    speaker: str | None = None
    """Speaker of a multi-speaker voice."""
    voices_dir: Path | None = None
    """Where installed voices live (default: ``$NARRATOR_VOICES_DIR``, else the user
    data directory)."""
    max_download_mb: int = Field(default=4096, ge=1, le=1_000_000)
    """Largest voice download accepted, in MB, when the server does not say the size
    (``$NARRATOR_MAX_DOWNLOAD_MB`` overrides it)."""


# ``register`` is also a method of every ABC (pydantic models are ABCs); the setting
# shadows it on purpose, so pydantic's warning about that says nothing useful.
warnings.filterwarnings("ignore", 'Field name "register"', UserWarning, __name__)


class TextSettings(_Section):
    """How text is read."""

    lexicon: Path | None = None
    """A TSV of ``written<TAB>spoken`` pronunciations applied before built-in tables."""
    register: Literal["news", "formal"] = "news"
    """``news`` (жүз, мың) or ``formal`` (бір жүз, бір мың)."""
    max_chunk_chars: int = Field(default=300, ge=40, le=5000)
    """Longest piece of text handed to the engine at once; longer sentences are cut at
    clause boundaries."""


class Pauses(_Section):
    """Silence between pieces, in milliseconds (0-10000)."""

    clause_ms: Milliseconds = 180
    """Between engine chunks of one long sentence."""
    sentence_ms: Milliseconds = 450
    paragraph_ms: Milliseconds = 900
    story_ms: Milliseconds = 1700
    """Between stories (and between the intro/headlines, the stories and the outro)."""
    jingle_ms: Milliseconds = 500
    """Between a jingle and the voice."""
    jitter_ms: int = Field(default=40, ge=0, le=1000)
    """Deterministic variation (+/-) so pauses do not sound mechanical.

    Every pause is measured from the audible end of one piece to the audible start of
    the next, and is filled with room tone."""


class BulletinSettings(_Section):
    """The programme around the stories."""

    intro: str = Field(
        default="{station}. Бүгін {date}. Назарларыңызға жаңалықтар.", max_length=5000
    )
    """Intro line(s); ``{station}``, ``{date}`` (written ``2026 жылғы 25 қараша``, read
    in words by the normaliser), ``{title}`` and ``{edition}`` are filled in. The date
    is the front matter's ``date`` (YYYY-MM-DD) or today. An empty text reads nothing."""
    outro: str = Field(
        default="{station} жаңалықтары аяқталды. Тыңдағаныңызға рахмет.", max_length=5000
    )
    """Outro line(s), with the same placeholders."""
    headlines: bool = True
    """Read the story titles at the start when there are several titled stories."""
    opening_chapter: str = Field(default="Кіріспе", min_length=1, max_length=200)
    """Title of the chapter before the first story (jingle, intro, headlines)."""
    closing_chapter: str = Field(default="Қорытынды", min_length=1, max_length=200)
    """Title of the chapter after the last story (outro, jingle)."""
    template: Literal["auto", "article", "bulletin"] = "auto"
    """``article`` (the title, then the body: no jingles, intro, headlines or outro),
    ``bulletin`` (jingle, intro, headlines, stories, outro, jingle) or ``auto``:
    ``narrator speak`` reads a single article as an article and a folder, feed, list of
    articles or Markdown with several stories as a bulletin; ``feed build`` makes
    bulletins."""


class AudioSettings(_Section):
    """Mastering and export."""

    format: Literal["mp3", "ogg", "opus", "flac", "wav"] = "mp3"
    """mp3, ogg (Vorbis), opus, flac or wav."""
    sample_rate: Literal[8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000] = 44100
    """Output sample rate (one of :data:`SAMPLE_RATES`)."""
    channels: Literal[1, 2] = 1
    """1 (mono) or 2 (stereo: the mono programme on both channels)."""
    bitrate_kbps: int = Field(default=112, ge=32, le=320)
    """MP3 bitrate (Apple: 96-128 kbps mono)."""
    mp3_quality: int = Field(default=7, ge=0, le=9)
    """LAME's algorithm quality, 0 (slowest) to 9. At 112 kbps speech measures the same
    at 2, 5 and 7 (``benchmarks/bench_mp3_quality.py``), and 7 encodes twice as fast."""
    loudness_lufs: Annotated[Decibels, Field(ge=-40.0, le=-10.0)] | None = None
    """Integrated loudness target; default -19 LUFS mono, -16 LUFS stereo."""
    true_peak_dbtp: Annotated[Decibels, Field(ge=-12.0, le=0.0)] = -1.0
    """Highest true peak (4x oversampled) of the decoded file."""
    room_tone_dbfs: Annotated[Decibels, Field(ge=-120.0, le=-40.0)] = -66.0
    """RMS level, in the finished file, of the low noise laid in pauses instead of
    digital silence."""
    intro_jingle: Path | None = None
    """Audio file played before the intro (default: narrator's own sting)."""
    outro_jingle: Path | None = None
    """Audio file played after the outro (default: narrator's own sting)."""
    music_bed: Path | None = None
    """Music looped under the speech, ducked by ``bed_duck_db``."""
    bed_duck_db: Annotated[Decibels, Field(ge=0.0, le=40.0)] = 18.0
    """How far under the speech the bed sits while someone speaks (10-20 dB)."""
    bed_level_lu: Annotated[Decibels, Field(ge=-40.0, le=0.0)] = -6.0
    """Bed loudness relative to the speech when no one speaks."""
    jingles: bool = True
    """Play intro/outro stings at all."""
    jingle_level_lu: Annotated[Decibels, Field(ge=-30.0, le=6.0)] = -3.0
    """Jingle loudness relative to the speech."""
    cover: Path | None = None
    """Cover image (JPEG or PNG) for ID3 and the feed."""

    @property
    def target_lufs(self) -> float:
        """The integrated loudness the output is mastered to."""
        return self.target_for(self.channels)

    def target_for(self, channels: int) -> float:
        """The loudness target for a file of ``channels``: the set one, else -19 mono /
        -16 stereo (a mono file at -19 plays like a stereo one at -16)."""
        if self.loudness_lufs is not None:
            return self.loudness_lufs
        return -19.0 if channels == 1 else -16.0


class CheckSettings(_Section):
    """Targets for ``narrator check``."""

    loudness_tolerance_lu: Annotated[Decibels, Field(gt=0.0, le=10.0)] = 1.0
    """Allowed distance from the loudness target (Apple: ±1 dB)."""
    max_silence_s: float = Field(default=3.0, gt=0.0, le=3600.0, allow_inf_nan=False)
    """Longest silence allowed inside the programme."""
    max_edge_silence_s: float = Field(default=2.0, ge=0.0, le=3600.0, allow_inf_nan=False)
    """Longest silence allowed at the start and at the end."""
    max_clipped_samples: int = Field(default=0, ge=0, le=1_000_000_000)
    """Samples at full scale (clipped) allowed."""
    silence_threshold_db: Annotated[Decibels, Field(ge=-120.0, le=-20.0)] = -50.0
    """Audio quieter than this (RMS over 10 ms) counts as silence; room tone is below it."""


class FeedSettings(_Section):
    """The podcast feed."""

    title: str | None = Field(default=None, max_length=1000)
    """Feed title (default: the station name)."""
    description: str = Field(default="Қазақша аудио жаңалықтар.", max_length=4000)
    link: str | None = Field(default=None, pattern=URL_PATTERN)
    """The station's website (the channel ``<link>``); unset, the feed links to its base
    URL and every build warns."""
    author: str | None = Field(default=None, max_length=1000)
    category: str = Field(default="News", min_length=1, max_length=200)
    explicit: bool = False
    base_url: str | None = Field(default=None, pattern=URL_PATTERN)
    """Public URL of the published folder."""
    out: Path | None = None
    sources: str | None = Field(default=None, min_length=1)
    """A folder of articles, an RSS/Atom file or an http(s) URL of one; a relative path
    is relative to the station file."""
    per_article: bool = False
    keep_episodes: int = Field(default=48, ge=0, le=100_000)
    """Retention: newest episodes kept (0 = no limit)."""
    keep_days: int = Field(default=0, ge=0, le=36_500)
    """Retention: episodes older than this many days are pruned (0 = no limit)."""
    lock_timeout_s: float = Field(default=600.0, ge=0.0, le=86_400.0, allow_inf_nan=False)
    """How long a build waits for another one to finish before giving up."""
    owner_email: str | None = Field(default=None, pattern=EMAIL_PATTERN)
    """``itunes:owner`` e-mail (Apple sends feed verification mail there)."""
    locked: bool = False
    """``podcast:locked``: ask other platforms not to import the feed."""
    guid: str | None = Field(default=None, min_length=1, max_length=200)
    """``podcast:guid`` override (default: from the feed URL at the first build)."""
    timezone: str | None = None
    """IANA time zone of edition titles and dates, e.g. ``Asia/Almaty`` (default: the
    machine's)."""
    max_article_failures: int = Field(default=3, ge=1, le=1000)
    """A quarantined article is retried on this many builds, then dropped."""
    fetch_timeout_s: float = Field(default=30.0, gt=0.0, le=3600.0, allow_inf_nan=False)
    """Total deadline of fetching a source URL (connection, redirects and body)."""
    max_redirects: int = Field(default=5, ge=0, le=20)
    """Redirects followed when fetching a source (to the same host only)."""
    max_source_mb: float = Field(default=20.0, gt=0.0, le=4096.0, allow_inf_nan=False)
    """Largest source document (a downloaded feed, a feed file or one article file)."""
    max_items: int = Field(default=200, ge=1, le=100_000)
    """Most articles read from one source; the rest are left out and the report says so."""
    max_depth: int = Field(default=32, ge=3, le=1000)
    """Deepest nesting of JSON or XML in a source."""
    max_title_chars: int = Field(default=300, ge=20, le=100_000)
    """Longest article title read; a longer one is cut at a word, with a warning."""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(value)
        except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
            raise ValueError("not a known IANA time zone") from None
        return value


class CacheSettings(_Section):
    """The segment cache shared by all runs."""

    dir: Path | None = None
    """Default: ``$NARRATOR_CACHE_DIR``, else the user cache directory."""
    max_mb: int = Field(default=2048, ge=0, le=10_000_000)
    """The cache is pruned (least recently used first) beyond this size."""
    enabled: bool = True
    """Reuse synthesised segments across runs. The folder also keeps the mastering
    history (``mastering.json``, a few bytes per voice and format) either way."""


class PerformanceSettings(_Section):
    """How production is spread over processors."""

    jobs: Literal["auto"] | Annotated[int, Field(ge=1, le=1024)] = "auto"
    """Synthesis worker processes: a number (1 runs everything in one process), or
    ``auto``: chosen for each run from a measurement of the voice on this machine
    (cached; see :mod:`narrator.engines.layout`)."""
    executor: Literal["local", "ray"] = "local"
    """``local`` (processes on this machine) or ``ray`` (a Ray cluster)."""
    ray_address: str | None = Field(default=None, min_length=1)
    """Address of the Ray cluster (default: Ray's own discovery, or a local one)."""


class Station(_Section):
    """A whole station file (each section's default is copied for every station)."""

    station: StationInfo = StationInfo()
    voice: VoiceSettings = VoiceSettings()
    text: TextSettings = TextSettings()
    pauses: Pauses = Pauses()
    bulletin: BulletinSettings = BulletinSettings()
    audio: AudioSettings = AudioSettings()
    check: CheckSettings = CheckSettings()
    feed: FeedSettings = FeedSettings()
    cache: CacheSettings = CacheSettings()
    performance: PerformanceSettings = PerformanceSettings()
    path: Path | None = None
    """The file this station was read from (None for defaults; not a TOML key)."""


def _path_fields() -> dict[tuple[str, str], bool]:
    """(section class, field) -> True for every setting that is a filesystem path."""
    found: dict[tuple[str, str], bool] = {}
    for section in typing.get_type_hints(Station).values():
        if isinstance(section, type) and issubclass(section, _Section):
            for name, info in section.model_fields.items():
                if Path in (info.annotation, *typing.get_args(info.annotation)):
                    found[(section.__name__, name)] = True
    return found


_PATH_FIELDS = _path_fields()


def load_station(path: str | Path | None) -> Station:
    """Read a station file; ``None`` gives the defaults.

    Any problem is one :class:`InputError` line naming the file (and the setting).
    """
    if path is None:
        return Station()
    file = Path(path)
    try:
        with open(file, "rb") as handle:
            raw = handle.read(MAX_STATION_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{file}: station file not found") from None
    except OSError as exc:
        raise InputError(f"{file}: cannot read station file ({exc.strerror or exc})") from None
    if len(raw) > MAX_STATION_BYTES:
        raise InputError(f"{file}: not a station file (larger than {MAX_STATION_BYTES} bytes)")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{file}: station file is not UTF-8 ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{file}: invalid TOML ({exc})") from None
    except RecursionError:
        raise InputError(f"{file}: invalid TOML (nested too deeply)") from None
    return station_from_dict(data, file)


def station_from_dict(data: dict[str, Any], file: Path) -> Station:
    """Validate the parsed TOML ``data`` of ``file`` into a :class:`Station`."""
    if "path" in data:
        raise InputError(f"{file}: unknown setting 'path'{_suggestion('path', Station)}")
    try:
        station = Station.model_validate(data, context={"base": file.parent})
    except ValidationError as exc:
        raise InputError(_one_line(exc, data, file)) from None
    except RecursionError:
        raise InputError(f"{file}: a setting is nested too deeply") from None
    station.path = file
    return station


# -- error messages -------------------------------------------------------------------


def _one_line(error: ValidationError, data: dict[str, Any], file: Path) -> str:
    """The first problem of ``error`` as ``FILE: section.key = VALUE: must be ...``."""
    first = error.errors(include_url=False)[0]
    model: type[BaseModel] = Station
    value: Any = data
    names: list[str] = []
    for part in first["loc"]:
        if not isinstance(part, str) or part not in model.model_fields:
            if first["type"] == "extra_forbidden" and isinstance(part, str):
                where = ".".join([*names, _printable(part)])
                return f"{file}: unknown setting '{where}'{_suggestion(part, model)}"
            break
        names.append(part)
        value = value.get(part) if isinstance(value, dict) else None
        annotation = model.model_fields[part].annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
            continue
        return (
            f"{file}: {'.'.join(names)} = {show_value(value)}: must be "
            f"{_allowed(model, part)}{_reason(first)}"
        )
    section = ".".join(names) or "the file"
    return f"{file}: [{section}] must be a table of settings, not {show_value(value)}"


def _reason(error: Any) -> str:
    """Extra words for errors the allowed range does not explain (a pattern, a zone)."""
    if error["type"] == "value_error":
        return f" ({str(error['msg']).removeprefix('Value error, ')})"
    return ""


def _suggestion(name: str, model: type[BaseModel]) -> str:
    close = difflib.get_close_matches(name, [n for n in model.model_fields if n != "path"], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def show_value(value: Any) -> str:
    """A value as it would be written in TOML (cut short: it goes in one line)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    elif isinstance(value, float) and not math.isfinite(value):
        text = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    elif isinstance(value, dict):
        text = "a table"
    else:
        text = repr(value)
    return _printable(text)


def _printable(text: str) -> str:
    """``text`` fit for one line of a message: escaped when not printable, cut short."""
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed(model: type[BaseModel], name: str) -> str:
    """What ``model.name`` accepts, in words: ``an integer from 60 to 450``."""
    info = model.model_fields[name]
    return _describe(info.annotation, list(info.metadata))


def _describe(annotation: Any, metadata: list[Any]) -> str:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        inner, *extra = typing.get_args(annotation)
        return _describe(inner, [*extra, *metadata])
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        text = " or ".join(_describe(option, metadata) for option in options)
        return text + (" (or left out)" if len(options) < len(typing.get_args(annotation)) else "")
    if origin is Literal:
        choices = [show_value(choice) for choice in typing.get_args(annotation)]
        return choices[0] if len(choices) == 1 else "one of " + ", ".join(choices)
    if origin is list:
        return "a list of texts"
    names = {int: "an integer", float: "a number", str: "a text", bool: "true or false"}
    text = names.get(annotation, "a path" if annotation is Path else str(annotation))
    return text + _bounds(metadata)


def _constraints(metadata: list[Any]) -> list[Any]:
    """Constraint objects of ``metadata``, with those inside ``Field(...)`` flattened."""
    flat: list[Any] = []
    for item in metadata:
        flat.extend(_constraints(item.metadata) if hasattr(item, "metadata") else [item])
    return flat


def _bounds(metadata: list[Any]) -> str:
    low: Any = None
    high: Any = None
    low_open = False
    extra = ""
    for constraint in _constraints(metadata):
        if isinstance(constraint, annotated_types.Ge):
            low = constraint.ge
        elif isinstance(constraint, annotated_types.Gt):
            low, low_open = constraint.gt, True
        elif isinstance(constraint, annotated_types.Le):
            high = constraint.le
        elif isinstance(constraint, annotated_types.MinLen) and constraint.min_length:
            extra += ", not empty"
        elif isinstance(constraint, annotated_types.MaxLen):
            extra += f", at most {constraint.max_length} characters"
        elif pattern := getattr(constraint, "pattern", None):
            return f" ({_PATTERN_WORDS.get(pattern, 'matching ' + pattern)})"
    if low is not None and high is not None:
        if low_open:
            return f" above {low} and at most {high}{extra}"
        return f" from {low} to {high}{extra}"
    if low is not None:
        return f" {'above' if low_open else 'of at least'} {low}{extra}"
    if high is not None:
        return f" of at most {high}{extra}"
    return extra
