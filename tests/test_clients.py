"""Real clients on their default paths against the real server: SPARQLWrapper with and without a
return format, rdflib's SPARQLStore, rdflib's Graph().parse of every kind of document with and
without each format hint, and pyld over the JSON-LD documents."""

from __future__ import annotations

import csv
import io
import json
from urllib.error import HTTPError
from xml.dom.minidom import Document

import pytest
import rdflib
import requests
from pyld import jsonld
from pyoxigraph import RdfFormat, parse, serialize
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from .conftest import BASE, LiveServer

PERSONS = f"SELECT ?p WHERE {{ ?p a <{BASE}ontology/Person> }} ORDER BY ?p"
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = f"CONSTRUCT {{ ?p ?q ?o }} WHERE {{ ?p a <{BASE}ontology/Person> ; ?q ?o }}"
DESCRIBE = f"DESCRIBE <{BASE}resource/homs>"
COLVIN = (
    rdflib.URIRef(f"{BASE}resource/marie-colvin"),
    RDFS.label,
    rdflib.Literal("Marie Colvin", lang="en"),
)
HOMS = rdflib.URIRef(f"{BASE}resource/homs")
HOMS_LABEL = (HOMS, RDFS.label, rdflib.Literal("Homs", lang="en"))
GRAPH_QUERIES = {"CONSTRUCT": (CONSTRUCT, COLVIN), "DESCRIBE": (DESCRIBE, HOMS_LABEL)}

HKG = rdflib.Namespace(f"{BASE}ontology/")
SCHEMA_VALUE = rdflib.URIRef("http://schema.org/value")
MASSACRE = rdflib.URIRef(f"{BASE}resource/khalidiya-massacre-2012")
EVIDENCE = rdflib.URIRef(f"{BASE}evidence/homs-2017-05-21/homs")
OA_HAS_BODY = rdflib.URIRef("http://www.w3.org/ns/oa#hasBody")
# Every kind of document, by the IRI a client is given, with a triple it must hold.
DOCUMENTS = {
    "resource": ("resource/homs", (HOMS, RDFS.label, rdflib.Literal("حمص", lang="ar"))),
    "hash part": (
        "resource/khalidiya-massacre-2012#killed",
        (rdflib.URIRef(f"{MASSACRE}#killed"), SCHEMA_VALUE, rdflib.Literal(340)),
    ),
    "event": ("resource/khalidiya-massacre-2012", (MASSACRE, RDF.type, HKG.Massacre)),
    "source": (
        "source/homs-2017-05-21",
        (
            rdflib.URIRef(f"{BASE}source/homs-2017-05-21"),
            DCTERMS.issued,
            rdflib.Literal("2017-05-21", datatype=rdflib.XSD.date),
        ),
    ),
    "evidence": ("evidence/homs-2017-05-21/homs", (EVIDENCE, OA_HAS_BODY, HOMS)),
    "ontology term": ("ontology/Massacre", (HKG.Massacre, RDF.type, OWL.Class)),
    "ontology": ("ontology", (rdflib.URIRef(f"{BASE}ontology"), RDF.type, OWL.Ontology)),
    "named graph": (
        "graph/wikidata-links",
        (HOMS, OWL.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q131301")),
    ),
}
# rdflib's hints that choose its Accept header (rdflib.parser.URLInputSource); without a hint it
# asks for every media type it parses. (n3 and trig read the Turtle document.)
HINTS = [None, "xml", "turtle", "ttl", "nt", "n3", "trig", "json-ld"]


def wrapper(server: LiveServer, query: str, return_format: str | None = None, method: str = "GET"):
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    if return_format:
        client.setReturnFormat(return_format)
    client.setMethod(method)
    return client.query()


# --- SPARQLWrapper: SELECT and ASK ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_by_default_gives_an_xml_document(
    live_server: LiveServer, method: str
) -> None:
    document = wrapper(live_server, PERSONS, method=method).convert()
    assert isinstance(document, Document)
    assert len(document.getElementsByTagName("result")) == 10


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


def test_sparqlwrapper_ask_by_default_gives_an_xml_document(live_server: LiveServer) -> None:
    document = wrapper(live_server, ASK).convert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "true"


def test_sparqlwrapper_ask(live_server: LiveServer) -> None:
    assert wrapper(live_server, ASK, JSON).convert()["boolean"] is True


# --- SPARQLWrapper: CONSTRUCT and DESCRIBE -------------------------------------------------------


@pytest.mark.parametrize("form", sorted(GRAPH_QUERIES))
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_graph_query_by_default_gives_a_graph(
    live_server: LiveServer, form: str, method: str
) -> None:
    """Its default sends Accept: application/rdf+xml and format=xml: RDF/XML, which it parses."""
    query, triple = GRAPH_QUERIES[form]
    graph = wrapper(live_server, query, method=method).convert()
    assert isinstance(graph, rdflib.Graph) and triple in graph


@pytest.mark.parametrize("form", sorted(GRAPH_QUERIES))
@pytest.mark.parametrize("return_format", [RDFXML, XML, JSONLD])
def test_sparqlwrapper_graph_formats_it_parses_give_a_graph(
    live_server: LiveServer, form: str, return_format: str
) -> None:
    query, triple = GRAPH_QUERIES[form]
    graph = wrapper(live_server, query, return_format).convert()
    assert isinstance(graph, rdflib.Graph) and triple in graph


@pytest.mark.filterwarnings("ignore:Sending Accept header:RuntimeWarning")
@pytest.mark.parametrize("form", sorted(GRAPH_QUERIES))
def test_sparqlwrapper_json_of_a_graph_query_is_json_ld(live_server: LiveServer, form: str) -> None:
    """SPARQLWrapper warns that it sends Accept: */* with format=json; for a graph, JSON is
    JSON-LD, which it parses."""
    query, triple = GRAPH_QUERIES[form]
    result = wrapper(live_server, query, JSON)
    assert result.info()["content-type"] == "application/ld+json"
    assert triple in result.convert()


@pytest.mark.parametrize("form", sorted(GRAPH_QUERIES))
@pytest.mark.parametrize("return_format", [TURTLE, N3])
def test_sparqlwrapper_turtle_and_n3_come_as_bytes(
    live_server: LiveServer, form: str, return_format: str
) -> None:
    query, triple = GRAPH_QUERIES[form]
    body = wrapper(live_server, query, return_format).convert()
    assert isinstance(body, bytes)
    assert triple in rdflib.Graph().parse(data=body, format=return_format)


# --- rdflib's SPARQLStore ------------------------------------------------------------------------


@pytest.mark.parametrize("return_format", ["xml", "json", "csv"])
def test_rdflib_sparqlstore_select(live_server: LiveServer, return_format: str) -> None:
    store = SPARQLStore(f"{live_server.url}/sparql", returnFormat=return_format)
    rows = list(rdflib.Graph(store=store).query(PERSONS))
    assert len(rows) == 10
    assert str(rows[0][0]) == f"{BASE}resource/bashar-al-assad"


@pytest.mark.parametrize("form", sorted(GRAPH_QUERIES))
def test_rdflib_sparqlstore_graph_queries(live_server: LiveServer, form: str) -> None:
    query, triple = GRAPH_QUERIES[form]
    store = SPARQLStore(f"{live_server.url}/sparql")
    assert triple in rdflib.Graph(store=store).query(query).graph


def test_rdflib_sparqlstore_json_for_a_graph_query_is_refused_with_the_graph_formats(
    live_server: LiveServer,
) -> None:
    """returnFormat="json" asks for SPARQL results JSON alone, which a CONSTRUCT cannot give and
    rdflib could not read as a graph: a 406 that names the formats it can have."""
    store = SPARQLStore(f"{live_server.url}/sparql", returnFormat="json")
    with pytest.raises(ValueError) as refused:  # rdflib hides the HTTP error behind its own
        rdflib.Graph(store=store).query(CONSTRUCT)
    answer = refused.value.__context__
    assert isinstance(answer, HTTPError) and answer.code == 406
    assert "text/turtle" in answer.read().decode()


@pytest.mark.parametrize("return_format", ["xml", "json"])
def test_rdflib_sparqlstore_ask(live_server: LiveServer, return_format: str) -> None:
    store = SPARQLStore(f"{live_server.url}/sparql", returnFormat=return_format)
    assert bool(rdflib.Graph(store=store).query(ASK)) is True


def test_rdflib_sparqlstore_triples(live_server: LiveServer) -> None:
    store = SPARQLStore(f"{live_server.url}/sparql")
    labels = set(rdflib.Graph(store=store).triples((COLVIN[0], RDFS.label, None)))
    assert COLVIN in labels


# --- rdflib's Graph().parse of every kind of document --------------------------------------------


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
@pytest.mark.parametrize("hint", HINTS)
def test_rdflib_parses_every_kind_of_document_from_its_iri(
    live_server: LiveServer, kind: str, hint: str | None
) -> None:
    path, triple = DOCUMENTS[kind]
    assert triple in rdflib.Graph().parse(f"{live_server.url}/{path}", format=hint)


# --- pyld over the JSON-LD documents -------------------------------------------------------------


def json_ld_document(server: LiveServer, kind: str) -> dict:
    path = DOCUMENTS[kind][0].split("#")[0]
    return requests.get(f"{server.url}/data/{path}.jsonld", timeout=30).json()


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_pyld_expands_each_json_ld_document_to_the_rdf_of_the_expanded_one(
    live_server: LiveServer, kind: str
) -> None:
    """The expanded one: the document's triples as pyoxigraph writes JSON-LD (no context)."""
    path = DOCUMENTS[kind][0].split("#")[0]
    ntriples = requests.get(f"{live_server.url}/data/{path}.nt", timeout=30).content
    expanded_one = serialize(parse(ntriples, format=RdfFormat.N_TRIPLES), format=RdfFormat.JSON_LD)
    ours = jsonld.expand(json_ld_document(live_server, kind))
    assert isomorphic(
        rdflib.Graph().parse(data=json.dumps(ours), format="json-ld"),
        rdflib.Graph().parse(data=expanded_one, format="json-ld"),
    )


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_pyld_compacts_each_json_ld_document_back_to_itself(
    live_server: LiveServer, kind: str
) -> None:
    document = json_ld_document(live_server, kind)
    assert jsonld.compact(jsonld.expand(document), {"@context": document["@context"]}) == document
