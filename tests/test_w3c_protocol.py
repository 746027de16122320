"""The W3C SPARQL 1.1 Protocol tests (the Working Group's validator,
kasei/sparql11-protocolvalidator) that apply to a read-only endpoint: every query test and every
negative test.

The dataset tests name graphs the validator's endpoint was to fetch from the web (data1.rdf,
data2.rdf, data3.rdf at kasei.us); this endpoint serves a fixed dataset, so they name its own
graphs in those three roles, with the same shapes of request and the same checks. The update tests
(CLEAR, INSERT) do not apply: every update is refused, as the negative update tests expect.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest
import requests

from .conftest import BASE, LiveServer

DATA1 = f"{BASE}graph/homs-2017-05-21"  # data1.rdf: the article's graph
DATA2 = f"{BASE}graph/ontology"  # data2.rdf
DATA3 = f"{BASE}graph/wikidata-links"  # data3.rdf
SOURCE = f"{BASE}source/homs-2017-05-21"  # a thing described in DATA1 only
ONTOLOGY = f"{BASE}ontology"  # a thing described in DATA2 only
RESULTS = ("application/sparql-results+xml", "application/sparql-results+json")
SPARQL_QUERY = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Call:
    method: str
    params: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    content_type: str | None = None


def direct(query: str, *params: tuple[str, str]) -> Call:
    return Call("POST", params, query.encode(), SPARQL_QUERY)


def send(server: LiveServer, call: Call) -> requests.Response:
    headers = {"Content-Type": call.content_type} if call.content_type else {}
    return requests.request(
        call.method,
        f"{server.url}/sparql",
        params=list(call.params),
        data=call.body,
        headers=headers,
        timeout=30,
    )


def boolean(response: requests.Response) -> bool:
    media = response.headers["Content-Type"].split(";")[0]
    if media == "application/sparql-results+json":
        return json.loads(response.content)["boolean"]
    found = ET.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert found is not None
    return found.text == "true"


NEGATIVE = {
    "bad_query_method": Call("PUT", (("query", "ASK {}"),)),
    "bad_multiple_queries": Call("GET", (("query", "ASK {}"), ("query", "SELECT * {}"))),
    "bad_query_wrong_media_type": Call("POST", (), b"ASK {}", "text/plain"),
    "bad_query_missing_form_type": Call("POST", (), b"query=ASK%20%7B%7D"),
    "bad_query_missing_direct_type": Call("POST", (), b"ASK {}"),
    "bad_query_non_utf8": Call(
        "POST", (), "ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16"
    ),
    "bad_query_syntax": Call("GET", (("query", "ASK {"),)),
    "bad_update_get": Call("GET", (("update", "CLEAR ALL"),)),
    "bad_multiple_updates": Call("POST", (), b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM),
    "bad_update_wrong_media_type": Call("POST", (), b"CLEAR NAMED", "text/plain"),
    "bad_update_missing_form_type": Call("POST", (), b"update=CLEAR%20NAMED"),
    "bad_update_non_utf8": Call(
        "POST", (), "CLEAR NAMED".encode("utf-16"), "application/sparql-update; charset=UTF-16"
    ),
    "bad_update_syntax": Call("POST", (), b"update=CLEAR%20XYZ", FORM),
    "bad_update_dataset_conflict": Call(
        "POST",
        (),
        b"using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople&update=WITH%20%3Chttp"
        b"%3A%2F%2Fexample%2Faddresses%3E%20DELETE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20WHERE%20"
        b"%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
        FORM,
    ),
}


@pytest.mark.parametrize("name", sorted(NEGATIVE))
def test_a_negative_test_gets_a_4xx(live_server: LiveServer, name: str) -> None:
    assert 400 <= send(live_server, NEGATIVE[name]).status_code < 500


ASK_TRUE = {
    "query_get": Call("GET", (("query", "ASK {}"),)),
    "query_post_form": Call("POST", (), b"query=ASK%20%7B%7D", FORM),
    "query_post_direct": direct("ASK {}"),
    "query_dataset_default_graph": direct(
        f"ASK {{ <{SOURCE}> ?p ?o }}", ("default-graph-uri", DATA1)
    ),
    "query_dataset_default_graphs_get": Call(
        "GET",
        (
            ("query", f"ASK {{ <{SOURCE}> a ?t1 . <{ONTOLOGY}> a ?t2 }}"),
            ("default-graph-uri", DATA1),
            ("default-graph-uri", DATA2),
        ),
    ),
    "query_dataset_default_graphs_post": direct(
        f"ASK {{ <{SOURCE}> ?p1 ?o1 . <{ONTOLOGY}> ?p2 ?o2 }}",
        ("default-graph-uri", DATA1),
        ("default-graph-uri", DATA2),
    ),
    "query_dataset_named_graphs_get": Call(
        "GET",
        (
            (
                "query",
                f"ASK {{ GRAPH ?g1 {{ <{SOURCE}> a ?t1 }} GRAPH ?g2 {{ <{ONTOLOGY}> a ?t2 }} }}",
            ),
            ("named-graph-uri", DATA1),
            ("named-graph-uri", DATA2),
        ),
    ),
    "query_dataset_named_graphs_post": direct(
        "ASK { GRAPH ?g { ?s ?p ?o } }", ("named-graph-uri", DATA1), ("named-graph-uri", DATA2)
    ),
    "query_multiple_dataset": direct(
        f"ASK FROM <{DATA1}> {{ <{ONTOLOGY}> ?p ?o }}", ("default-graph-uri", DATA2)
    ),
}


@pytest.mark.parametrize("name", sorted(ASK_TRUE))
def test_a_query_test_answers_true(live_server: LiveServer, name: str) -> None:
    response = send(live_server, ASK_TRUE[name])
    assert 200 <= response.status_code < 400
    assert response.headers["Content-Type"].split(";")[0] in RESULTS
    assert boolean(response) is True


def test_query_dataset_full(live_server: LiveServer) -> None:
    """A default graph and two named graphs: each row's graph is one of the named ones."""
    call = direct(
        "SELECT ?g ?x ?s { ?x ?y ?o  GRAPH ?g { ?s ?p ?o } } LIMIT 50",
        ("default-graph-uri", DATA3),
        ("named-graph-uri", DATA1),
        ("named-graph-uri", DATA2),
    )
    response = send(live_server, call)
    assert response.status_code == 200
    rows = response.json()["results"]["bindings"]
    assert rows and {row["g"]["value"] for row in rows} <= {DATA1, DATA2}


def test_the_protocol_dataset_overrides_the_querys_from(live_server: LiveServer) -> None:
    """query_multiple_dataset's point: FROM <data1> loses to default-graph-uri=<data2>."""
    response = send(
        live_server,
        direct(f"ASK FROM <{DATA1}> {{ <{SOURCE}> ?p ?o }}", ("default-graph-uri", DATA2)),
    )
    assert boolean(response) is False


@pytest.mark.parametrize(
    ("name", "query", "offered"),
    [
        (
            "query_content_type_select",
            "SELECT (1 AS ?value) {}",
            (*RESULTS, "text/tab-separated-values", "text/csv"),
        ),
        ("query_content_type_ask", "ASK {}", RESULTS),
        (
            "query_content_type_describe",
            "DESCRIBE <http://example.org/>",
            ("application/rdf+xml", "application/rdf+json", "text/turtle"),
        ),
        (
            "query_content_type_construct",
            "CONSTRUCT { <s> <p> 1 } WHERE {}",
            ("application/rdf+xml", "application/rdf+json", "text/turtle"),
        ),
    ],
)
def test_a_query_gets_a_content_type_of_its_form(
    live_server: LiveServer, name: str, query: str, offered: tuple[str, ...]
) -> None:
    response = send(live_server, direct(query))
    assert 200 <= response.status_code < 400
    assert response.headers["Content-Type"].split(";")[0] in offered


def test_relative_iris_are_resolved_against_the_base_iri(live_server: LiveServer) -> None:
    response = requests.post(
        f"{live_server.url}/sparql",
        data=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        timeout=30,
        headers={"Content-Type": SPARQL_QUERY, "Accept": "application/n-triples"},
    )
    assert response.text.strip() == (
        f'<{BASE}s> <{BASE}p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'
    )
