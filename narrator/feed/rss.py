"""``feed.xml``: RSS 2.0 with the iTunes tags and the Podcasting 2.0 namespace.

Written with :mod:`xml.etree.ElementTree`, which escapes every text and attribute; the
few characters XML 1.0 cannot carry at all (control characters from a pasted article)
are removed first. Rendering is a pure function of the feed's state, so the same
state always gives the same bytes: a build with nothing new rewrites nothing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import quote

from narrator.feed.episodes import Episode

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
_PREFIXES = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
}


@dataclass(frozen=True)
class Channel:
    """The feed-level facts (from the station file and the command line)."""

    title: str
    link: str
    description: str
    author: str
    category: str
    """``News`` or ``Parent > Child`` (an Apple category and subcategory)."""
    explicit: bool
    base_url: str
    """Public URL of the published folder, without a trailing slash."""
    image: str
    """Path of the cover image relative to the published folder."""
    guid: str
    language: str = "kk"
    locked: bool = False
    owner_email: str | None = None

    @property
    def feed_url(self) -> str:
        return f"{self.base_url}/feed.xml"

    def url(self, relative: str) -> str:
        """The public URL of a file in the published folder."""
        return f"{self.base_url}/{quote(relative)}"


def rfc2822(when: datetime) -> str:
    """An RFC 2822 date (``Wed, 25 Nov 2026 09:00:00 +0000``)."""
    return format_datetime(when)


def hhmmss(seconds: float) -> str:
    """``itunes:duration`` as ``HH:MM:SS``."""
    total = round(seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _add(parent: ET.Element, tag: str, content: str | None = None, **attrs: str) -> ET.Element:
    """A child element ``prefix:name`` with escaped ``content`` and attributes."""
    prefix, _, local = tag.rpartition(":")
    name = f"{{{_PREFIXES[prefix]}}}{local}" if prefix else local
    element = ET.SubElement(parent, name, {k: _clean(v) for k, v in attrs.items()})
    if content is not None:
        element.text = _clean(content)
    return element


def render_feed(channel: Channel, episodes: list[Episode], updated: datetime | None) -> bytes:
    """The whole ``feed.xml`` for ``episodes`` (newest first)."""
    for prefix, uri in _PREFIXES.items():
        ET.register_namespace(prefix, uri)
    rss = ET.Element("rss", {"version": "2.0"})
    ch = _add(rss, "channel")
    _add(ch, "title", channel.title)
    _add(ch, "link", channel.link)
    _add(ch, "description", channel.description)
    _add(ch, "language", channel.language)
    from narrator import __version__

    _add(ch, "generator", f"narrator {__version__}")
    if updated is not None:
        _add(ch, "lastBuildDate", rfc2822(updated))
    _add(ch, "atom:link", href=channel.feed_url, rel="self", type="application/rss+xml")
    image = _add(ch, "image")
    _add(image, "url", channel.url(channel.image))
    _add(image, "title", channel.title)
    _add(image, "link", channel.link)
    _add(ch, "itunes:author", channel.author)
    if channel.owner_email:
        owner = _add(ch, "itunes:owner")
        _add(owner, "itunes:name", channel.author)
        _add(owner, "itunes:email", channel.owner_email)
    _add(ch, "itunes:image", href=channel.url(channel.image))
    parent = ch
    for name in [c.strip() for c in channel.category.split(">") if c.strip()]:
        parent = _add(parent, "itunes:category", text=name)
    _add(ch, "itunes:explicit", "true" if channel.explicit else "false")
    _add(ch, "itunes:type", "episodic")
    _add(ch, "podcast:guid", channel.guid)
    locked = {"owner": channel.owner_email} if channel.owner_email else {}
    _add(ch, "podcast:locked", "yes" if channel.locked else "no", **locked)
    for episode in episodes:
        _item(ch, channel, episode)
    ET.indent(rss, space="  ")
    body = ET.tostring(rss, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _item(ch: ET.Element, channel: Channel, episode: Episode) -> None:
    item = _add(ch, "item")
    _add(item, "title", episode.title)
    _add(item, "description", episode.description)
    _add(
        item,
        "enclosure",
        url=channel.url(episode.audio),
        length=str(episode.length),
        type=episode.mime,
    )
    _add(item, "guid", episode.guid, isPermaLink="false")
    _add(item, "pubDate", rfc2822(episode.published_at))
    _add(item, "itunes:title", episode.title)
    _add(item, "itunes:duration", hhmmss(episode.duration))
    _add(item, "itunes:episodeType", "full")
    _add(item, "itunes:explicit", "true" if channel.explicit else "false")
    lang = channel.language
    if episode.transcript:
        url = channel.url(episode.transcript)
        _add(item, "podcast:transcript", url=url, type="text/vtt", language=lang, rel="captions")
    if episode.subtitles:
        url = channel.url(episode.subtitles)
        _add(
            item,
            "podcast:transcript",
            url=url,
            type="application/x-subrip",
            language=lang,
            rel="captions",
        )
    if episode.chapters:
        _add(
            item,
            "podcast:chapters",
            url=channel.url(episode.chapters),
            type="application/json+chapters",
        )
