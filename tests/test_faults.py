"""The fault suite: builds killed at random points, damaged state, a full disk, and no network.

Each trial runs real builds in their own processes and judges only what they leave: the
feed must stay self-consistent, a rebuild must keep every GUID and pubDate and lose no
episode, and no process, temporary file or network attempt may be left behind.
PAPERCAST_FAULT_TRIALS sets the number of kill trials (default 10), PAPERCAST_FAULT_SEED
their random seed; the figures are printed at the end of the module.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import os
import random
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import faultkit as fk
from tests.conftest import make_show
from tests.netwatch import network_attempts, strace_available, traced

TALLY = fk.Tally()
KILL_TRIALS = int(os.environ.get("PAPERCAST_FAULT_TRIALS", "10"))
SEED = int(os.environ.get("PAPERCAST_FAULT_SEED", str(random.randrange(1 << 30))))


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print the suite's figures once every trial of the module has run."""
    yield
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line(f"{TALLY.line()} (seed {SEED})")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float, dict[str, fk.Item]]:
    """A built fault show, how long its cold build took, and its feed items."""
    root = tmp_path_factory.mktemp("base")
    show = fk.fault_show(root / "show")
    started = time.monotonic()
    result = fk.build(show, fk.trial_env(root, fk.new_trial()))
    assert result.code == 0, result.err
    state = fk.read_feed(show)
    assert not state.problems and len(state.items) == 3
    return show, time.monotonic() - started, state.items


# --- kill -9 at random points ---------------------------------------------------------------------

def _prepare(mode: str, base_show: Path, show: Path) -> None:
    """Set up one kill trial's show: from nothing, edited, or with a new undated episode."""
    if mode == "cold":
        fk.fault_show(show)
        return
    fk.copy_show(base_show, show)
    turns = sorted((show / ".papercast" / "cache" / "turns").rglob("*.flac"))
    for path in turns[::2]:  # half the turns again, so workers are started and killed too
        path.unlink()
    if mode == "edit":
        definition = show / "episodes" / "01-first.toml"
        definition.write_text(definition.read_text().replace('"First"', '"First, revised"'))
    else:
        (show / "episodes" / "04-fourth.toml").write_text(fk.THIRD.replace("Third", "Fourth")
                                                         .replace("sgro2023stomach", "cho2025oral"))


def _kill_trial(number: int, rng: random.Random, base: tuple[Path, float, dict[str, fk.Item]],
                scratch: Path) -> None:
    """One trial: a build killed with SIGKILL at a random moment, checked, rebuilt, checked again."""
    base_show, seconds, base_items = base
    mode = ("cold", "edit", "new")[number % 3]
    name = f"kill {number} ({mode})"
    trial, show = fk.new_trial(), scratch / "show"
    _prepare(mode, base_show, show)
    env = fk.trial_env(scratch, trial)
    fk.kill_after(fk.start_build(show, env), rng.uniform(0.1, 1.1 * seconds))
    killed = fk.read_feed(show)
    TALLY.trials += 1
    _count(name, "inconsistencies", len(killed.problems), killed.problems)
    _count(name, "leaked_processes", fk.leaked_processes(trial), "processes outlived the killed build")
    rebuilt = fk.build(show, env)
    after = fk.read_feed(show)
    if rebuilt.code != 0 or rebuilt.traceback:
        _count(name, "inconsistencies", 1, f"rebuild exited {rebuilt.code}: {rebuilt.err[-400:]}")
    _count(name, "inconsistencies", len(after.problems), after.problems)
    expected = {path.stem for path in (show / "episodes").glob("*.toml")}
    _count(name, "lost_episodes", len(expected - set(after.items)), sorted(expected - set(after.items)))
    guids, dates = fk.identity_changes(killed.items, after.items)
    if mode != "cold":  # a cold show's undated episode has a pubDate of its own
        more_guids, more_dates = fk.identity_changes(base_items, after.items)
        guids, dates = guids + more_guids, dates + more_dates
    _count(name, "changed_guids", guids, "GUIDs changed")
    _count(name, "changed_dates", dates, "pubDates changed")
    _count(name, "leaked_processes", fk.leaked_processes(trial, grace=2.0), "processes outlived the rebuild")
    leaked = fk.leaked_files(show, scratch / "tmpdir")
    _count(name, "leaked_files", len(leaked), [str(path) for path in leaked[:5]])


def _count(trial: str, figure: str, amount: int, detail: object) -> None:
    """Add to one of the tally's figures, remembering why."""
    if amount:
        setattr(TALLY, figure, getattr(TALLY, figure) + amount)
        TALLY.fail(trial, f"{figure} +{amount}: {detail}")


def test_builds_killed_at_random_points_leave_a_consistent_feed(base, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    before = len(TALLY.failures)
    for number in range(KILL_TRIALS):
        _kill_trial(number, rng, base, tmp_path / f"trial{number}")
        shutil.rmtree(tmp_path / f"trial{number}", ignore_errors=True)
    assert TALLY.failures[before:] == [], f"seed {SEED}"


# --- damaged state --------------------------------------------------------------------------------

def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2 + 1])


def _garble(path: Path) -> None:
    """Same size, different bytes (past any header), as a bad disk block would leave it."""
    data = bytearray(path.read_bytes())
    rng = random.Random(len(data))
    for index in range(min(len(data) // 3, 200), len(data)):
        data[index] = rng.randrange(256)
    path.write_bytes(bytes(data))


def _delete(path: Path) -> None:
    path.unlink()


DAMAGE: dict[str, Callable[[Path], None]] = {"truncated": _truncate, "garbled": _garble, "deleted": _delete}
# Files a rebuild must put back exactly as they were (patterns under feed/ or .papercast/).
RESTORED = ("feed/feed.xml", "feed/index.html", "feed/cover.png", "feed/episodes/01-first-*.mp3",
            "feed/episodes/02-second-*.txt", "feed/episodes/02-second-*.vtt", "feed/episodes/02-second-*.srt",
            "feed/episodes/02-second-*.transcript.json", "feed/episodes/02-second-*.chapters.json")
# A turn's loudness figures: damaged ones fail their checksum and the episode's job measures the turn.
TOLERATED = (".papercast/plans.json", ".papercast/lock", ".papercast/cache/templates/*",
             ".papercast/cache/turns/*/*.meter")


def _damage_trial(base: tuple[Path, float, dict[str, fk.Item]], scratch: Path, pattern: str, how: str) -> list[str]:
    """Damage one file of a built show, rebuild; what went wrong (nothing, when papercast copes)."""
    base_show, _, base_items = base
    show = fk.copy_show(base_show, scratch / "show")
    target = sorted(show.glob(pattern))[0]
    original = target.read_bytes()
    DAMAGE[how](target)
    result = fk.build(show, fk.trial_env(scratch, fk.new_trial()))
    problems = [f"exit {result.code}: {(result.err or result.out)[-300:]}"] if result.code or result.traceback else []
    after = fk.read_feed(show)
    problems += after.problems
    if pattern in RESTORED and (not target.is_file() or target.read_bytes() != original):
        problems.append(f"{target.name} was not rebuilt")
    if sum(fk.identity_changes(base_items, after.items)) or set(after.items) != set(base_items):
        problems.append("episodes, GUIDs or pubDates changed")
    return problems


@pytest.mark.parametrize("pattern", RESTORED + TOLERATED)
@pytest.mark.parametrize("how", list(DAMAGE))
def test_a_damaged_file_is_rebuilt_or_ignored(base, tmp_path: Path, pattern: str, how: str) -> None:
    problems = _damage_trial(base, tmp_path, pattern, how)
    TALLY.trials += 1
    _count(f"{how} {pattern}", "inconsistencies", len(problems), problems)
    assert problems == []


def test_every_kind_of_file_a_build_leaves_has_a_damage_trial(base) -> None:
    """So a new file under .papercast/ or feed/ cannot escape the trials above."""
    base_show = base[0]
    kinds = {pattern.replace("01-first-*", "*").replace("02-second-*", "*") for pattern in RESTORED + TOLERATED}
    kinds |= {".papercast/published.json", ".papercast/cache/turns/*/*.flac"}  # trials of their own, below
    files = [path.relative_to(base_show).as_posix() for path in fk.files_under(base_show, ".papercast", "feed")]
    assert [name for name in files if not any(fnmatch.fnmatch(name, kind) for kind in kinds)] == []


@pytest.mark.parametrize("how", ["truncated-even", "truncated-odd", "garbled", "header"])
def test_a_damaged_cache_entry_is_spoken_again(base, tmp_path: Path, how: str) -> None:
    """A damaged turn is discarded and synthesised again, with a note; nothing damaged is published."""
    base_show, _, base_items = base
    show = fk.copy_show(base_show, tmp_path / "show")
    episode = base_items["02-second"]
    (show / "feed" / episode.audio).unlink()  # so the episode is assembled again from its turns
    for entry in sorted((show / ".papercast" / "cache" / "turns").rglob("*.flac")):
        data = entry.read_bytes()
        damaged = {"truncated-even": data[: len(data) // 4 * 2], "truncated-odd": data[: len(data) // 2 * 2 - 1],
                   "garbled": data[:44] + bytes(len(data) - 44), "header": b"JUNK" + data[4:]}[how]
        entry.write_bytes(damaged)
    result = fk.build(show, fk.trial_env(tmp_path, fk.new_trial()))
    TALLY.trials += 1
    problems = [] if result.code == 0 and not result.traceback else [f"exit {result.code}: {result.err[-300:]}"]
    if not re.search(r"\b[1-9]\d* turns synthesised", result.out + result.err):
        problems.append("no turn was synthesised again")
    if "damaged" not in (result.out + result.err).lower():
        problems.append("no note about the damaged cache")
    after = fk.read_feed(show)
    problems += after.problems
    _count(f"cache {how}", "inconsistencies", len(problems), problems)
    assert problems == []


@pytest.mark.parametrize("damage", ["not json", "entry not an object", "deleted"])
def test_damaged_records_are_refused_with_the_repair_or_recovered(base, tmp_path: Path, damage: str) -> None:
    """published.json: damage is refused with the exact repair; deletion or repair keeps GUIDs and pubDates."""
    base_show, _, base_items = base
    show = fk.copy_show(base_show, tmp_path / "show")
    records = show / ".papercast" / "published.json"
    if damage == "deleted":
        records.unlink()
    else:
        text = records.read_text()
        records.write_text(text[: len(text) // 2] if damage == "not json"
                           else re.sub(r'"01-first": \{', '"01-first": ["oops"], "x": {', text, count=1))
    env = fk.trial_env(tmp_path, fk.new_trial())
    result = fk.build(show, env)
    TALLY.trials += 1
    problems = ["traceback"] if result.traceback else []
    if damage != "deleted":
        if result.code == 0 or "--repair" not in result.err:
            problems.append(f"not refused with the repair: exit {result.code}: {result.err[-300:]}")
        result = fk.build(show, env, "--repair")
    if result.code != 0:
        problems.append(f"exit {result.code}: {result.err[-300:]}")
    after = fk.read_feed(show)
    guids, dates = fk.identity_changes(base_items, after.items)
    problems += after.problems + [f"{guids} GUIDs and {dates} pubDates changed"] * bool(guids or dates)
    _count(f"records {damage}", "inconsistencies", len(problems), problems)
    assert problems == []


# --- a full disk ---------------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 MB tmpfs mounted for the test (root only)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path, leave: int) -> Path:
    """A file taking all but `leave` bytes of the file system."""
    filler = folder / "filler"
    stat = os.statvfs(folder)
    size = max(0, stat.f_bavail * stat.f_frsize - leave)
    with filler.open("wb") as handle:
        handle.truncate(0)
        block = bytes(1 << 20)
        while size > 0:
            handle.write(block[: min(size, len(block))])
            size -= len(block)
    return filler


# Free space left for a rebuild of episode 2, as (bytes, multiples of its WAV, multiples of its MP3):
# the disk fills while the turns are assembled, while ffmpeg encodes, or while the tags are written.
SPACE = {"64 KB": (64 << 10, 0, 0), "900 KB": (900 << 10, 0, 0),
         "MP3 + 140 KB": (140 << 10, 0, 1),  # tagging, where the WAV is elsewhere
         "WAV + half an MP3": (0, 1, 0.5),  # encoding
         "WAV + MP3 - 200 KB": (-200 << 10, 1, 1),  # tagging
         "WAV + two MP3s": (0, 1, 2.5)}  # room enough


@pytest.mark.parametrize("space", list(SPACE))
def test_a_full_disk_fails_only_the_episode_with_its_cause(base, small_disk: Path, tmp_path: Path,
                                                            space: str) -> None:
    base_show, _, base_items = base
    show = fk.copy_show(base_show, small_disk / "show")
    definition = show / "episodes" / "02-second.toml"
    definition.write_text(definition.read_text().replace('"Second"', '"Second, revised"'))
    env = fk.trial_env(tmp_path, fk.new_trial())
    mp3 = base_items["02-second"].length
    wav = mp3 * 8 // 64000 * 44100 * 2  # 64 kbit/s MP3, 44.1 kHz 16-bit WAV
    fixed, wavs, mp3s = SPACE[space]
    filler = _fill(small_disk, int(fixed + wavs * wav + mp3s * mp3))
    full = fk.build(show, env)
    TALLY.trials += 1
    problems = ["traceback"] if full.traceback else []
    if full.code != 0 and "no space left on device" not in (full.out + full.err).lower():
        problems.append(f"the cause is not named: {(full.err or full.out)[-300:]}")
    problems += fk.read_feed(show).problems
    filler.unlink()
    again = fk.build(show, env)
    after = fk.read_feed(show)
    problems += after.problems + ([f"rebuild exit {again.code}"] if again.code else [])
    if sum(fk.identity_changes(base_items, after.items)) or set(after.items) != set(base_items):
        problems.append("episodes, GUIDs or pubDates changed")
    leaked = fk.leaked_files(show, tmp_path / "tmpdir")
    _count(f"disk full, {space} free", "leaked_files", len(leaked), leaked[:3])
    _count(f"disk full, {space} free", "inconsistencies", len(problems), problems)
    assert problems == [] and leaked == []


# --- no network -----------------------------------------------------------------------------------

NEURAL_HOSTS = """
[[hosts]]
name = "Theo"
engine = "piper"
voice = "en_US-joe-medium"

[[hosts]]
name = "Maya"
engine = "hibari"
voice = "heart"
"""


def test_no_process_of_a_build_touches_the_network(tmp_path: Path) -> None:
    """Every process of a neural build (workers and encoders included), traced: no lookup, no outside socket."""
    if not strace_available():
        pytest.skip("strace is not installed or may not trace here")
    for module in ("piper", "hibari", "onnxruntime"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed")
    show = make_show(tmp_path / "show")
    config = show / "papercast.toml"
    text = config.read_text()
    config.write_text(text[: text.index("[[hosts]]")] + NEURAL_HOSTS + text[text.index("[papers]"):])
    log = tmp_path / "strace.log"
    env = fk.trial_env(tmp_path, fk.new_trial())
    result = fk.run(traced(fk.command("build", "--show", str(show), "-j", "2"), log), env, timeout=600)
    assert result.code == 0, result.err[-500:]
    workers = {line.split()[0] for line in log.read_text().splitlines()}
    attempts = network_attempts(log)
    TALLY.trials += 1
    TALLY.network_attempts += len(attempts)
    assert len(workers) > 3, "strace did not follow the build's processes"
    assert attempts == [], "\n".join(attempts[:5])
