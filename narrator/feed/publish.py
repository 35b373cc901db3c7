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

import copy
import logging
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from narrator.cache import CacheStats, SegmentCache
from narrator.config import Station
from narrator.errors import InputError, OutputError, VoiceError
from narrator.feed.cover import default_cover
from narrator.feed.episodes import (
    EPISODES_DIR,
    STATE_NAME,
    Episode,
    FeedState,
    Quarantined,
    edition_id,
    episode_guid,
    load_state,
    new_articles,
    podcast_guid,
    record_failures,
    remember,
    retention,
    save_state,
    unique_id,
)
from narrator.feed.lock import BuildLock
from narrator.feed.rss import MIME_TYPES, Channel, render_feed
from narrator.feed.sources import (
    Article,
    SourceLimits,
    bulletin_document,
    fetch,
    order_articles,
    read_sources,
)
from narrator.fsutil import write_bytes_atomic
from narrator.text.document import Document, plain_text

if TYPE_CHECKING:
    from narrator.pipeline import ProgressCallback

log = logging.getLogger(__name__)

FEED_NAME = "feed.xml"
COVER_NAMES = ("cover.png", "cover.jpg")
PROBE_DIR = ".narrator-probe"
"""Scratch folder where a failed bulletin's articles are produced one by one."""
SIDECARS = {"transcript": ".vtt", "subtitles": ".srt", "chapters": ".chapters.json"}
"""Files :func:`narrator.pipeline.produce` writes beside the audio, same stem."""
_DESCRIPTION_CHARS = 600
_TITLE_LEAD_CHARS = 80


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
    quarantined: list[tuple[str, Quarantined]] = field(default_factory=list)
    """Articles that failed in this build (key, entry), retried or now dropped."""
    max_failures: int = 3
    still_dropped: int = 0
    """Articles given up earlier and unchanged since: not read again."""
    truncated: str | None = None
    """What the item cap left out of the sources, if anything."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage: ``fetch``, ``sources``, ``production``, ``publish``."""

    @property
    def new_articles(self) -> int:
        """Articles published in this build's episodes."""
        return sum(len(e.articles) for e in self.new_episodes)

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

    def quarantine_lines(self) -> list[str]:
        """One line per article that failed in this build."""
        lines = []
        for _, entry in self.quarantined:
            if entry.dropped(self.max_failures):
                lines.append(
                    f"dropped after {entry.failures} failed builds: {entry.reason} "
                    "(read again only when it changes)"
                )
            else:
                lines.append(
                    f"quarantined ({entry.failures} of {self.max_failures} tries): "
                    f"{entry.reason} (retried next build)"
                )
        return lines


@dataclass
class _Plan:
    """One episode to produce."""

    document: Document
    episode_id: str
    articles: list[Article]
    published: datetime
    title: str
    """The feed item's title (and, for a bulletin, the ID3 title)."""
    edition: str | None = None
    """A bulletin's edition (its title without the lead story), to title it anew."""


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
    limits = SourceLimits.for_station(station)
    max_failures = station.feed.max_article_failures
    timings: dict[str, float] = {}
    fetched = None
    if options.sources.startswith(("http://", "https://")):
        # Fetched before taking the lock: a slow server must not hold up other builds.
        fetched = fetch(options.sources, limits)
        timings["fetch"] = time.perf_counter() - started
    _prepare(out)
    with BuildLock(out, options.lock_timeout_s):
        stage = time.perf_counter()
        state = load_state(out, now)
        dropped: set[str] = set()

        def skip(key: str, digest: str) -> bool:
            entry = state.quarantine.get(key)
            if entry is not None and entry.digest == digest and entry.dropped(max_failures):
                dropped.add(key)
                return True
            return False

        found = read_sources(options.sources, limits, skip=skip, fetched=fetched)
        if found.truncated:
            log.warning("%s", found.truncated)
        articles = order_articles(found.articles)
        failures = {r.key: (r.reason, r.digest) for r in found.rejected}
        fresh = [a for a in new_articles(articles, state) if not skip(a.id, a.digest)]
        fresh = _preflight(fresh, station, failures)
        report = BuildReport(
            feed=out / FEED_NAME,
            articles=len(articles) + len(found.rejected) + len(dropped),
            cache=cache.stats if cache is not None else None,
            max_failures=max_failures,
            truncated=found.truncated,
        )
        timings["sources"] = time.perf_counter() - stage

        stage = time.perf_counter()
        cover = _publish_cover(out, station)
        channel = _channel(station, options, state, cover)
        producing = _with_cover(station, out / cover)
        if fresh:
            log.info("%d new article(s) of %d", len(fresh), len(articles))
        plans = _plan(fresh, station, state, options, now)
        while plans:
            plan = plans.pop(0)
            try:
                episode = _produce(plan, channel, producing, out, cache, progress)
            except (VoiceError, OutputError):
                raise  # the voice or the disk, not the article: stop, and say so
            except Exception as exc:
                retry = _isolate(plan, exc, producing, out, failures)
                if retry is not None:
                    plans.insert(0, retry)
                continue
            report.new_episodes.append(episode)
            state.issued.append(plan.episode_id)
        timings["production"] = time.perf_counter() - stage

        stage = time.perf_counter()
        quarantine_before = dict(state.quarantine)
        report.quarantined = record_failures(state, failures, dropped, now)
        report.still_dropped = len(dropped)
        # Newest first: the new ones by their date, then those published before.
        new = sorted(report.new_episodes, key=lambda e: e.published_at, reverse=True)
        kept, report.pruned = retention(
            new + state.episodes, station.feed.keep_episodes, station.feed.keep_days, now
        )
        if (
            report.new_episodes
            or report.pruned
            or state.podcast_guid is None
            or state.quarantine != quarantine_before
            or state.repairs
        ):
            state.episodes = kept
            state.podcast_guid = channel.guid
            if report.new_episodes or report.pruned or state.updated is None:
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
        timings["publish"] = time.perf_counter() - stage
    for line in report.quarantine_lines():
        log.warning("%s", line)
    report.timings = timings
    report.seconds = time.perf_counter() - started
    return report


def _prepare(out: Path) -> None:
    """Create the feed folder; refuse, before any work, names taken by other things."""
    for name in (FEED_NAME, STATE_NAME, *COVER_NAMES):
        path = out / name
        if path.exists() and not path.is_file():
            kind = "a directory" if path.is_dir() else "not a regular file"
            raise OutputError(f"{path}: is {kind}; move it away so the feed can be published")
    try:
        (out / EPISODES_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the feed folder ({exc.strerror})") from None


def _preflight(
    fresh: list[Article], station: Station, failures: dict[str, tuple[str, str]]
) -> list[Article]:
    """The articles whose text the normaliser reads; the others join ``failures``.

    Cheap next to synthesis, and it names the article at fault before a bulletin of
    several is produced.
    """
    from narrator.text.normalize import load_lexicon, normalize

    lexicon = load_lexicon(station.text.lexicon) if station.text.lexicon else None
    register = station.text.register
    good: list[Article] = []
    for article in fresh:
        texts = [article.title or ""]
        texts += [
            p for story in article.document.stories for p in (story.title or "", *story.paragraphs)
        ]
        try:
            for text in texts:
                normalize(text, register=register, lexicon=lexicon)
        except Exception as exc:
            failures[article.id] = (_failure(article, exc), article.digest)
            continue
        good.append(article)
    return good


def _failure(article: Article, exc: BaseException) -> str:
    """One line naming the article and what went wrong with it."""
    where = article.origin or article.id
    message = str(exc).splitlines()[0] if str(exc) else ""
    return f"{where}: {type(exc).__name__}: {message}"[:300]


def _isolate(
    plan: _Plan,
    exc: Exception,
    station: Station,
    out: Path,
    failures: dict[str, tuple[str, str]],
) -> _Plan | None:
    """After an episode failed: quarantine the article(s) at fault; the plan to retry.

    An episode of one article: that article. A bulletin: each article is produced on
    its own in a scratch folder (its segments land in the cache, so the retry costs
    little); those that fail are quarantined and the bulletin is planned again
    without them. If none fails alone, the original error stands.
    """
    if len(plan.articles) == 1:
        article = plan.articles[0]
        failures[article.id] = (_failure(article, exc), article.digest)
        return None
    from narrator.pipeline import produce

    probe = out / PROBE_DIR
    culprits = []
    try:
        probe.mkdir(exist_ok=True)
        for article in plan.articles:
            try:
                produce(article.document, probe / f"{article.slug}.wav", station, fmt="wav")
            except (VoiceError, OutputError):
                raise
            except Exception as alone:
                culprits.append(article)
                failures[article.id] = (_failure(article, alone), article.digest)
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    if not culprits:
        raise exc
    rest = [a for a in plan.articles if a not in culprits]
    if not rest:
        return None
    log.warning("bulletin produced again without %d failing article(s)", len(culprits))
    title = f"{plan.edition}: {_lead(rest[0])}" if plan.edition else plan.title
    document = bulletin_document(rest, title, plan.document.meta)
    return _Plan(document, plan.episode_id, rest, plan.published, title, plan.edition)


def _plan(
    fresh: list[Article], station: Station, state: FeedState, options: BuildOptions, now: datetime
) -> list[_Plan]:
    """The episodes to produce, each with its id, articles, date and (unique) title."""
    if not fresh:
        return []
    local = now.astimezone(_zone(station))
    meta = {
        "date": local.date().isoformat(),
        "edition": local.strftime("%H:%M"),
        "station": station.station.name,
    }
    titles = {e.title for e in state.episodes}
    if not options.per_article:
        edition = f"{station.station.name} жаңалықтары, {local:%d.%m.%Y, %H:%M}"
        title = _unique_title(f"{edition}: {_lead(fresh[0])}", titles)
        document = bulletin_document(fresh, title, meta)
        return [_Plan(document, edition_id(now, state), fresh, now, title, edition)]
    plans: list[_Plan] = []
    taken: set[str] = set()
    # Oldest first (the documented order), so the newest article becomes the newest
    # episode; an undated article (or one dated in the future) is dated by the build,
    # a second apart in that order, the last one now.
    undated = [a for a in fresh if a.date is None or a.date > now]
    for article in fresh:
        episode_id = unique_id(article.slug, state, taken)
        taken.add(episode_id)
        document = article.document
        document.meta = {**document.meta, **meta}  # the edition's date is read, not the article's
        if article in undated:
            published = now - timedelta(seconds=len(undated) - 1 - undated.index(article))
        else:
            published = (article.date or now).replace(microsecond=0)
        title = _unique_title(document.title or episode_id, titles)
        titles.add(title)
        plans.append(_Plan(document, episode_id, [article], published, title))
    return plans


def _unique_title(title: str, taken: set[str]) -> str:
    """``title``, or ``title (2)``, ``(3)``... if an episode in the feed has it already."""
    candidate, number = title, 1
    while candidate in taken:
        number += 1
        candidate = f"{title} ({number})"
    return candidate


def _produce(
    plan: _Plan,
    channel: Channel,
    station: Station,
    out: Path,
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
        raise OutputError(f"unknown audio.format {fmt!r} in the station file")
    suffix = FORMATS[fmt][2]
    episode_id = plan.episode_id
    audio = f"{EPISODES_DIR}/{episode_id}{suffix}"
    log.info("producing %s", audio)
    result = produce(plan.document, out / audio, station, fmt=fmt, progress=progress, cache=cache)
    sidecars: dict[str, str | None] = {}
    for name, ending in SIDECARS.items():
        relative = f"{EPISODES_DIR}/{episode_id}{ending}"
        sidecars[name] = relative if (out / relative).is_file() else None
        if sidecars[name] is None:
            log.warning("%s: no %s beside the audio; the feed item omits it", audio, ending)
    loudness = result.loudness_lufs
    return Episode(
        id=episode_id,
        guid=episode_guid(channel.guid, episode_id),
        title=plan.title,
        description=_description(plan.document),
        published=plan.published.isoformat(),
        audio=audio,
        mime=MIME_TYPES[suffix],
        length=(out / audio).stat().st_size,
        duration=round(result.programme.duration, 3),
        articles=[a.id for a in plan.articles],
        loudness_lufs=round(loudness, 2) if loudness > float("-inf") else None,
        **sidecars,
    )


def _description(document: Document) -> str:
    """A bulletin's headlines, or an article's first paragraph, cut at a word."""
    titles = [s.title for s in document.stories if s.title]
    if len(titles) > 1:
        text = "Бұл шығарылымда: " + "; ".join(titles) + "."
    else:
        text = next(
            (plain_text(p) for s in document.stories for p in s.paragraphs), document.title or ""
        )
    if len(text) > _DESCRIPTION_CHARS:
        text = text[:_DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " …"
    return text


def _lead(article: Article) -> str:
    """A bulletin's lead story, for its title: the article's title, else its start."""
    story = article.title or next(
        (plain_text(p) for s in article.document.stories for p in s.paragraphs), article.id
    )
    if len(story) > _TITLE_LEAD_CHARS:
        story = story[:_TITLE_LEAD_CHARS].rsplit(" ", 1)[0] + " …"
    return story


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
    link = settings.link
    if not link:
        link = options.base_url + "/"
        log.warning(
            "feed.link is not set: the feed links to its own folder (%s); set feed.link in "
            "the station file to the station's website",
            link,
        )
    return Channel(
        title=settings.title or station.station.name,
        link=link,
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


def _with_cover(station: Station, cover: Path) -> Station:
    """The station, producing with the feed's cover embedded in each episode (ID3 APIC)."""
    if station.audio.cover is not None:
        return station  # the pipeline embeds the configured cover already
    producing = copy.copy(station)
    producing.audio = copy.copy(station.audio)
    producing.audio.cover = cover
    return producing


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
    candidates += [p for p in out.glob("cover.*") if p.name != cover and not p.is_dir()]
    if (out / PROBE_DIR).is_dir():  # a killed build's scratch folder
        shutil.rmtree(out / PROBE_DIR, ignore_errors=True)
        removed.append(PROBE_DIR)
    for path in candidates:
        relative = path.relative_to(out).as_posix()
        if relative in wanted:
            continue
        path.unlink(missing_ok=True)
        removed.append(relative)
    if removed:
        log.info("removed %d file(s) no longer in the feed", len(removed))
    return removed
