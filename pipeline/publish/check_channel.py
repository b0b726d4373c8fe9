"""`papercast check` on the channel: the show's own tags, its Podcasting 2.0 tags and its cover image."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from .checker import REBUILD, Checker, text_of
from .spec import (
    APPLE_SUBCATEGORIES,
    ATOM_NS,
    COVER_FIX,
    EMAIL,
    FEED_NAME,
    ITUNES_NS,
    LANGUAGE,
    MEDIUMS,
    PODCAST_NS,
    cover_findings,
    url_problem,
)


def check_channel(channel: etree._Element, check: Checker) -> None:
    """Everything about the show itself, in the order problems are reported."""
    where = f"{FEED_NAME}: channel"
    _check_self_link(channel, where, check)
    _check_show_text(channel, where, check)
    _check_owner(channel, where, check)
    _check_categories(channel, where, check)
    _check_cover(channel, where, check)
    _check_podcast_channel(channel, where, check)


def _check_self_link(channel: etree._Element, where: str, check: Checker) -> None:
    """atom:link rel="self": where the feed lives; without a base URL, it becomes the base URL."""
    self_link = next((e.get("href") for e in channel.findall(f"{{{ATOM_NS}}}link") if e.get("rel") == "self"), None)
    if self_link is None:
        unchecked = "" if check.base_url else " (and without a base URL, no file it names was checked)"
        check.warning(where, f'has no <atom:link rel="self">: apps cannot tell where the feed lives{unchecked}',
                      REBUILD)
    elif check.base_url is None:
        if url_problem(self_link) is None:  # the feed says where it is served
            check.base_url = self_link.rsplit("/", 1)[0] + "/"
        check.url(self_link, where, "self link")
    elif self_link != check.base_url + FEED_NAME:
        check.error(where, f"self link {self_link} is not {check.base_url + FEED_NAME}, where the feed is served",
                    "rebuild after changing show.base_url so every URL in the feed agrees")
    else:
        check.url(self_link, where, "self link")


def _check_show_text(channel: etree._Element, where: str, check: Checker) -> None:
    """The title, description, author, link, language and explicit flag Apple requires."""
    for tag, what, fix in (
        ("title", "<title>", "set show.title in papercast.toml"),
        ("description", "<description>", "set show.description in papercast.toml"),
        (f"{{{ITUNES_NS}}}author", "<itunes:author>", "set show.author in papercast.toml"),
    ):
        if not text_of(channel, tag):
            check.error(where, f"has no {what} (Apple Podcasts requires it)", fix)
    description = text_of(channel, "description") or ""
    if len(description.encode()) > 4000:
        check.warning(where, "description is over 4000 bytes, which Apple Podcasts cuts",
                      "shorten show.description")
    link = text_of(channel, "link")
    if not link:
        check.error(where, "has no <link>", "set show.base_url in papercast.toml")
    else:
        check.url(link, where, "<link>", missing="warning")
    language = text_of(channel, "language")
    if not language or not LANGUAGE.match(language):
        check.error(where, f"<language> {language!r} is not a language code such as en or en-GB",
                    "set show.language in papercast.toml")
    explicit = text_of(channel, f"{{{ITUNES_NS}}}explicit")
    if explicit not in ("true", "false"):
        check.error(where, f"<itunes:explicit> is {explicit!r}; Apple Podcasts accepts only true or false",
                    "set show.explicit = true or false in papercast.toml and rebuild")


def _check_owner(channel: etree._Element, where: str, check: Checker) -> None:
    owner = channel.find(f"{{{ITUNES_NS}}}owner")
    email = text_of(owner, f"{{{ITUNES_NS}}}email") if owner is not None else None
    if not email or not EMAIL.match(email):
        check.error(where, f"<itunes:owner> has no valid <itunes:email> ({email!r}); Apple uses it to verify the owner",
                    "set show.owner_email in papercast.toml")


def _check_categories(channel: etree._Element, where: str, check: Checker) -> None:
    """Apple's categories, and each one's subcategories from its own list."""
    categories = channel.findall(f"{{{ITUNES_NS}}}category")
    if not categories:
        check.error(where, "has no <itunes:category>", "set show.category to an Apple Podcasts category")
    for category in categories:
        name = category.get("text", "")
        if name not in APPLE_SUBCATEGORIES:
            check.error(where, f"category {name!r} is not an Apple Podcasts category",
                        "set show.category to one of: " + ", ".join(sorted(APPLE_SUBCATEGORIES)))
            continue
        for sub in category.findall(f"{{{ITUNES_NS}}}category"):
            if sub.get("text", "") not in APPLE_SUBCATEGORIES[name]:
                allowed = ", ".join(sorted(APPLE_SUBCATEGORIES[name])) or "none"
                check.error(where, f"subcategory {sub.get('text')!r} is not one of {name}'s",
                            f"set show.subcategory to one of: {allowed}")


def _check_cover(channel: etree._Element, where: str, check: Checker) -> None:
    """The show's itunes:image (required, a JPEG or PNG) and the RSS <image>, when there is one."""
    image = channel.find(f"{{{ITUNES_NS}}}image")
    href = image.get("href") if image is not None else None
    if not href:
        check.error(where, "has no <itunes:image href=...> (Apple Podcasts requires cover art)", REBUILD)
    else:
        if not urlsplit(href).path.lower().endswith((".jpg", ".jpeg", ".png")):
            check.error(where, f"<itunes:image> {href} does not end in .jpg or .png, as Apple requires",
                        "use a JPEG or PNG cover (show.cover)")
        path = check.url(href, where, "<itunes:image>")
        if path is not None:
            check_image(path, check)
    rss_image = channel.find("image")
    if rss_image is not None:
        check.url(text_of(rss_image, "url"), where, "<image><url>")


def _check_podcast_channel(channel: etree._Element, where: str, check: Checker) -> None:
    """The Podcasting 2.0 tags of the channel: guid, locked, medium, persons."""
    guid = channel.find(f"{{{PODCAST_NS}}}guid")
    if guid is None:
        check.warning(where, "has no <podcast:guid>, which lets apps follow the feed if its URL changes",
                      "build with a papercast that writes Podcasting 2.0 tags")
    else:
        try:
            uuid.UUID((guid.text or "").strip())
        except ValueError:
            check.error(where, f"<podcast:guid> {guid.text!r} is not a UUID",
                        "it must be the UUIDv5 of the feed URL (see podcastindex.org namespace); rebuild")
    locked = text_of(channel, f"{{{PODCAST_NS}}}locked")
    if locked is not None and locked not in ("yes", "no"):
        check.error(where, f"<podcast:locked> is {locked!r}, not yes or no", REBUILD)
    medium = text_of(channel, f"{{{PODCAST_NS}}}medium")
    if medium is not None and medium not in MEDIUMS:
        check.error(where, f"<podcast:medium> {medium!r} is not a medium the namespace defines", "use podcast")
    for person in channel.findall(f"{{{PODCAST_NS}}}person"):
        if not (person.text or "").strip():
            check.error(where, "a <podcast:person> has no name", "give each host a name in papercast.toml")
        for key in ("img", "href"):
            check.url(person.get(key), where, f"podcast:person {key}", local=False)


def check_image(path: Path, check: Checker) -> None:
    """A cover image (the show's, or an episode's own) against the cover rules of spec.py."""
    if path in check.validated:  # the show's cover is every item's too: judged once
        return
    check.validated.add(path)
    where, fix = check.rel(path), f"set show.cover (or the episode's image): {COVER_FIX}, or remove it"
    for finding in cover_findings(path)[1]:
        (check.error if finding.severity == "error" else check.warning)(where, finding.text, fix)
