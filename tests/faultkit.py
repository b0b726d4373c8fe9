"""The fault suite's tools: a small show, builds run as separate processes, and checks of what they leave.

Builds run through the command line (`python -m pipeline build`) in their own processes, so a
trial can kill one with SIGKILL at any moment, as a power cut or an OOM killer would, and
judge only what is on disk afterwards.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import make_show

REPO = Path(__file__).resolve().parent.parent
MARK = "PAPERCAST_FAULT_TRIAL"  # set in every trial's environment, so its processes can be found
_STEM = re.compile(r"^(?P<id>.+)-[0-9a-f]{10}$")
_PODCAST = "{https://podcastindex.org/namespace/1.0}"
THIRD = 'title = "Third"\npapers = ["papers/list.bib"]\nentries = ["sgro2023stomach"]\n'  # undated on purpose


def fault_show(root: Path) -> Path:
    """The tests' small show plus an undated episode, whose pubDate is only ever recorded by papercast."""
    make_show(root)
    (root / "episodes" / "03-third.toml").write_text(THIRD)
    return root


# --- running builds ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """A finished command: exit status and what it printed."""

    code: int
    out: str
    err: str

    @property
    def traceback(self) -> bool:
        """Whether a Python traceback reached the user (papercast promises one-line errors)."""
        return "Traceback (most recent call last)" in self.out + self.err


def trial_env(scratch: Path, trial: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a trial's processes: its own TMPDIR, a marker, this checkout first on the path."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ORT_")}
    tmp = scratch / "tmpdir"
    tmp.mkdir(parents=True, exist_ok=True)
    env.update({"TMPDIR": str(tmp), MARK: trial, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"})
    env.update(extra or {})
    return env


def command(*args: str) -> list[str]:
    """The papercast command line, run from this checkout."""
    return [sys.executable, "-m", "pipeline", *args]


def run(args: list[str], env: Mapping[str, str], timeout: float = 300) -> Run:
    """Run a command to its end."""
    done = subprocess.run(args, env=dict(env), capture_output=True, text=True, timeout=timeout, cwd=REPO)
    return Run(done.returncode, done.stdout, done.stderr)


def build(show: Path, env: Mapping[str, str], *extra: str, jobs: int = 2) -> Run:
    """`papercast build` of `show`, to its end."""
    return run(command("build", "--show", str(show), "-j", str(jobs), *extra), env)


def start_build(show: Path, env: Mapping[str, str], jobs: int = 2) -> subprocess.Popen[str]:
    """`papercast build` of `show`, started and left running."""
    return subprocess.Popen(command("build", "--show", str(show), "-j", str(jobs)), env=dict(env), cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def kill_after(process: subprocess.Popen[str], seconds: float) -> bool:
    """SIGKILL the process (only it, not its children) after `seconds`; False if it had already finished."""
    try:
        process.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


# --- processes left behind -----------------------------------------------------------------------

def marked_processes(trial: str) -> list[int]:
    """Live processes whose environment carries this trial's marker (zombies excluded)."""
    found = []
    needle = f"{MARK}={trial}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue  # gone, or not ours to read
        if state != "Z":
            found.append(int(entry.name))
    return found


def leaked_processes(trial: str, grace: float = 8.0) -> int:
    """How many of the trial's processes outlive its build by `grace` seconds; those are then killed."""
    deadline = time.monotonic() + grace
    while (alive := marked_processes(trial)) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in alive:  # started by this trial: cleaning up after a failed check
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return len(alive)


# --- files left behind ---------------------------------------------------------------------------

def leaked_files(show: Path, tmpdir: Path) -> list[Path]:
    """Temporary files and folders a finished build left: in TMPDIR, in .papercast/tmp, or half-written beside a target."""
    left = list(tmpdir.rglob("*"))  # folders too: an empty one left behind is still a leak
    scratch = show / ".papercast" / "tmp"
    if scratch.is_dir():
        left += list(scratch.rglob("*"))
    for folder in (show / "feed", show / ".papercast"):
        if folder.is_dir():
            left += [path for path in folder.rglob(".*") if path.is_file() and path.suffix in (".tmp", ".mp3", ".wav")]
    return left


# --- the feed as apps see it ---------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One feed item: what must never change (GUID, pubDate) and the files it points to."""

    id: str
    guid: str
    published: dt.datetime
    audio: str
    length: int
    others: tuple[str, ...]


@dataclass
class FeedState:
    """What the published feed says, and what is wrong with it."""

    items: dict[str, Item] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _local(url: str, base: str) -> str:
    return url[len(base):] if url.startswith(base) else url


def read_feed(show: Path) -> FeedState:
    """The items of `feed/feed.xml` and every inconsistency between it and the files (no feed: no items)."""
    state = FeedState()
    path = show / "feed" / "feed.xml"
    if not path.exists():
        return state
    try:
        channel = ET.parse(path).getroot().find("channel")
    except ET.ParseError as exc:
        state.problems.append(f"feed.xml does not parse: {exc}")
        return state
    assert channel is not None
    base = channel.findtext("link") or ""
    for element in channel.findall("item"):
        state.problems.extend(_read_item(show, element, base, state.items))
    return state


def _read_item(show: Path, element: ET.Element, base: str, items: dict[str, Item]) -> list[str]:
    """Add one feed item to `items`; the problems it has."""
    enclosure = element.find("enclosure")
    guid = element.findtext("guid") or ""
    if enclosure is None or not guid:
        return [f"item {element.findtext('title')!r} lacks an enclosure or a GUID"]
    audio = _local(enclosure.get("url", ""), base)
    match = _STEM.match(Path(audio).stem)
    if match is None:
        return [f"enclosure {audio} is not named <id>-<hash>.mp3"]
    others = tuple(_local(tag.get("url", ""), base) for tag in element.iter()
                   if tag.tag in (f"{_PODCAST}chapters", f"{_PODCAST}transcript"))
    item = Item(match["id"], guid, email.utils.parsedate_to_datetime(element.findtext("pubDate") or ""),
                audio, int(enclosure.get("length", "-1")), others)
    problems = []
    if item.id in items or guid in {i.guid for i in items.values()}:
        problems.append(f"{item.id}: listed twice or GUID reused")
    items[item.id] = item
    mp3 = show / "feed" / audio
    if not mp3.is_file() or mp3.stat().st_size != item.length:
        problems.append(f"{item.id}: {audio} missing or not {item.length} bytes")
    problems += [f"{item.id}: {name} missing" for name in others if not (show / "feed" / name).is_file()]
    return problems


def identity_changes(before: Mapping[str, Item], after: Mapping[str, Item]) -> tuple[int, int]:
    """How many episodes shown before changed GUID, and how many changed pubDate."""
    shared = [key for key in before if key in after]
    guids = sum(before[key].guid != after[key].guid for key in shared)
    dates = sum(before[key].published != after[key].published for key in shared)
    return guids, dates


# --- a tally of every trial ----------------------------------------------------------------------

@dataclass
class Tally:
    """The fault suite's figures; every one but `trials` must end at 0."""

    trials: int = 0
    inconsistencies: int = 0
    lost_episodes: int = 0
    changed_guids: int = 0
    changed_dates: int = 0
    leaked_processes: int = 0
    leaked_files: int = 0
    network_attempts: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, trial: str, what: str) -> None:
        """Remember why a trial went wrong, for the assertion message."""
        self.failures.append(f"{trial}: {what}")

    def line(self) -> str:
        """One line of figures for the test log."""
        return (f"fault suite: {self.trials} trials, {self.inconsistencies} inconsistencies, "
                f"{self.lost_episodes} lost episodes, {self.changed_guids} changed GUIDs, "
                f"{self.changed_dates} changed pubDates, {self.leaked_processes} leaked processes, "
                f"{self.leaked_files} leaked files, {self.network_attempts} network attempts")


def new_trial() -> str:
    """A marker unique to one trial."""
    return uuid.uuid4().hex


def copy_show(source: Path, target: Path) -> Path:
    """A copy of a built show (cache, records and feed included)."""
    shutil.copytree(source, target, symlinks=True)
    return target


def files_under(root: Path, *folders: str) -> Iterator[Path]:
    """Every file in these folders of the show, in a stable order."""
    for folder in folders:
        yield from sorted(path for path in (root / folder).rglob("*") if path.is_file())
