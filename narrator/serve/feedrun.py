"""The station's podcast feed as the server shows and builds it (one build at a time)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import asdict
from typing import Any

from narrator.cache import SegmentCache
from narrator.config import Station
from narrator.errors import NarratorError
from narrator.serve.settings import ServeSettings

log = logging.getLogger(__name__)


class FeedRunner:
    """Builds the feed named in the station file on a background thread."""

    def __init__(self, settings: ServeSettings, station: Station) -> None:
        self.settings = settings
        self.station = station
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last_build: dict[str, Any] | None = None

    def _options(self) -> Any:
        from narrator.feed.publish import resolve_options

        return resolve_options(self.station)

    @property
    def building(self) -> bool:
        """Whether a build is running now."""
        return self._thread is not None and self._thread.is_alive()

    def status(self) -> dict[str, Any]:
        """What ``GET /v1/feed`` shows: configuration, last build, published episodes."""
        from narrator.feed.episodes import load_state

        status: dict[str, Any] = {
            "configured": False,
            "building": self.building,
            "last_build": self.last_build,
            "episodes": [],
        }
        try:
            options = self._options()
        except NarratorError as exc:
            status["problem"] = str(exc)
            return status
        status.update(configured=True, feed_url=f"{options.base_url}/feed.xml")
        try:
            state = load_state(options.out)
        except NarratorError as exc:
            status["problem"] = str(exc)
            return status
        status["updated"] = state.updated
        status["episodes"] = [
            {k: v for k, v in asdict(episode).items() if k != "articles"}
            for episode in state.episodes
        ]
        return status

    def start_build(self) -> bool:
        """Start a build; False when one is already running. A station without a feed
        raises :class:`NarratorError`."""
        options = self._options()
        with self._lock:
            if self.building:
                return False
            self.last_build = {"started": time.time(), "finished": None, "summary": None}
            self._thread = threading.Thread(
                target=self._build, args=(options,), name="narrator-feed", daemon=True
            )
            self._thread.start()
        return True

    def _build(self, options: Any) -> None:
        from narrator.feed.publish import build

        assert self.last_build is not None
        cache = SegmentCache(self.settings.cache_dir, self.station.cache.max_mb * 1024 * 1024)
        try:
            report = build(self.station, options, cache=cache)
            # The report's own summary names server paths; this one does not.
            summary = (
                f"{len(report.new_episodes)} new episode(s), {len(report.pruned)} pruned, "
                f"{report.articles} article(s) in the sources ({report.seconds:.1f} s)"
            )
            self.last_build.update(
                summary=summary,
                new=len(report.new_episodes),
                pruned=len(report.pruned),
                articles=report.articles,
                seconds=round(report.seconds, 1),
                new_episodes=[episode.id for episode in report.new_episodes],
            )
        except NarratorError as exc:
            self.last_build["error"] = str(exc)
        except Exception as exc:  # a failed build is reported, never fatal to the server
            log.exception("feed build failed")
            self.last_build["error"] = f"internal error: {type(exc).__name__}"
        self.last_build["finished"] = time.time()
