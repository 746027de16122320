"""Reliability and security: headers, no reaching out, per-client limits, runaway queries."""

from __future__ import annotations

import http.server
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from homs_kg.graph.build import BuildReport

from .clients import client_at
from .conftest import LiveServer

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = "ASK { ?s ?p ?o }"
WIKIDATA = "https://query.wikidata.org/sparql"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/page/resource/homs",
        "/sparql?query=ASK%7B%7D",
        "/resource/nothing-here",
        "/-/timeline",
    ],
)
def test_security_headers_on_every_answer(live_server: LiveServer, path: str) -> None:
    headers = requests.get(f"{live_server.url}{path}", timeout=30, allow_redirects=False).headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("how", ["update-form", "update-body", "update-param", "load-as-query"])
def test_load_never_connects(live_server: LiveServer, listener, how: str) -> None:
    port, accepted = listener
    load = f"LOAD <http://127.0.0.1:{port}/data.ttl>"
    url = f"{live_server.url}/sparql"
    if how == "update-form":
        response = requests.post(url, data={"update": load}, timeout=30)
    elif how == "update-body":
        response = requests.post(
            url, data=load, timeout=30, headers={"Content-Type": "application/sparql-update"}
        )
    elif how == "update-param":
        response = requests.get(f"{live_server.url}/healthz", params={"update": load}, timeout=30)
    else:
        response = requests.get(url, params={"query": load}, timeout=30)
    assert response.status_code in (400, 403)
    assert accepted == []


class Redirector(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_POST(self) -> None:
        self.send_response(302)
        self.send_header("Location", Redirector.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_redirect_off_the_allowlist_is_not_followed(
    cli, built: BuildReport, data_dir: Path, listener
) -> None:
    port, accepted = listener
    Redirector.target = f"http://127.0.0.1:{port}/sparql"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = cli(
            "query",
            f"SELECT * WHERE {{ SERVICE <{WIKIDATA}> {{ ?s ?p ?o }} }}",
            "--data-dir",
            str(data_dir),
            "--service-map",
            f"{WIKIDATA}=http://127.0.0.1:{server.server_port}/sparql",
        )
    finally:
        server.shutdown()
    assert result.exit_code == 1
    assert accepted == []


RUNAWAYS = 4  # runaway queries running at once in the test below


@pytest.fixture(scope="module")
def limited_server(built: BuildReport, data_dir: Path) -> Iterator[LiveServer]:
    # A long-query slot to spare beside the runaway queries: on a busy machine a simple query,
    # too, can pass the 0.5 s short-query budget, and would get 503 if the runaway queries held
    # every slot (a documented limit, not what these tests are about).
    server = LiveServer(
        data_dir,
        "--timeout",
        "3",
        "--query-workers",
        "2",
        "--long-queries",
        str(RUNAWAYS + 1),
        "--client-concurrency",
        "1",
    )
    yield server
    server.stop()


def test_a_client_over_its_concurrency_gets_429(limited_server: LiveServer) -> None:
    """Two runaway queries at once from one client (limit 1): one runs, the other gets 429."""
    url = f"{limited_server.url}/sparql"
    answers: list[requests.Response] = []

    def ask() -> None:
        answers.append(client_at("127.0.0.21").get(url, params={"query": RUNAWAY}, timeout=30))

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(a.status_code for a in answers) == [429, 503]
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.headers["Retry-After"] == "1"
    assert client_at("127.0.0.22").get(url, params={"query": SIMPLE}, timeout=30).status_code == 200


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and its descendants (Linux /proc)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * PAGE
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, IndexError, ValueError):
            continue
        pending += [int(child) for child in children]
    return total


PAGE = os.sysconf("SC_PAGE_SIZE")


def test_runaway_queries_do_not_hold_up_simple_ones(limited_server: LiveServer) -> None:
    url = f"{limited_server.url}/sparql"
    outcomes: dict[str, int] = {}
    peak = 0

    def run_away(address: str) -> None:
        outcomes[address] = (
            client_at(address).get(url, params={"query": RUNAWAY}, timeout=60).status_code
        )

    threads = [
        threading.Thread(target=run_away, args=(f"127.0.0.{30 + n}",)) for n in range(RUNAWAYS)
    ]
    for thread in threads:
        thread.start()
    simple = client_at("127.0.0.40")
    latencies = []
    while any(thread.is_alive() for thread in threads) and len(latencies) < 50:
        peak = max(peak, tree_rss(limited_server.process.pid))
        started = time.monotonic()
        response = simple.get(url, params={"query": SIMPLE}, timeout=30)
        latencies.append(time.monotonic() - started)
        assert response.status_code == 200
    for thread in threads:
        thread.join(60)
    print(
        f"simple queries during {RUNAWAYS} runaway ones: {len(latencies)}, slowest "
        f"{max(latencies) * 1000:.0f} ms; server memory peak {peak / 2**20:.0f} MB"
    )
    assert sorted(outcomes.values()) == [503] * RUNAWAYS
    assert latencies  # simple queries were answered while the runaway ones ran


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f "
        'FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "(a|aa)+(b|bb)+$")) }',
        "SELECT * WHERE { ?s ?p ?o } OFFSET 1000000000000",
        "SELECT * WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 1 OFFSET 99999999",
    ],
)
def test_heavy_queries_end_cleanly(limited_server: LiveServer, query: str) -> None:
    response = client_at("127.0.0.50").get(
        f"{limited_server.url}/sparql", params={"query": query}, timeout=60
    )
    # answered, or ended at a limit; never "its evaluation process ended unexpectedly" (400): the
    # ORDER BY over this graph's mixed values aborted the engine (tests/test_engine_crashes.py)
    assert response.status_code in (200, 503), response.text[:300]
    assert requests.get(f"{limited_server.url}/healthz", timeout=30).status_code == 200


# About 67 MB of JSON: more than waitress's 16 MiB output buffer and both sockets' largest
# buffers (4 and 32 MiB here) hold; less to evaluate than the 100 MB it was.
LARGE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 200000"


@pytest.fixture
def sending_server(built: BuildReport, data_dir: Path) -> Iterator[LiveServer]:
    # Writing a large answer is a long query, run at low priority: on a busy machine it can take
    # longer than the default 30 s time limit, and the first stalled reader would meanwhile pass
    # the default 30 s send timeout and be cut off. Neither is what the test is about.
    server = LiveServer(
        data_dir,
        "--client-concurrency",
        "2",
        "--max-rows",
        "200000",
        "--timeout",
        "300",
        "--send-timeout",
        "600",
    )
    yield server
    server.stop()


def stalled_request(server: LiveServer, address: str) -> socket.socket:
    """A request for a large answer whose client reads only the status line, then stops."""
    connection = socket.create_connection(
        ("127.0.0.1", server.port), timeout=300, source_address=(address, 0)
    )
    target = "/sparql?" + urllib.parse.urlencode({"query": LARGE})
    connection.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert connection.recv(12) == b"HTTP/1.1 200"  # evaluated: the answer is being sent
    return connection


def status_from(server: LiveServer, address: str) -> int:
    return (
        client_at(address)
        .get(f"{server.url}/sparql", params={"query": SIMPLE}, timeout=30)
        .status_code
    )


def test_a_clients_slot_is_held_until_its_answer_is_sent(sending_server: LiveServer) -> None:
    """Two answers the client does not read hold its two slots: a third query gets 429, and
    another client is served meanwhile; once the client goes, its slots are free again."""
    stalled = [stalled_request(sending_server, "127.0.0.61") for _ in range(2)]
    assert status_from(sending_server, "127.0.0.61") == 429
    assert status_from(sending_server, "127.0.0.62") == 200
    for connection in stalled:
        connection.close()
    deadline = time.monotonic() + 30
    while status_from(sending_server, "127.0.0.61") == 429:
        assert time.monotonic() < deadline, "the slots were not given back"
        time.sleep(0.1)
