"""The feed server, exercised over real sockets with http.client."""

from __future__ import annotations

import http.client
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.publish import serve as serve_module
from pipeline.errors import PapercastError
from pipeline.publish.serve import make_server, serve

AUDIO = bytes(range(256)) * 4  # 1024 bytes, every offset distinguishable
BIG = os.urandom(300_000)  # spans many sendfile/send chunks
SECRET = b"TOP-SECRET-outside-the-root"

Response = tuple[int, http.client.HTTPMessage, bytes]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("site")
    (base / "secret.txt").write_bytes(SECRET)
    root = base / "feed"
    files = {
        "feed.xml": b"<rss/>", "index.html": b"<h1>show</h1>", "ep1.mp3": AUDIO,
        "big.mp3": BIG, "ep1.chapters.json": b"{}", "ep1.json": b"{}", "ep1.vtt": b"WEBVTT",
        "ep1.srt": b"1", "cover.png": b"png", "cover.jpg": b"jpg", "cover.jpeg": b"jpeg",
        "notes.txt": b"n", "style.css": b"", "app.js": b"", "blob.bin": b"", "README.md": b"# readme",
        "big.xml": b"<rss>" + b"<item>an episode</item>" * 2000 + b"</rss>",
        "empty.mp3": b"", "sub/index.html": b"<p>sub</p>", "sub/page.txt": b"page",
        "nodir/x.txt": b"x", "ep 2 café.mp3": b"two",
        ".hidden": b"hidden", ".papercast/state.json": SECRET,
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "escape.txt").symlink_to(base / "secret.txt")
    (root / "escape-dir").symlink_to(base)
    (root / "to-hidden").symlink_to(root / ".hidden")
    (root / "latest.mp3").symlink_to(root / "ep1.mp3")
    return root


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[tuple[str, int]]:
    httpd = make_server(site, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    yield "127.0.0.1", httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def fetch(server: tuple[str, int], path: str, method: str = "GET", **headers: str) -> Response:
    conn = http.client.HTTPConnection(*server, timeout=5)
    try:
        conn.request(method, path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def raw(server: tuple[str, int], request: bytes) -> bytes:
    """Send bytes http.client would refuse to send and read until the server closes."""
    with socket.create_connection(server, timeout=5) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_get_sends_file_and_headers(server: tuple[str, int]) -> None:
    status, headers, body = fetch(server, "/ep1.mp3")
    assert (status, body) == (200, AUDIO)
    assert headers["Content-Length"] == "1024"
    assert headers["Content-Type"] == "audio/mpeg"
    assert headers["Accept-Ranges"] == "bytes"
    assert headers["ETag"].startswith('"') and headers["Last-Modified"].endswith("GMT")


def test_big_file_and_range_across_chunks(server: tuple[str, int]) -> None:
    assert fetch(server, "/big.mp3")[2] == BIG
    status, headers, body = fetch(server, "/big.mp3", Range="bytes=65530-200000")
    assert (status, body) == (206, BIG[65530:200001])


def test_head_has_same_headers_and_no_body(server: tuple[str, int]) -> None:
    _, get_headers, _ = fetch(server, "/ep1.mp3")
    status, headers, body = fetch(server, "/ep1.mp3", "HEAD")
    assert (status, body) == (200, b"")
    for name in ("Content-Length", "Content-Type", "ETag", "Last-Modified", "Accept-Ranges"):
        assert headers[name] == get_headers[name]
    answer = raw(server, b"HEAD /ep1.mp3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.endswith(b"\r\n\r\n") and b"Content-Length: 1024" in answer
    status, headers, body = fetch(server, "/ep1.mp3", "HEAD", Range="bytes=0-9")
    assert (status, headers["Content-Length"], body) == (206, "10", b"")


@pytest.mark.parametrize(("spec", "first", "last"), [
    ("bytes=0-99", 0, 99), ("bytes=1000-", 1000, 1023), ("bytes=-24", 1000, 1023),
    ("bytes=1000-5000", 1000, 1023), ("bytes=-5000", 0, 1023), ("bytes=5-5", 5, 5),
    ("BYTES=10-19", 10, 19), (" bytes=10-19 ", 10, 19),
])
def test_ranges(server: tuple[str, int], spec: str, first: int, last: int) -> None:
    status, headers, body = fetch(server, "/ep1.mp3", Range=spec)
    assert (status, body) == (206, AUDIO[first:last + 1])
    assert headers["Content-Range"] == f"bytes {first}-{last}/1024"
    assert headers["Content-Length"] == str(last - first + 1)


@pytest.mark.parametrize("spec", ["bytes=1024-", "bytes=5000-6000", "bytes=-0"])
def test_unsatisfiable_range(server: tuple[str, int], spec: str) -> None:
    status, headers, _ = fetch(server, "/ep1.mp3", Range=spec)
    assert (status, headers["Content-Range"]) == (416, "bytes */1024")


@pytest.mark.parametrize("spec", [
    "bytes=abc", "bytes=5-1", "items=0-1", "bytes=", "bytes=-", "0-99", "bytes=0-1,5-6",
    "bytes=1-2-3", "bytes=" + "9" * 5000 + "-",
])
def test_invalid_or_multiple_ranges_send_whole_file(server: tuple[str, int], spec: str) -> None:
    status, headers, body = fetch(server, "/ep1.mp3", Range=spec)
    assert (status, body) == (200, AUDIO) and "Content-Range" not in headers


def test_empty_file(server: tuple[str, int]) -> None:
    assert fetch(server, "/empty.mp3")[:1] == (200,)
    status, headers, body = fetch(server, "/empty.mp3", Range="bytes=0-")
    assert (status, headers["Content-Length"], body) == (200, "0", b"")


def test_etag_and_last_modified_conditionals(server: tuple[str, int]) -> None:
    _, headers, _ = fetch(server, "/ep1.mp3")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    for tag in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        status, headers, body = fetch(server, "/ep1.mp3", If_None_Match=tag)
        assert (status, body, headers["ETag"]) == (304, b"", etag)
    assert fetch(server, "/ep1.mp3", If_None_Match='"other"')[0] == 200
    assert fetch(server, "/ep1.mp3", If_Modified_Since=modified)[0] == 304
    assert fetch(server, "/ep1.mp3", If_Modified_Since="Mon, 01 Jan 2001 00:00:00 GMT")[0] == 200
    assert fetch(server, "/ep1.mp3", If_Modified_Since="garbage")[0] == 200
    # If-None-Match wins over If-Modified-Since.
    assert fetch(server, "/ep1.mp3", If_None_Match='"x"', If_Modified_Since=modified)[0] == 200


def test_if_range(server: tuple[str, int]) -> None:
    _, headers, _ = fetch(server, "/ep1.mp3")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    for validator in (etag, modified):
        status, _, body = fetch(server, "/ep1.mp3", Range="bytes=0-9", If_Range=validator)
        assert (status, body) == (206, AUDIO[:10])
    for stale in ('"stale"', f"W/{etag}", "Mon, 01 Jan 2001 00:00:00 GMT", "nonsense"):
        status, _, body = fetch(server, "/ep1.mp3", Range="bytes=0-9", If_Range=stale)
        assert (status, body) == (200, AUDIO)


@pytest.mark.parametrize(("path", "expected"), [
    ("/ep1.mp3", "audio/mpeg"), ("/feed.xml", "application/rss+xml; charset=utf-8"),
    ("/ep1.json", "application/json"), ("/ep1.chapters.json", "application/json+chapters"),
    ("/ep1.vtt", "text/vtt"), ("/ep1.srt", "application/x-subrip"),
    ("/index.html", "text/html; charset=utf-8"), ("/cover.png", "image/png"),
    ("/cover.jpg", "image/jpeg"), ("/cover.jpeg", "image/jpeg"),
    ("/notes.txt", "text/plain; charset=utf-8"), ("/style.css", "text/css; charset=utf-8"),
    ("/app.js", "text/javascript; charset=utf-8"),
])
def test_mime_types(server: tuple[str, int], path: str, expected: str) -> None:
    status, headers, _ = fetch(server, path)
    assert (status, headers["Content-Type"]) == (200, expected)


@pytest.mark.parametrize("path", ["/feed.xml", "/ep1.vtt", "/ep1.srt", "/ep1.chapters.json"])
def test_cors(server: tuple[str, int], path: str) -> None:
    headers = fetch(server, path, Origin="https://player.example")[1]
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight(server: tuple[str, int]) -> None:
    status, headers, body = fetch(server, "/ep1.vtt", "OPTIONS", Origin="https://x.example",
                                  Access_Control_Request_Method="GET",
                                  Access_Control_Request_Headers="range")
    assert (status, body) == (204, b"")
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in headers["Access-Control-Allow-Methods"]
    assert "Range" in headers["Access-Control-Allow-Headers"]


def test_directories(server: tuple[str, int]) -> None:
    assert fetch(server, "/")[::2] == (200, b"<h1>show</h1>")
    assert fetch(server, "/sub/")[::2] == (200, b"<p>sub</p>")
    status, headers, _ = fetch(server, "/sub?x=1")
    assert (status, headers["Location"]) == (301, "/sub/")
    assert fetch(server, "/nodir/")[0] == 404
    assert fetch(server, "/sub/page.txt?v=2")[::2] == (200, b"page")
    assert fetch(server, "/latest.mp3")[::2] == (200, AUDIO)  # symlink inside the root
    assert fetch(server, "/ep%202%20caf%C3%A9.mp3")[::2] == (200, b"two")


TRAVERSALS = [
    "/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
    "/.%2e/secret.txt", "/%2e./secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
    "/sub%2f..%2f..%2fsecret.txt", "/sub/%2E%2E/%2E%2E/secret.txt", "/..\\secret.txt",
    "/%5c..%5csecret.txt", "/..%5csecret.txt", "/sub\\..\\..\\secret.txt",
    "/%252e%252e/secret.txt",
    "/escape.txt", "/escape-dir/secret.txt", "/escape-dir/", "/ep1.mp3%00", "/%00../secret.txt",
    "secret.txt", "http://localhost/../secret.txt", "/./secret.txt",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_refused(server: tuple[str, int], site: Path, path: str) -> None:
    status, _, body = fetch(server, path)
    assert status in (403, 404) and SECRET not in body


def test_absolute_paths_refused(server: tuple[str, int], site: Path) -> None:
    secret = (site.parent / "secret.txt").as_posix()
    for path in ("/" + secret, "/" + secret.replace("/", "%2f"), "/%2f" + secret.lstrip("/")):
        status, _, body = fetch(server, path)
        assert status in (403, 404) and SECRET not in body


def test_raw_nul_and_dot_segments_refused(server: tuple[str, int]) -> None:
    for target in (b"/ep1.mp3\x00", b"/../secret.txt\x00", b"/sub/../../secret.txt"):
        request = b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        answer = raw(server, request)
        assert answer.split(b" ", 2)[1] in (b"400", b"403", b"404") and SECRET not in answer


@pytest.mark.parametrize("path", [
    "/.hidden", "/.papercast/state.json", "/%2epapercast/state.json", "/.papercast/",
    "/to-hidden", "/sub/.././.hidden",
])
def test_dotfiles_refused(server: tuple[str, int], path: str) -> None:
    status, _, body = fetch(server, path)
    assert status in (403, 404) and SECRET not in body and b"hidden" not in body


def test_keep_alive_survives_every_kind_of_answer(server: tuple[str, int]) -> None:
    conn = http.client.HTTPConnection(*server, timeout=5)
    etag = ""
    try:
        for method, path, headers, status in [
            ("GET", "/ep1.mp3", {}, 200), ("HEAD", "/ep1.mp3", {}, 200),
            ("GET", "/nope", {}, 404), ("HEAD", "/nope", {}, 404),
            ("GET", "/ep1.mp3", {"Range": "bytes=-2"}, 206),
            ("GET", "/ep1.mp3", {"Range": "bytes=9999-"}, 416), ("OPTIONS", "/feed.xml", {}, 204),
            ("GET", "/ep1.mp3", {"If-None-Match": "ETAG"}, 304), ("GET", "/feed.xml", {}, 200),
        ]:
            headers = {k: v.replace("ETAG", etag) for k, v in headers.items()}
            conn.request(method, path, headers=headers)
            response = conn.getresponse()
            response.read()
            etag = etag or response.headers["ETag"]
            assert response.status == status
    finally:
        conn.close()


def test_port_in_use_is_a_one_line_error(site: Path, server: tuple[str, int]) -> None:
    with pytest.raises(PapercastError, match="already in use") as caught:
        make_server(site, "127.0.0.1", server[1])
    assert "\n" not in str(caught.value)


def test_missing_root_and_bad_port(tmp_path: Path) -> None:
    with pytest.raises(PapercastError, match="no such folder"):
        make_server(tmp_path / "missing", port=0)
    with pytest.raises(PapercastError, match="65535"):
        make_server(tmp_path, port=70000)


def test_logging_one_line_per_request_unless_quiet(site: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for quiet in (False, True):
        httpd = make_server(site, port=0, quiet=quiet)
        thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01})
        thread.start()
        try:
            fetch(("127.0.0.1", httpd.server_address[1]), "/feed.xml")
            fetch(("127.0.0.1", httpd.server_address[1]), "/nope")
        finally:
            httpd.shutdown()
            httpd.server_close()
            thread.join()
        lines = capsys.readouterr().err.splitlines()
        if quiet:
            assert lines == []
        else:
            assert len(lines) == 2
            assert "GET /feed.xml" in lines[0] and "200" in lines[0] and "404" in lines[1]


def test_serve_prints_address_and_stops_on_ctrl_c(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(self: object, poll_interval: float = 0.5) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(serve_module._Server, "serve_forever", interrupted)
    serve(site, "127.0.0.1", 0, quiet=True)
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"Serving {site} at http://127.0.0.1:")
    assert line.endswith("/ (Ctrl+C to stop)") and ":0/" not in line


# --- only what apps and the page need, at exact paths ------------------------------------------

@pytest.mark.parametrize("path", ["/README.md", "/blob.bin", "/feed.xml/", "/sub//page.txt",
                                  "/ep1.mp3/", "/sub/page.txt/"])
def test_only_exact_paths_of_files_apps_or_the_page_need(server: tuple[str, int], path: str) -> None:
    assert fetch(server, path)[0] == 404
    assert fetch(server, "/feed.xml")[0] == 200 and fetch(server, "/sub/page.txt")[0] == 200


# --- compression -----------------------------------------------------------------------------

def test_text_is_gzipped_for_clients_that_accept_it(server: tuple[str, int], site: Path) -> None:
    import gzip

    plain = (site / "big.xml").read_bytes()
    status, headers, body = fetch(server, "/big.xml", Accept_Encoding="gzip, deflate")
    assert (status, headers["Content-Encoding"], headers["Vary"]) == (200, "gzip", "Accept-Encoding")
    assert gzip.decompress(body) == plain and len(body) < len(plain) / 10
    assert headers["Content-Length"] == str(len(body))
    # Its own ETag, which revalidates it; HEAD says the same as GET.
    assert fetch(server, "/big.xml", Accept_Encoding="gzip", If_None_Match=headers["ETag"])[0] == 304
    assert fetch(server, "/big.xml")[1]["ETag"] != headers["ETag"]
    head = fetch(server, "/big.xml", "HEAD", Accept_Encoding="gzip")
    assert head[2] == b"" and head[1]["Content-Length"] == str(len(body))
    for refused in ("identity", "gzip;q=0", "br", ""):  # not asked for: sent as it is
        status, headers, body = fetch(server, "/big.xml", Accept_Encoding=refused)
        assert body == plain and "Content-Encoding" not in headers and headers["Vary"] == "Accept-Encoding"
    assert fetch(server, "/big.xml", Accept_Encoding="*")[1]["Content-Encoding"] == "gzip"
    # A byte range is of the file as it is; audio is never gzipped.
    status, headers, body = fetch(server, "/big.xml", Accept_Encoding="gzip", Range="bytes=0-4")
    assert (status, body) == (206, b"<rss>") and "Content-Encoding" not in headers
    status, headers, body = fetch(server, "/ep1.mp3", Accept_Encoding="gzip")
    assert body == AUDIO and "Content-Encoding" not in headers and "Vary" not in headers


# --- connections -------------------------------------------------------------------------------

def test_a_get_body_is_read_and_never_taken_for_the_next_request(server: tuple[str, int]) -> None:
    smuggled = b"GET /secret.txt HTTP/1.1\r\nHost: x\r\n\r\n"
    answer = raw(server, b"GET /ep1.vtt HTTP/1.1\r\nHost: x\r\nContent-Length: " + str(len(smuggled)).encode()
                 + b"\r\n\r\n" + smuggled + b"GET /ep1.srt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.count(b"HTTP/1.1 ") == 2 and b"404" not in answer
    assert answer.split(b"HTTP/1.1 ")[1].startswith(b"200") and answer.endswith(b"\r\n\r\n1")


@pytest.mark.parametrize(("headers", "status"), [(b"Transfer-Encoding: chunked\r\n", b"411"),
                                                  (b"Content-Length: 999999999\r\n", b"413"),
                                                  (b"Content-Length: -5\r\n", b"400")])
def test_bodies_that_cannot_be_read_safely_close_the_connection(server: tuple[str, int], headers: bytes,
                                                                status: bytes) -> None:
    answer = raw(server, b"GET /ep1.vtt HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n0\r\n\r\n"
                 b"GET /ep1.srt HTTP/1.1\r\nHost: x\r\n\r\n")  # raw() reads until the server closes
    assert answer.startswith(b"HTTP/1.1 " + status) and answer.count(b"HTTP/1.1 ") == 1


def test_idle_connections_are_closed_after_the_timeout(site: Path) -> None:
    import time

    httpd = make_server(site, "127.0.0.1", 0, quiet=True, idle_timeout=0.5)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", httpd.server_address[1]), timeout=5) as sock:
            sock.sendall(b"GET /ep1.srt HTTP/1.1\r\nHost: x\r\n\r\n")  # kept alive after it
            started = time.monotonic()
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
            assert received.startswith(b"HTTP/1.1 200") and 0.4 < time.monotonic() - started < 3
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
    assert serve_module.IDLE_TIMEOUT <= 30  # the default: an idle app connection is not held for minutes


def test_the_listen_backlog_holds_a_burst_of_connections(site: Path) -> None:
    httpd = make_server(site, "127.0.0.1", 0, quiet=True)  # not accepting: only the backlog holds them
    sockets = []
    try:
        for _ in range(200):  # with socketserver's backlog of 5, connections past ~6 would not complete
            sockets.append(socket.create_connection(("127.0.0.1", httpd.server_address[1]), timeout=3))
    finally:
        for sock in sockets:
            sock.close()
        httpd.server_close()
    assert len(sockets) == 200 and httpd.request_queue_size >= 200
