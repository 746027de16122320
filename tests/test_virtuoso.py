"""OpenLink Virtuoso 7 as the remote store, started by the tests (tests/virtuoso.py): loaded by
``homs-kg build --store`` through its writable Graph Store Protocol endpoint (digest
authentication), served by ``homs-kg serve --store`` with the embedded store's answers.

.ci/run installs Debian's ``virtuoso-opensource`` when ``virtuoso-t`` is missing; where it is
not installed these tests are skipped, saying so.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests
from click.testing import CliRunner

from homs_kg.server.catalogue.queries import CatalogueQuery, load_catalogue
from homs_kg.server.cli import main
from homs_kg.server.stores.remote_answers import StoreRefused, read_answer

from .conftest import BASE, LiveServer
from .virtuoso import PASSWORD, Limits, VirtuosoServer, binary

pytestmark = pytest.mark.skipif(
    binary() is None,
    reason="virtuoso-t is not installed (apt-get install virtuoso-opensource; .ci/run does)",
)

LOCAL_QUERIES = [q for q in load_catalogue() if "SERVICE" not in q.text]
JSON_RESULTS = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


def build_into(server: VirtuosoServer, *corpus: str) -> str:
    """``homs-kg build --store`` into the Virtuoso; its output."""
    options = ["--store", server.query_url, "--store-gsp", server.gsp_url, "--base-iri", BASE]
    for folder in corpus:
        options += ["--corpus", folder]
    result = CliRunner().invoke(main, ["build", *options], env=server.credentials)
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    return result.output


@pytest.fixture(scope="module")
def loaded(virtuoso: VirtuosoServer, article_corpus: Path) -> VirtuosoServer:
    started = time.monotonic()
    output = build_into(virtuoso, str(article_corpus))
    seconds = time.monotonic() - started
    print(
        f"Virtuoso started in {virtuoso.start_seconds:.1f} s; build --store: {seconds:.1f} s; "
        f"{output.splitlines()[-1]}"
    )
    return virtuoso


@pytest.fixture(scope="module")
def served(loaded: VirtuosoServer, data_dir: Path) -> Iterator[LiveServer]:
    server = LiveServer(data_dir, "--store", loaded.query_url)
    yield server
    server.stop()


def bindings(server: LiveServer, query: str) -> list[dict]:
    response = requests.post(
        f"{server.url}/sparql", data={"query": query}, timeout=60, headers=JSON_RESULTS
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def test_build_loads_the_graph_with_digest_authentication(loaded: VirtuosoServer) -> None:
    """Virtuoso's writable GSP endpoint asks for digest; the build's graphs are there."""
    refused = requests.put(loaded.gsp_url, params={"graph": "urn:x"}, data=b"", timeout=10)
    assert refused.status_code == 401
    assert "digest" in refused.headers["WWW-Authenticate"].lower()
    query = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f'FILTER(STRSTARTS(STR(?g), "{BASE}graph/build/")) }}'
    )
    answer = requests.get(
        loaded.query_url, params={"query": query}, headers=JSON_RESULTS, timeout=30
    )
    assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) > 6000


def test_a_build_without_credentials_is_one_clear_line(loaded: VirtuosoServer) -> None:
    result = CliRunner().invoke(
        main,
        ["build", "--store", loaded.query_url, "--store-gsp", loaded.gsp_url],
        env={"HOMS_KG_STORE_USER": ""},
    )
    assert result.exit_code == 1
    assert "HOMS_KG_STORE_USER and HOMS_KG_STORE_PASSWORD" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("query", LOCAL_QUERIES, ids=lambda q: q.name)
def test_catalogue_answers_are_the_embedded_stores(
    served: LiveServer, live_server: LiveServer, query: CatalogueQuery
) -> None:
    """The same rows; in the same order as far as the query orders them (rows that tie on the
    ORDER BY keys may come in any order)."""
    remote, embedded = bindings(served, query.text), bindings(live_server, query.text)
    assert remote
    assert sorted(map(repr, remote)) == sorted(map(repr, embedded))
    keys = re.search(r"ORDER BY\s+(?:DESC\()?\?(\w+)", query.text)
    if keys:
        first = keys.group(1)
        values = [r.get(first) for r in embedded]
        kinds = {(v["type"], v.get("datatype"), "xml:lang" in v) for v in values if v}
        if len(kinds) <= 1:  # SPARQL 1.1 Query section 15.1 leaves other kinds' order open
            assert [r.get(first) for r in remote] == values


def test_the_homs_page(served: LiveServer) -> None:
    response = requests.get(f"{served.url}/page/resource/homs", timeout=30)
    assert response.status_code == 200
    assert "حمص" in response.text


def test_an_event_page(served: LiveServer) -> None:
    response = requests.get(f"{served.url}/page/resource/khalidiya-massacre-2012", timeout=30)
    assert response.status_code == 200
    assert "مجزرة الخالدية" in response.text


def test_a_resource_document(served: LiveServer) -> None:
    response = requests.get(f"{served.url}/data/resource/homs.ttl", timeout=30)
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    label = rdflib.Literal("حمص", lang="ar")
    assert (rdflib.URIRef(f"{BASE}resource/homs"), rdflib.RDFS.label, label) in graph


def ground_triples(server: LiveServer, path: str) -> set:
    response = requests.get(f"{server.url}{path}", timeout=60)
    assert response.status_code == 200, response.text
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    return {t for t in graph if not any(isinstance(term, rdflib.BNode) for term in t)}


def described(server: LiveServer, iri: str) -> set:
    response = requests.post(
        f"{server.url}/sparql",
        data={"query": f"DESCRIBE <{iri}>"},
        headers={"Accept": "application/n-triples"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    graph = rdflib.Graph().parse(data=response.text, format="nt")
    return {t for t in graph if not any(isinstance(term, rdflib.BNode) for term in t)}


def test_describe_is_the_stores_own_and_virtuoso_adds_what_points_at_the_resource(
    served: LiveServer, live_server: LiveServer
) -> None:
    """DESCRIBE is the engine's choice (SPARQL 1.1 Query, section 16.4): the embedded store
    gives the resource's own statements; Virtuoso also those whose object it is."""
    homs = rdflib.URIRef(f"{BASE}resource/homs")
    embedded, virtuoso = described(live_server, homs), described(served, homs)
    assert {s for s, _, _ in embedded} == {homs}
    assert embedded < virtuoso
    assert {o for s, _, o in virtuoso - embedded if s != homs} == {homs}


@pytest.mark.parametrize("name", ["homs", "al-waer", "khalidiya-massacre-2012"])
def test_a_document_holds_the_embedded_stores_triples(
    served: LiveServer, live_server: LiveServer, name: str
) -> None:
    """The same triples (blank nodes aside), the selectors of every evidence record included:
    the document's query reaches them by three branches, not by the path
    (oa:hasTarget/oa:hasSelector?)?, which Virtuoso follows for some records only."""
    path = f"/data/resource/{name}.ttl"
    remote, embedded = ground_triples(served, path), ground_triples(live_server, path)
    assert len(embedded) > 100
    assert remote == embedded


def test_ontology_pages_are_the_embedded_stores(
    served: LiveServer, live_server: LiveServer
) -> None:
    """The reference lists a term's relations in one order whatever order the rows come in."""
    for path in ("/page/ontology", "/page/ontology/Person", "/page/ontology/place"):
        remote = requests.get(f"{served.url}{path}", timeout=60)
        embedded = requests.get(f"{live_server.url}{path}", timeout=60)
        assert remote.status_code == embedded.status_code == 200
        assert remote.text == embedded.text, path


@pytest.mark.parametrize("name", ["Facility", "Characterisation", "ReligiousGroup"])
def test_a_browse_list_is_the_embedded_stores(
    served: LiveServer, live_server: LiveServer, name: str
) -> None:
    """In the same order: Virtuoso does not sort by the sub-SELECT's sampled label, so the
    rows are sorted by the server as the query says."""
    path = f"/-/browse/{name}"
    remote = requests.get(f"{served.url}{path}", timeout=60)
    embedded = requests.get(f"{live_server.url}{path}", timeout=60)
    assert remote.status_code == embedded.status_code == 200
    assert remote.text == embedded.text


def test_search(served: LiveServer) -> None:
    response = requests.get(
        f"{served.url}/search",
        params={"q": "الاتاسي"},
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"]


def test_reconciliation(served: LiveServer) -> None:
    batch = {"q0": {"query": "Homs"}}
    response = requests.post(
        f"{served.url}/reconcile", data={"queries": json.dumps(batch)}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.json()["q0"]["result"][0]["id"].endswith("homs")


def test_healthz_names_the_build(served: LiveServer) -> None:
    build = requests.get(f"{served.url}/healthz", timeout=30).json()["build"]
    assert build != "unbuilt" and build[:8].isdigit()


# --- what Virtuoso does differently -----------------------------------------------------------


def same_rows(served: LiveServer, embedded: LiveServer, query: str) -> list[dict]:
    remote, local = bindings(served, query), bindings(embedded, query)
    assert sorted(map(repr, remote)) == sorted(map(repr, local))
    return remote


def test_a_sparql_query_post_hangs_so_a_form_post_is_sent(loaded: VirtuosoServer) -> None:
    """SPARQL 1.1 Protocol section 2.1.3 (POST of application/sparql-query): Virtuoso 7 never
    answers it; the URL-encoded POST of section 2.1.2, which the remote store sends, is answered."""
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
    with pytest.raises(requests.Timeout):
        requests.post(
            loaded.query_url,
            data=query.encode(),
            timeout=2,
            headers={"Content-Type": "application/sparql-query", **JSON_RESULTS},
        )
    form = requests.post(loaded.query_url, data={"query": query}, headers=JSON_RESULTS, timeout=10)
    assert form.status_code == 200


def test_typed_values_and_booleans_read_as_the_embedded_store_gives_them(
    loaded: VirtuosoServer, served: LiveServer, live_server: LiveServer
) -> None:
    approximate = f"<{BASE}ontology/approximateTime>"
    query = f"SELECT ?a WHERE {{ GRAPH ?g {{ ?e {approximate} ?a }} }} LIMIT 1"
    raw = requests.post(
        loaded.query_url, headers=JSON_RESULTS, timeout=10, data={"query": query}
    ).json()
    (cell,) = [row["a"] for row in raw["results"]["bindings"]]
    assert cell == {
        "type": "typed-literal",
        "value": "1",
        "datatype": "http://www.w3.org/2001/XMLSchema#boolean",
    }
    rows = same_rows(served, live_server, f"SELECT ?e ?a WHERE {{ ?e {approximate} ?a }}")
    assert {row["a"]["value"] for row in rows} <= {"true", "false"}
    # xsd:nonNegativeInteger, which Oxigraph stores as xsd:integer
    same_rows(served, live_server, "SELECT ?s ?n WHERE { ?s <http://www.w3.org/ns/oa#start> ?n }")


def test_language_tags_come_back_as_the_embedded_store_writes_them(
    served: LiveServer, live_server: LiveServer
) -> None:
    (row,) = same_rows(served, live_server, 'SELECT ?l WHERE { BIND(STRLANG("x", "en-GB") AS ?l) }')
    assert row["l"]["xml:lang"] == "en-gb"


def test_blank_nodes_are_blank_nodes_not_node_ids(served: LiveServer) -> None:
    rows = bindings(served, "SELECT ?b WHERE { ?s ?p ?b FILTER isBlank(?b) } LIMIT 5")
    assert rows
    for row in rows:
        assert row["b"]["type"] == "bnode" and not row["b"]["value"].startswith("nodeID:")


def test_the_default_graph_holds_no_system_graph(
    loaded: VirtuosoServer, served: LiveServer, live_server: LiveServer
) -> None:
    """Without default-graph-uri Virtuoso's default graph holds its own system graphs; the
    remote store always names the dataset (SPARQL 1.1 Protocol section 2.1.4)."""
    system = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    alone = requests.get(
        loaded.query_url, params={"query": system}, headers=JSON_RESULTS, timeout=30
    ).json()["results"]["bindings"][0]["n"]["value"]
    (row,) = same_rows(served, live_server, system)
    assert int(alone) > int(row["n"]["value"])
    same_rows(served, live_server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")


def test_from_and_default_graph_uri_are_not_combined(
    served: LiveServer, live_server: LiveServer
) -> None:
    """Virtuoso adds the request's default-graph-uri to the query's FROM; by the Protocol
    (section 2.1.4) the request's graphs replace the query's."""
    ontology, source = f"{BASE}graph/ontology", f"{BASE}graph/homs-2017-05-21"
    query = f"SELECT (COUNT(*) AS ?n) FROM <{ontology}> WHERE {{ ?s ?p ?o }}"
    same_rows(served, live_server, query)
    answers = []
    for server in (served, live_server):
        response = requests.get(
            f"{server.url}/sparql",
            headers=JSON_RESULTS,
            timeout=30,
            params={"query": query, "default-graph-uri": source},
        )
        assert response.status_code == 200, response.text
        answers.append(response.json()["results"]["bindings"])
    assert answers[0] == answers[1]
    assert answers[0] != bindings(served, query)


HOMS = "\u062d\u0645\u0635"
ARABIC_AND_DASH = "\u2013" + HOMS  # an en dash and Arabic: outside Latin-1


def test_arabic_in_a_query_reaches_virtuoso_as_written(
    served: LiveServer, live_server: LiveServer
) -> None:
    """The form POST's UTF-8 is read as UTF-8: an Arabic literal matches, and comes back, as
    the embedded store's does (a FILTER on it, a constant in the answer, one sorted)."""
    (row,) = same_rows(
        served,
        live_server,
        f'SELECT ?s ?c WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> "{HOMS}"@ar '
        f'BIND(CONCAT("{ARABIC_AND_DASH}", STR(?s)) AS ?c) }}',
    )
    assert row["s"]["value"] == f"{BASE}resource/homs"
    assert row["c"]["value"].startswith(ARABIC_AND_DASH)
    query = (
        "SELECT DISTINCT ?s ?c WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
        f'FILTER(CONTAINS(?l, "{HOMS}")) BIND(STRDT(CONCAT(STR(?s), "{ARABIC_AND_DASH}"), '
        "<http://www.w3.org/2001/XMLSchema#string>) AS ?c) } ORDER BY ?s"
    )
    rows = same_rows(served, live_server, query)
    assert rows and all(row["c"]["value"].endswith(ARABIC_AND_DASH) for row in rows)


def test_virtuoso_mixes_up_a_non_ascii_constant_in_string_functions(
    loaded: VirtuosoServer,
) -> None:
    """The engine's, not the protocol's: Virtuoso keeps a non-ASCII string constant of the query
    as UTF-8 bytes, read right alone or in a pattern but not by string functions that mix it
    with other strings. When rows are made DISTINCT and sorted (without a LIMIT), STR or CONCAT
    of it loses each character outside Latin-1, "?" for each (openlink/virtuoso-opensource#609),
    unless the result is typed with STRDT(…, xsd:string), the same term in RDF 1.1 (as
    perpetrators.rq does); CONCAT of it with a stored non-ASCII value double-encodes the stored
    value (openlink/virtuoso-opensource#1414), unless the constant is first made a string by
    SUBSTR(…, 1). No catalogue query does the second."""

    def cell(query: str) -> str:
        answer = requests.post(
            loaded.query_url, data={"query": query}, headers=JSON_RESULTS, timeout=30
        )
        return answer.json()["results"]["bindings"][0]["c"]["value"]

    def sorted_cell(expression: str) -> str:
        return cell(
            "SELECT DISTINCT ?s ?c WHERE { ?s <http://schema.org/minValue> ?n "
            f"BIND({expression} AS ?c) }} ORDER BY ?s"
        )

    narrowed = f'CONCAT(STR(?n), "{ARABIC_AND_DASH}")'
    assert sorted_cell(narrowed).endswith("????")
    typed = f"STRDT({narrowed}, <http://www.w3.org/2001/XMLSchema#string>)"
    assert sorted_cell(typed).endswith(ARABIC_AND_DASH)

    def with_label(expression: str) -> str:
        return cell(
            f"SELECT ?c WHERE {{ <{BASE}resource/homs> "
            f'<http://www.w3.org/2000/01/rdf-schema#label> "{HOMS}"@ar, ?l '
            f'FILTER(LANG(?l) = "ar") BIND({expression} AS ?c) }}'
        )

    assert with_label(f'CONCAT(STR(?l), "{ARABIC_AND_DASH}")') != HOMS + ARABIC_AND_DASH
    assert with_label(f'CONCAT(STR(?l), SUBSTR("{ARABIC_AND_DASH}", 1))') == HOMS + ARABIC_AND_DASH


PATH_IN_OPTIONAL = f"""
SELECT ?n ?end WHERE {{
  VALUES ?n {{ <{BASE}resource/al-waer> <{BASE}resource/old-city> }}
  OPTIONAL {{
    ?end a <{BASE}ontology/Evacuation> ; <{BASE}ontology/place> ?n ;
      <{BASE}ontology/participation>/<{BASE}ontology/participant> ?evacuee .
    <{BASE}resource/syrian-opposition> <{BASE}ontology/includesGroup>* ?evacuee .
  }}
}}"""

# the same, as neighbourhoods-control writes it
BY_IRI_STRING = f"""
SELECT ?n ?end WHERE {{
  VALUES ?n {{ <{BASE}resource/al-waer> <{BASE}resource/old-city> }}
  OPTIONAL {{
    ?end a <{BASE}ontology/Evacuation> ; <{BASE}ontology/place> ?n ;
      <{BASE}ontology/participation>/<{BASE}ontology/participant> ?evacuee .
    FILTER(isIRI(?evacuee))
    BIND(STR(?evacuee) AS ?evacueeIri)
    {{ SELECT (STR(?group) AS ?evacueeIri) WHERE {{
        <{BASE}resource/syrian-opposition> <{BASE}ontology/includesGroup>* ?group }} }}
  }}
}}"""


def test_a_path_matched_by_iri_string_in_its_own_sub_query_is_right_in_an_optional(
    served: LiveServer, live_server: LiveServer
) -> None:
    """The way neighbourhoods-control goes around a fault of Virtuoso's (docs/endpoint.md):
    inside an OPTIONAL, a path whose end the OPTIONAL's other patterns bind was matched for one
    evacuation only, repeated (3 rows, not 4) in every run by hand, but right in one run of the
    whole suite, so the fault itself is not pinned: the workaround's rows are."""
    rows = sorted((r["n"]["value"], r["end"]["value"]) for r in bindings(served, BY_IRI_STRING))
    assert len(rows) == 4
    assert rows == sorted(
        (r["n"]["value"], r["end"]["value"]) for r in bindings(live_server, PATH_IN_OPTIONAL)
    )


@pytest.fixture(scope="module")
def limited(
    tmp_path_factory: pytest.TempPathFactory, article_corpus: Path, data_dir: Path
) -> Iterator[LiveServer]:
    """A Virtuoso that cuts answers at 100 rows and stops queries after 1 s, served with a
    row limit of 1000."""
    store = VirtuosoServer(tmp_path_factory.mktemp("virtuoso-limited"), Limits(100, 1))
    try:
        build_into(store, str(article_corpus))
        server = LiveServer(data_dir, "--store", store.query_url, "--max-rows", "1000")
        yield server
        server.stop()
    finally:
        store.stop()


def test_an_answer_cut_by_result_set_max_rows_is_refused(limited: LiveServer) -> None:
    """Virtuoso answers 200 with the first ResultSetMaxRows rows, only X-SPARQL-MaxRows saying
    so: passed on, it would look complete."""
    response = requests.get(
        f"{limited.url}/sparql",
        headers=JSON_RESULTS,
        timeout=30,
        params={"query": "SELECT * WHERE { ?s ?p ?o }"},
    )
    assert response.status_code == 502
    assert "ResultSetMaxRows" in response.text
    whole = requests.get(
        f"{limited.url}/sparql",
        headers=JSON_RESULTS,
        timeout=30,
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 50"},
    )
    assert whole.status_code == 200 and len(whole.json()["results"]["bindings"]) == 50


def test_a_query_stopped_by_the_store_is_refused_not_partial(limited: LiveServer) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    response = requests.get(
        f"{limited.url}/sparql", headers=JSON_RESULTS, timeout=60, params={"query": query}
    )
    assert response.status_code in (502, 504), response.text
    assert "time limit" in response.text


def test_a_partial_anytime_answer_is_refused(loaded: VirtuosoServer) -> None:
    """Virtuoso's "anytime" answer: 200, the rows found so far, X-SQL-State: S1TAT."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    answer = requests.post(
        loaded.query_url, data={"query": query, "timeout": "500"}, headers=JSON_RESULTS, timeout=60
    )
    assert answer.status_code == 200 and answer.headers.get("X-SQL-State") == "S1TAT"
    with pytest.raises(StoreRefused) as refused:
        read_answer(answer, "SELECT", {})
    assert refused.value.reply.status == 504
