"""`papercast publish`: to a folder and to a real OpenSSH server on loopback, only what changed, feed last."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.build import build_show
from pipeline.config import load_show
from pipeline.errors import ConfigError, PapercastError
from pipeline.publish.check import check_feed, has_errors
from pipeline.publish.upload import MANIFEST, parse_destination, publish_show
from tests.conftest import make_show

BASE_URL = "http://127.0.0.1:8765/podcast/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built show, copied by each test that changes it (building costs seconds)."""
    root = make_show(tmp_path_factory.mktemp("built") / "show")
    report = build_show(root, jobs=1)
    assert report.exit_code == 0, report.failed
    return root


@pytest.fixture
def show(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "show"
    shutil.copytree(built, copy)
    return copy


def _revise_second_episode(root: Path) -> None:
    """Change one episode (its title) and rebuild: it gets new files, the other keeps its own."""
    path = root / "episodes" / "02-second.toml"
    path.write_text(path.read_text().replace('title = "Second"', 'title = "Second, revised"'))
    assert build_show(root, jobs=1).exit_code == 0


def _episode_files(root: Path, prefix: str) -> set[str]:
    """An episode's files in a show's feed/ or in a published site."""
    folder = root / "feed" if (root / "feed").is_dir() else root
    return {f"episodes/{p.name}" for p in (folder / "episodes").glob(f"{prefix}*")}


def test_folder_publish_sends_everything_then_only_what_changed_feed_last(show: Path, tmp_path: Path):
    site = tmp_path / "site"
    first = publish_show(load_show(show), str(site))
    assert set(first.plan.upload) == {p.relative_to(show / "feed").as_posix()
                                      for p in (show / "feed").rglob("*") if p.is_file()}
    assert first.plan.upload[-2:] == ("feed.xml", "index.html")
    assert not has_errors(check_feed(site, BASE_URL))
    assert (site / MANIFEST).is_file()
    assert publish_show(load_show(show), str(site)).plan.upload == ()

    old_second = _episode_files(show, "02-second")
    _revise_second_episode(show)
    new_second = _episode_files(show, "02-second")
    sent: list[tuple[str, str]] = []
    report = publish_show(load_show(show), str(site), on_file=lambda action, name: sent.append((action, name)))
    assert set(report.plan.upload) == new_second | {"feed.xml", "index.html"}
    assert report.plan.upload[0].endswith(".mp3") and report.plan.upload[-2:] == ("feed.xml", "index.html")
    assert set(report.plan.remove) == old_second
    # Removals come only after the new feed is up.
    actions = [action for action, _ in sent]
    assert actions.index("removed") > max(i for i, (_, name) in enumerate(sent) if name == "feed.xml")
    assert _episode_files(site, "02-second") == new_second
    assert _episode_files(site, "01-first") == _episode_files(show, "01-first")
    assert not has_errors(check_feed(site, BASE_URL))


def test_dry_run_changes_nothing(show: Path, tmp_path: Path):
    site = tmp_path / "site"
    report = publish_show(load_show(show), str(site), dry_run=True)
    assert "feed.xml" in report.plan.upload and report.summary().startswith("dry run:")
    assert not site.exists()


def test_an_interrupted_publish_leaves_the_previous_feed_valid(show: Path, tmp_path: Path):
    site = tmp_path / "site"
    publish_show(load_show(show), str(site))
    old_feed = (site / "feed.xml").read_bytes()
    _revise_second_episode(show)

    def interrupt(action: str, name: str) -> None:
        if name.endswith(".srt"):  # part-way through the changed episode's files
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        publish_show(load_show(show), str(site), on_file=interrupt)
    assert (site / "feed.xml").read_bytes() == old_feed
    assert not has_errors(check_feed(site, BASE_URL))
    assert not [p for p in site.rglob(".*partial*")]
    report = publish_show(load_show(show), str(site))  # the next publish finishes the job
    assert "feed.xml" in report.plan.upload and report.plan.remove
    assert (site / "feed.xml").read_bytes() == (show / "feed" / "feed.xml").read_bytes()
    assert not has_errors(check_feed(site, BASE_URL))


def _set_publish(root: Path, table: str) -> None:
    config = root / "papercast.toml"
    config.write_text(config.read_text() + "\n[publish]\n" + table)


def test_refuses_a_feed_built_for_another_url(show: Path, tmp_path: Path):
    _set_publish(show, 'url = "https://example.org/podcast/"\n')
    with pytest.raises(PapercastError, match="base_url .* is not the destination's URL"):
        publish_show(load_show(show), str(tmp_path / "site"))
    assert not (tmp_path / "site").exists()


def test_publish_settings_are_validated_all_at_once(show: Path):
    _set_publish(show, 'url = "not a url"\nendpoint = "s3.example.org"\ndestination = "ftp://x/y"\n'
                       'password = "hunter2"\n')
    with pytest.raises(ConfigError) as caught:
        load_show(show)
    text = str(caught.value)
    for part in ("publish.url", "publish.endpoint", "publish.destination", "credentials do not belong"):
        assert part in text


def test_destinations_parse():
    assert parse_destination("sftp://me@host:2222/var/www").root == "/var/www"
    assert parse_destination("sftp://host/~/site").root == "site"
    assert parse_destination("s3://bucket/pod/").root == "bucket/pod"
    with pytest.raises(PapercastError):
        parse_destination("ftp://host/x")


# --- a real SFTP server ----------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    process.kill()
    _, err = process.communicate()
    pytest.skip(f"sshd did not start: {err.decode(errors='replace').strip()[:300]}")


@pytest.fixture(scope="module")
def sftp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """OpenSSH's sshd on a free loopback port with throwaway keys; yields (port, the client's home)."""
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    if not os.path.exists(sshd) or not shutil.which("ssh-keygen"):
        pytest.skip("OpenSSH's sshd is not installed (Debian: apt-get install openssh-server)")
    pytest.importorskip("sshfs", reason="the SFTP backend is not installed: pip install 'papercast[publish]'")
    if os.geteuid() == 0 and not os.path.isdir("/run/sshd"):
        os.makedirs("/run/sshd", mode=0o755)  # sshd's privilege-separation folder, as its service makes it
    work = tmp_path_factory.mktemp("sshd")
    _keygen(work / "host_key")
    home = work / "home"
    (home / ".ssh").mkdir(parents=True)
    _keygen(home / ".ssh" / "id_ed25519")
    shutil.copy(home / ".ssh" / "id_ed25519.pub", work / "authorized_keys")
    port = _free_port()
    (work / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {work / 'host_key'}\nPidFile {work / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {work / 'authorized_keys'}\nStrictModes no\nUsePAM no\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
        "Subsystem sftp internal-sftp\nLogLevel ERROR\n")
    # The client finds everything where ssh would: ~/.ssh/config, its key and known_hosts.
    (home / ".ssh" / "config").write_text(
        f"Host papercast-test\n  HostName 127.0.0.1\n  Port {port}\n  User {getpass.getuser()}\n"
        f"  IdentityFile {home / '.ssh' / 'id_ed25519'}\n  IdentitiesOnly yes\n")
    host_key = (work / "host_key.pub").read_text().split()[:2]
    (home / ".ssh" / "known_hosts").write_text(
        "".join(f"{name} {' '.join(host_key)}\n" for name in (f"[127.0.0.1]:{port}", f"[papercast-test]:{port}")))
    process = subprocess.Popen([sshd, "-D", "-e", "-f", str(work / "sshd_config")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_for_port(port, process)
    yield port, home
    process.terminate()
    process.wait(timeout=10)


def test_sftp_publish_to_a_real_server_sends_only_what_changed(show: Path, tmp_path: Path,
                                                               sftp_server: tuple[int, Path],
                                                               monkeypatch: pytest.MonkeyPatch):
    _, home = sftp_server
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    site = tmp_path / "remote-site"
    destination = f"sftp://papercast-test{site}"
    first = publish_show(load_show(show), destination)
    assert first.plan.upload[-2:] == ("feed.xml", "index.html")
    assert (site / "feed.xml").read_bytes() == (show / "feed" / "feed.xml").read_bytes()
    assert not has_errors(check_feed(site, BASE_URL))

    old_second = _episode_files(show, "02-second")
    _revise_second_episode(show)
    second = publish_show(load_show(show), destination)
    assert set(second.plan.upload) == _episode_files(show, "02-second") | {"feed.xml", "index.html"}
    assert second.plan.upload[-2:] == ("feed.xml", "index.html")
    assert set(second.plan.remove) == old_second
    assert not has_errors(check_feed(site, BASE_URL))
    assert not [p for p in site.rglob(".*partial*")]


# --- an S3-compatible server -------------------------------------------------------------------

@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's standalone S3-compatible HTTP server on a free loopback port (s3fs talks HTTP to it)."""
    pytest.importorskip("s3fs", reason="the S3 backend is not installed: pip install 'papercast[publish]'")
    server_module = pytest.importorskip("moto.server",
                                        reason="moto's S3 server is not installed: pip install 'moto[server]'")
    port = _free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def test_s3_publish_with_an_endpoint_sends_only_what_changed(show: Path, tmp_path: Path, s3_endpoint: str,
                                                             monkeypatch: pytest.MonkeyPatch):
    from s3fs import S3FileSystem

    # Credentials from the environment, as for any AWS tool; never from papercast.toml.
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    bucket = S3FileSystem(endpoint_url=s3_endpoint, skip_instance_cache=True)
    bucket.mkdir("podcast-bucket")
    _set_publish(show, f'destination = "s3://podcast-bucket/show"\nendpoint = "{s3_endpoint}"\n')
    first = publish_show(load_show(show))
    assert first.plan.upload[-2:] == ("feed.xml", "index.html")
    assert bucket.info("podcast-bucket/show/feed.xml")["ContentType"].startswith("application/rss+xml")
    mp3 = next(name for name in first.plan.upload if name.endswith(".mp3"))
    assert bucket.info(f"podcast-bucket/show/{mp3}")["ContentType"] == "audio/mpeg"

    old_second = _episode_files(show, "02-second")
    _revise_second_episode(show)
    second = publish_show(load_show(show))
    assert set(second.plan.upload) == _episode_files(show, "02-second") | {"feed.xml", "index.html"}
    assert set(second.plan.remove) == old_second
    site = tmp_path / "downloaded"
    bucket.invalidate_cache()
    bucket.get("podcast-bucket/show/", str(site), recursive=True)
    assert not has_errors(check_feed(site, BASE_URL))


def test_the_command_prints_each_file_feed_last_and_refuses_in_one_line(show: Path, tmp_path: Path):
    from click.testing import CliRunner

    from pipeline.cli import cli

    result = CliRunner().invoke(cli, ["publish", str(tmp_path / "site"), "--show", str(show)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-3:-1] == ["uploaded feed.xml", "uploaded index.html"]
    assert "uploaded, 0 removed, 0 unchanged" in lines[-1]
    _set_publish(show, 'url = "https://example.org/podcast/"\n')
    refused = CliRunner().invoke(cli, ["publish", str(tmp_path / "site"), "--show", str(show)])
    assert refused.exit_code == 1 and refused.output.count("\n") == 1 and "[publish] url" in refused.output


# --- resuming an interrupted publish: only what had not arrived is sent again -------------------

class Interrupted(Exception):
    """Raised after a given number of files have been sent, as a dropped connection or Ctrl-C would stop a publish."""


def _stop_after(count: int, sent: list[str]):
    def on_file(action: str, name: str) -> None:
        sent.append(name)
        if action == "uploaded" and len(sent) == count:
            raise Interrupted(name)
    return on_file


@pytest.fixture(params=["folder", "sftp", "s3"])
def destination(request: pytest.FixtureRequest, show: Path, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path | None]:
    """A destination of each kind the tests run for real, and the folder it lands in (None for S3)."""
    if request.param == "folder":
        return str(tmp_path / "site"), tmp_path / "site"
    if request.param == "sftp":
        _, home = request.getfixturevalue("sftp_server")
        monkeypatch.setenv("HOME", str(home))
        monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
        return f"sftp://papercast-test{tmp_path / 'remote-site'}", tmp_path / "remote-site"
    endpoint = request.getfixturevalue("s3_endpoint")
    from s3fs import S3FileSystem

    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    bucket = f"resume-{tmp_path.name.lower().replace('_', '-')[-40:]}"
    S3FileSystem(endpoint_url=endpoint, skip_instance_cache=True).mkdir(bucket)
    _set_publish(show, f'endpoint = "{endpoint}"\n')
    return f"s3://{bucket}/show", None


@pytest.mark.parametrize("stop_after", [1, 4])
def test_an_interrupted_first_publish_run_again_sends_only_what_had_not_arrived(
        show: Path, destination: tuple[str, Path | None], stop_after: int):
    target, site = destination
    everything = publish_show(load_show(show), target, dry_run=True).plan.upload
    sent: list[str] = []
    with pytest.raises(Interrupted):
        publish_show(load_show(show), target, on_file=_stop_after(stop_after, sent))
    assert sent == list(everything[:stop_after])
    resent: list[str] = []
    again = publish_show(load_show(show), target, on_file=lambda action, name: resent.append(name))
    assert resent == list(again.plan.upload) == list(everything[stop_after:])
    assert again.plan.upload[-2:] == ("feed.xml", "index.html")  # the feed still last
    assert publish_show(load_show(show), target).plan.upload == ()
    if site is not None:
        assert not has_errors(check_feed(site, BASE_URL)) and not list(site.rglob(".*partial*"))


def test_an_interrupted_update_run_again_sends_only_the_rest(show: Path, destination: tuple[str, Path | None]):
    target, site = destination
    publish_show(load_show(show), target)
    old_second = _episode_files(show, "02-second")
    _revise_second_episode(show)
    update = publish_show(load_show(show), target, dry_run=True).plan
    sent: list[str] = []
    with pytest.raises(Interrupted):
        publish_show(load_show(show), target, on_file=_stop_after(2, sent))
    again = publish_show(load_show(show), target)
    assert again.plan.upload == update.upload[2:] and again.plan.upload[-2:] == ("feed.xml", "index.html")
    assert set(again.plan.remove) == old_second  # the old episode's files go once the new feed is up
    if site is not None:
        assert (site / "feed.xml").read_bytes() == (show / "feed" / "feed.xml").read_bytes()
        assert not has_errors(check_feed(site, BASE_URL))
