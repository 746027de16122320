"""Federation with Wikidata, offline: a real `oxigraph serve` holding a Wikidata-shaped fixture
stands in for the Wikidata Query Service through --service-map; refusals happen before any
request leaves; and other engines can call this endpoint by SERVICE."""

from __future__ import annotations

import http.server
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import requests

from homs_kg.graph.build import BuildReport
from homs_kg.server.catalogue.queries import find_query

from .conftest import BASE, LiveServer

WIKIDATA = "https://query.wikidata.org/sparql"


@pytest.fixture(scope="module")
def federated(built: BuildReport, data_dir: Path, wikidata_double: str) -> Iterator[LiveServer]:
    server = LiveServer(data_dir, "--service-map", f"{WIKIDATA}={wikidata_double}")
    yield server
    server.stop()


def catalogue_rows(server: LiveServer, name: str) -> list[dict[str, str]]:
    query = find_query(name)
    assert query is not None
    response = requests.post(f"{server.url}/sparql", data={"query": query.text}, timeout=60)
    assert response.status_code == 200, response.text
    return [
        {k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]
    ]


def test_coordinates_of_the_places(federated: LiveServer) -> None:
    rows = catalogue_rows(federated, "wikidata-coordinates")
    assert [(r["place"], r["item"].rsplit("/", 1)[1], r["coordinates"]) for r in rows] == [
        ("Damascus", "Q3766", "Point(36.3096 33.5131)"),
        ("Homs", "Q131301", "Point(36.70944 34.73083)"),
        ("Tadmur", "Q5747", "Point(38.269791 34.550381)"),
        ("al-Qusayr", "Q195410", "Point(36.57975 34.50914)"),
    ]


def test_capital_check(federated: LiveServer) -> None:
    rows = catalogue_rows(federated, "wikidata-capital-check")
    assert rows == [
        {
            "capital": "http://www.wikidata.org/entity/Q3766",
            "ourEntity": f"{BASE}resource/damascus",
            "label": "Damascus",
            "quote": "المقيم في دمشق",
        }
    ]


def test_label_check(federated: LiveServer) -> None:
    rows = catalogue_rows(federated, "wikidata-label-check")
    assert [(r["entity"], r["ours"], r["link"], r["wikidata"], r["same"]) for r in rows] == [
        ("Christian denominations", "الطوائف المسيحية", "close match", "المسيحية", "false"),
        ("Homs", "حمص", "same as", "حمص", "true"),
        ("Syria", "سوريا", "same as", "سوريا", "true"),
    ]


def test_federated_catalogue_query_from_the_cli(
    built: BuildReport, data_dir: Path, wikidata_double: str, cli
) -> None:
    result = cli(
        "query",
        "--name",
        "wikidata-coordinates",
        "--format",
        "csv",
        "--data-dir",
        str(data_dir),
        "--service-map",
        f"{WIKIDATA}={wikidata_double}",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2].startswith(
        "Homs,حمص,http://www.wikidata.org/entity/Q131301"
    )


class Recorder(http.server.BaseHTTPRequestHandler):
    """A SERVICE double that records what reaches it, and may answer slowly."""

    seen: ClassVar[list[dict[str, str]]] = []
    delay: ClassVar[float] = 0.0

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        Recorder.seen.append(
            {"user-agent": self.headers.get("User-Agent", ""), "query": form["query"][0]}
        )
        time.sleep(Recorder.delay)
        body = (
            b'{"head":{"vars":["x"]},"results":{"bindings":'
            b'[{"x":{"type":"literal","value":"ok"}}]}}'
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    Recorder.seen, Recorder.delay = [], 0.0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/sparql"
    server.shutdown()


SIMPLE_SERVICE = f"SELECT ?x WHERE {{ SERVICE <{WIKIDATA}> {{ ?x ?p ?o }} }}"


def test_outbound_calls_carry_a_descriptive_user_agent(
    cli, built: BuildReport, data_dir: Path, recorder: str
) -> None:
    result = cli(
        "query",
        SIMPLE_SERVICE,
        "--format",
        "csv",
        "--data-dir",
        str(data_dir),
        "--service-map",
        f"{WIKIDATA}={recorder}",
        "--user-agent",
        "homs-kg-test/1 (mailto:research@example.org)",
    )
    assert result.output.splitlines() == ["x", "ok"]
    assert Recorder.seen[0]["user-agent"] == "homs-kg-test/1 (mailto:research@example.org)"
    assert Recorder.seen[0]["query"] == f"BASE <{BASE}>\n\nSELECT * WHERE {{ ?x ?p ?o }}"


def test_each_outbound_call_has_its_own_time_limit(
    cli, built: BuildReport, data_dir: Path, recorder: str
) -> None:
    Recorder.delay = 3.0
    result = cli(
        "query",
        SIMPLE_SERVICE,
        "--data-dir",
        str(data_dir),
        "--service-map",
        f"{WIKIDATA}={recorder}",
        "--service-timeout",
        "0.5",
    )
    assert result.exit_code == 1
    assert result.output == f"error: SERVICE <{WIKIDATA}> failed: no answer within 0.5 s\n"


@pytest.mark.parametrize(
    "service",
    [
        "SERVICE ?endpoint { ?s ?p ?o }",
        "SERVICE <https://example.org/sparql> { ?s ?p ?o }",
        "SERVICE <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o }",
        "SERVICE <file:///etc/passwd> { ?s ?p ?o }",
        "{ SELECT ?s WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } } }",
        "OPTIONAL { SERVICE SILENT <http://10.0.0.1/sparql> { ?s ?p ?o } }",
    ],
)
def test_refused_services_are_400(live_server: LiveServer, service: str) -> None:
    response = requests.get(
        f"{live_server.url}/sparql", timeout=30, params={"query": f"SELECT * WHERE {{ {service} }}"}
    )
    assert response.status_code == 400
    assert "SERVICE" in response.json()["detail"]


def test_a_refused_loopback_service_makes_no_connection(live_server: LiveServer, listener) -> None:
    port, accepted = listener
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    response = requests.get(f"{live_server.url}/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 400
    assert accepted == []  # the refusal came before evaluation, so no call can still be on its way


def test_other_engines_can_call_this_endpoint(
    live_server: LiveServer, wikidata_double: str
) -> None:
    query = (
        f"SELECT (COUNT(?p) AS ?n) WHERE {{ SERVICE <{live_server.url}/sparql> "
        f"{{ ?p a <{BASE}ontology/Person> }} }}"
    )
    response = requests.post(
        wikidata_double,
        data=query.encode(),
        timeout=60,
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "10"


class Overloaded(http.server.BaseHTTPRequestHandler):
    """An endpoint that answers 503 with a two-line body."""

    def do_POST(self) -> None:
        body = b"Service overloaded\nat com.bigdata.rdf.sail.webapp..."
        self.send_response(503)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """A test endpoint that does not print a traceback when a client hangs up before reading
    its answer: the command-line tests compare everything printed while the command runs."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture
def overloaded() -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), Overloaded)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/sparql"
    server.shutdown()


@pytest.mark.parametrize(
    ("target", "cause"),
    [
        ("http://wikidata-mirror.invalid/sparql", "its host name could not be resolved"),
        ("http://127.0.0.1:9/sparql", "the connection was refused"),
        ("overloaded", "it answered HTTP 503 Service Unavailable: Service overloaded"),
    ],
)
def test_a_failed_call_names_the_service_and_the_cause(
    cli, built: BuildReport, data_dir: Path, overloaded: str, target: str, cause: str
) -> None:
    url = overloaded if target == "overloaded" else target
    result = cli(
        "query", SIMPLE_SERVICE, "--data-dir", str(data_dir), "--service-map", f"{WIKIDATA}={url}"
    )
    assert result.exit_code == 1
    assert result.output == f"error: SERVICE <{WIKIDATA}> failed: {cause}\n"


def test_a_failed_call_is_a_502_naming_the_service(
    built: BuildReport, data_dir: Path, overloaded: str
) -> None:
    server = LiveServer(data_dir, "--service-map", f"{WIKIDATA}={overloaded}")
    try:
        response = requests.get(
            f"{server.url}/sparql", params={"query": SIMPLE_SERVICE}, timeout=30
        )
    finally:
        server.stop()
    assert response.status_code == 502
    assert response.json()["detail"] == (
        f"SERVICE <{WIKIDATA}> failed: it answered HTTP 503 Service Unavailable: Service overloaded"
    )


def test_the_access_log_says_how_each_service_was_sent(
    built: BuildReport, data_dir: Path, wikidata_double: str
) -> None:
    server = LiveServer(data_dir, "--service-map", f"{WIKIDATA}={wikidata_double}")
    exists = (
        "SELECT * WHERE { ?p <http://www.w3.org/2002/07/owl#sameAs> ?item FILTER EXISTS { "
        f"SERVICE <{WIKIDATA}> {{ ?item <http://www.wikidata.org/prop/direct/P625> ?c }} }} }}"
    )
    try:
        requests.get(f"{server.url}/sparql", params={"query": exists}, timeout=30)
        coordinates = find_query("wikidata-coordinates")
        assert coordinates is not None
        requests.get(f"{server.url}/sparql", params={"query": coordinates.text}, timeout=30)
    finally:
        server.stop()
    log = server.log.read_text()
    assert (
        f"SERVICE <{WIKIDATA}> sent as written (inside EXISTS, which is evaluated once per "
        "solution)" in log
    )
    assert f"SERVICE <{WIKIDATA}> bound join on ?item: 12 bindings in 1 call(s)" in log
