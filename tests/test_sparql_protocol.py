"""The SPARQL 1.1 Protocol query operation at /sparql, over HTTP against the real server."""

from __future__ import annotations

import csv
import io
import json
import threading
import xml.etree.ElementTree as ET

import pytest
import rdflib
import requests

from homs_kg.graph.build import BuildReport
from homs_kg.server.engine.syntax import query_form

from .conftest import BASE, LiveServer

PERSONS = f"SELECT ?p WHERE {{ ?p a <{BASE}ontology/Person> }} ORDER BY ?p"
CONSTRUCT = f"CONSTRUCT {{ ?p ?q ?o }} WHERE {{ ?p a <{BASE}ontology/Person> ; ?q ?o }}"
SOURCE_GRAPH = f"{BASE}graph/homs-2017-05-21"
SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"


def get(server: LiveServer, **params: str) -> requests.Response:
    return requests.get(f"{server.url}/sparql", params=params, timeout=30)


def json_values(response: requests.Response, name: str) -> list[str]:
    return [row[name]["value"] for row in response.json()["results"]["bindings"]]


# --- the three ways to send a query (section 2.1) ---


def test_get_with_query(live_server: LiveServer) -> None:
    response = get(live_server, query=PERSONS)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/sparql-results+json"
    assert len(json_values(response, "p")) == 10


def test_post_form(live_server: LiveServer) -> None:
    response = requests.post(f"{live_server.url}/sparql", data={"query": PERSONS}, timeout=30)
    assert response.status_code == 200
    assert len(json_values(response, "p")) == 10


def test_post_sparql_query(live_server: LiveServer) -> None:
    response = requests.post(
        f"{live_server.url}/sparql",
        data=PERSONS.encode(),
        timeout=30,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 200
    assert len(json_values(response, "p")) == 10


def test_default_graph_is_the_union(live_server: LiveServer, built: BuildReport) -> None:
    response = get(live_server, query="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    distinct = {(q.subject, q.predicate, q.object) for q in built.dataset.quads}
    assert json_values(response, "n") == [str(len(distinct))]


def test_default_graph_uri_restricts_the_default_graph(live_server: LiveServer) -> None:
    ontology = get(live_server, query=PERSONS, **{"default-graph-uri": f"{BASE}graph/ontology"})
    source = get(live_server, query=PERSONS, **{"default-graph-uri": SOURCE_GRAPH})
    assert (len(json_values(ontology, "p")), len(json_values(source, "p"))) == (0, 10)


def test_named_graph_uri_restricts_the_named_graphs(live_server: LiveServer) -> None:
    response = get(
        live_server,
        query="SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        **{"named-graph-uri": SOURCE_GRAPH},
    )
    assert json_values(response, "g") == [SOURCE_GRAPH]


# --- formats by content negotiation and by format= ---


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml; charset=utf-8"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
        (
            "text/csv;q=0.5, application/sparql-results+xml;q=0.9",
            "application/sparql-results+xml; charset=utf-8",
        ),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_formats_by_accept(live_server: LiveServer, accept: str, media_type: str) -> None:
    response = requests.get(
        f"{live_server.url}/sparql",
        params={"query": PERSONS},
        headers={"Accept": accept},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    assert response.headers["Vary"] == "Accept"


def test_select_as_xml_has_ten_results(live_server: LiveServer) -> None:
    root = ET.fromstring(get(live_server, query=PERSONS, format="xml").content)
    assert len(root.findall(f".//{{{SPARQL_RESULTS}}}result")) == 10


def test_select_as_csv(live_server: LiveServer) -> None:
    rows = list(csv.reader(io.StringIO(get(live_server, query=PERSONS, format="csv").text)))
    assert rows[0] == ["p"]
    assert rows[1] == [f"{BASE}resource/bashar-al-assad"]


def test_select_as_tsv(live_server: LiveServer) -> None:
    lines = get(live_server, query=PERSONS, format="tsv").text.splitlines()
    assert lines[:2] == ["?p", f"<{BASE}resource/bashar-al-assad>"]


def test_ask_as_json_and_xml(live_server: LiveServer) -> None:
    assert get(live_server, query="ASK { ?s ?p ?o }").json() == {"head": {}, "boolean": True}
    root = ET.fromstring(get(live_server, query="ASK {}", format="xml").content)
    assert root.find(f"{{{SPARQL_RESULTS}}}boolean").text == "true"


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_construct_formats_by_accept(
    live_server: LiveServer, accept: str, rdflib_format: str
) -> None:
    response = requests.get(
        f"{live_server.url}/sparql",
        params={"query": CONSTRUCT},
        headers={"Accept": accept},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == accept
    graph = rdflib.Dataset()
    graph.parse(data=response.content, format=rdflib_format)
    label = rdflib.Literal("Marie Colvin", lang="en")
    assert (rdflib.URIRef(f"{BASE}resource/marie-colvin"), rdflib.RDFS.label, label) in graph


def test_construct_by_format_parameter(live_server: LiveServer) -> None:
    response = get(live_server, query=CONSTRUCT, format="ntriples")
    assert response.headers["Content-Type"].startswith("application/n-triples")


def test_unacceptable_format_is_406(live_server: LiveServer) -> None:
    response = requests.get(
        f"{live_server.url}/sparql",
        params={"query": PERSONS},
        headers={"Accept": "image/png"},
        timeout=30,
    )
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.json()["detail"]


def test_graph_format_for_a_select_is_406(live_server: LiveServer) -> None:
    assert get(live_server, query=PERSONS, format="turtle").status_code == 406


# --- errors: one problem-details body, never a 500 ---


def test_malformed_query_is_400_with_line_and_column(live_server: LiveServer) -> None:
    response = get(live_server, query="SELECT ?s WHERE {\n  ?s ?p")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail"}
    assert body["status"] == 400
    assert body["detail"].startswith("malformed query: error at 2:")


def test_update_in_a_form_is_refused(live_server: LiveServer) -> None:
    response = requests.post(
        f"{live_server.url}/sparql",
        timeout=30,
        data={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"},
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_sparql_update_body_is_refused(live_server: LiveServer) -> None:
    response = requests.post(
        f"{live_server.url}/sparql",
        data=b"CLEAR ALL",
        timeout=30,
        headers={"Content-Type": "application/sparql-update"},
    )
    assert response.status_code == 403


def test_update_on_another_route_is_refused(live_server: LiveServer) -> None:
    response = requests.get(
        f"{live_server.url}/healthz", params={"update": "CLEAR ALL"}, timeout=30
    )
    assert response.status_code == 403


def test_update_sent_as_a_query_is_400(live_server: LiveServer) -> None:
    assert get(live_server, query="INSERT DATA { <a:b> <a:c> <a:d> }").status_code == 400


def test_wrong_method_is_405(live_server: LiveServer) -> None:
    response = requests.put(f"{live_server.url}/sparql", data=PERSONS, timeout=30)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_wrong_content_type_is_415(live_server: LiveServer) -> None:
    response = requests.post(
        f"{live_server.url}/sparql",
        data=PERSONS,
        timeout=30,
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 415


def test_oversized_body_is_413(live_server: LiveServer) -> None:
    body = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (1024 * 1024 + 10)
    response = requests.post(
        f"{live_server.url}/sparql",
        data=body.encode(),
        timeout=30,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 413


def test_oversized_query_string_is_413(live_server: LiveServer) -> None:
    response = requests.get(
        f"{live_server.url}/sparql",
        timeout=30,
        params={"query": "ASK {} #" + "x" * (1024 * 1024 + 10)},
    )
    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_two_query_parameters_are_400(live_server: LiveServer) -> None:
    response = requests.get(f"{live_server.url}/sparql?query=ASK%7B%7D&query=ASK%7B%7D", timeout=30)
    assert response.status_code == 400


def test_invalid_utf8_body_is_400(live_server: LiveServer) -> None:
    response = requests.post(
        f"{live_server.url}/sparql",
        data=b"ASK {} #\xff\xfe",
        timeout=30,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 400


# --- limits ---


def test_rows_beyond_the_limit_are_cut_and_announced(live_server: LiveServer) -> None:
    response = get(live_server, query="SELECT * WHERE { ?s ?p ?o }")
    assert len(response.json()["results"]["bindings"]) == 500
    assert response.headers["X-Result-Truncated"] == "true"
    assert response.headers["X-Result-Limit"] == "500"


def test_large_results_are_streamed_in_chunks(live_server: LiveServer) -> None:
    # 500 rows, each carrying the source's full text: several megabytes
    query = "SELECT ?text ?s WHERE { ?x ?y ?text FILTER(STRLEN(?text) > 2000) ?s ?p ?o } LIMIT 500"
    response = get(live_server, query=query)
    assert response.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in response.headers
    assert len(response.json()["results"]["bindings"]) == 500


def test_small_results_are_sent_whole_with_their_length(live_server: LiveServer) -> None:
    response = get(live_server, query=PERSONS)
    assert int(response.headers["Content-Length"]) == len(response.content)


def test_results_within_the_limit_are_not_marked(live_server: LiveServer) -> None:
    assert "X-Result-Truncated" not in get(live_server, query=PERSONS).headers


def test_runaway_query_is_stopped_while_another_client_is_served(live_server: LiveServer) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    finished: list[str] = []
    outcome: dict[str, requests.Response] = {}

    def run_runaway() -> None:
        outcome["runaway"] = get(live_server, query=runaway)
        finished.append("runaway")

    thread = threading.Thread(target=run_runaway)
    thread.start()
    second = get(live_server, query=PERSONS)
    finished.append("second")
    thread.join(60)
    assert second.status_code == 200 and len(json_values(second, "p")) == 10
    assert finished == ["second", "runaway"]
    assert outcome["runaway"].status_code == 503
    assert "time limit of 3 s" in outcome["runaway"].json()["detail"]
    assert get(live_server, query="ASK {}").json()["boolean"] is True


# --- HTTP hygiene ---


def test_etag_revalidation_gives_304(live_server: LiveServer) -> None:
    first = get(live_server, query=PERSONS)
    assert first.headers["Cache-Control"].startswith("public")
    assert "Last-Modified" in first.headers
    again = requests.get(
        f"{live_server.url}/sparql",
        params={"query": PERSONS},
        timeout=30,
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304
    assert again.content == b""


def test_if_modified_since_gives_304(live_server: LiveServer) -> None:
    first = get(live_server, query=PERSONS)
    again = requests.get(
        f"{live_server.url}/sparql",
        params={"query": PERSONS},
        timeout=30,
        headers={"If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert again.status_code == 304


def test_cors_preflight(live_server: LiveServer) -> None:
    response = requests.options(
        f"{live_server.url}/sparql",
        timeout=30,
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_healthz_names_the_build(live_server: LiveServer, built: BuildReport) -> None:
    body = requests.get(f"{live_server.url}/healthz", timeout=30).json()
    assert body == {"status": "ok", "build": built.store.build_id}


def test_access_log_has_a_line_per_request(live_server: LiveServer) -> None:
    get(live_server, query="ASK { <urn:x:logged> ?p ?o }")
    log = live_server.log.read_text()
    assert any(
        '"GET /sparql?query=ASK' in line and " 200 " in line and line.endswith("ms")
        for line in log.splitlines()
    )


def test_json_results_are_valid_json_with_arabic(live_server: LiveServer) -> None:
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    query = f'SELECT ?l WHERE {{ <{BASE}resource/homs> {label} ?l FILTER(LANG(?l) = "ar") }}'
    body = json.loads(get(live_server, query=query).content.decode("utf-8"))
    assert body["results"]["bindings"] == [
        {"l": {"type": "literal", "value": "حمص", "xml:lang": "ar"}}
    ]


# --- what the security review found (issue 16, items 7 and 10) ---


@pytest.mark.parametrize("query", ["SELECT (<urn:f>(1) AS ?x) {}", "ASK { FILTER(<urn:f>()) }"])
def test_an_unknown_function_is_400(live_server: LiveServer, query: str) -> None:
    response = get(live_server, query=query)
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "the query cannot be evaluated: The custom function <urn:f> is not supported"
    )


def test_from_names_the_default_graph(live_server: LiveServer, built: BuildReport) -> None:
    ontology = f"{BASE}graph/ontology"
    query = f"SELECT (COUNT(*) AS ?n) FROM <{ontology}> WHERE {{ ?s ?p ?o }}"
    expected = sum(1 for q in built.dataset.quads if q.graph_name.value == ontology)
    assert json_values(get(live_server, query=query), "n") == [str(expected)]


def test_an_answer_with_now_is_not_stored(live_server: LiveServer) -> None:
    response = get(live_server, query="SELECT (STRUUID() AS ?id) (NOW() AS ?t) WHERE {}")
    again = get(live_server, query="SELECT (STRUUID() AS ?id) (NOW() AS ?t) WHERE {}")
    assert json_values(response, "id") != json_values(again, "id")
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_if_none_match_star_does_not_hide_a_malformed_query(live_server: LiveServer) -> None:
    response = requests.get(
        f"{live_server.url}/sparql",
        params={"query": "SELEKT"},
        timeout=30,
        headers={"If-None-Match": "*"},
    )
    assert response.status_code == 400


def test_if_none_match_star_matches_an_answer(live_server: LiveServer) -> None:
    response = requests.get(
        f"{live_server.url}/sparql",
        params={"query": PERSONS},
        timeout=30,
        headers={"If-None-Match": "*"},
    )
    assert response.status_code == 304


def test_an_unacceptable_format_is_refused_before_evaluation(live_server: LiveServer) -> None:
    """A runaway SELECT asked for as Turtle gets its 406 at once, not a 503 at the time limit."""
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    response = requests.get(
        f"{live_server.url}/sparql",
        params={"query": runaway},
        timeout=30,
        headers={"Accept": "text/turtle"},
    )
    assert response.status_code == 406
    assert response.json()["detail"] == (
        "no acceptable result format; this query offers application/sparql-results+json, "
        "application/sparql-results+xml, text/csv, text/tab-separated-values"
    )


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * {}", "SELECT"),
        ("# a comment\nPREFIX ex: <urn:x#> BASE <urn:b> construct { } where {}", "CONSTRUCT"),
        ("PREFIX : <urn:x> ASK {}", "ASK"),
        ("DESCRIBE <urn:x>", "DESCRIBE"),
        ("INSERT DATA { }", None),
    ],
)
def test_the_query_form_is_read_past_the_prologue(query: str, form: str | None) -> None:
    assert query_form(query) == form
