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
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from narrator.errors import InputError
from narrator.feed.sources import Article
from narrator.fsutil import write_text_atomic

STATE_NAME = ".narrator-state.json"
EPISODES_DIR = "episodes"
STATE_VERSION = 1
PODCAST_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The Podcasting 2.0 namespace for ``podcast:guid``."""
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


def state_path(out: Path) -> Path:
    return Path(out) / STATE_NAME


def load_state(out: Path) -> FeedState:
    """The state of the feed published in ``out`` (empty for a new folder)."""
    path = state_path(out)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return FeedState()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: unreadable feed state ({exc})") from None
    try:
        if data.get("version") != STATE_VERSION:
            raise InputError(f"{path}: feed state version {data.get('version')!r} not supported")
        return FeedState(
            podcast_guid=data.get("podcast_guid"),
            episodes=[Episode(**e) for e in data["episodes"]],
            seen=dict(data["seen"]),
            issued=list(data["issued"]),
            updated=data.get("updated"),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{path}: malformed feed state ({exc})") from None


def save_state(out: Path, state: FeedState) -> None:
    """Write the state atomically."""
    data: dict[str, Any] = {"version": STATE_VERSION, **asdict(state)}
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
    state.seen = {
        k: v for k, v in state.seen.items() if k in present or datetime.fromisoformat(v) >= cutoff
    }


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
