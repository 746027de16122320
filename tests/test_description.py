"""The service's self-description over HTTP: the SPARQL Service Description at /sparql, the VoID
description at /.well-known/void and the dumps at /dumps/, against the real server."""

from __future__ import annotations

import gzip
import http.client
import json
from urllib.parse import urlsplit

import pytest
import requests
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from homs_kg.graph.build import BuildReport

from .conftest import BASE, LiveServer

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
NAMED_GRAPHS = ("homs-2017-05-21", "ontology", "wikidata-links")
GRAPHS = {URIRef(f"{BASE}graph/{name}") for name in NAMED_GRAPHS}
DUMPS = ("homs-kg.nq.gz", "homs-kg.ttl.gz")


def distinct_triples(built: BuildReport) -> int:
    return len({(q.subject, q.predicate, q.object) for q in built.dataset.quads})


def fetch(server: LiveServer, path: str, accept: str | None = None, **headers: str):
    if accept:
        headers["Accept"] = accept
    return requests.get(server.url + path, headers=headers, timeout=30)


def parsed(response: requests.Response, rdf_format: str) -> Graph:
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.content, format=rdf_format)


def raw_status(server: LiveServer, path: str) -> tuple[int, bytes]:
    """GET a path exactly as written (requests would resolve '..' before sending it)."""
    connection = http.client.HTTPConnection(urlsplit(server.url).netloc, timeout=30)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def service_description(live_server: LiveServer) -> Graph:
    response = fetch(live_server, "/sparql", "text/turtle")
    assert response.headers["Content-Type"].startswith("text/turtle")
    return parsed(response, "turtle")


@pytest.fixture(scope="module")
def void(live_server: LiveServer) -> Graph:
    return parsed(fetch(live_server, "/.well-known/void", "text/turtle"), "turtle")


def test_service_description_names_the_endpoint_and_its_dataset(
    service_description: Graph, built: BuildReport
) -> None:
    service = service_description.value(None, SD.endpoint, URIRef(BASE + "sparql"))
    assert service is not None and (service, RDF.type, SD.Service) in service_description
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in service_description
    assert (service, SD.feature, SD.UnionDefaultGraph) in service_description
    assert (service, SD.feature, SD.BasicFederatedQuery) in service_description
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.Turtle, FORMATS["JSON-LD"]} <= set(
        service_description.objects(service, SD.resultFormat)
    )
    dataset = service_description.value(service, SD.defaultDataset)
    default = service_description.value(dataset, SD.defaultGraph)
    assert service_description.value(default, VOID.triples).toPython() == distinct_triples(built)
    names = {
        service_description.value(named, SD.name)
        for named in service_description.objects(dataset, SD.namedGraph)
    }
    assert names == GRAPHS


def test_service_description_as_json_ld_is_the_same_graph(
    service_description: Graph, live_server: LiveServer
) -> None:
    response = fetch(live_server, "/sparql", "application/ld+json")
    assert response.headers["Content-Type"] == "application/ld+json"
    assert response.headers["Vary"] == "Accept"
    assert isomorphic(parsed(response, "json-ld"), service_description)


def test_service_description_in_an_unoffered_format_is_not_acceptable(
    live_server: LiveServer,
) -> None:
    response = fetch(live_server, "/sparql", "image/png")
    assert response.status_code == 406
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 406


def test_void_counts_the_distinct_triples_and_links_the_dumps(
    void: Graph, built: BuildReport
) -> None:
    dataset = URIRef(f"{BASE}.well-known/void#dataset")
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert void.value(dataset, VOID.triples).toPython() == distinct_triples(built)
    assert set(void.objects(dataset, VOID.dataDump)) == {
        URIRef(f"{BASE}dumps/{name}") for name in DUMPS
    }
    assert (dataset, VOID.sparqlEndpoint, URIRef(BASE + "sparql")) in void
    assert (dataset, VOID.uriSpace, Literal(f"{BASE}resource/")) in void
    assert URIRef(f"{BASE}ontology") in set(void.objects(dataset, VOID.vocabulary))


def test_void_has_one_subset_per_named_graph(void: Graph, built: BuildReport) -> None:
    dataset = URIRef(f"{BASE}.well-known/void#dataset")
    subsets = set(void.objects(dataset, VOID.subset))
    named = {void.value(void.value(None, SD.graph, subset), SD.name): subset for subset in subsets}
    assert set(named) == GRAPHS
    sizes = [void.value(subset, VOID.triples).toPython() for subset in subsets]
    assert sum(sizes) == built.triples


def test_void_class_partition_counts_the_persons(void: Graph, select) -> None:
    person = URIRef(f"{BASE}ontology/Person")
    partition = void.value(None, VOID["class"], person)
    assert void.value(partition, VOID.entities).toPython() == 10
    persons = select("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a hkg:Person }")
    assert int(persons[0]["n"]) == 10


def test_void_property_partitions_add_up(void: Graph) -> None:
    dataset = URIRef(f"{BASE}.well-known/void#dataset")
    partitions = list(void.objects(dataset, VOID.propertyPartition))
    assert len(partitions) == void.value(dataset, VOID.properties).toPython()
    total = sum(void.value(p, VOID.triples).toPython() for p in partitions)
    assert total == void.value(dataset, VOID.triples).toPython()


def test_void_as_json_ld_is_the_same_graph(void: Graph, live_server: LiveServer) -> None:
    assert isomorphic(
        parsed(fetch(live_server, "/.well-known/void", "application/ld+json"), "json-ld"), void
    )


def test_void_is_cacheable_and_revalidates(live_server: LiveServer) -> None:
    first = fetch(live_server, "/.well-known/void")
    assert first.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert "public" in first.headers["Cache-Control"] and first.headers["Last-Modified"]
    build = fetch(live_server, "/healthz").json()["build"]
    assert first.headers["ETag"] == f'"{build}-ttl"'
    again = fetch(live_server, "/.well-known/void", **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.content


def test_the_nquads_dump_holds_every_quad(live_server: LiveServer, built: BuildReport) -> None:
    response = fetch(live_server, "/dumps/homs-kg.nq.gz")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/gzip"
    assert response.headers["Content-Disposition"].startswith("attachment")
    dataset = Dataset()
    dataset.parse(data=gzip.decompress(response.content), format="nquads")
    assert len(list(dataset.quads((None, None, None, None)))) == built.triples


def test_the_turtle_dump_holds_the_union(live_server: LiveServer, built: BuildReport) -> None:
    response = fetch(live_server, "/dumps/homs-kg.ttl.gz")
    graph = Graph().parse(data=gzip.decompress(response.content), format="turtle")
    assert len(graph) == distinct_triples(built)


def test_a_dump_revalidates_with_its_etag(live_server: LiveServer) -> None:
    first = fetch(live_server, "/dumps/homs-kg.ttl.gz")
    assert first.headers["ETag"] == f'"{fetch(live_server, "/healthz").json()["build"]}"'
    again = fetch(live_server, "/dumps/homs-kg.ttl.gz", **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.content


def test_the_dump_listing(live_server: LiveServer) -> None:
    response = fetch(live_server, "/dumps/")
    assert response.status_code == 200
    listed = {dump["name"]: dump for dump in response.json()["dumps"]}
    assert set(listed) == set(DUMPS)
    assert listed["homs-kg.nq.gz"]["format"] == "application/n-quads"
    for name, dump in listed.items():
        assert dump["url"] == f"{BASE}dumps/{name}"
        assert dump["bytes"] == len(fetch(live_server, f"/dumps/{name}").content)
        assert f'<{dump["url"]}>; rel="item"' in response.headers["Link"]


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/../pyproject.toml",
        "/dumps/..%2Fpyproject.toml",
        "/dumps/..",
        "/dumps/nope.gz",
        "/dumps/homs-kg.nq",
        "/dumps/%2e%2e%2fpyproject.toml",
    ],
)
def test_anything_but_a_dump_is_not_found(live_server: LiveServer, path: str) -> None:
    status, body = raw_status(live_server, path)
    assert status == 404
    assert json.loads(body)["status"] == 404
