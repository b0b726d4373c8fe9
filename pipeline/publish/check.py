"""`papercast check`: the built feed and its files, judged by what podcast apps enforce.

Errors are what makes Apple Podcasts or another app reject the feed or an episode, or play
it wrong; warnings are what apps tolerate but show badly, and advice (advice.py) on what a
directory or the spec asks for beyond that. Only `feed/` is read: the check
judges what listeners would get, not the show's configuration.

This module reads the feed and runs the rules in order: the channel (check_channel.py), then
each item with its enclosure and files (check_items.py), then the advice. What a problem is
and the state of a running check are in checker.py; the transcript and chapter parsers, which
the show page (page.py) reads those files with too, are in sidecars/read.py.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from .advice import audio_advice, base_url_advice, https_advice, loudness_advice
from .check_channel import check_channel
from .check_items import EPISODE_FILES, check_item
from .checker import REBUILD, Checker, Problem, has_errors, summary
from .sidecars.read import Issue, parse_chapters, parse_json_transcript, parse_srt, parse_vtt
from .spec import APPLE_SUBCATEGORIES, FEED_NAME, cover_findings, url_problem

# The names this module has always offered, wherever they now live.
__all__ = [
    "APPLE_SUBCATEGORIES",
    "EPISODE_FILES",
    "Issue",
    "Problem",
    "check_feed",
    "cover_findings",
    "has_errors",
    "parse_chapters",
    "parse_json_transcript",
    "parse_srt",
    "parse_vtt",
    "summary",
    "url_problem",
]

# No resolving entities or fetching DTDs: the feed is data, not instructions.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def check_feed(feed_dir: Path, base_url: str | None = None, loudness: float | None = None) -> list[Problem]:
    """Every problem apps would have with `feed_dir/feed.xml` and the files it names.

    `base_url` is where feed/ is served (show.base_url); without it the feed's own
    atom:link rel="self" says where, and URLs under it must name files in `feed_dir`.
    `loudness` is the show's target (LUFS as played), judged against Apple's when given.
    """
    feed_dir = Path(feed_dir).resolve()
    check = Checker(feed_dir, base_url.rstrip("/") + "/" if base_url else None)
    loudness_advice(loudness, check.warning)
    channel = _read_channel(feed_dir, check)
    if channel is None:
        return check.problems
    check_channel(channel, check)
    items = channel.findall("item")
    if not items:
        check.warning(f"{FEED_NAME}: channel", "has no episodes; Apple Podcasts does not accept an empty feed",
                      "add an episode definition in episodes/ and build")
    guids: dict[str, int] = {}
    enclosures: dict[str, int] = {}
    for number, item in enumerate(items, 1):
        check_item(item, number, check, guids, enclosures)
    base_url_advice(check.base_url, check.warning)
    https_advice(channel, check.warning)
    audio_advice(check.audio, check.warning)
    if check.private:
        shown = ", ".join(check.rel(p) for p in check.private[:3]) + (" ..." if len(check.private) > 3 else "")
        check.warning("feed/", f"{len(check.private)} published file(s) only their owner can read ({shown})",
                      "a web server running as another user cannot send them: chmod a+r them, "
                      "or build with a umask such as 022")
    return check.problems


def _read_channel(feed_dir: Path, check: Checker) -> etree._Element | None:
    """The feed's <channel>, or None when feed.xml is unreadable, not XML or not RSS 2.0 (reported)."""
    try:
        data = (feed_dir / FEED_NAME).read_bytes()
    except OSError as exc:
        check.error(FEED_NAME, f"cannot be read ({exc.strerror or exc})", "run `papercast build` first")
        return None
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        check.error(f"{FEED_NAME} line {exc.lineno}", f"is not well-formed XML ({exc.msg})",
                    "apps reject the whole feed; " + REBUILD)
        return None
    channel = root.find("channel")
    if root.tag != "rss" or root.get("version") != "2.0" or channel is None:
        check.error(FEED_NAME, "is not an RSS 2.0 feed (<rss version=\"2.0\"><channel>)", REBUILD)
        return None
    return channel
