"""Real SPARQL clients against the real server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from .conftest import BASE, LiveServer

PERSONS = f"SELECT ?p WHERE {{ ?p a <{BASE}ontology/Person> }} ORDER BY ?p"
CONSTRUCT = f"CONSTRUCT {{ ?p ?q ?o }} WHERE {{ ?p a <{BASE}ontology/Person> ; ?q ?o }}"
COLVIN = (rdflib.URIRef(f"{BASE}resource/marie-colvin"), rdflib.RDFS.label,
          rdflib.Literal("Marie Colvin", lang="en"))  # fmt: skip


def wrapper(server: LiveServer, query: str, return_format: str, method: str = "GET"):
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setMethod(method)
    return client.query()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(live_server: LiveServer, method: str) -> None:
    body = wrapper(live_server, PERSONS, JSON, method).convert()
    assert len(body["results"]["bindings"]) == 10


def test_sparqlwrapper_xml(live_server: LiveServer) -> None:
    document = wrapper(live_server, PERSONS, XML).convert()
    assert len(document.getElementsByTagName("result")) == 10


def test_sparqlwrapper_csv(live_server: LiveServer) -> None:
    rows = list(csv.reader(io.StringIO(wrapper(live_server, PERSONS, CSV).convert().decode())))
    assert len(rows) == 11


def test_sparqlwrapper_tsv(live_server: LiveServer) -> None:
    lines = wrapper(live_server, PERSONS, TSV).convert().decode().splitlines()
    assert lines[0] == "?p" and len(lines) == 11


@pytest.mark.parametrize("return_format", [TURTLE, N3, RDFXML, JSONLD])
def test_sparqlwrapper_construct(live_server: LiveServer, return_format: str) -> None:
    result = wrapper(live_server, CONSTRUCT, return_format).convert()
    graph = (
        result
        if isinstance(result, rdflib.Graph)
        else rdflib.Graph().parse(
            data=result, format="turtle" if return_format in (TURTLE, N3) else "json-ld"
        )
    )
    assert COLVIN in graph


def test_sparqlwrapper_ask(live_server: LiveServer) -> None:
    assert wrapper(live_server, "ASK { ?s ?p ?o }", JSON).convert()["boolean"] is True


@pytest.mark.parametrize("return_format", ["xml", "json", "csv"])
def test_rdflib_sparqlstore_select(live_server: LiveServer, return_format: str) -> None:
    store = SPARQLStore(f"{live_server.url}/sparql", returnFormat=return_format)
    rows = list(rdflib.Graph(store=store).query(PERSONS))
    assert len(rows) == 10
    assert str(rows[0][0]) == f"{BASE}resource/bashar-al-assad"


def test_rdflib_sparqlstore_construct(live_server: LiveServer) -> None:
    store = SPARQLStore(f"{live_server.url}/sparql")
    graph = rdflib.Graph(store=store).query(CONSTRUCT).graph
    assert COLVIN in graph


def test_rdflib_sparqlstore_ask(live_server: LiveServer) -> None:
    store = SPARQLStore(f"{live_server.url}/sparql")
    assert bool(rdflib.Graph(store=store).query("ASK { ?s ?p ?o }")) is True


def test_rdflib_sparqlstore_triples(live_server: LiveServer) -> None:
    store = SPARQLStore(f"{live_server.url}/sparql")
    labels = set(rdflib.Graph(store=store).triples((COLVIN[0], rdflib.RDFS.label, None)))
    assert COLVIN in labels
