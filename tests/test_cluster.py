"""Builds on a real Dask cluster: worker processes of a distributed.LocalCluster, the real espeak engine.

The workers run in their own working and temporary directories, so a job that reached for a
path on the client's disk would fail; the turn cache is filled by the client from what they send.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.build import build_show
from pipeline.cli import cli
from pipeline.config import load_show
from pipeline.errors import ClusterError, ConfigError
from pipeline.report import Progress
from tests.conftest import REPO, make_show

distributed = pytest.importorskip("distributed")


def _feed_files(root: Path) -> dict[str, bytes]:
    """Every published episode file (audio, transcripts, chapters) by name."""
    return {path.name: path.read_bytes() for path in sorted((root / "feed" / "episodes").iterdir())}


@contextmanager
def local_cluster(where: Path, workers: int = 2, pythonpath: str = "") -> Iterator[Any]:
    """A LocalCluster of worker processes started in `where`, with their own temporary directory.

    Workers import this checkout's papercast; `pythonpath` goes in front of it on their path
    (a spawned process starts with its parent's sys.path, which is therefore changed while they start).
    """
    work, temp = where / "work", where / "tmp"
    work.mkdir(parents=True)
    temp.mkdir()
    before_cwd, before_path = os.getcwd(), os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (pythonpath, str(REPO)) if p)
    os.chdir(work)  # spawned workers start in the parent's working directory
    if pythonpath:
        sys.path.insert(0, pythonpath)
    try:
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           local_directory=str(where / "dask"), env={"TMPDIR": str(temp)},
                                           dashboard_address=None)
    finally:
        if pythonpath:
            sys.path.remove(pythonpath)
        os.chdir(before_cwd)
        if before_path is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before_path
    try:
        yield cluster
    finally:
        cluster.close()


def _where(_: object = None) -> tuple[str, str, str]:
    """A worker's working directory, temporary directory and papercast (run on the workers)."""
    import tempfile

    import pipeline

    return os.getcwd(), tempfile.gettempdir(), pipeline.__file__


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with local_cluster(tmp_path_factory.mktemp("cluster")) as running:
        yield running


def test_a_cluster_build_publishes_what_a_local_build_of_its_turns_does(cluster: Any, tmp_path: Path):
    show = make_show(tmp_path / "show")
    with distributed.Client(cluster.scheduler_address) as client:
        places = client.run(_where)
    assert len(places) == 2
    for cwd, temp, package in places.values():
        assert not Path(cwd).resolve().is_relative_to(tmp_path) and Path(cwd).resolve() != Path.cwd().resolve()
        assert temp not in (os.environ.get("TMPDIR"), "/tmp") and Path(temp).parent.name == "cluster0"
        assert Path(package).resolve() == REPO / "pipeline" / "__init__.py"

    report = build_show(show, cluster=cluster.scheduler_address)
    assert report.failed == [] and sorted(report.built) == ["01-first", "02-second"]
    assert report.turns_synthesized > 10 and report.exit_code == 0
    cache = show / ".papercast" / "cache" / "turns"
    assert len(list(cache.rglob("*.44100.flac"))) == report.turns_synthesized  # stored by the client

    # The same turns joined and encoded here, by the local pool: the very same files.
    local = tmp_path / "local"
    shutil.copytree(show, local, ignore=shutil.ignore_patterns("feed", "published.json", "plans.json"))
    again = build_show(local, jobs=2)
    assert again.failed == [] and again.turns_synthesized == 0
    assert _feed_files(local) == _feed_files(show)


class KillAWorker(Progress):
    """Kills one worker process with SIGKILL when the build has spoken its third turn."""

    def __init__(self, pid: int) -> None:
        self.pid, self.done, self.killed = pid, 0, False

    def turn_done(self) -> None:
        self.done += 1
        if self.done == 3:
            os.kill(self.pid, signal.SIGKILL)
            self.killed = True


def test_a_worker_killed_mid_build_has_its_turns_run_again(cluster: Any, tmp_path: Path):
    show = make_show(tmp_path / "show")
    with distributed.Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)
    progress = KillAWorker(min(pids.values()))
    report = build_show(show, cluster=cluster.scheduler_address, progress=progress)
    assert progress.killed
    assert report.failed == [] and sorted(report.built) == ["01-first", "02-second"], report.failed
    assert report.problems == [] or all(p.severity != "error" for p in report.problems)
    with distributed.Client(cluster.scheduler_address) as client:
        client.wait_for_workers(2, timeout=60)  # the nanny restarted it, for the tests after this one


def test_an_unreachable_scheduler_fails_at_once_naming_it(show_dir: Path):
    started = time.monotonic()
    with pytest.raises(ClusterError, match=r"^cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9: "):
        build_show(show_dir, cluster="tcp://127.0.0.1:9")
    assert time.monotonic() - started < 5
    result = CliRunner().invoke(cli, ["build", "--show", str(show_dir), "--cluster", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9: Connection refused"]
    assert not (show_dir / "feed" / "feed.xml").exists()


def test_the_cluster_setting_is_checked_with_the_show(show_dir: Path):
    config = show_dir / "papercast.toml"
    config.write_text(config.read_text() + '\n[build]\ncluster = "10.0.0.5"\n')
    with pytest.raises(ConfigError, match=r"build\.cluster '10\.0\.0\.5' is not a Dask scheduler address"):
        load_show(show_dir)
    config.write_text(config.read_text().replace('"10.0.0.5"', '"tcp://10.0.0.5:8786"'))
    assert load_show(show_dir).build.cluster == "tcp://10.0.0.5:8786"


def test_a_worker_without_the_engine_fails_its_turns_and_the_other_episode_builds(tmp_path: Path):
    show = make_show(tmp_path / "show")
    # Episode 01 is built here first, so its turns are cached: on the cluster it only needs encoding.
    (show / "episodes" / "02-second.toml").rename(tmp_path / "02-second.toml")
    assert build_show(show, jobs=1).built == ["01-first"]
    shutil.rmtree(show / "feed")
    (tmp_path / "02-second.toml").rename(show / "episodes" / "02-second.toml")
    # A worker whose Python cannot import pyttsx3, as on a machine where it was never installed.
    missing = tmp_path / "no-pyttsx3" / "pyttsx3"
    missing.mkdir(parents=True)
    (missing / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'pyttsx3'\", name='pyttsx3')\n")
    with local_cluster(tmp_path / "cluster", workers=1, pythonpath=str(missing.parent)) as running:
        report = build_show(show, cluster=running.scheduler_address)
    assert report.built == ["01-first"]
    [(episode, reason)] = report.failed
    assert episode == "02-second"
    assert "on worker 0 at tcp://127.0.0.1:" in reason
    assert "pyttsx3 is not installed (No module named 'pyttsx3')" in reason
    assert report.exit_code == 1
    feed = (show / "feed" / "feed.xml").read_text()
    assert "<title>First</title>" in feed and "<title>Second</title>" not in feed
