"""Episodes and the feed's state: what was published, under which ids, from which articles.

The state is one JSON file in the published folder (``.narrator-state.json``; web
servers do not serve dot files by default), written atomically. It is the source of
truth: ``feed.xml`` is always rendered from it, so the two can never disagree for
longer than one interrupted run.

An episode id comes from the edition's date and time (``20261125-0900``) or, one
episode per article, from the article's slug. An id, and therefore the GUID and the
enclosure URL derived from it, is issued once and never again, even after its
episode has been pruned: a podcast app must never get different audio under a URL
or GUID it has already seen.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from narrator.errors import InputError
from narrator.feed.sources import Article
from narrator.fsutil import write_text_atomic

log = logging.getLogger(__name__)

STATE_NAME = ".narrator-state.json"
EPISODES_DIR = "episodes"
STATE_VERSION = 1
PODCAST_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The Podcasting 2.0 namespace for ``podcast:guid``."""
MAX_STATE_BYTES = 64 * 1024 * 1024
"""A state file bigger than this is refused (it holds ids and file names only)."""
SEEN_MEMORY_DAYS = 90
"""How long a published article id is remembered after it left the sources: long
enough that an article dropping out of a source feed and coming back is not read
again."""


@dataclass
class Episode:
    """A published episode: its identity, its files and what it contains."""

    id: str
    guid: str
    title: str
    description: str
    published: str
    """ISO 8601 UTC time of publication."""
    audio: str
    """Path of the audio file, relative to the published folder."""
    mime: str
    length: int
    """Size of the audio file in bytes (the enclosure length)."""
    duration: float
    """Seconds."""
    transcript: str | None = None
    """Relative path of the WebVTT transcript."""
    subtitles: str | None = None
    """Relative path of the SRT transcript."""
    chapters: str | None = None
    """Relative path of the JSON chapters."""
    articles: list[str] = field(default_factory=list)
    """Ids of the articles it reads."""
    loudness_lufs: float | None = None
    """Integrated loudness of the published file (for the build's log)."""

    @property
    def files(self) -> list[str]:
        """Every file of the episode, audio first."""
        return [p for p in (self.audio, self.transcript, self.subtitles, self.chapters) if p]

    @property
    def published_at(self) -> datetime:
        return datetime.fromisoformat(self.published)


@dataclass
class FeedState:
    """Everything a build needs to know about earlier builds."""

    podcast_guid: str | None = None
    """Fixed at the first build: the feed keeps it even if its URL changes later."""
    episodes: list[Episode] = field(default_factory=list)
    """Newest first."""
    seen: dict[str, str] = field(default_factory=dict)
    """Article id -> ISO time it was published."""
    issued: list[str] = field(default_factory=list)
    """Every episode id ever issued, pruned or not: ids are never reused."""
    updated: str | None = None
    """ISO time of the last change (the feed's ``lastBuildDate``)."""
    quarantine: dict[str, Quarantined] = field(default_factory=dict)
    """Articles (or article files) that failed, by key: retried until dropped."""
    repairs: int = field(default=0, compare=False)
    """Entries repaired or dropped when the file was read (not saved): the build saves
    the state once, so the warnings are not repeated on every run."""


@dataclass
class Quarantined:
    """An article that failed: why, how often, and on what content."""

    reason: str
    """One line naming the file or item and the problem."""
    failures: int
    """Builds it failed in (with this content); at ``max_article_failures`` it is dropped."""
    digest: str
    """A hash of the content that failed: a changed article is retried afresh."""
    last: str
    """ISO time of the last failure."""

    def dropped(self, max_failures: int) -> bool:
        """Whether it failed often enough to be given up (until its content changes)."""
        return self.failures >= max(1, max_failures)


def state_path(out: Path) -> Path:
    return Path(out) / STATE_NAME


_Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")]
# A published file is always episodes/<slug>.<suffix>: never "../", never absolute.
_EpisodeFile = Annotated[
    str, Field(pattern=r"^episodes/[a-z0-9][a-z0-9-]{0,99}(\.[a-z0-9]{1,8}){1,2}$")
]
_Text = Annotated[str, Field(max_length=100_000)]


class _EpisodeRecord(BaseModel):
    """One episode of the state file, as it must be to be published."""

    model_config = ConfigDict(extra="ignore")

    id: _Slug
    guid: uuid.UUID
    title: _Text
    description: _Text = ""
    published: datetime
    audio: _EpisodeFile
    mime: Annotated[str, Field(pattern=r"^audio/[a-z0-9.+-]{1,30}$")]
    length: Annotated[int, Field(ge=0)]
    duration: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    transcript: _EpisodeFile | None = None
    subtitles: _EpisodeFile | None = None
    chapters: _EpisodeFile | None = None
    articles: list[str] = []
    loudness_lufs: Annotated[float, Field(allow_inf_nan=False)] | None = None

    @field_validator("published")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

    def episode(self) -> Episode:
        data = self.model_dump()
        data["guid"] = str(self.guid)
        data["published"] = self.published.astimezone(UTC).isoformat()
        return Episode(**data)


class _QuarantineRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reason: Annotated[str, Field(max_length=2000)]
    failures: Annotated[int, Field(ge=0)]
    digest: Annotated[str, Field(max_length=128)] = ""
    last: datetime


_DATE = TypeAdapter(datetime)
_GUID = TypeAdapter(uuid.UUID)


def load_state(out: Path, now: datetime | None = None) -> FeedState:
    """The state of the feed published in ``out`` (empty for a new folder).

    A file that is not a JSON object of this version is an :class:`InputError` (a
    human must look: starting afresh would reissue URLs). A bad entry inside it is
    repaired (a seen date that is no date becomes now) or dropped (an episode whose
    file names leave ``episodes/``, or with wrong types), each with a warning: one bad
    entry must not stop the feed.
    """
    path = state_path(out)
    try:
        if path.stat().st_size > MAX_STATE_BYTES:
            raise InputError(f"{path}: feed state larger than {MAX_STATE_BYTES >> 20} MB")
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return FeedState()
    except RecursionError:
        raise InputError(f"{path}: unreadable feed state (nested too deep)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: unreadable feed state ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: malformed feed state (not a JSON object)")
    if data.get("version") != STATE_VERSION:
        raise InputError(f"{path}: feed state version {data.get('version')!r} not supported")
    return _StateRepair(path, now or datetime.now(UTC)).state(data)


class _StateRepair:
    """Builds a valid :class:`FeedState` out of a state file's data, entry by entry."""

    def __init__(self, path: Path, now: datetime) -> None:
        self.path = path
        self.now = now.astimezone(UTC).replace(microsecond=0)
        self.problems = 0
        self.dropped_ids: list[str] = []

    def warn(self, what: str, action: str) -> None:
        self.problems += 1
        log.warning("%s: %s: %s", self.path, what, action)

    def state(self, data: dict[str, Any]) -> FeedState:
        episodes = self.episodes(data.get("episodes"))
        issued = self.issued(data.get("issued"), episodes)
        state = FeedState(
            podcast_guid=self.guid(data.get("podcast_guid")),
            episodes=[e for e in episodes if e is not None],
            seen=self.seen(data.get("seen"), [e for e in episodes if e is not None]),
            issued=issued,
            updated=self.date(data.get("updated"), "updated", keep_missing=True),
            quarantine=self.quarantine(data.get("quarantine")),
        )
        state.repairs = self.problems
        return state

    def guid(self, value: Any) -> str | None:
        if value is None:
            return None
        try:
            return str(_GUID.validate_python(value))
        except ValidationError:
            self.warn(f"podcast_guid {_short(value)}", "not a UUID, derived again from the URL")
            return None

    def episodes(self, value: Any) -> list[Episode | None]:
        """Each valid episode; None where one was dropped (its id stays issued)."""
        if not isinstance(value, list):
            if value is not None:
                self.warn("episodes", f"not a list ({_short(value)}), dropped")
            return []
        episodes: list[Episode | None] = []
        for number, entry in enumerate(value):
            try:
                episodes.append(_EpisodeRecord.model_validate(entry).episode())
            except ValidationError as exc:
                error = exc.errors()[0]
                where = ".".join(str(p) for p in error["loc"]) or "entry"
                self.warn(
                    f"episode {number + 1} ({where}: {error['msg']}, {_short(error.get('input'))})",
                    "dropped from the feed",
                )
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    self.dropped_ids.append(entry["id"])
                episodes.append(None)
        return episodes

    def issued(self, value: Any, episodes: list[Episode | None]) -> list[str]:
        ids: list[str] = []
        if isinstance(value, list):
            ids = [v for v in value if isinstance(v, str)]
            if len(ids) != len(value):
                self.warn("issued", f"{len(value) - len(ids)} entries that are not ids dropped")
        elif value is not None:
            self.warn("issued", f"not a list ({_short(value)}), rebuilt from the episodes")
        # Every id ever published stays issued, even of a dropped entry: never reused.
        known = set(ids)
        for extra in [e.id for e in episodes if e is not None] + self.dropped_ids:
            if extra not in known:
                ids.append(extra)
                known.add(extra)
        return ids

    def seen(self, value: Any, episodes: list[Episode]) -> dict[str, str]:
        seen: dict[str, str] = {}
        if not isinstance(value, dict):
            if value is not None:
                self.warn("seen", f"not an object ({_short(value)}), rebuilt from the episodes")
            value = {}
        for key, when in value.items():
            repaired = self.date(when, f"seen[{_short(key)}]")
            seen[str(key)] = repaired or self.now.isoformat()
        # An article a listed episode reads is seen, whatever the file says.
        for episode in episodes:
            for article_id in episode.articles:
                seen.setdefault(article_id, episode.published)
        return seen

    def date(self, value: Any, what: str, *, keep_missing: bool = False) -> str | None:
        """An ISO UTC date, or None (with a warning unless it is simply missing)."""
        if value is None and keep_missing:
            return None
        try:
            parsed = _DATE.validate_python(value)
        except ValidationError:
            self.warn(f"{what} {_short(value)}", "not a date, set to now")
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).isoformat()

    def quarantine(self, value: Any) -> dict[str, Quarantined]:
        entries: dict[str, Quarantined] = {}
        if not isinstance(value, dict):
            if value is not None:
                self.warn("quarantine", f"not an object ({_short(value)}), cleared")
            return entries
        for key, entry in value.items():
            try:
                record = _QuarantineRecord.model_validate(entry)
            except ValidationError:
                self.warn(f"quarantine[{_short(key)}]", "malformed, cleared")
                continue
            last = record.last if record.last.tzinfo else record.last.replace(tzinfo=UTC)
            entries[str(key)] = Quarantined(
                record.reason, record.failures, record.digest, last.astimezone(UTC).isoformat()
            )
        return entries


def _short(value: Any) -> str:
    """A value, quoted and cut, for a one-line warning."""
    text = ascii(value)
    return text if len(text) <= 60 else text[:57] + "..."


def save_state(out: Path, state: FeedState) -> None:
    """Write the state atomically."""
    data: dict[str, Any] = {"version": STATE_VERSION, **asdict(state)}
    del data["repairs"]
    write_text_atomic(state_path(out), json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def podcast_guid(feed_url: str) -> str:
    """``podcast:guid``: UUIDv5 of the feed URL without its scheme and trailing slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_NAMESPACE, bare))


def episode_guid(channel_guid: str, episode_id: str) -> str:
    """An item's GUID: a UUIDv5 of its episode id within the podcast's own GUID."""
    return str(uuid.uuid5(uuid.UUID(channel_guid), episode_id))


def edition_id(when: datetime, state: FeedState, taken: set[str] | None = None) -> str:
    """The id of the edition built at ``when`` (UTC): ``YYYYMMDD-HHMM``, made unique."""
    return unique_id(when.astimezone(UTC).strftime("%Y%m%d-%H%M"), state, taken)


def unique_id(base: str, state: FeedState, taken: set[str] | None = None) -> str:
    """``base``, or ``base-2``, ``base-3``... if it was ever issued (or is ``taken``)."""
    used = set(state.issued) | (taken or set())
    candidate, number = base, 1
    while candidate in used:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def new_articles(articles: list[Article], state: FeedState) -> list[Article]:
    """Articles not published before, each once, in source order."""
    fresh: list[Article] = []
    ids: set[str] = set()
    for article in articles:
        if article.id in state.seen or article.id in ids:
            continue
        ids.add(article.id)
        fresh.append(article)
    return fresh


def remember(state: FeedState, published: list[str], present: set[str], now: datetime) -> None:
    """Mark the ``published`` article ids as seen, and forget ids that have been gone
    from the sources (not ``present``) for longer than :data:`SEEN_MEMORY_DAYS`."""
    stamp = now.astimezone(UTC).isoformat()
    for article_id in published:
        state.seen[article_id] = stamp
    cutoff = now - timedelta(days=SEEN_MEMORY_DAYS)
    state.seen = {k: v for k, v in state.seen.items() if k in present or _after(v, cutoff)}


def _after(stamp: str, cutoff: datetime) -> bool:
    """Whether ISO ``stamp`` is at or after ``cutoff`` (an unreadable one counts as recent:
    forgetting an article too early would read it again)."""
    try:
        when = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return True
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when >= cutoff


def record_failures(
    state: FeedState,
    failures: dict[str, tuple[str, str]],
    still_dropped: set[str],
    now: datetime,
) -> list[tuple[str, Quarantined]]:
    """Count this build's failures (key -> (reason, digest)) in the quarantine.

    A failure with new content starts again at 1. Every other entry leaves the
    quarantine, except those ``still_dropped`` (given up, unchanged, still in the
    sources): an article that now reads, or that left the sources, is forgotten.
    Returns the entries of this build's failures, in key order.
    """
    stamp = now.astimezone(UTC).isoformat()
    updated: list[tuple[str, Quarantined]] = []
    for key, (reason, digest) in sorted(failures.items()):
        earlier = state.quarantine.get(key)
        count = earlier.failures + 1 if earlier and earlier.digest == digest else 1
        entry = Quarantined(reason=reason, failures=count, digest=digest, last=stamp)
        state.quarantine[key] = entry
        updated.append((key, entry))
    state.quarantine = {
        k: v for k, v in state.quarantine.items() if k in failures or k in still_dropped
    }
    return updated


def retention(
    episodes: list[Episode], keep_episodes: int, keep_days: int, now: datetime
) -> tuple[list[Episode], list[Episode]]:
    """Split newest-first ``episodes`` into (kept, pruned) by count and by age (0 = no limit)."""
    kept: list[Episode] = []
    pruned: list[Episode] = []
    cutoff = now - timedelta(days=keep_days) if keep_days > 0 else None
    for episode in episodes:
        too_many = keep_episodes > 0 and len(kept) >= keep_episodes
        too_old = cutoff is not None and episode.published_at < cutoff
        (pruned if too_many or too_old else kept).append(episode)
    return kept, pruned
