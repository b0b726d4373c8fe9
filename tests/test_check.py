"""`papercast check`: a good feed built from real MP3s reports nothing, and each problem apps
enforce is reported when it is introduced into that feed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Callable

import pytest
from lxml import etree
from mutagen.mp3 import MP3
from PIL import Image

from pipeline.publish.spec import APPLE_SUBCATEGORIES, ATOM_NS as ATOM, ITUNES_NS as ITUNES, PODCAST_NS as PODCAST
from pipeline.publish.check import check_feed, has_errors, summary
from pipeline.publish.sidecars import parse_chapters, parse_json_transcript, parse_srt, parse_vtt
from pipeline.publish.spec import APPLE_CATEGORIES
from pipeline.config import AudioSettings, Host, ShowConfig
from pipeline.publish.feed import write_feed
from pipeline.publish.records import FeedEpisode
from pipeline.model import Author, Paper

# A public https address: the good feed gets no advice (a loopback or http one would; see below).
BASE = "https://pod.example.org/gut/"
NS = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM}
UTC = dt.timezone.utc
PAPER = Paper(key="smith2021", title="Vagal <signals> & mood", journal="Nature", year=2021,
              doi="10.1038/s41586-021-0001-x", authors=(Author("Smith", "Jane"), Author("Doe", "Al")))
OTHER = Paper(key="ngata2019", title="A single-author study", authors=(Author("Ngata", "Tui"),), year=2019,
              url="https://example.org/b")
# (stem, title, seconds, tone, published day, chapters, lines): item 1 of the feed is the newest, E2.
EPISODES = (
    ("01-first-1a2b3c", "Signals from the gut", 6, 440, 3,
     [(0.0, "Introduction", None), (2.0, "Vagal <signals> & mood", PAPER.link), (4.0, "Wrap-up", None)],
     [("Ada", 0.0, 1.5, "Welcome to Test Show."), ("Ben", 1.6, 2.9, "Glad to be here."),
      ("Ada", 3.0, 4.4, "Signals < noise & mood?"), ("Ben", 4.5, 5.8, "That's all for today.")]),
    ("02-second-4d5e6f", "Sleep and the microbiome", 9, 660, 10,
     [(0.0, "Introduction", None), (3.0, "A single-author study", OTHER.url), (6.0, "Wrap-up", None)],
     [("Ben", 0.0, 2.5, "Welcome back."), ("Ben", 2.6, 2.9, "Today: sleep."), ("Ada", 3.0, 5.9, "One study."),
      ("Ben", 6.0, 8.5, "Goodbye.")]),
)
E1, E2 = (f"episodes/{episode[0]}" for episode in EPISODES)
VTT = "item[1]/podcast:transcript[@type='text/vtt']"  # the WebVTT transcript tag of item 1 (E2)


@functools.lru_cache(maxsize=None)
def mp3_bytes(seconds: float, frequency: int, bitrate: str = "96k") -> bytes:
    """A real mono 44.1 kHz MP3 of a sine tone (at the bit rate Apple recommends), made once per test session."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "tone.mp3"
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                        f"sine=frequency={frequency}:duration={seconds}", "-ac", "1", "-ar", "44100",
                        "-b:a", bitrate, str(out)], check=True)
        return out.read_bytes()


def _clock(seconds: float, comma: bool = False) -> str:
    text = f"{int(seconds) // 3600:02d}:{int(seconds) % 3600 // 60:02d}:{seconds % 60:06.3f}"
    return text.replace(".", ",") if comma else text


def write_episode_files(folder: Path, stem: str, chapters: list, lines: list) -> None:
    """The agreed files beside S.mp3: S.txt, S.vtt, S.srt, S.transcript.json, S.chapters.json."""
    escape = lambda text: text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # noqa: E731
    (folder / f"{stem}.txt").write_text("Title\n\n" + "\n\n".join(f"{who}: {text}" for who, _, _, text in lines) + "\n")
    (folder / f"{stem}.vtt").write_text("WEBVTT\n\n" + "".join(
        f"{n}\n{_clock(a)} --> {_clock(b)}\n<v {who}>{escape(text)}\n\n" for n, (who, a, b, text) in enumerate(lines, 1)))
    (folder / f"{stem}.srt").write_text("".join(
        f"{n}\n{_clock(a, True)} --> {_clock(b, True)}\n{who}: {text}\n\n" for n, (who, a, b, text) in enumerate(lines, 1)))
    (folder / f"{stem}.transcript.json").write_text(json.dumps({"version": "1.0.0", "segments": [
        {"speaker": who, "startTime": a, "endTime": b, "body": text} for who, a, b, text in lines]}, indent=1))
    (folder / f"{stem}.chapters.json").write_text(json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": start, "title": title, **({"url": url} if url else {})} for start, title, url in chapters]}, indent=1))


def add_podcast_tags(feed_xml: Path, show: ShowConfig) -> None:
    """Podcasting 2.0 tags as agreed, wherever feed.py has not written them itself."""
    tree = etree.parse(str(feed_xml))
    channel = tree.getroot().find("channel")
    tag = lambda parent, name, text=None, **attrs: _tag(parent, name, text, attrs)  # noqa: E731
    if channel.find("podcast:guid", NS) is None:
        feed_url = show.url_for("feed.xml").split("://", 1)[1].rstrip("/")
        tag(channel, "guid", str(uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), feed_url)))
        tag(channel, "locked", "no", owner=show.owner_email)
        tag(channel, "medium", "podcast")
        for host in show.hosts:
            tag(channel, "person", host.name, role="host")
    for item in channel.findall("item"):
        if item.find("podcast:transcript", NS) is None:
            stem = item.find("enclosure").get("url").rsplit(".", 1)[0]
            tag(item, "transcript", url=f"{stem}.transcript.json", type="application/json")
            tag(item, "transcript", url=f"{stem}.srt", type="application/x-subrip")
            tag(item, "transcript", url=f"{stem}.vtt", type="text/vtt", rel="captions")
            tag(item, "chapters", url=f"{stem}.chapters.json", type="application/json+chapters")
    etree.cleanup_namespaces(tree, top_nsmap={"podcast": PODCAST})
    tree.write(str(feed_xml), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _tag(parent: etree._Element, name: str, text: str | None, attrs: dict[str, str]) -> None:
    element = etree.SubElement(parent, f"{{{PODCAST}}}{name}", attrs)
    element.text = text


def make_show(root: Path, base: str = BASE) -> ShowConfig:
    return ShowConfig(
        root=root, title="Test Show: Gut & Brain", description="Two hosts read <the> literature.",
        author="Ada Host", owner_name="Ada Owner", owner_email="ada@example.org", language="en",
        category="Science", subcategory="Life Sciences", explicit=False, base_url=base, cover=None,
        hosts=(Host("Ada"), Host("Ben")), audio=AudioSettings(),
    )


def make_good_feed(root: Path, base: str = BASE) -> tuple[ShowConfig, list[FeedEpisode]]:
    """A complete show in `root/feed`: two real MP3s, their transcripts and chapters, feed and page."""
    from pipeline.publish.page import write_page  # the channel <link> names the page

    show = make_show(root, base)
    folder = show.feed_dir / "episodes"
    folder.mkdir(parents=True)
    episodes = []
    for stem, title, seconds, tone, day, chapters, lines in EPISODES:
        audio = folder / f"{stem}.mp3"
        audio.write_bytes(mp3_bytes(seconds, tone))
        write_episode_files(folder, stem, chapters, lines)
        # The per-format fields, where FeedEpisode has them (feed.py then writes the podcast: tags).
        files = {"vtt": ".vtt", "srt": ".srt", "transcript_json": ".transcript.json", "chapters": ".chapters.json"}
        known = {f.name for f in dataclasses.fields(FeedEpisode)}
        episodes.append(FeedEpisode(
            id=stem.rsplit("-", 1)[0], title=title, summary=f"About {title.lower()}.",
            papers=(PAPER,) if day == 3 else (PAPER, OTHER), guid=f"papercast-{stem}",
            published=dt.datetime(2026, 3, day, 6, 0, tzinfo=UTC), updated=None, audio=f"episodes/{audio.name}",
            size=audio.stat().st_size, duration=round(MP3(audio).info.length), transcript=f"episodes/{stem}.txt",
            **{name: f"episodes/{stem}{suffix}" for name, suffix in files.items() if name in known},
        ))
    add_podcast_tags(write_feed(show, episodes), show)
    write_page(show, episodes)
    for path in show.feed_dir.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # whatever the umask of the test run
    return show, episodes


@pytest.fixture()
def good_feed(tmp_path: Path) -> Path:
    return make_good_feed(tmp_path / "show")[0].feed_dir


def test_a_good_feed_reports_nothing(good_feed: Path) -> None:
    assert check_feed(good_feed, BASE) == []
    assert check_feed(good_feed) == []  # the base URL taken from the feed's self link
    assert summary([]) == "feed check: no problems"


# --- introducing each problem ---------------------------------------------------------------

Mutation = Callable[[Path], None]


def xml(edit: Callable[[etree._Element], None]) -> Mutation:
    def mutate(feed: Path) -> None:
        tree = etree.parse(str(feed / "feed.xml"))
        edit(tree.getroot().find("channel"))
        tree.write(str(feed / "feed.xml"), xml_declaration=True, encoding="UTF-8")
    return mutate


def remove(path: str) -> Mutation:
    def edit(channel: etree._Element) -> None:
        found = channel.findall(path, NS)
        assert found, path
        for element in found:
            element.getparent().remove(element)
    return xml(edit)


def set_text(path: str, text: str) -> Mutation:
    return xml(lambda channel: setattr(channel.find(path, NS), "text", text))


def set_attr(path: str, name: str, value: str | None) -> Mutation:
    def edit(channel: etree._Element) -> None:
        element = channel.find(path, NS)
        if value is None:
            del element.attrib[name]
        else:
            element.set(name, value)
    return xml(edit)


def edit_file(name: str, change: Callable[[str], str]) -> Mutation:
    def mutate(feed: Path) -> None:
        path = feed / name
        new = change(path.read_text())
        assert new != path.read_text(), f"the mutation of {name} changed nothing"
        path.write_text(new)
    return mutate


def edit_json(name: str, change: Callable[[dict], None]) -> Mutation:
    def mutate(feed: Path) -> None:
        data = json.loads((feed / name).read_text())
        change(data)
        (feed / name).write_text(json.dumps(data))
    return mutate


def delete(name: str) -> Mutation:
    return lambda feed: (feed / name).unlink()


def cover(size: tuple[int, int], kind: str = "PNG", mode: str = "RGB", name: str = "cover.png") -> Mutation:
    def mutate(feed: Path) -> None:
        (feed / "cover.png").unlink()
        Image.new(mode, size).save(feed / name, kind)
        if name != "cover.png":
            set_attr("itunes:image", "href", BASE + name)(feed)
    return mutate


def junk_mp3(feed: Path) -> None:
    (feed / f"{E2}.mp3").write_bytes(b"this is not audio at all\n" * 400)
    set_attr("item[1]/enclosure", "length", str(25 * 400))(feed)


def copy_from_item_1(path: str, attr: str | None = None) -> Mutation:
    def edit(channel: etree._Element) -> None:
        first, second = channel.find(f"item[1]/{path}"), channel.find(f"item[2]/{path}")
        if attr:
            for name in ("url", "length"):
                second.set(name, first.get(name))
        else:
            second.text = first.text
    return xml(edit)


def late_cue(text: str) -> str:
    return text + "99\n00:01:00.000 --> 00:01:02.000\n<v Ada>Far too late.\n"


ERRORS = [
    ("not-xml", edit_file("feed.xml", lambda t: t[: len(t) // 2]), "not well-formed XML"),
    ("not-rss", edit_file("feed.xml", lambda t: t.replace('version="2.0"', 'version="0.91"')), "RSS 2.0"),
    ("no-title", remove("title"), "has no <title>"),
    ("no-link", remove("link"), "has no <link>"),
    ("no-description", remove("description"), "has no <description>"),
    ("bad-language", set_text("language", "English"), "<language> 'English'"),
    ("no-image", remove("itunes:image"), "has no <itunes:image"),
    ("bad-category", set_attr("itunes:category", "text", "Sciences"), "'Sciences' is not an Apple Podcasts category"),
    ("bad-subcategory", set_attr("itunes:category/itunes:category", "text", "Biology"), "subcategory 'Biology'"),
    ("no-category", remove("itunes:category"), "has no <itunes:category>"),
    ("explicit-yes", set_text("itunes:explicit", "yes"), "only true or false"),
    ("explicit-clean-item", set_text("item[1]/itunes:explicit", "clean"), "only true or false"),
    ("no-author", remove("itunes:author"), "has no <itunes:author>"),
    ("owner-without-email", remove("itunes:owner/itunes:email"), "<itunes:email>"),
    ("bad-owner-email", set_text("itunes:owner/itunes:email", "nobody"), "<itunes:email>"),
    ("cover-missing", delete("cover.png"), "feed/cover.png, which does not exist"),
    ("cover-gif", cover((1400, 1400), "GIF"), "is GIF"),
    ("cover-misnamed", cover((1400, 1400), "JPEG"), "is a JPEG named .png"),
    ("cover-not-square", cover((1400, 1500)), "must be square"),
    ("cover-too-small", cover((1000, 1000)), "1400 to 3000 pixels"),
    ("cover-too-big", cover((3200, 3200)), "1400 to 3000 pixels"),
    ("cover-cmyk", cover((1400, 1400), "JPEG", "CMYK", "cover.jpg"), "requires RGB"),
    ("cover-grey", cover((1400, 1400), "PNG", "L"), "requires RGB"),
    ("cover-url-extension", cover((1400, 1400), "GIF", name="cover.gif"), "does not end in .jpg or .png"),
    ("item-no-title", remove("item[1]/title"), "has no <title>"),
    ("no-enclosure", remove("item[1]/enclosure"), "has no <enclosure>"),
    ("enclosure-type", set_attr("item[1]/enclosure", "type", "audio/mp3"), "not audio/mpeg"),
    ("enclosure-length", set_attr("item[1]/enclosure", "length", "12345"), "is not the file's size"),
    ("enclosure-no-length", set_attr("item[1]/enclosure", "length", None), "enclosure length None"),
    ("mp3-unreadable", junk_mp3, "is not a readable MP3"),
    ("duration-mismatch", set_text("item[1]/itunes:duration", "60"), "<itunes:duration> says 60 s"),
    ("duration-unreadable", set_text("item[1]/itunes:duration", "about 9 s"), "not seconds or HH:MM:SS"),
    ("no-guid", remove("item[1]/guid"), "has no <guid>"),
    ("guid-duplicate", copy_from_item_1("guid"), "is also item 1's"),
    ("enclosure-duplicate", copy_from_item_1("enclosure", "url"), "is also item 1's"),
    ("no-pubdate", remove("item[1]/pubDate"), "has no <pubDate>"),
    ("pubdate-iso", set_text("item[1]/pubDate", "2026-03-10T06:00:00Z"), "not an RFC 2822 date"),
    ("pubdate-no-such-day", set_text("item[1]/pubDate", "Tue, 31 Feb 2026 06:00:00 +0000"), "not an RFC 2822 date"),
    ("pubdate-no-zone", set_text("item[1]/pubDate", "Tue, 10 Mar 2026 06:00:00"), "not an RFC 2822 date"),
    ("url-non-ascii", set_attr("item[1]/enclosure", "url", BASE + "episodes/épisode.mp3"), "non-ASCII"),
    ("url-space", set_attr("item[1]/enclosure", "url", BASE + "episodes/an episode.mp3"), "percent-encoded"),
    ("url-not-http", set_text("item[1]/link", "ftp://example.org/x"), "not an absolute http"),
    ("url-elsewhere", set_attr("item[1]/enclosure", "url", "https://cdn.example.com/e.mp3"), "not under the feed's base"),
    ("url-missing-file", set_attr(VTT, "url", BASE + "episodes/gone.vtt"),
     "episodes/gone.vtt, which does not exist"),
    ("url-hidden-file", set_attr("item[1]/enclosure", "url", BASE + ".papercast/e.mp3"), "hidden file"),
    ("url-symlink-out", lambda feed: (feed / "episodes" / "out.vtt").symlink_to("/etc/hostname")
     or set_attr(VTT, "url", BASE + "episodes/out.vtt")(feed), "outside feed/"),
    ("self-link", set_attr("atom:link", "href", "http://other.example/feed.xml"), "self link"),
    ("vtt-header", edit_file(f"{E1}.vtt", lambda t: t.replace("WEBVTT", "WEBVT")), "start with the line WEBVTT"),
    ("vtt-comma", edit_file(f"{E1}.vtt", lambda t: t.replace("00:00:01.500", "00:00:01,500", 1)), "cue timing"),
    ("vtt-unescaped-lt", edit_file(f"{E1}.vtt", lambda t: t.replace("&lt;", "<")), "opens no WebVTT tag"),
    ("vtt-no-blank-line", edit_file(f"{E1}.vtt", lambda t: t.replace("here.\n\n", "here.\n")), "blank line"),
    ("vtt-backwards", edit_file(f"{E1}.vtt", lambda t: t.replace("00:00:00.000 --> 00:00:01.500",
                                                                 "00:00:01.500 --> 00:00:01.000")), "not after its start"),
    ("vtt-out-of-order", edit_file(f"{E1}.vtt", lambda t: t.replace("00:00:03.000 --> 00:00:04.400",
                                                                    "00:00:00.500 --> 00:00:04.400")), "time order"),
    ("vtt-past-the-end", edit_file(f"{E1}.vtt", late_cue), "end after the audio"),
    ("srt-dot", edit_file(f"{E1}.srt", lambda t: t.replace("00:00:01,500", "00:00:01.500", 1)), "comma before"),
    ("srt-number", edit_file(f"{E1}.srt", lambda t: "one" + t[1:]), "expected a cue number"),
    ("srt-backwards", edit_file(f"{E1}.srt", lambda t: t.replace("00:00:04,500 --> 00:00:05,800",
                                                                 "00:00:04,500 --> 00:00:04,000")), "not after its start"),
    ("json-transcript-syntax", edit_file(f"{E1}.transcript.json", lambda t: t.rstrip()[:-1]), "not valid JSON"),
    ("json-transcript-shape", edit_json(f"{E1}.transcript.json", lambda d: d.pop("segments")), '"segments" list'),
    ("json-transcript-version", edit_json(f"{E1}.transcript.json", lambda d: d.pop("version")), '"version"'),
    ("json-transcript-time", edit_json(f"{E1}.transcript.json", lambda d: d["segments"][0].update(startTime="0:00")),
     "startTime and endTime"),
    ("json-transcript-body", edit_json(f"{E1}.transcript.json", lambda d: d["segments"][1].pop("body")), '"body"'),
    ("json-transcript-late", edit_json(f"{E1}.transcript.json", lambda d: d["segments"][-1].update(endTime=30)),
     "end after the audio"),
    ("chapters-syntax", edit_file(f"{E1}.chapters.json", lambda t: t.replace("]", ",]")), "not valid JSON"),
    ("chapters-version", edit_json(f"{E1}.chapters.json", lambda d: d.pop("version")), '"version"'),
    ("chapters-order", edit_json(f"{E1}.chapters.json", lambda d: d["chapters"][1].update(startTime=0)),
     "not after chapter 1"),
    ("chapters-past-the-end", edit_json(f"{E1}.chapters.json", lambda d: d["chapters"][2].update(startTime=100)),
     "after the audio ends"),
    ("chapters-end", edit_json(f"{E1}.chapters.json", lambda d: d["chapters"][2].update(endTime=60)),
     "ends at 60 s, after the audio"),
    ("chapters-title", edit_json(f"{E1}.chapters.json", lambda d: d["chapters"][0].pop("title")), "has no title"),
    ("chapters-url", edit_json(f"{E1}.chapters.json", lambda d: d["chapters"][0].update(url="doi.org/x")),
     "not an ASCII http(s) URL"),
    ("chapters-missing", delete(f"{E1}.chapters.json"), f"feed/{E1}.chapters.json, which does not exist"),
    ("chapters-type", set_attr("item[1]/podcast:chapters", "type", "application/json"), "not application/json+chapters"),
    ("transcript-type-mismatch", set_attr(VTT, "type", "application/x-subrip"),
     "name says otherwise"),
    ("transcript-not-utf8", lambda feed: (feed / f"{E1}.vtt").write_bytes(b"WEBVTT\n\n\xff\xfe"), "not UTF-8"),
    ("podcast-guid", set_text("podcast:guid", "not-a-uuid"), "is not a UUID"),
    ("podcast-locked", set_text("podcast:locked", "maybe"), "not yes or no"),
    ("podcast-medium", set_text("podcast:medium", "radio"), "<podcast:medium> 'radio'"),
    ("podcast-person", set_text("podcast:person", " "), "has no name"),
]

WARNINGS = [
    ("no-episodes", remove("item"), "has no episodes"),
    ("no-transcript-tag", remove("item[1]/podcast:transcript"), "links no <podcast:transcript>"),
    ("no-chapters-tag", remove("item[1]/podcast:chapters"), "links no <podcast:chapters>"),
    ("vtt-not-captions", set_attr(VTT, "rel", None), 'not marked rel="captions"'),
    ("vtt-no-speaker", edit_file(f"{E1}.vtt", lambda t: t.replace("<v Ada>", "", 1)), "names no speaker"),
    ("json-no-speaker", edit_json(f"{E1}.transcript.json", lambda d: d["segments"][0].pop("speaker")),
     "name no speaker"),
    ("no-duration", remove("item[1]/itunes:duration"), "has no <itunes:duration>"),
    ("no-podcast-guid", remove("podcast:guid"), "has no <podcast:guid>"),
    ("wrong-weekday", set_text("item[1]/pubDate", "Mon, 10 Mar 2026 06:00:00 +0000"), "wrong weekday"),
    ("palette-cover", cover((1400, 1400), "PNG", "P"), "colour mode P"),
    ("private-file", lambda feed: (feed / f"{E1}.mp3").chmod(0o600), "only their owner can read"),
    ("no-page", delete("index.html"), "feed/index.html, which does not exist"),
]


@pytest.mark.parametrize(("mutate", "fragment"), [pytest.param(m, f, id=i) for i, m, f in ERRORS])
def test_each_error_is_caught(good_feed: Path, mutate: Mutation, fragment: str) -> None:
    mutate(good_feed)
    problems = check_feed(good_feed, BASE)
    assert any(p.severity == "error" and fragment in f"{p.where}: {p.what}" for p in problems), \
        "\n".join(map(str, problems))
    assert has_errors(problems)


@pytest.mark.parametrize(("mutate", "fragment"), [pytest.param(m, f, id=i) for i, m, f in WARNINGS])
def test_each_warning_is_caught_and_is_no_error(good_feed: Path, mutate: Mutation, fragment: str) -> None:
    if "private" in fragment and os.name != "posix":
        pytest.skip("file modes are POSIX")
    mutate(good_feed)
    problems = check_feed(good_feed, BASE)
    assert any(p.severity == "warning" and fragment in f"{p.where}: {p.what}" for p in problems), \
        "\n".join(map(str, problems))
    assert not has_errors(problems), "\n".join(map(str, problems))


# --- advice: warnings with their fix ---------------------------------------------------------

@pytest.mark.parametrize(("base", "kind"), [("http://127.0.0.1:8765/gut/", "loopback"),
                                            ("http://192.168.1.20:8000/", "private"),
                                            ("http://localhost:8000/", "local")])
def test_a_base_url_only_this_machine_or_network_reaches_is_a_warning_with_its_fix(
        tmp_path: Path, base: str, kind: str) -> None:
    feed = make_good_feed(tmp_path / "show", base)[0].feed_dir
    problems = check_feed(feed, base)
    assert not has_errors(problems), "\n".join(map(str, problems))
    where_base = [p for p in problems if "base URL" in p.what]
    assert len(where_base) == 1 and f"is a {kind} address" in where_base[0].what
    assert "set show.base_url to the public https:// address" in where_base[0].fix
    [plain] = [p for p in problems if "https" in p.what]  # one warning for the feed, not one per URL
    assert plain.what.startswith("8 chapter and transcript URL(s) are http://") and "reverse proxy" in plain.fix
    assert len(problems) == 2
    assert check_feed(feed) == problems  # the same when the base URL comes from the self link


def test_audio_below_apples_recommendation_is_a_warning_with_its_fix(good_feed: Path) -> None:
    (good_feed / f"{E1}.mp3").write_bytes(mp3_bytes(6, 440, "64k"))
    set_attr("item[2]/enclosure", "length", str((good_feed / f"{E1}.mp3").stat().st_size))(good_feed)
    [problem] = check_feed(good_feed, BASE)
    assert problem.severity == "warning" and problem.where == "feed/episodes"
    assert problem.what == "1 episode(s): 64 kbit/s mono is below the 96 kbit/s Apple recommends for mono MP3"
    assert problem.fix.startswith('set [audio] bitrate = "96k"') and "about 14 MB per hour" in problem.fix


def test_an_episodes_own_image_is_judged_like_the_cover(good_feed: Path) -> None:
    Image.new("RGB", (800, 600)).save(good_feed / "episodes" / "art.png")
    set_attr("item[1]/itunes:image", "href", BASE + "episodes/art.png")(good_feed)
    problems = check_feed(good_feed, BASE)
    assert [(p.severity, p.where) for p in problems] == [("error", "episodes/art.png")] * 2  # not square, too small
    set_attr("item[1]/itunes:image", "href", BASE + "episodes/gone.png")(good_feed)
    assert any("episodes/gone.png, which does not exist" in p.what for p in check_feed(good_feed, BASE))


@pytest.mark.parametrize(("target", "word"), [(-19.0, "quieter"), (-14.0, "louder")])
def test_a_loudness_target_apple_would_not_choose_is_a_warning_with_its_fix(good_feed: Path, target: float,
                                                                           word: str) -> None:
    [problem] = check_feed(good_feed, BASE, target)
    assert problem.severity == "warning" and problem.where == "papercast.toml"
    assert f"loudness = {target:g} LUFS is outside the -16 LUFS" in problem.what and word in problem.what
    assert problem.fix.startswith("set [audio] loudness = -16")
    assert check_feed(good_feed, BASE, -16.5) == []  # within 1 LU


# --- reports ---------------------------------------------------------------------------------

def test_a_problem_says_where_what_and_what_to_do(good_feed: Path) -> None:
    set_attr("item[2]/enclosure", "length", "1")(good_feed)
    [problem] = check_feed(good_feed, BASE)
    assert problem.severity == "error" and problem.where == 'feed.xml: item 2 "Signals from the gut"'
    text = str(problem)
    assert text.startswith("error: feed.xml: item 2") and "\n    fix: rebuild with `papercast build`" in text
    assert summary([problem, dataclasses.replace(problem, severity="warning")]) == "feed check: 1 error and 1 warning"


def test_a_missing_feed_is_one_error(tmp_path: Path) -> None:
    [problem] = check_feed(tmp_path)
    assert problem.where == "feed.xml" and "papercast build" in problem.fix


def test_a_file_broken_throughout_reports_a_bounded_number(good_feed: Path) -> None:
    broken = "WEBVTT\n\n" + "".join(f"00:00:0{n}.000 --> 00:00:0{n}.500\n<oops>{n}\n\n" for n in range(6))
    (good_feed / f"{E1}.vtt").write_text(broken)  # 12 problems: each cue has a bad tag and no speaker
    about_vtt = [p for p in check_feed(good_feed, BASE) if p.where.startswith(f"{E1}.vtt")]
    assert len(about_vtt) == 9 and about_vtt[-1].what == "and 4 more problems"


def test_apple_category_lists_agree() -> None:
    assert set(APPLE_SUBCATEGORIES) == APPLE_CATEGORIES


# --- the parsers the show page shares ---------------------------------------------------------

def test_parsers_read_speakers_times_and_text() -> None:
    vtt = "\ufeffWEBVTT - a title\r\n\r\nNOTE made by hand\r\n\r\nintro\r\n00:01.000 --> 00:00:02.500 align:start\r\n" \
          "<v.loud Ada Lovelace>Fish &amp; chips <i>now</i></v>\r\n\r\n00:03.000 --> 00:04.000\r\n<v Ben>Yes.\r\n"
    cues, issues = parse_vtt(vtt)
    assert issues == []
    assert [(c.start, c.end, c.speaker, c.text) for c in cues] == [
        (1.0, 2.5, "Ada Lovelace", "Fish & chips now"), (3.0, 4.0, "Ben", "Yes.")]
    cues, issues = parse_srt("1\n00:00:01,000 --> 00:00:02,000\nAda: Hello\nthere.\n")
    assert issues == [] and cues[0].speaker == "Ada" and cues[0].text == "Hello there."
    cues, issues = parse_json_transcript('{"version": "1.0.0", "segments": [{"speaker": "Ben", "startTime": 0, '
                                         '"endTime": 1.5, "body": "Hi."}]}')
    assert issues == [] and cues[0].end == 1.5
    chapters, issues = parse_chapters('{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "A"}, '
                                      '{"startTime": 2.5, "title": "B", "url": "https://doi.org/10.1/x", "endTime": 4}]}')
    assert issues == [] and chapters[1].url == "https://doi.org/10.1/x" and chapters[1].end == 4


def test_json_rejects_nan_and_booleans_as_times() -> None:
    assert parse_chapters('{"version": "1.2.0", "chapters": [{"startTime": NaN, "title": "A"}]}')[1]
    assert parse_chapters('{"version": "1.2.0", "chapters": [{"startTime": true, "title": "A"}]}')[1]


def test_the_good_feed_fixture_is_what_was_agreed(tmp_path: Path) -> None:
    show, episodes = make_good_feed(tmp_path / "show")
    names = sorted(p.name for p in (show.feed_dir / "episodes").iterdir() if p.name.startswith(EPISODES[0][0]))
    assert names == [f"{EPISODES[0][0]}{s}" for s in (".chapters.json", ".mp3", ".srt", ".transcript.json",
                                                      ".txt", ".vtt")]
    assert (show.feed_dir / "index.html").is_file() and len(episodes) == 2
