"""The feed and cover, checked with the parsers podcast apps actually use."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import feedparser
import podcastparser
import pytest
from feedgen.feed import FeedGenerator
from lxml import etree
from PIL import Image

from pipeline.config import AudioSettings, Host, ShowConfig
from pipeline.errors import FeedError
from pipeline.publish.cover import write_cover
from pipeline.publish.feed import podcast_guid, write_feed
from pipeline.publish.records import FeedEpisode
from pipeline.publish.cover import _generated_cover
from pipeline.publish.feed import show_notes_html
from pipeline.publish.spec import PODCAST_NS, PSC_NS
from pipeline.model import Author, Paper

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = f"{{{PODCAST_NS}}}"
PSC = f"{{{PSC_NS}}}"
# The namespace's first URI, which papercast once repeated chapters and transcripts under.
OLD_URI = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
UTC = dt.timezone.utc
PAPERS = (
    Paper(key="a", title="Vagal <signals> & mood", journal="Nature", year=2021, doi="10.1038/s41586-021-0001-x",
          authors=(Author("Smith", "Jane"), Author("Doe", "Al"), Author("Roe", "Bo"))),
    Paper(key="b", title="A single-author study", authors=(Author("Ngata", "Tui"),), year=2019,
          url="https://example.org/b"),
)


def make_show(root: Path, **changes: object) -> ShowConfig:
    show = ShowConfig(
        root=root, title="Gut Feelings: Papers on the Microbiome", description="Two hosts read the literature.",
        author="Ada Host", owner_name="Ada Owner", owner_email="ada@example.org", language="en",
        category="Science", subcategory="Life Sciences", explicit=False, base_url="https://pod.example.org/gut/",
        cover=None, hosts=(Host("Ada"), Host("Ben")), audio=AudioSettings(),
    )
    return dataclasses.replace(show, **changes)


def make_episodes(show: ShowConfig) -> list[FeedEpisode]:
    episodes = []
    for number, (slug, day) in enumerate((("01-gut-signals", 3), ("02-sleep", 10)), start=1):
        audio = show.feed_dir / "episodes" / f"{slug}-3f2a9c.mp3"
        audio.parent.mkdir(parents=True, exist_ok=True)
        audio.write_bytes(b"\xff\xfb" * (500 * number))
        transcript = audio.with_suffix(".txt")
        transcript.write_text("Ada: Hello.\n")
        stem = f"episodes/{audio.stem}"
        # Episode 1 has every file; episode 2 is as recorded before transcripts and chapters existed.
        files = dict(transcript=f"{stem}.txt", vtt=f"{stem}.vtt", srt=f"{stem}.srt",
                     transcript_json=f"{stem}.transcript.json", chapters=f"{stem}.chapters.json")
        episodes.append(FeedEpisode(
            id=slug, title=f"Episode {number}", summary=f"Summary of episode {number}.", papers=PAPERS[:number],
            guid=f"papercast-{slug}", published=dt.datetime(2026, 3, day, 6, 0, tzinfo=UTC), updated=None,
            audio=f"episodes/{audio.name}", size=audio.stat().st_size, duration=600 * number + 7,
            **(files if number == 1 else {"transcript": None}),
        ))
    return episodes


@pytest.fixture()
def show(tmp_path: Path) -> ShowConfig:
    return make_show(tmp_path)


def test_feed_reads_back_in_feedparser_and_podcastparser(show: ShowConfig) -> None:
    episodes = make_episodes(show)
    path = write_feed(show, episodes)
    assert path == show.feed_dir / "feed.xml"
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # the web server must read it: not mkstemp's 0600

    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo and parsed.version == "rss20"
    assert parsed.feed.title == show.title and parsed.feed.link == show.base_url
    assert parsed.feed.image.href == "https://pod.example.org/gut/cover.png"
    assert [t.term for t in parsed.feed.tags] == ["Science", "Life Sciences"]
    assert parsed.feed.publisher_detail == {"name": "Ada Owner", "email": "ada@example.org"}
    assert [e.title for e in parsed.entries] == ["Episode 2", "Episode 1"]  # newest first
    newest = parsed.entries[0]
    assert newest.id == "papercast-02-sleep" and newest.guidislink is False
    assert newest.enclosures == [{"href": "https://pod.example.org/gut/episodes/02-sleep-3f2a9c.mp3",
                                  "length": str(episodes[1].size), "type": "audio/mpeg"}]
    assert newest.itunes_duration == "1207"
    assert newest.published == "Tue, 10 Mar 2026 06:00:00 +0000"

    with path.open("rb") as stream:
        pod = podcastparser.parse(show.url_for("feed.xml"), stream)
    assert pod["title"] == show.title and pod["type"] == "episodic" and pod["generator"] == "papercast"
    assert pod["cover_url"] == "https://pod.example.org/gut/cover.png"
    assert pod["itunes_categories"] == [["Science", "Life Sciences"]]
    assert pod["itunes_owner"] == {"name": "Ada Owner", "email": "ada@example.org"}
    assert pod["itunes_author"] == "Ada Host" and pod["explicit"] is False
    first = pod["episodes"][1]
    assert first["guid"] == "papercast-01-gut-signals" and first["total_time"] == 607
    assert first["enclosures"] == [{"url": "https://pod.example.org/gut/episodes/01-gut-signals-3f2a9c.mp3",
                                    "file_size": episodes[0].size, "mime_type": "audio/mpeg"}]
    assert first["published"] == int(episodes[0].published.timestamp())
    assert first["description"] == "Summary of episode 1."
    assert 'href="https://doi.org/10.1038/s41586-021-0001-x"' in first["description_html"]
    assert first["link"] == "https://pod.example.org/gut/#01-gut-signals"  # the episode on the show page

    with Image.open(show.feed_dir / "cover.png") as cover:
        assert (cover.format, cover.size) == ("PNG", (1400, 1400))


@pytest.mark.parametrize("explicit", [False, True])
def test_explicit_is_written_as_true_or_false(tmp_path: Path, explicit: bool) -> None:
    show = make_show(tmp_path, explicit=explicit)
    root = etree.fromstring(write_feed(show, make_episodes(show)).read_bytes())
    channel = root.find("channel")
    values = [channel.findtext(f"{ITUNES}explicit")] + [i.findtext(f"{ITUNES}explicit") for i in channel.iter("item")]
    assert values == [str(explicit).lower()] * 3
    assert root.find("channel/{http://www.w3.org/2005/Atom}link").get("href") == show.url_for("feed.xml")
    assert channel.findtext("generator") == "papercast"
    assert channel.findtext("lastBuildDate") == "Tue, 10 Mar 2026 06:00:00 +0000"
    assert [i.findtext(f"{ITUNES}episodeType") for i in channel.iter("item")] == ["full", "full"]


def test_show_notes_escape_and_link_everything(show: ShowConfig) -> None:
    episode = make_episodes(show)[1]
    notes = show_notes_html(episode, show)
    tree = etree.fromstring(f"<div>{notes}</div>")  # well-formed markup, so apps' parsers agree on it
    items = tree.findall("ol/li")
    assert [li.find("a").get("href") for li in items] == [
        "https://doi.org/10.1038/s41586-021-0001-x", "https://example.org/b"]
    assert items[0].find("a").text == "Vagal <signals> & mood"
    assert "Smith et al., Nature, 2021" in items[0].find("a").tail
    assert items[1].find("a").tail == " — Ngata, 2019"
    transcript = dataclasses.replace(episode, transcript="episodes/x.txt")
    assert '<a href="https://pod.example.org/gut/episodes/x.txt">' in show_notes_html(transcript, show)
    assert '<a href="episodes/x.txt">' in show_notes_html(transcript)


def test_same_inputs_give_the_same_bytes_and_no_rewrite(show: ShowConfig, tmp_path: Path) -> None:
    episodes = make_episodes(show)
    path = write_feed(show, episodes)
    first, cover = path.read_bytes(), (show.feed_dir / "cover.png").read_bytes()
    os.utime(path, ns=(1, 1))
    assert write_feed(show, list(reversed(episodes))).read_bytes() == first
    assert path.stat().st_mtime_ns == 1  # unchanged content is not rewritten
    assert (show.feed_dir / "cover.png").read_bytes() == cover
    _generated_cover.cache_clear()  # draw the cover again rather than reuse the cached bytes
    other = make_show(tmp_path / "elsewhere")
    assert write_feed(other, make_episodes(other)).read_bytes() == first


def test_empty_feed_uses_a_fixed_date(show: ShowConfig) -> None:
    channel = etree.fromstring(write_feed(show, []).read_bytes()).find("channel")
    assert channel.findtext("lastBuildDate") == "Thu, 01 Jan 1970 00:00:00 +0000"
    assert channel.find("item") is None


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp")


def test_failed_serialisation_keeps_the_old_feed(show: ShowConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_feed(show, make_episodes(show))
    before = path.read_bytes()

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("serializer exploded")

    monkeypatch.setattr(FeedGenerator, "rss_str", broken)
    with pytest.raises(RuntimeError):
        write_feed(show, make_episodes(show)[:1])
    assert path.read_bytes() == before and _leftovers(show.feed_dir) == []


def test_failed_write_keeps_the_old_feed(show: ShowConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_feed(show, make_episodes(show))
    before = path.read_bytes()

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(FeedError, match="cannot write .*feed.xml: Input/output error"):
        write_feed(show, make_episodes(show)[:1])
    assert path.read_bytes() == before and _leftovers(show.feed_dir) == []


def test_own_cover_is_copied_once(tmp_path: Path) -> None:
    art = tmp_path / "art.jpg"
    Image.new("RGB", (1500, 1500), (200, 90, 40)).save(art, "JPEG")
    show = make_show(tmp_path, cover=art)
    (show.feed_dir).mkdir()
    (show.feed_dir / "cover.png").write_bytes(b"stale generated cover")
    assert write_cover(show) == "cover.jpg"
    copied = show.feed_dir / "cover.jpg"
    assert copied.read_bytes() == art.read_bytes() and not (show.feed_dir / "cover.png").exists()
    os.utime(copied, ns=(1, 1))
    feed = etree.fromstring(write_feed(show, []).read_bytes())
    assert copied.stat().st_mtime_ns == 1
    assert feed.find(f"channel/{ITUNES}image").get("href") == "https://pod.example.org/gut/cover.jpg"


@pytest.mark.parametrize(("size", "kind", "problem"), [
    ((1400, 1200), "PNG", "is 1400x1200 pixels; cover art must be square"),
    ((600, 600), "PNG", "Apple requires 1400 to 3000 pixels a side"),
    ((16, 16), "GIF", "is GIF; podcast apps need JPEG or PNG"),
    ((1400, 1400), "greyscale", "has colour mode L; Apple Podcasts requires RGB"),
    (None, None, "not an image"),
    ((1400, 1400), "truncated", "cannot be read (image file is truncated"),
])
def test_bad_cover_is_reported_in_one_line(tmp_path: Path, size: tuple[int, int] | None, kind: str | None,
                                           problem: str) -> None:
    art = tmp_path / "art.img"
    if size is None:
        art.write_text("not a picture")
    else:
        mode = "L" if kind == "greyscale" else "RGB"
        Image.new(mode, size, 90 if mode == "L" else (90, 140, 120)).save(art, kind if kind in ("PNG", "GIF") else "PNG")
        if kind == "truncated":
            art.write_bytes(art.read_bytes()[: art.stat().st_size // 2])
    with pytest.raises(FeedError) as caught:
        write_cover(make_show(tmp_path, cover=art))
    message = str(caught.value)
    assert str(art) in message and problem in message and "\n" not in message


@pytest.mark.parametrize(("change", "problem"), [
    ({"published": dt.datetime(2026, 3, 1)}, "time zone"),
    ({"duration": 61.5}, "whole seconds"),
    ({"guid": "papercast-01-gut-signals"}, "used by another episode"),
])
def test_bad_episode_is_refused(show: ShowConfig, change: dict[str, object], problem: str) -> None:
    episodes = make_episodes(show)
    episodes[1] = dataclasses.replace(episodes[1], **change)
    with pytest.raises(FeedError, match=problem):
        write_feed(show, episodes)
    assert not (show.feed_dir / "feed.xml").exists()


def test_podcast_guid_follows_the_namespace() -> None:
    spec = "9b024349-ccf0-5f69-a609-6b82873eab3c"  # the namespace's own example
    assert {podcast_guid(url) for url in ("https://podnews.net/rss", "http://podnews.net/rss/", "podnews.net/rss",
                                          "podnews.net/rss//")} == {spec}


def test_podcasting_2_channel_tags(show: ShowConfig) -> None:
    channel = etree.fromstring(write_feed(show, make_episodes(show)).read_bytes()).find("channel")
    assert channel.findtext(f"{PODCAST}guid") == podcast_guid("https://pod.example.org/gut/feed.xml")
    locked = channel.find(f"{PODCAST}locked")
    assert (locked.text, locked.get("owner")) == ("no", "ada@example.org")
    people = channel.findall(f"{PODCAST}person")
    assert [(p.text, p.get("role")) for p in people] == [("Ada", "host"), ("Ben", "host")]
    assert channel.findtext(f"{PODCAST}medium") == "podcast"
    assert channel.find("copyright") is None and channel.find(f"{PODCAST}license") is None  # not set


def test_copyright_license_and_people_links_from_the_settings(tmp_path: Path) -> None:
    show = make_show(tmp_path, copyright="© 2026 Ada Host", license="CC-BY-4.0",
                     license_url="https://creativecommons.org/licenses/by/4.0/",
                     hosts=(Host("Ada", href="https://example.org/ada", img="https://example.org/ada.jpg"), Host("Ben")))
    channel = etree.fromstring(write_feed(show, make_episodes(show)).read_bytes()).find("channel")
    assert channel.findtext("copyright") == "© 2026 Ada Host"
    licence = channel.find(f"{PODCAST}license")
    assert (licence.text, dict(licence.attrib)) == ("CC-BY-4.0", {"url": "https://creativecommons.org/licenses/by/4.0/"})
    assert [dict(p.attrib) for p in channel.findall(f"{PODCAST}person")] == [
        {"role": "host", "href": "https://example.org/ada", "img": "https://example.org/ada.jpg"}, {"role": "host"}]


def test_a_kept_podcast_guid_survives_a_move(tmp_path: Path) -> None:
    spec = "9b024349-ccf0-5f69-a609-6b82873eab3c"
    moved = make_show(tmp_path, base_url="https://elsewhere.example.net/")
    channel = etree.fromstring(write_feed(moved, [], guid=spec).read_bytes()).find("channel")
    assert channel.findtext(f"{PODCAST}guid") == spec
    with pytest.raises(FeedError, match="podcast guid 'podnews' is not a UUID"):
        write_feed(moved, [], guid="podnews")


def test_items_link_chapters_and_transcripts(show: ShowConfig) -> None:
    root = etree.fromstring(write_feed(show, make_episodes(show)).read_bytes())
    newest, first = root.find("channel").findall("item")
    base = "https://pod.example.org/gut/episodes/01-gut-signals-3f2a9c"
    # One podcast:chapters and one tag per transcript file, under the current URI only: the spec
    # makes clients treat both URIs as one, so copies under the old URI would be duplicates.
    (chapters,) = first.findall(f"{PODCAST}chapters")
    assert dict(chapters.attrib) == {"url": f"{base}.chapters.json", "type": "application/json+chapters"}
    assert [dict(t.attrib) for t in first.findall(f"{PODCAST}transcript")] == [
        {"url": f"{base}.transcript.json", "type": "application/json", "language": "en"},
        {"url": f"{base}.srt", "type": "application/x-subrip", "language": "en"},
        {"url": f"{base}.vtt", "type": "text/vtt", "language": "en", "rel": "captions"},
    ]
    assert OLD_URI not in etree.tostring(root).decode()
    assert newest.find(f"{PODCAST}chapters") is None and newest.find(f"{PODCAST}transcript") is None


def test_what_feedparser_and_podcastparser_report_of_podcasting_2(show: ShowConfig) -> None:
    path = write_feed(show, make_episodes(show))
    base = "https://pod.example.org/gut/episodes/01-gut-signals-3f2a9c"
    # feedparser does not know the namespace: it reports each tag by its prefix, keeps only the
    # last of repeated tags, and of a tag with attributes keeps only the attributes.
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo
    assert parsed.feed.podcast_guid == podcast_guid(show.url_for("feed.xml"))
    assert parsed.feed.podcast_medium == "podcast" and parsed.feed.podcast_locked == {"owner": "ada@example.org"}
    assert parsed.feed.podcast_person == {"role": "host"}  # Ben's tag, without his name
    first = parsed.entries[1]
    assert first.podcast_chapters == {"url": f"{base}.chapters.json", "type": "application/json+chapters"}
    assert first.podcast_transcript == {"url": f"{base}.vtt", "type": "text/vtt", "language": "en", "rel": "captions"}
    assert "podcast_chapters" not in parsed.entries[0]

    # podcastparser reads podcast:* item tags only under the namespace's old URI, which the feed
    # no longer repeats them under: gPodder gets its chapters from psc:chapters instead.
    with path.open("rb") as stream:
        pod = podcastparser.parse(show.url_for("feed.xml"), stream)
    assert "chapters_json_url" not in pod["episodes"][1] and "import_prohibited" not in pod


CHAPTERS_JSON = """{"version": "1.2.0", "chapters": [
  {"startTime": 0, "title": "Introduction", "endTime": 62.5},
  {"startTime": 62.5, "title": "Vagal <signals> & mood", "url": "https://doi.org/10.1038/s41586-021-0001-x",
   "endTime": 3725.25},
  {"startTime": 3725.25, "title": "Wrap-up"}]}"""


def test_gpodder_sees_each_episodes_chapters_through_podlove_simple_chapters(show: ShowConfig) -> None:
    episodes = make_episodes(show)
    (show.feed_dir / episodes[0].chapters).write_text(CHAPTERS_JSON)
    root = etree.fromstring(write_feed(show, episodes).read_bytes())
    first = root.find("channel").findall("item")[1]
    (psc,) = first.findall(f"{PSC}chapters")
    assert psc.get("version") == "1.2"
    assert [c.get("start") for c in psc] == ["00:00:00.000", "00:01:02.500", "01:02:05.250"]
    with (show.feed_dir / "feed.xml").open("rb") as stream:
        pod = podcastparser.parse(show.url_for("feed.xml"), stream)  # gPodder's own parser
    assert pod["episodes"][1]["chapters"] == [
        {"start": 0, "title": "Introduction"},
        {"start": 62, "title": "Vagal <signals> & mood", "href": "https://doi.org/10.1038/s41586-021-0001-x"},
        {"start": 3725, "title": "Wrap-up"}]
    assert "chapters" not in pod["episodes"][0]  # episode 2 has no chapters file


def test_items_carry_numbers_titles_and_images(show: ShowConfig, tmp_path: Path) -> None:
    episodes = make_episodes(show)
    third = dataclasses.replace(episodes[1], id="03-bonus", guid="papercast-03", audio="episodes/03.mp3",
                                published=dt.datetime(2026, 3, 17, 6, 0, tzinfo=UTC), number=10, season=2,
                                image="episodes/03.cover.png")
    (show.feed_dir / "episodes" / "03.mp3").write_bytes(b"\xff\xfb" * 10)
    root = etree.fromstring(write_feed(show, [*episodes, third]).read_bytes())
    items = root.find("channel").findall("item")  # newest first
    assert [i.findtext(f"{ITUNES}title") for i in items] == ["Episode 2", "Episode 2", "Episode 1"]
    assert [i.findtext(f"{ITUNES}episode") for i in items] == ["10", "2", "1"]  # its own, else its place
    assert [i.findtext(f"{PODCAST}episode") for i in items] == ["10", "2", "1"]
    assert [i.findtext(f"{ITUNES}season") for i in items] == ["2", None, None]
    assert [i.findtext(f"{PODCAST}season") for i in items] == ["2", None, None]
    assert [i.find(f"{ITUNES}image").get("href") for i in items] == [
        "https://pod.example.org/gut/episodes/03.cover.png", "https://pod.example.org/gut/cover.png",
        "https://pod.example.org/gut/cover.png"]
    assert [i.findtext("link") for i in items] == [f"https://pod.example.org/gut/#{e}" for e in
                                                    ("03-bonus", "02-sleep", "01-gut-signals")]


def test_simple_chapters_can_be_left_out_and_then_their_namespace_too(tmp_path: Path) -> None:
    show = make_show(tmp_path, simple_chapters=False)
    episodes = make_episodes(show)
    (show.feed_dir / episodes[0].chapters).write_text(CHAPTERS_JSON)
    data = write_feed(show, episodes).read_bytes()
    assert PSC_NS.encode() not in data  # not even declared: the W3C validator warns about the namespace
    assert etree.fromstring(data).find(f"channel/item/{PODCAST}chapters") is not None
