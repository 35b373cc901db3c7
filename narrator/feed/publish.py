"""``narrator feed build``: gather new articles, produce episodes, publish the feed safely.

One build, under the folder's lock:

1. read the state and the sources; the articles not published before are new;
2. produce each new episode straight into ``episodes/`` (every file is written to a
   temporary file in the same folder, fsynced and renamed, so it appears whole);
3. apply retention; write the cover, then the state, then ``feed.xml`` (rendered
   from the state), each atomically;
4. only then delete files no longer in the state (pruned episodes, leftovers of an
   interrupted run).

So at every instant ``feed.xml`` names only files that are complete, and a run
killed at any point leaves a valid feed that the next run completes. A run with
nothing new renders the same bytes as the published feed and writes nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from narrator.cache import CacheStats, SegmentCache
from narrator.config import Station
from narrator.errors import InputError, OutputError
from narrator.feed.cover import default_cover
from narrator.feed.episodes import (
    EPISODES_DIR,
    Episode,
    FeedState,
    edition_id,
    episode_guid,
    load_state,
    new_articles,
    podcast_guid,
    remember,
    retention,
    save_state,
    unique_id,
)
from narrator.feed.lock import BuildLock
from narrator.feed.rss import MIME_TYPES, Channel, render_feed
from narrator.feed.sources import Article, bulletin_document, load_articles
from narrator.fsutil import write_bytes_atomic
from narrator.text.document import Document

if TYPE_CHECKING:
    from narrator.pipeline import ProgressCallback

log = logging.getLogger(__name__)

FEED_NAME = "feed.xml"
SIDECARS = {"transcript": ".vtt", "subtitles": ".srt", "chapters": ".chapters.json"}
"""Files :func:`narrator.pipeline.produce` writes beside the audio, same stem."""
_DESCRIPTION_CHARS = 600
_UNDATED = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class BuildOptions:
    """Where to read, where to publish, and how."""

    sources: str
    """A folder of articles, an RSS/Atom file, or an http(s) URL."""
    out: Path
    base_url: str
    per_article: bool = False
    lock_timeout_s: float = 600.0


@dataclass
class BuildReport:
    """What a build did."""

    feed: Path
    articles: int
    """Articles found in the sources."""
    new_episodes: list[Episode] = field(default_factory=list)
    pruned: list[Episode] = field(default_factory=list)
    removed_files: list[str] = field(default_factory=list)
    """Files deleted: pruned episodes and leftovers of interrupted runs."""
    feed_written: bool = False
    cache: CacheStats | None = None
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        """One line for the log."""
        if not self.new_episodes and not self.pruned:
            state = "rewritten from the state" if self.feed_written else "unchanged"
            return f"no new articles ({self.articles} in the sources): {self.feed} {state}"
        parts = [f"{len(self.new_episodes)} new episode(s)"]
        if self.pruned:
            parts.append(f"{len(self.pruned)} pruned")
        return f"{', '.join(parts)}: {self.feed} ({self.seconds:.1f} s)"


def resolve_options(
    station: Station,
    *,
    sources: str | None = None,
    out: Path | None = None,
    base_url: str | None = None,
    per_article: bool | None = None,
) -> BuildOptions:
    """Command-line values, else the station file's ``[feed]`` section; all checked."""
    settings = station.feed
    chosen_sources = sources or settings.sources
    if not chosen_sources:
        raise InputError("no sources: pass --sources PATH|URL or set feed.sources")
    if (
        sources is None
        and station.path is not None
        and not chosen_sources.startswith(("http://", "https://"))
    ):
        # Relative paths in a station file are relative to that file.
        chosen_sources = str((station.path.parent / chosen_sources).expanduser())
    chosen_out = out or settings.out
    if chosen_out is None:
        raise InputError("no output folder: pass --out DIR or set feed.out")
    url = (base_url or settings.base_url or "").strip().rstrip("/")
    if not url:
        raise InputError("no base URL: pass --base-url URL or set feed.base_url")
    if not url.startswith(("http://", "https://")):
        raise InputError(f"base URL {url!r} must start with http:// or https://")
    return BuildOptions(
        sources=chosen_sources,
        out=Path(chosen_out),
        base_url=url,
        per_article=settings.per_article if per_article is None else per_article,
        lock_timeout_s=settings.lock_timeout_s,
    )


def build(
    station: Station,
    options: BuildOptions,
    *,
    cache: SegmentCache | None = None,
    now: datetime | None = None,
    progress: ProgressCallback | None = None,
) -> BuildReport:
    """Publish the new articles of ``options.sources`` into ``options.out``."""
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    out = options.out
    try:
        (out / EPISODES_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the feed folder ({exc.strerror})") from None
    with BuildLock(out, options.lock_timeout_s):
        state = load_state(out)
        articles = load_articles(options.sources)
        report = BuildReport(
            feed=out / FEED_NAME,
            articles=len(articles),
            cache=cache.stats if cache is not None else None,
        )
        fresh = new_articles(articles, state)
        channel = _channel(station, options, state, _publish_cover(out, station))

        if fresh:
            log.info("%d new article(s) of %d", len(fresh), len(articles))
        plans = _plan(fresh, station, state, options, now)
        for index, (document, episode_id, article_ids) in enumerate(plans):
            # A second apart, the last the newest: apps order items by pubDate.
            published = now - timedelta(seconds=len(plans) - 1 - index)
            episode = _produce(
                document, episode_id, article_ids, channel, station, out, published, cache, progress
            )
            report.new_episodes.append(episode)
            state.issued.append(episode_id)

        # Newest first: the new ones (the last article of a run is the newest).
        candidates = report.new_episodes[::-1] + state.episodes
        kept, report.pruned = retention(
            candidates, station.feed.keep_episodes, station.feed.keep_days, now
        )
        if report.new_episodes or report.pruned or state.podcast_guid is None:
            state.episodes = kept
            state.podcast_guid = channel.guid
            state.updated = now.isoformat()
            remember(
                state,
                [a for e in report.new_episodes for a in e.articles],
                {a.id for a in articles},
                now,
            )
            save_state(out, state)
        updated = datetime.fromisoformat(state.updated) if state.updated else None
        report.feed_written = _write_if_changed(
            out / FEED_NAME, render_feed(channel, state.episodes, updated)
        )
        report.removed_files = _sweep(out, state, channel.image)
    report.seconds = time.perf_counter() - started
    return report


def _plan(
    fresh: list[Article], station: Station, state: FeedState, options: BuildOptions, now: datetime
) -> list[tuple[Document, str, list[str]]]:
    """(document, episode id, article ids) of each episode to produce."""
    if not fresh:
        return []
    local = now.astimezone(_zone(station))
    meta = {
        "date": local.date().isoformat(),
        "edition": local.strftime("%H:%M"),
        "station": station.station.name,
    }
    if not options.per_article:
        title = _edition_title(station, local)
        document = bulletin_document(fresh, title, meta)
        return [(document, edition_id(now, state), [a.id for a in fresh])]
    plans: list[tuple[Document, str, list[str]]] = []
    taken: set[str] = set()
    # Oldest first, so the newest article becomes the newest episode (undated ones keep
    # their place in the sources, first).
    for article in sorted(fresh, key=lambda a: a.date or _UNDATED):
        episode_id = unique_id(article.slug, state, taken)
        taken.add(episode_id)
        document = article.document
        document.meta = {**document.meta, **meta}  # the edition's date, not the article's
        plans.append((document, episode_id, [article.id]))
    return plans


def _produce(
    document: Document,
    episode_id: str,
    article_ids: list[str],
    channel: Channel,
    station: Station,
    out: Path,
    now: datetime,
    cache: SegmentCache | None,
    progress: ProgressCallback | None,
) -> Episode:
    """Produce one episode's audio and sidecars into ``episodes/`` and describe it."""
    # Imported here: the audio stack takes a while to load, and most hourly
    # runs find nothing new and need none of it.
    from narrator.audio.export import FORMATS
    from narrator.pipeline import produce

    fmt = station.audio.format
    if fmt not in FORMATS:
        raise InputError(f"unknown audio.format {fmt!r} in the station file")
    suffix = FORMATS[fmt][2]
    audio = f"{EPISODES_DIR}/{episode_id}{suffix}"
    log.info("producing %s", audio)
    result = produce(document, out / audio, station, fmt=fmt, progress=progress, cache=cache)
    sidecars: dict[str, str | None] = {}
    for name, ending in SIDECARS.items():
        relative = f"{EPISODES_DIR}/{episode_id}{ending}"
        sidecars[name] = relative if (out / relative).is_file() else None
        if sidecars[name] is None:
            log.warning("%s: no %s beside the audio; the feed item omits it", audio, ending)
    title = document.title or episode_id
    return Episode(
        id=episode_id,
        guid=episode_guid(channel.guid, episode_id),
        title=title,
        description=_description(document),
        published=now.isoformat(),
        audio=audio,
        mime=MIME_TYPES[suffix],
        length=(out / audio).stat().st_size,
        duration=round(result.programme.duration, 3),
        articles=article_ids,
        **sidecars,
    )


def _description(document: Document) -> str:
    """A bulletin's headlines, or an article's first paragraph, cut at a word."""
    titles = [s.title for s in document.stories if s.title]
    if len(titles) > 1:
        text = "Бұл шығарылымда: " + "; ".join(titles) + "."
    else:
        text = next((p for s in document.stories for p in s.paragraphs), document.title or "")
    if len(text) > _DESCRIPTION_CHARS:
        text = text[:_DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " …"
    return text


def _edition_title(station: Station, local: datetime) -> str:
    return f"{station.station.name} жаңалықтары, {local:%d.%m.%Y, %H:%M}"


def _zone(station: Station) -> ZoneInfo | None:
    name = station.feed.timezone
    if not name:
        return None  # astimezone(None): the machine's local time
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"unknown time zone {name!r} in feed.timezone") from None


def _channel(station: Station, options: BuildOptions, state: FeedState, image: str) -> Channel:
    settings = station.feed
    feed_url = f"{options.base_url}/{FEED_NAME}"
    return Channel(
        title=settings.title or station.station.name,
        link=settings.link,
        description=settings.description,
        author=settings.author or station.station.name,
        category=settings.category,
        explicit=settings.explicit,
        base_url=options.base_url,
        image=image,
        # Fixed at the first build, so moving the feed does not make it a new podcast.
        guid=settings.guid or state.podcast_guid or podcast_guid(feed_url),
        language=station.station.language,
        locked=settings.locked,
        owner_email=settings.owner_email,
    )


def _publish_cover(out: Path, station: Station) -> str:
    """Copy the station's cover (or narrator's default) into ``out``; its relative name."""
    cover = station.audio.cover
    if cover is None:
        name, data = "cover.png", default_cover()
    else:
        suffix = Path(cover).suffix.lower()
        if suffix not in (".jpg", ".jpeg", ".png"):
            raise InputError(f"{cover}: the cover must be a JPEG or PNG image")
        try:
            data = Path(cover).read_bytes()
        except OSError as exc:
            raise InputError(f"{cover}: cannot read the cover image ({exc.strerror})") from None
        name = "cover.jpg" if suffix in (".jpg", ".jpeg") else "cover.png"
    _write_if_changed(out / name, data)
    return name


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` atomically unless ``path`` already holds exactly it."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes_atomic(path, data)
    return True


def _sweep(out: Path, state: FeedState, cover: str) -> list[str]:
    """Delete what the (already published) state no longer names.

    Files of pruned episodes, files of episodes an interrupted run produced but never
    published, temporary files of killed writes, and a cover replaced by another type.
    """
    wanted = {f for e in state.episodes for f in e.files}
    removed: list[str] = []
    candidates = [p for p in (out / EPISODES_DIR).iterdir() if p.is_file() or p.is_symlink()]
    candidates += [p for p in out.iterdir() if p.name.startswith(".") and ".part" in p.name]
    candidates += [p for p in out.glob("cover.*") if p.name != cover]
    for path in candidates:
        relative = path.relative_to(out).as_posix()
        if relative in wanted:
            continue
        path.unlink(missing_ok=True)
        removed.append(relative)
    if removed:
        log.info("removed %d file(s) no longer in the feed", len(removed))
    return removed
