"""The show page: its HTML read back with lxml, then the real thing in headless Chromium."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import re
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html
from mutagen.mp3 import MP3

from pipeline.publish.records import FeedEpisode
from pipeline.publish.page import render_page, write_page
from pipeline.publish.serve import make_server

from .test_check import E1, E2, EPISODES, PAPER, make_good_feed

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
IDS = ["02-second", "01-first"]  # newest first


def parse(path: Path) -> Any:
    return lxml_html.fromstring(path.read_bytes())


@pytest.fixture()
def built(tmp_path: Path) -> tuple[Any, list[FeedEpisode]]:
    return make_good_feed(tmp_path / "show")


def test_episodes_newest_first_with_player_chapters_transcript_and_papers(built: tuple) -> None:
    show, episodes = built
    page = parse(show.feed_dir / "index.html")
    assert page.get("lang") == "en" and page.findtext(".//h1") == show.title
    articles = page.findall(".//article")
    assert [a.get("id") for a in articles] == IDS

    for article, (stem, title, _, _, _, chapters, lines) in zip(articles, reversed(EPISODES)):
        assert article.findtext(".//h3") == title
        [audio] = article.findall(".//audio")
        assert audio.get("preload") == "metadata" and audio.get("controls") is not None
        assert audio.get("src") == f"episodes/{stem}.mp3" and (show.feed_dir / audio.get("src")).is_file()
        buttons = article.findall(".//ol[@class='chapters']//button")
        assert [b.get("data-seek") for b in buttons] == [f"{start:.3f}" for start, _, _ in chapters]
        assert [b.findall("span")[-1].text for b in buttons] == [t for _, t, _ in chapters]  # "<signals> &" as text
        links = [a.get("href") for a in article.findall(".//ol[@class='chapters']//a")]
        assert links == [url for _, _, url in chapters if url]
        speakers = [s.text for s in article.findall(".//div[@class='turns']//span[@class='speaker']")]
        merged = [who for n, (who, *_rest) in enumerate(lines) if n == 0 or lines[n - 1][0] != who]
        assert speakers == merged  # consecutive lines of one speaker are one turn
        spans = article.xpath(".//div[@class='turns']//button[@class='line']")  # timed: lines are buttons
        assert [(s.get("data-seek"), s.text) for s in spans] == [(f"{a:.3f}", text) for _, a, _, text in lines]
        papers = article.findall(".//ol[@class='papers']/li/a")
        assert papers[0].get("href") == "https://doi.org/10.1038/s41586-021-0001-x"
        assert papers[0].text == PAPER.title

    [subscribe] = page.xpath("//a[@class='button' and @type='application/rss+xml']")
    assert subscribe.get("href") == "feed.xml"
    assert page.xpath("//link[@rel='alternate']/@href") == ["feed.xml"]
    assert page.xpath("//input[@id='feed-url']/@value") == [show.url_for("feed.xml")]
    assert page.xpath("//img[@class='cover']/@src") == ["cover.png"]


def test_nothing_is_loaded_from_elsewhere_and_the_policy_says_so(built: tuple) -> None:
    show, _ = built
    source = (show.feed_dir / "index.html").read_text()
    page = lxml_html.fromstring(source)
    for element in page.iter():
        for attribute in ("src", "srcset", "poster", "data"):
            value = element.get(attribute)
            assert value is None or not re.match(r"^([a-z][a-z0-9+.-]*:|//)", value, re.I), (element.tag, value)
    for link in page.iter("link"):
        assert not re.match(r"^([a-z]+:|//)", link.get("href")), link.get("href")
    assert not page.xpath("//script[@src]") and not re.search(r"@import|url\(", source)
    [style], [script] = page.findall(".//style"), page.findall(".//script")
    policy = page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    for inline in (style.text, script.text):
        digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy


def test_everything_shown_is_escaped(tmp_path: Path) -> None:
    show, episodes = make_good_feed(tmp_path / "show")
    show = dataclasses.replace(show, title="<script>alert(1)</script> & co", description='"quoted" <b>')
    episodes[0] = dataclasses.replace(episodes[0], title="Fish & <chips>", summary="<img src=x onerror=alert(1)>")
    source = render_page(show, episodes)
    assert "<script>alert" not in source and "<img src=x" not in source and "<chips>" not in source
    page = lxml_html.fromstring(source)
    assert page.findtext(".//h1") == show.title
    assert page.xpath("//article[@id='01-first']//h3/text()") == ["Fish & <chips>"]


def test_the_same_show_gives_the_same_bytes_and_no_rewrite(built: tuple) -> None:
    show, episodes = built
    path = show.feed_dir / "index.html"
    before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    time.sleep(0.01)
    assert write_page(show, list(reversed(episodes))) == path
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stamp
    assert not [p for p in show.feed_dir.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_transcript_falls_back_to_webvtt_then_plain_text(built: tuple) -> None:
    show, episodes = built
    (show.feed_dir / f"{E1}.transcript.json").unlink()
    page = lxml_html.fromstring(render_page(show, episodes))
    first = page.xpath("//article[@id='01-first']")[0]
    assert first.xpath(".//*[@class='line']/text()")[2] == "Signals < noise & mood?"  # from the VTT, unescaped
    assert first.xpath(".//span[@class='speaker']/text()") == ["Ada", "Ben", "Ada", "Ben"]

    (show.feed_dir / f"{E1}.vtt").unlink()
    (show.feed_dir / f"{E1}.chapters.json").unlink()
    page = lxml_html.fromstring(render_page(show, episodes))
    first = page.xpath("//article[@id='01-first']")[0]
    assert first.xpath(".//span[@class='speaker']/text()") == ["Ada", "Ben", "Ada", "Ben"]  # from S.txt
    assert not first.xpath(".//div[@class='turns']//*[@data-seek]")  # untimed: nothing to seek to
    assert not first.xpath(".//ol[@class='chapters']")
    downloads = first.xpath(".//p[@class='downloads']/a/@href")
    assert downloads == [f"{E1}.mp3", f"{E1}.txt", f"{E1}.srt"]


def test_a_show_without_episodes(built: tuple) -> None:
    show, _ = built
    page = lxml_html.fromstring(render_page(show, []))
    assert page.findtext(".//p[@class='empty']") == "No episodes yet." and not page.findall(".//article")


# --- in a real browser -------------------------------------------------------------------------

@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[Any]:
    """Debian's Chromium, headless and offline, driven by its own chromedriver."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver; scripts/test does it)")
    from selenium import webdriver  # in the test extra: missing, it is an error, not a skip
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--no-first-run", "--disable-sync", "--mute-audio",
                     "--window-size=1280,1000", f"--user-data-dir={tmp_path / 'chromium-profile'}",
                     # Anything but the test server fails to resolve, and the log shows whether it was tried.
                     "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture()
def served(built: tuple) -> Iterator[str]:
    server = make_server(built[0].feed_dir, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def wait_for(driver: Any, script: str, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {script}")


def test_in_chromium_the_player_has_the_duration_and_chapters_and_lines_seek(
        built: tuple, served: str, browser: Any, tmp_path: Path) -> None:
    show, _ = built
    browser.get_log("performance")  # drop what the browser did before (its own new-tab page)
    browser.get(served)
    assert browser.title == show.title
    for index, stem in enumerate((E2, E1)):
        audio = f"document.querySelectorAll('audio')[{index}]"
        duration = wait_for(browser, f"return {audio}.readyState >= 1 && {audio}.duration")
        assert duration == pytest.approx(MP3(show.feed_dir / f"{stem}.mp3").info.length, abs=0.5)

    chapters = json.loads((show.feed_dir / f"{E2}.chapters.json").read_text())["chapters"]
    button = browser.find_elements("css selector", "[id='02-second'] .chapters button")[1]
    button.click()
    audio = "document.getElementById('02-second').querySelector('audio')"
    wait_for(browser, f"return !{audio}.seeking && {audio}.currentTime >= {chapters[1]['startTime']}")
    assert browser.execute_script(f"return {audio}.currentTime") == pytest.approx(chapters[1]["startTime"], abs=1.0)
    wait_for(browser, "return document.getElementById('02-second').querySelector('.chapters li:nth-child(2)')"
                      ".getAttribute('aria-current') === 'true'")

    browser.find_element("css selector", "[id='01-first'] details summary").click()  # open the transcript
    line = browser.find_elements("css selector", "[id='01-first'] .line")[2]
    line.click()
    audio = "document.getElementById('01-first').querySelector('audio')"
    wait_for(browser, f"return !{audio}.seeking && {audio}.currentTime >= 3.0")
    assert browser.execute_script(f"return {audio}.currentTime") == pytest.approx(3.0, abs=1.0)
    assert browser.execute_script("return document.getElementById('02-second').querySelector('audio').paused")  # one at a time

    browser.save_screenshot(str(tmp_path / "page.png"))
    if os.environ.get("PAPERCAST_SCREENSHOTS"):  # to look at the design: PAPERCAST_SCREENSHOTS=/some/dir
        shutil.copy(tmp_path / "page.png", Path(os.environ["PAPERCAST_SCREENSHOTS"]) / "page.png")

    origin = urlsplit(served).netloc
    requested = [json.loads(entry["message"])["message"] for entry in browser.get_log("performance")]
    urls = [m["params"]["request"]["url"] for m in requested if m["method"] == "Network.requestWillBeSent"]
    assert any(url.endswith(".mp3") for url in urls) and served in urls
    # chrome:// is the browser's own new-tab page, built in; every other request must be to the server.
    elsewhere = [url for url in urls if urlsplit(url).scheme not in ("data", "blob", "chrome", "chrome-untrusted")
                 and urlsplit(url).netloc != origin]
    assert elsewhere == []
    # A Content-Security-Policy violation or script error would be logged here.
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


# --- small screens, keyboard and screen readers ------------------------------------------------

LONG_DOI = "10.1016/j.very-long-journal-name.2025.0123456789-supplementary-material-appendix-b"


def axe_source() -> str:
    """axe-core's script, as scripts/setup installs it from npm beside the virtual environment."""
    for path in (Path(os.environ.get("PAPERCAST_AXE_JS", "/nonexistent")),
                 Path(sys.prefix) / "axe" / "node_modules" / "axe-core" / "axe.min.js"):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    missing = "axe-core is not installed (scripts/setup test installs it with npm into .venv/axe)"
    if os.environ.get("CI"):
        pytest.fail(missing)  # CI runs scripts/setup test: there the check must run, not be skipped
    pytest.skip(missing)


@pytest.fixture()
def long_doi(built: tuple) -> tuple:
    """The built page, with a paper whose DOI is one long unbreakable word."""
    show, episodes = built
    paper = dataclasses.replace(PAPER, doi=LONG_DOI, title="Supercalifragilisticexpialidocious" * 2)
    episodes = [dataclasses.replace(ep, papers=(paper, *ep.papers[1:])) for ep in episodes]
    write_page(show, episodes)
    return show, episodes


def at_width(driver: Any, url: str, width: int, scheme: str = "light") -> None:
    """Load `url` as a phone `width` CSS pixels wide would show it (in a light or dark scheme), every transcript open."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": True})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    driver.get(url)
    driver.execute_script("document.querySelectorAll('details').forEach((d) => { d.open = true; });")


@pytest.mark.parametrize(("width", "scheme"), [(320, "light"), (375, "light"), (320, "dark")])
def test_on_a_phone_nothing_scrolls_sideways_and_axe_finds_no_serious_violation(
        long_doi: tuple, served: str, browser: Any, width: int, scheme: str) -> None:
    source = axe_source()
    at_width(browser, served, width, scheme)
    assert browser.execute_script(f"return matchMedia('(prefers-color-scheme: {scheme})').matches")
    assert browser.execute_script("return window.innerWidth") == width
    overflow = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    wide = browser.execute_script(f"""return [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > {width} + 0.5 && !e.closest('.sr-only'))
        .map((e) => e.tagName + '.' + e.className)""")
    assert overflow <= 0 and wide == [], wide
    assert LONG_DOI in browser.find_element("css selector", ".cite").text.replace("\n", "")
    result = run_axe(browser, source)
    assert serious(result) == [], serious(result)
    assert result["testEngine"]["version"].startswith("4.")


def run_axe(driver: Any, source: str) -> dict[str, Any]:
    """axe-core's report on the page as it is now."""
    driver.execute_script(source)  # WebDriver's scripts are not held to the page's CSP
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then((r) => done(r), (e) => done({error: String(e)}));")
    assert "error" not in result, result
    return result


def serious(result: dict[str, Any]) -> list[tuple[str, str, list[Any]]]:
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def test_the_accessibility_check_does_catch_violations(built: tuple, served: str, browser: Any) -> None:
    """The harness itself: faint text and a button without a name must be reported."""
    source = axe_source()
    at_width(browser, served, 320)
    # Styled through the CSSOM: the page's policy blocks style attributes in markup.
    browser.execute_script("const faint = document.createElement('p'); faint.textContent = 'faint';"
                           "faint.style.color = '#eee'; faint.style.background = '#fff';"
                           "document.querySelector('main').prepend(faint, document.createElement('button'));")
    assert {found[0] for found in serious(run_axe(browser, source))} == {"color-contrast", "button-name"}


def test_transcript_lines_are_reached_and_played_by_keyboard_and_announced(
        built: tuple, served: str, browser: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(served)
    article = "document.getElementById('01-first')"
    browser.find_element("css selector", "[id='01-first'] details summary").click()  # opens it, focused
    keys = ActionChains(browser)
    keys.send_keys(Keys.TAB).perform()  # the scrollable transcript itself
    assert browser.execute_script("return document.activeElement.className") == "turns"
    keys.send_keys(Keys.TAB).perform()  # its one tab stop: the first line's time
    assert browser.execute_script("return document.activeElement.dataset.seek") == "0.000"
    stops = browser.execute_script(f"return {article}.querySelectorAll('.turns [tabindex=\"0\"]').length")
    assert stops == 1  # one stop for the whole transcript, not one per line
    for _ in range(5):
        keys.send_keys(Keys.ARROW_DOWN).perform()
    focused = "document.activeElement"
    assert browser.execute_script(f"return {focused}.textContent") == "Signals < noise & mood?"
    assert browser.execute_script(f"return {focused}.tagName + {focused}.tabIndex") == "BUTTON0"
    keys.send_keys(Keys.ENTER).perform()
    audio = f"{article}.querySelector('audio')"
    wait_for(browser, f"return !{audio}.seeking && {audio}.currentTime >= 3.0")
    assert browser.execute_script(f"return {audio}.currentTime") == pytest.approx(3.0, abs=1.0)
    status = f"{article}.querySelector('[role=status]')"
    assert browser.execute_script(f"return {status}.textContent") == "Playing from 0:03"
    assert browser.execute_script(f"return {status}.getAttribute('role')") == "status"  # a polite live region
    keys.send_keys(Keys.END).perform()
    assert browser.execute_script(f"return {focused}.textContent") == "That's all for today."
    keys.send_keys(Keys.SPACE).perform()
    wait_for(browser, f"return !{audio}.seeking && {audio}.currentTime >= 4.5")
    keys.send_keys(Keys.HOME).perform()
    assert browser.execute_script(f"return {focused}.dataset.seek") == "0.000"
    described = browser.execute_script(f"return {article}.querySelector('.turns').getAttribute('aria-describedby')")
    assert "arrow keys" in browser.execute_script(f"return document.getElementById('{described}').textContent")
