"""The station file: everything a newsroom tunes, in one TOML file.

Every field has a documented default, so narrator works with no station file at all.
Relative paths in the file are relative to the file's own directory. Unknown keys are
errors (a typo should not be silently ignored).
"""

from __future__ import annotations

import tomllib
import types
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from narrator.errors import InputError


@dataclass
class StationInfo:
    """Who is speaking."""

    name: str = "Narrator"
    """Station name: the ID3 artist, the feed author, read in intros."""
    language: str = "kk"
    """Language code of the programme (ID3 TLAN, feed ``language``)."""


@dataclass
class VoiceSettings:
    """Which voice reads, and how."""

    id: str = "kk-espeak"
    """Voice id (see ``narrator voices list``)."""
    fallbacks: list[str] = field(default_factory=list)
    """Voices tried in order when the main voice fails on a segment."""
    rate_wpm: int = 165
    """Speaking rate in words per minute."""
    pitch: int = 50
    """Pitch, 0-100."""
    speaker: str | None = None
    """Speaker of a multi-speaker voice."""
    voices_dir: Path | None = None
    """Where installed voices live (default: the user data directory)."""


@dataclass
class TextSettings:
    """How text is read."""

    lexicon: Path | None = None
    """A TSV of ``written<TAB>spoken`` pronunciations applied before built-in tables."""
    register: str = "news"
    """``news`` (жүз, мың) or ``formal`` (бір жүз, бір мың)."""
    max_chunk_chars: int = 300
    """Longest piece of text handed to the engine at once; longer sentences are cut at
    clause boundaries."""


@dataclass
class Pauses:
    """Silence between pieces, in milliseconds."""

    clause_ms: int = 180
    """Between engine chunks of one long sentence."""
    sentence_ms: int = 450
    paragraph_ms: int = 900
    story_ms: int = 1700
    """Between stories (and between the intro/headlines, the stories and the outro)."""
    jingle_ms: int = 500
    """Between a jingle and the voice."""
    jitter_ms: int = 40
    """Deterministic variation (+/-) so pauses do not sound mechanical.

    Every pause is measured from the audible end of one piece to the audible start of
    the next, and is filled with room tone."""


@dataclass
class BulletinSettings:
    """The programme around the stories."""

    intro: str = "{station}. Бүгін {date}. Назарларыңызға жаңалықтар."
    """Intro line(s); ``{station}``, ``{date}`` (written ``2026 жылғы 25 қараша``, read
    in words by the normaliser), ``{title}`` and ``{edition}`` are filled in. The date
    is the front matter's ``date`` (YYYY-MM-DD) or today. An empty text reads nothing."""
    outro: str = "{station} жаңалықтары аяқталды. Тыңдағаныңызға рахмет."
    """Outro line(s), with the same placeholders."""
    headlines: bool = True
    """Read the story titles at the start when there are several titled stories."""


@dataclass
class AudioSettings:
    """Mastering and export."""

    format: str = "mp3"
    """mp3, ogg (Vorbis), opus, flac or wav."""
    sample_rate: int = 44100
    channels: int = 1
    """1 (mono) or 2 (stereo: the mono programme on both channels)."""
    bitrate_kbps: int = 112
    """MP3 bitrate (Apple: 96-128 kbps mono)."""
    loudness_lufs: float | None = None
    """Integrated loudness target; default -19 LUFS mono, -16 LUFS stereo."""
    true_peak_dbtp: float = -1.0
    """Highest true peak (4x oversampled) of the decoded file."""
    room_tone_dbfs: float = -66.0
    """RMS level, in the finished file, of the low noise laid in pauses instead of
    digital silence."""
    intro_jingle: Path | None = None
    """Audio file played before the intro (default: narrator's own sting)."""
    outro_jingle: Path | None = None
    """Audio file played after the outro (default: narrator's own sting)."""
    music_bed: Path | None = None
    """Music looped under the speech, ducked by ``bed_duck_db``."""
    bed_duck_db: float = 18.0
    """How far under the speech the bed sits while someone speaks (10-20 dB)."""
    bed_level_lu: float = -6.0
    """Bed loudness relative to the speech when no one speaks."""
    jingles: bool = True
    """Play intro/outro stings at all."""
    jingle_level_lu: float = -3.0
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


@dataclass
class CheckSettings:
    """Targets for ``narrator check``."""

    loudness_tolerance_lu: float = 1.0
    """Allowed distance from the loudness target (Apple: ±1 dB)."""
    max_silence_s: float = 3.0
    """Longest silence allowed inside the programme."""
    max_edge_silence_s: float = 2.0
    """Longest silence allowed at the start and at the end."""
    max_clipped_samples: int = 0
    """Samples at full scale (clipped) allowed."""
    silence_threshold_db: float = -50.0
    """Audio quieter than this (RMS over 10 ms) counts as silence; room tone is below it."""


@dataclass
class FeedSettings:
    """The podcast feed."""

    title: str | None = None
    """Feed title (default: the station name)."""
    description: str = "Қазақша аудио жаңалықтар."
    link: str | None = None
    """The station's website (the channel ``<link>``); unset, the feed links to its base
    URL and every build warns."""
    author: str | None = None
    category: str = "News"
    explicit: bool = False
    base_url: str | None = None
    """Public URL of the published folder."""
    out: Path | None = None
    sources: str | None = None
    """A folder of articles, an RSS/Atom file or an http(s) URL of one; a relative path
    is relative to the station file."""
    per_article: bool = False
    keep_episodes: int = 48
    """Retention: newest episodes kept (0 = no limit)."""
    keep_days: int = 0
    """Retention: episodes older than this many days are pruned (0 = no limit)."""
    lock_timeout_s: float = 600.0
    """How long a build waits for another one to finish before giving up."""
    owner_email: str | None = None
    """``itunes:owner`` e-mail (Apple sends feed verification mail there)."""
    locked: bool = False
    """``podcast:locked``: ask other platforms not to import the feed."""
    guid: str | None = None
    """``podcast:guid`` override (default: from the feed URL at the first build)."""
    timezone: str | None = None
    """IANA time zone of edition titles and dates, e.g. ``Asia/Almaty`` (default: the
    machine's)."""
    max_article_failures: int = 3
    """A quarantined article is retried on this many builds, then dropped."""
    fetch_timeout_s: float = 30.0
    """Total deadline of fetching a source URL (connection, redirects and body)."""
    max_redirects: int = 5
    """Redirects followed when fetching a source (to the same host only)."""
    max_source_mb: float = 20.0
    """Largest source document (a downloaded feed, a feed file or one article file)."""
    max_items: int = 200
    """Most articles read from one source; the rest are left out and the report says so."""
    max_depth: int = 32
    """Deepest nesting of JSON or XML in a source."""
    max_title_chars: int = 300
    """Longest article title read; a longer one is cut at a word, with a warning."""


@dataclass
class CacheSettings:
    """The segment cache shared by all runs."""

    dir: Path | None = None
    """Default: the user cache directory."""
    max_mb: int = 2048
    enabled: bool = True


@dataclass
class Station:
    """A whole station file."""

    station: StationInfo = field(default_factory=StationInfo)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    text: TextSettings = field(default_factory=TextSettings)
    pauses: Pauses = field(default_factory=Pauses)
    bulletin: BulletinSettings = field(default_factory=BulletinSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    check: CheckSettings = field(default_factory=CheckSettings)
    feed: FeedSettings = field(default_factory=FeedSettings)
    cache: CacheSettings = field(default_factory=CacheSettings)
    path: Path | None = None
    """The file this station was read from (None for defaults)."""


def load_station(path: str | Path | None) -> Station:
    """Read a station file; ``None`` gives the defaults."""
    if path is None:
        return Station()
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError(f"{file}: station file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{file}: cannot read station file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{file}: invalid TOML ({exc})") from None
    station = _build(Station, data, file, "")
    station.path = file
    return station


def _build(cls: type, data: Any, file: Path, where: str) -> Any:
    if not isinstance(data, dict):
        raise InputError(f"{file}: [{where}] must be a table")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls) if f.name != "path"}
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{where}.{key}" if where else key
        if key not in known:
            raise InputError(f"{file}: unknown setting '{name}'")
        values[key] = _convert(hints[key], value, file, name)
    return cls(**values)


def _convert(hint: Any, value: Any, file: Path, name: str) -> Any:
    if is_dataclass(hint):
        return _build(hint, value, file, name)  # type: ignore[arg-type]
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for option in options:
        if option is type(None):
            continue
        if option is Path and isinstance(value, str):
            return (file.parent / value).expanduser() if value else None
        if typing.get_origin(option) is list and isinstance(value, list):
            return [str(v) for v in value]
        if option is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if option is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if option in (str, bool) and isinstance(value, option):
            return value
    expected = " or ".join(getattr(o, "__name__", str(o)) for o in options if o is not type(None))
    raise InputError(f"{file}: setting '{name}' must be {expected}, got {value!r}")
