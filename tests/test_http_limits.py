"""The HTTP layer against clients that stall it or blur its framing: readers that stop reading a
large answer (each would hold a server thread for good), slowloris (connections trickling their
headers), and a request smuggled behind both Content-Length and Transfer-Encoding."""

from __future__ import annotations

import contextlib
import http.client
import os
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from waitress.adjustments import Adjustments

from homs_kg.graph.build import BuildReport
from homs_kg.server.settings import SETTINGS

from .clients import client_at
from .conftest import LiveServer

# Long enough for all eight stalled answers to start before the first is cut off, also when a
# busy machine spreads their evaluations over seconds.
SEND_TIMEOUT = 10.0
HEADER_TIMEOUT = 2.0
MAINTENANCE = 1.0  # the server applies its limits once a second
MARGIN = 3.0  # room for a machine busy with other work
THREADS = int(SETTINGS["threads"].default)  # type: ignore[call-overload]
CLIENT_CONNECTIONS = int(SETTINGS["client_connections"].default)  # type: ignore[call-overload]
STALLED_RECEIVE_BUFFER = 4096  # Linux doubles it, and no longer grows it


def large_query() -> str:
    """Two rows of 16 MiB strings, made by doubling: a 32 MiB answer that costs little to make."""
    binds = "".join(f" BIND(CONCAT(?s{k}, ?s{k}) AS ?s{k + 1})" for k in range(20))
    start = 'VALUES ?i { 1 2 } BIND("0123456789abcdef" AS ?s0)'
    return f"SELECT ?s WHERE {{ {start}{binds} BIND(?s20 AS ?s) }}"


LARGE_TARGET = "/sparql?query=" + quote(large_query(), safe="")
LARGE_REQUEST = (
    f"GET {LARGE_TARGET} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Accept: application/sparql-results+json\r\n\r\n"
).encode()


@pytest.fixture(scope="module")
def server(
    built: BuildReport, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The server with short stall timeouts, and a query process and long-query slot for each of
    8 readers asking at once, so that their answers start, and stall, together; else the
    defaults: 8 threads."""
    with pytest.MonkeyPatch.context() as patch:
        # spool files in a folder of its own: other runs here may clear /tmp/homs-kg-results-*
        patch.setenv("TMPDIR", str(tmp_path_factory.mktemp("tmp")))
        live = LiveServer(
            data_dir,
            *("--send-timeout", str(SEND_TIMEOUT), "--header-timeout", str(HEADER_TIMEOUT)),
            *("--query-workers", str(THREADS), "--long-queries", str(THREADS)),
        )
    yield live
    live.stop()


def connect(server: LiveServer, source: str, receive_buffer: int | None = None) -> socket.socket:
    sock = socket.socket()
    if receive_buffer:  # before connecting, or the window is already advertised
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.bind((source, 0))
    sock.settimeout(30)
    sock.connect(("127.0.0.1", server.port))
    return sock


def status_line(sock: socket.socket) -> bytes:
    """The response's first line, read byte by byte so that nothing after it is taken."""
    line = b""
    while not line.endswith(b"\r\n") and (byte := sock.recv(1)):
        line += byte
    return line


def stalled_readers(server: LiveServer, sources: list[str]) -> list[socket.socket]:
    """Connections that ask for the large answer together and read only its status line."""
    readers = [connect(server, source, STALLED_RECEIVE_BUFFER) for source in sources]
    for reader in readers:
        reader.sendall(LARGE_REQUEST)
    assert [status_line(reader) for reader in readers] == [b"HTTP/1.1 200 OK\r\n"] * len(readers)
    return readers


def closed_by_server(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes or resets the connection within ``seconds``, while the client
    reads nothing (POLLRDHUP: the server's FIN; a reset reports POLLHUP and POLLERR)."""
    poller = select.poll()
    poller.register(sock, select.POLLRDHUP)
    return bool(poller.poll(seconds * 1000))


def read_to_close(sock: socket.socket, seconds: float = 10) -> tuple[bytes, bool]:
    """What the server sends, and whether it closed the connection within ``seconds``."""
    received = b""
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if not (chunk := sock.recv(65536)):
                return received, True
            received += chunk
    except ConnectionResetError:
        return received, True
    except TimeoutError:
        pass
    return received, False


def open_spool_files(server: LiveServer) -> int:
    """Spool files (large answers being sent) the server process holds open."""
    targets = []
    for fd in Path(f"/proc/{server.process.pid}/fd").iterdir():
        with contextlib.suppress(FileNotFoundError):  # closed since the listing
            targets.append(os.readlink(fd))
    return sum("homs-kg-results-" in target for target in targets)


def eventually(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def send_quietly(connections: list[socket.socket], data: bytes) -> None:
    for sock in connections:
        with contextlib.suppress(OSError):  # closed by the server: that is the point
            sock.send(data)


@contextlib.contextmanager
def trickling(server: LiveServer, source: str, count: int) -> Iterator[list[socket.socket]]:
    """``count`` connections from ``source`` sending a request's headers a byte every 0.2 s."""
    connections = [connect(server, source) for _ in range(count)]
    send_quietly(connections, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.2):
            send_quietly(connections, b"a")

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        yield connections
    finally:
        stop.set()
        thread.join(5)
        for sock in connections:
            sock.close()


def test_the_large_answer_outgrows_every_buffer_on_its_way(server: LiveServer) -> None:
    """The stall tests need an answer that waitress's output buffer (16 MiB before the writing
    thread waits) and both sockets' buffers cannot hold together."""
    tcp_wmem_max = int(Path("/proc/sys/net/ipv4/tcp_wmem").read_text().split()[2])
    size = 0
    with (
        client_at("127.0.0.20") as client,
        client.get(
            server.url + LARGE_TARGET,
            headers={"Accept": "application/sparql-results+json"},
            stream=True,
            timeout=60,
        ) as answer,
    ):
        for chunk in answer.iter_content(2**20):
            size += len(chunk)
    assert answer.status_code == 200
    assert size > Adjustments.outbuf_high_watermark + tcp_wmem_max + 2 * STALLED_RECEIVE_BUFFER


def test_readers_that_stop_reading_on_every_thread_do_not_stop_the_server(
    server: LiveServer,
) -> None:
    readers = stalled_readers(server, [f"127.0.0.{21 + n}" for n in range(THREADS)])
    try:
        all_stalled = not any(closed_by_server(reader, 0) for reader in readers)
        started = time.monotonic()
        with client_at("127.0.0.30") as client:
            answer = client.get(
                f"{server.url}/healthz", timeout=SEND_TIMEOUT + MAINTENANCE + MARGIN
            )
        waited = time.monotonic() - started
    finally:
        for reader in readers:
            reader.close()
    assert all_stalled  # every thread was held when /healthz asked
    assert answer.status_code == 200
    assert waited < SEND_TIMEOUT + MAINTENANCE + MARGIN


def test_a_reader_that_stops_reading_is_reset_after_the_send_timeout(server: LiveServer) -> None:
    since = time.monotonic()  # the client cannot stall before it asks
    [reader] = stalled_readers(server, ["127.0.0.31"])
    with reader:
        closed = closed_by_server(reader, SEND_TIMEOUT + MAINTENANCE + MARGIN)
        waited = time.monotonic() - since
        with pytest.raises(ConnectionResetError):
            while reader.recv(65536):  # the few KiB that had reached the client, then the reset
                pass
    assert closed
    assert waited >= SEND_TIMEOUT


def test_a_reader_cut_off_releases_its_spooled_answer(server: LiveServer) -> None:
    """The app's iterable is closed when the reader is cut off: the spool file it streams from is
    closed (and removed) instead of staying open with the stalled thread."""
    [reader] = stalled_readers(server, ["127.0.0.32"])
    with reader:
        held_while_stalled = eventually(lambda: open_spool_files(server) == 1, MARGIN)
        assert closed_by_server(reader, SEND_TIMEOUT + MAINTENANCE + MARGIN)
        released = eventually(lambda: open_spool_files(server) == 0, MARGIN)
    assert held_while_stalled
    assert released


def test_a_request_is_answered_promptly_beside_150_trickling_connections(
    server: LiveServer,
) -> None:
    with trickling(server, "127.0.0.40", 150):
        started = time.monotonic()
        with client_at("127.0.0.41") as client:
            answer = client.get(f"{server.url}/healthz", timeout=10)
        waited = time.monotonic() - started
    assert answer.status_code == 200
    assert waited < 1.0


def test_trickled_headers_get_408_and_a_close_at_the_header_timeout(server: LiveServer) -> None:
    opened = time.monotonic()
    with trickling(server, "127.0.0.42", 3) as connections:
        closed = [
            closed_by_server(sock, HEADER_TIMEOUT + MAINTENANCE + MARGIN) for sock in connections
        ]
        waited = time.monotonic() - opened
        answers = [read_to_close(sock) for sock in connections]
    assert closed == [True] * 3
    assert HEADER_TIMEOUT <= waited < HEADER_TIMEOUT + MAINTENANCE + MARGIN
    assert [answer[0].split(b"\r\n")[0] for answer in answers] == [
        b"HTTP/1.1 408 Request Timeout"
    ] * 3


def test_a_connection_that_sends_nothing_is_closed_at_the_header_timeout(
    server: LiveServer,
) -> None:
    opened = time.monotonic()
    with connect(server, "127.0.0.43") as sock:
        closed = closed_by_server(sock, HEADER_TIMEOUT + MAINTENANCE + MARGIN)
        waited = time.monotonic() - opened
        answer = read_to_close(sock)
    assert closed
    assert waited >= HEADER_TIMEOUT
    assert answer == (b"", True)  # nothing was asked, so nothing is answered


def test_connections_past_the_per_address_cap_are_closed_at_once(server: LiveServer) -> None:
    held = [
        http.client.HTTPConnection("127.0.0.1", server.port, 10, ("127.0.0.44", 0))
        for _ in range(CLIENT_CONNECTIONS)
    ]
    for connection in held:  # each left open (keep-alive) after one request
        connection.request("GET", "/healthz")
        connection.getresponse().read()
    try:
        with connect(server, "127.0.0.44") as extra:
            closed_at_once = closed_by_server(extra, 1.0)  # half the header timeout
            answer = read_to_close(extra)
        still_open = [not closed_by_server(connection.sock, 0) for connection in held]
    finally:
        for connection in held:
            connection.close()
    assert closed_at_once
    assert answer == (b"", True)
    assert still_open == [True] * CLIENT_CONNECTIONS


def test_a_request_with_content_length_and_transfer_encoding_is_refused_and_closed(
    server: LiveServer,
) -> None:
    """RFC 9112 section 6.3 (item 3): such a request is an error and the connection is closed,
    so the bytes after the chunked body are never served as a second request."""
    smuggled = b"GET /healthz?smuggled=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    body = b"6\r\nASK {}\r\n0\r\n\r\n" + smuggled  # chunked: ASK {}; by Content-Length: all of it
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n" % len(body)
    )
    with connect(server, "127.0.0.45") as sock:
        sock.sendall(head + body)
        answer, closed = read_to_close(sock)
    assert answer.split(b"\r\n")[0] == b"HTTP/1.1 400 Bad Request"
    assert answer.count(b"HTTP/1.1 ") == 1
    assert closed
    assert b"smuggled=1" not in server.log.read_bytes()
