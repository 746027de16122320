"""Bounds on the work /search and /reconcile do in the HTTP process: the batch size, the length of
a query text and the types of a query are limited, and both take one of the client's slots of the
limiter /sparql uses (RFC 6585 section 4: 429 with Retry-After), so one client cannot crowd the
others out with either."""

from __future__ import annotations

import datetime
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import QueryResultsFormat, Store
from werkzeug.test import TestResponse

from homs_kg.graph.build import BuildReport
from homs_kg.server.app import create_app
from homs_kg.server.engine.evaluation import QueryJob, QueryReply
from homs_kg.server.search.label_index import MAX_QUERY_CHARS
from homs_kg.server.search.reconcile import BATCH_SIZE, MAX_TYPES
from homs_kg.server.settings import ServerConfig

from .conftest import BASE, LiveServer

TIMEOUT = 30
HELD_CLIENT, OTHER_CLIENT = "127.0.0.1", "127.0.0.2"
# The SPARQL query a test holds in the store, and the first query of the label index's build.
HELD_QUERY = "SELECT ?held WHERE { BIND(1 AS ?held) }"
HELD_SPARQL = "/sparql?" + urlencode({"query": HELD_QUERY})
INDEX_BUILD = "VALUES ?p { rdfs:label skos:altLabel }"
SEARCH = "/search?q=%D8%AD%D9%85%D8%B5&format=json"  # q=حمص
HOMS = {"q0": {"query": "حمص", "type": "City", "limit": 3}}


def problem(response: requests.Response) -> dict:
    assert response.headers["Content-Type"] == "application/problem+json"
    return response.json()


def post_batch(server: LiveServer, batch: dict) -> requests.Response:
    raw = json.dumps(batch, ensure_ascii=False)
    return requests.post(f"{server.url}/reconcile", data={"queries": raw}, timeout=TIMEOUT)


# --- the bounds of a batch -----------------------------------------------------------------------


def test_the_manifest_announces_openrefines_batch_size(live_server: LiveServer) -> None:
    manifest = requests.get(f"{live_server.url}/reconcile", timeout=TIMEOUT).json()
    assert manifest["batchSize"] == BATCH_SIZE == 10


def test_a_batch_over_the_batch_size_is_refused_with_413(live_server: LiveServer) -> None:
    response = post_batch(live_server, {f"q{i}": {"query": "حمص"} for i in range(BATCH_SIZE + 1)})
    assert response.status_code == 413
    assert problem(response)["detail"] == (
        "this batch has 11 queries; at most 10 are accepted in one batch (the manifest's "
        "batchSize): send them in several batches"
    )


def test_a_batch_of_the_batch_size_is_answered(live_server: LiveServer) -> None:
    response = post_batch(live_server, {f"q{i}": {"query": "حمص"} for i in range(BATCH_SIZE)})
    assert response.status_code == 200
    assert {key: answer["result"][0]["id"] for key, answer in response.json().items()} == {
        f"q{i}": "homs" for i in range(BATCH_SIZE)
    }


def test_an_over_long_reconciliation_query_is_refused_with_400(live_server: LiveServer) -> None:
    response = post_batch(live_server, {"q0": {"query": "x" * (MAX_QUERY_CHARS + 1)}})
    assert response.status_code == 400
    assert problem(response)["detail"] == (
        "query 'q0': 'query' is 501 characters long; at most 500 are accepted "
        "(the longest label here is far shorter)"
    )


def test_a_query_with_too_many_types_is_refused_with_400(live_server: LiveServer) -> None:
    response = post_batch(live_server, {"q0": {"query": "حمص", "type": ["City"] * 11}})
    assert response.status_code == 400
    assert problem(response)["detail"] == "query 'q0' has 11 types; at most 10 are accepted"


def test_an_over_long_search_is_refused_with_400(live_server: LiveServer) -> None:
    params = {"q": "x" * (MAX_QUERY_CHARS + 1), "format": "json"}
    response = requests.get(f"{live_server.url}/search", params=params, timeout=TIMEOUT)
    assert response.status_code == 400
    assert problem(response)["detail"].startswith("q is 501 characters long; at most 500")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process: utime and stime, fields 14 and 15 of
    /proc/<pid>/stat (proc(5)), counted after the command name's closing parenthesis."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize(
    "shape,query",
    [("longest", ("حمص " * MAX_QUERY_CHARS)[:MAX_QUERY_CHARS]), ("broadest", "\u0627")],  # alef
)
def test_the_cpu_cost_of_a_maximal_batch(live_server: LiveServer, shape: str, query: str) -> None:
    """The HTTP process's CPU per batch of the most allowed queries, types and candidates: the
    longest query text, or the one letter found in nearly every Arabic label (printed, not
    asserted: it depends on the machine)."""
    types = [
        "Place",
        "Person",
        "Event",
        "Organisation",
        "City",
        "Neighbourhood",
        "Massacre",
        "PopulationGroup",
        "Situation",
        "Unicorn",
    ][:MAX_TYPES]
    batch = {f"q{i}": {"query": query, "type": types, "limit": 100} for i in range(BATCH_SIZE)}
    assert post_batch(live_server, batch).status_code == 200  # the label index is built
    rounds, before = 50, cpu_seconds(live_server.process.pid)
    answers = [post_batch(live_server, batch) for _ in range(rounds)]
    spent = (cpu_seconds(live_server.process.pid) - before) / rounds
    assert {answer.status_code for answer in answers} == {200}
    results = answers[0].json()
    assert set(results) == set(batch)
    candidates = sum(len(answer["result"]) for answer in results.values())
    size = len(json.dumps(batch, ensure_ascii=False).encode())
    print(
        f"\n{shape} batch ({BATCH_SIZE} queries, {size} bytes, {candidates} candidates): "
        f"{spent * 1000:.1f} ms of the HTTP process's CPU per batch"
    )


# --- the per-client limit --------------------------------------------------------------------


class HeldStore:
    """The session's store queried in this process, except that the first query containing
    ``marker`` waits in ``run`` until ``release`` is set, holding its request's slot meanwhile."""

    def __init__(self, store: Store, build_id: str, marker: str) -> None:
        self.store, self.build_id, self.marker = store, build_id, marker
        self.built_at = datetime.datetime.strptime(build_id, "%Y%m%dT%H%M%S%fZ").replace(
            tzinfo=datetime.UTC
        )
        self.entered, self.release = threading.Event(), threading.Event()
        self.lock = threading.Lock()

    def run(self, job: QueryJob) -> QueryReply:
        with self.lock:
            hold = self.marker in job.query and not self.entered.is_set()
            if hold:
                self.entered.set()
        if hold:
            self.release.wait(TIMEOUT)
        results = self.store.query(job.query, use_default_graph_as_union=True)
        body = results.serialize(format=QueryResultsFormat.JSON)
        return QueryReply(
            200, media_type="application/sparql-results+json", body=body, build_id=self.build_id
        )

    def dump_path(self, name: str) -> None:
        return None

    def close(self) -> None:
        pass


def client(app: Flask, address: str) -> FlaskClient:
    """A test client whose requests come from ``address``."""
    test_client = app.test_client()
    test_client.environ_base["REMOTE_ADDR"] = address
    return test_client


@contextmanager
def held(
    store: Store, built: BuildReport, data_dir: Path, path: str, marker: str
) -> Iterator[Flask]:
    """An app allowing each client one request at a time, while ``HELD_CLIENT``'s request to
    ``path`` waits in the store at the query containing ``marker``: its one slot is taken."""
    assert built.store is not None
    held_store = HeldStore(store, built.store.build_id, marker)
    config = ServerConfig(data_dir=data_dir, base_iri=BASE, client_concurrency=1)
    app = create_app(config, held_store)  # type: ignore[arg-type]
    answers = []
    holder = threading.Thread(target=lambda: answers.append(client(app, HELD_CLIENT).get(path)))
    holder.start()
    try:
        assert held_store.entered.wait(TIMEOUT), f"{path} never reached the store"
        yield app
    finally:
        held_store.release.set()
        holder.join(TIMEOUT)
    assert [answer.status_code for answer in answers] == [200]  # served once released


def assert_too_many(response: TestResponse) -> None:
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == (
        "this client already has 1 of its 1 requests running (queries, searches, "
        "reconciliations); retry when one ends"
    )


@pytest.fixture
def sparql_held(store: Store, built: BuildReport, data_dir: Path) -> Iterator[Flask]:
    with held(store, built, data_dir, HELD_SPARQL, "?held") as app:
        yield app


def test_a_search_is_refused_429_while_the_clients_slots_are_held(sparql_held: Flask) -> None:
    assert_too_many(client(sparql_held, HELD_CLIENT).get(SEARCH))


def test_a_reconciliation_is_refused_429_while_the_clients_slots_are_held(
    sparql_held: Flask,
) -> None:
    batch = json.dumps(HOMS, ensure_ascii=False)
    assert_too_many(client(sparql_held, HELD_CLIENT).post("/reconcile", data={"queries": batch}))


def test_another_address_is_served_meanwhile(sparql_held: Flask) -> None:
    other = client(sparql_held, OTHER_CLIENT)
    found = other.get(SEARCH)
    assert found.status_code == 200
    assert found.get_json()["results"][0]["iri"] == BASE + "resource/homs"
    batch = json.dumps(HOMS, ensure_ascii=False)
    reconciled = other.post("/reconcile", data={"queries": batch})
    assert reconciled.status_code == 200
    assert reconciled.get_json()["q0"]["result"][0]["id"] == "homs"


def test_a_running_search_holds_one_of_the_clients_slots(
    store: Store, built: BuildReport, data_dir: Path
) -> None:
    with held(store, built, data_dir, SEARCH, INDEX_BUILD) as app:
        assert_too_many(client(app, HELD_CLIENT).get(HELD_SPARQL))
        assert client(app, OTHER_CLIENT).get(HELD_SPARQL).status_code == 200


def test_a_running_reconciliation_holds_one_of_the_clients_slots(
    store: Store, built: BuildReport, data_dir: Path
) -> None:
    with held(store, built, data_dir, "/reconcile", INDEX_BUILD) as app:
        assert_too_many(client(app, HELD_CLIENT).get(SEARCH))
        assert client(app, OTHER_CLIENT).get(SEARCH).status_code == 200
