"""Several HTTP processes on one port (--http-processes): the limits the settings give one client,
and --long-queries, hold across them; the processes stop together."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.exceptions import TooManyRequests

from homs_kg.graph.build import BuildReport
from homs_kg.server.web.client_limits import SharedClientLimiter
from homs_kg.server.web.http_server import ConnectionBalance

from .conftest import LiveServer

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_the_shared_limiter_counts_a_client_in_every_process() -> None:
    limiter = SharedClientLimiter(limit=2, rows=8)
    release = limiter.acquire("127.0.0.5")
    limiter.acquire("127.0.0.55")  # another client, whose address contains this one's
    child = os.fork()
    if child == 0:  # the other process takes the client's second slot, and is refused a third
        status = 1
        try:
            limiter.acquire("127.0.0.5")
            try:
                limiter.acquire("127.0.0.5")
            except TooManyRequests:
                status = 0
        finally:
            os._exit(status)
    assert os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) == 0
    assert limiter.running_count("127.0.0.5") == 2
    with pytest.raises(TooManyRequests):
        limiter.acquire("127.0.0.5")
    release()
    release()  # once only
    assert limiter.running_count("127.0.0.5") == 1
    assert limiter.running_count("127.0.0.55") == 1
    limiter.acquire("x" * 300)()  # an address longer than a row's key is kept as its digest


def test_a_process_ahead_by_two_connections_stops_accepting() -> None:
    counts = [0, 0]
    first, second = ConnectionBalance(counts, 0), ConnectionBalance(counts, 1)
    closes = [first.opened(), first.opened()]
    assert not first.may_accept() and second.may_accept()
    second.opened()
    assert first.may_accept()
    closes[0]()
    closes[0]()  # counted out once
    assert counts == [1, 1]


def http_processes(server: LiveServer) -> list[int]:
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    return [int(pid) for pid in children.read_text().split()]


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(descriptor)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def server_side_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the server's end of the loopback connection from ``client_port``."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == (
            client_port
        ):
            return fields[9]
    return None


def owners(server: LiveServer, connections: list[socket.socket]) -> list[int | None]:
    """Which HTTP process accepted each connection (None: not accepted yet)."""
    inodes = {pid: socket_inodes(pid) for pid in http_processes(server)}
    found: list[int | None] = []
    for connection in connections:
        inode = server_side_inode(server.port, connection.getsockname()[1])
        found.append(next((pid for pid, held in inodes.items() if inode in held), None))
    return found


def connect(server: LiveServer, address: str, timeout: float) -> socket.socket:
    return socket.create_connection(
        ("127.0.0.1", server.port), timeout=timeout, source_address=(address, 0)
    )


def accepted_by(server: LiveServer, connections: list[socket.socket]) -> list[int | None]:
    """The owners of the connections, once every one has been accepted (5 s at most)."""
    deadline = time.monotonic() + 5
    while None in (held := owners(server, connections)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return held


def spread_connections(server: LiveServer, address: str, count: int) -> list[socket.socket]:
    """``count`` connections from ``address``, accepted by more than one of the HTTP processes
    (the kernel hands a connection to whichever process accepts first; tried again if one took
    them all)."""
    for _ in range(20):
        connections = [connect(server, address, 60) for _ in range(count)]
        held = accepted_by(server, connections)
        if None not in held and len(set(held)) > 1:
            return connections
        for connection in connections:
            connection.close()
    raise AssertionError("the connections all went to one HTTP process, 20 times")


def one_in_each_process(server: LiveServer, address: str) -> list[socket.socket]:
    """Two connections from ``address``, one held by each of two HTTP processes: opened one
    after another, each once accepted, until both processes hold one (a process holding two
    more than the other stops accepting once its loop looks again, within 0.1 s); the others
    closed."""
    connections: list[socket.socket] = []
    for _ in range(6):
        connections.append(connect(server, address, 60))
        held = accepted_by(server, connections)
        if None not in held and len(set(held)) > 1:
            kept = [connections[held.index(pid)] for pid in dict.fromkeys(held)]
            for connection in connections:
                if connection not in kept:
                    connection.close()
            return kept
    raise AssertionError(f"six connections, owners {held}: the balance did not spread them")


def status_of_query(connection: socket.socket, query: str) -> tuple[int, str]:
    """Send one GET /sparql on the connection: the status and the whole head of the answer."""
    target = "/sparql?" + urllib.parse.urlencode({"query": query})
    connection.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = connection.recv(4096)
        if not chunk:
            break
        head += chunk
    return int(head.split()[1]), head.decode("latin-1")


def statuses_at_once(connections: list[socket.socket], query: str) -> list[tuple[int, str]]:
    answers: list[tuple[int, str]] = []
    threads = [
        threading.Thread(target=lambda c=c: answers.append(status_of_query(c, query)))
        for c in connections
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


@pytest.fixture(scope="module")
def two_processes(built: BuildReport, data_dir: Path) -> Iterator[LiveServer]:
    server = LiveServer(
        data_dir,
        "--http-processes",
        "2",
        "--query-workers",
        "4",
        "--timeout",
        "3",
        "--client-concurrency",
        "2",
        "--long-queries",
        "8",
        "--client-connections",
        "6",
    )
    assert len(http_processes(server)) == 2
    yield server
    server.stop()


def test_connections_are_spread_over_the_processes(two_processes: LiveServer) -> None:
    """Six connections opened one after the other: each process accepts its share (its query
    workers serve only its own connections)."""
    connections = []
    try:
        for _ in range(6):
            connections.append(connect(two_processes, "127.0.0.74", 30))
            time.sleep(0.3)  # accepted, and counted, before the next one comes
        held = owners(two_processes, connections)
        assert None not in held
        assert sorted(held.count(pid) for pid in set(held)) in ([3, 3], [2, 4])
    finally:
        for connection in connections:
            connection.close()


def test_a_clients_query_limit_holds_across_processes(two_processes: LiveServer) -> None:
    """Four runaway queries at once from one client (limit 2) on connections both processes
    accepted: two run (503 at the time limit), two get 429."""
    connections = spread_connections(two_processes, "127.0.0.71", 4)
    try:
        answers = statuses_at_once(connections, RUNAWAY)
    finally:
        for connection in connections:
            connection.close()
    assert sorted(status for status, _ in answers) == [429, 429, 503, 503]


def test_a_clients_connection_cap_holds_across_processes(two_processes: LiveServer) -> None:
    """Ten connections from one address (cap 6): six are served, by both processes together."""
    connections = [connect(two_processes, "127.0.0.72", 30) for _ in range(10)]
    try:
        time.sleep(1)  # every connection accepted (and the ones past the cap closed)
        served = 0
        for connection in connections:
            with contextlib.suppress(OSError, IndexError):  # closed at once: past the cap
                served += status_of_query(connection, "ASK {}")[0] == 200
        assert served == 6
    finally:
        for connection in connections:
            connection.close()


def test_long_queries_are_counted_across_processes(built: BuildReport, data_dir: Path) -> None:
    """--long-queries 1 with two processes: of two runaway queries, one in each process, one
    runs to the time limit and the other is refused as busy (Retry-After: 5)."""
    server = LiveServer(
        data_dir,
        "--http-processes",
        "2",
        "--query-workers",
        "2",
        "--timeout",
        "3",
        "--long-queries",
        "1",
        "--client-concurrency",
        "4",
    )
    try:
        connections = one_in_each_process(server, "127.0.0.73")
        answers = statuses_at_once(connections, RUNAWAY)
        for connection in connections:
            connection.close()
    finally:
        server.stop()
    assert [status for status, _ in answers] == [503, 503]
    assert sum("Retry-After: 5" in head for _, head in answers) == 1


def test_the_processes_stop_together(built: BuildReport, data_dir: Path) -> None:
    """One HTTP process killed: the others are stopped and the command fails."""
    server = LiveServer(data_dir, "--http-processes", "2")
    try:
        first, second = http_processes(server)
        os.kill(first, signal.SIGKILL)
        assert server.process.wait(30) == 1
        assert not Path(f"/proc/{second}").exists()  # stopped and reaped before the command ended
    finally:
        server.stop()
