"""The one line every ``feed build`` logs: what it read, made and published, and how long
each stage took; as text for a person reading a log, or as one JSON object for a
machine."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from narrator.feed.publish import BuildReport


def summary_fields(report: BuildReport, base_url: str) -> dict[str, Any]:
    """The summary as plain data (the JSON form)."""
    episodes = report.new_episodes
    return {
        "time": _now(),
        "event": "feed build",
        "status": "ok",
        "feed": str(report.feed),
        "articles": report.articles,
        "new": report.new_articles,
        "quarantined": len(report.quarantined),
        "dropped": sum(1 for _, e in report.quarantined if e.dropped(report.max_failures)),
        "still_dropped": report.still_dropped,
        "episodes": [f"{base_url}/{e.audio}" for e in episodes],
        "pruned": len(report.pruned),
        "duration_s": round(sum(e.duration for e in episodes), 1),
        "loudness_lufs": [e.loudness_lufs for e in episodes],
        "feed_written": report.feed_written,
        "truncated": report.truncated,
        "timings_s": {k: round(v, 2) for k, v in report.timings.items()},
        "seconds": round(report.seconds, 2),
    }


def summary_line(report: BuildReport, base_url: str, log_format: str = "text") -> str:
    """One timestamped line: ``text`` (key=value words) or ``json`` (one object)."""
    fields = summary_fields(report, base_url)
    if log_format == "json":
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    episodes = " ".join(fields["episodes"]) or "none"
    loudness = ",".join("none" if v is None else f"{v:.1f}LUFS" for v in fields["loudness_lufs"])
    timings = " ".join(f"{k}={v:.2f}s" for k, v in fields["timings_s"].items())
    words = [
        fields["time"],
        "feed build:",
        f"articles={fields['articles']}",
        f"new={fields['new']}",
        f"quarantined={fields['quarantined']}",
        f"episode={episodes}",
        f"duration={fields['duration_s']:.1f}s",
        f"loudness={loudness or 'none'}",
        f"pruned={fields['pruned']}",
        f"feed={'written' if fields['feed_written'] else 'unchanged'}",
        timings,
        f"total={fields['seconds']:.2f}s",
    ]
    if fields["truncated"]:
        words.append(f"truncated={json.dumps(fields['truncated'], ensure_ascii=False)}")
    return " ".join(w for w in words if w)


def error_line(message: str, exit_code: int) -> str:
    """The JSON record of a build that stopped with an error (one line)."""
    record = {
        "time": _now(),
        "event": "feed build",
        "status": "error",
        "error": message,
        "exit_code": exit_code,
    }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
