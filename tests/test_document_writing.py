"""How the engine writes a document (a graph result whose job has a DocumentShape): the resource
first, then its parts, its evidence and the rest; the graph's prefixes declared; and JSON-LD
compacted with the context of those prefixes, exactly as a JSON-LD 1.1 processor (pyld) compacts
the expanded form: expanding it gives the same RDF, compacting that again gives it back."""

from __future__ import annotations

import io
import json

import pytest
import rdflib
from pyld import jsonld
from pyoxigraph import RdfFormat, parse
from rdflib.compare import isomorphic

from homs_kg.graph.vocabulary import MintedIris
from homs_kg.server.engine.results import DocumentShape, write_results

BASE = "http://127.0.0.1:8000/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
IRIS = MintedIris(BASE)
HOMS = f"{BASE}resource/homs"
SHAPE = DocumentShape(tuple(IRIS.prefixes().items()), HOMS, (f"{BASE}evidence/",))

# The document of Homs in small, its subjects out of order as a CONSTRUCT may give them.
HOMS_DOCUMENT = f"""
<{BASE}evidence/homs-2017-05-21/homs> <http://www.w3.org/ns/oa#hasTarget> <{BASE}evidence/homs-2017-05-21/homs#target> .
<{BASE}resource/tank-deployment-2011> <{BASE}ontology/place> <{HOMS}> .
<{HOMS}#capital-of-the-revolution> <http://www.w3.org/2000/01/rdf-schema#label> "عاصمة الثورة"@ar .
<{HOMS}> <http://www.w3.org/2000/01/rdf-schema#label> "حمص"@ar .
<{BASE}evidence/homs-2017-05-21/homs#target> <http://www.w3.org/ns/oa#hasSource> <{BASE}source/homs-2017-05-21> .
<{HOMS}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{BASE}ontology/City> .
<{HOMS}> <http://www.w3.org/2000/01/rdf-schema#label> "Homs"@en .
<{HOMS}> <{BASE}ontology/nickname> <{HOMS}#capital-of-the-revolution> .
<{HOMS}> <{BASE}ontology/evidence> <{BASE}evidence/homs-2017-05-21/homs> .
<{HOMS}> <http://www.w3.org/2000/01/rdf-schema#label> "Homs"@en .
"""  # noqa: E501
KILLED = f"""
<{BASE}resource/khalidiya-massacre-2012#killed> <http://schema.org/value> "340"^^<http://www.w3.org/2001/XMLSchema#integer> .
<{BASE}resource/khalidiya-massacre-2012#killed> <http://schema.org/description> "killed" .
<{BASE}resource/khalidiya-massacre-2012#killed> <{BASE}ontology/date> "2012-03-11"^^<http://www.w3.org/2001/XMLSchema#date> .
"""  # noqa: E501
# What compaction must not get wrong: a namespace's own IRI, an IRI whose scheme is a prefix's
# name, blank nodes as subject, object and type, a literal as a type.
EDGES = f"""
<{BASE}resource/> <http://schema.org/> <{BASE}resource/> .
<hkg:not-a-compact-iri> <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q131301> .
_:shape <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> _:class .
_:shape <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "not a class" .
<{HOMS}> <http://www.w3.org/2004/02/skos/core#related> _:shape .
"""  # noqa: E501
GRAPHS = {"homs": HOMS_DOCUMENT, "one node": KILLED, "edge cases": EDGES}


def written(ntriples: str, rdf_format: RdfFormat, shape: DocumentShape = SHAPE) -> bytes:
    out = io.BytesIO()
    triples = (quad.triple for quad in parse(ntriples.encode(), format=RdfFormat.N_TRIPLES))
    write_results(triples, rdf_format, out, 1000, shape)
    return out.getvalue()


def compacted(ntriples: str) -> dict:
    return json.loads(written(ntriples, RdfFormat.JSON_LD))


def graph_of(data: str | bytes, rdf_format: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format=rdf_format)


def test_turtle_declares_the_prefixes_then_describes_the_resource() -> None:
    lines = written(HOMS_DOCUMENT, RdfFormat.TURTLE).decode().splitlines()
    prefixes = [line for line in lines if line.startswith("@prefix")]
    assert lines[: len(prefixes)] == prefixes
    assert "@prefix hkg: <http://127.0.0.1:8000/ontology/> ." in prefixes
    assert lines[len(prefixes)] == "res:homs a hkg:City ;"


def test_subjects_come_resource_then_parts_then_evidence_then_the_rest() -> None:
    lines = written(HOMS_DOCUMENT, RdfFormat.N_TRIPLES).decode().splitlines()
    subjects = list(dict.fromkeys(line.split(" ")[0] for line in lines))
    assert subjects == [
        f"<{HOMS}>",
        f"<{HOMS}#capital-of-the-revolution>",
        f"<{BASE}evidence/homs-2017-05-21/homs>",
        f"<{BASE}evidence/homs-2017-05-21/homs#target>",
        f"<{BASE}resource/tank-deployment-2011>",
    ]


def test_a_subjects_type_comes_first_and_a_repeated_triple_once() -> None:
    lines = written(HOMS_DOCUMENT, RdfFormat.N_TRIPLES).decode().splitlines()
    assert lines[0] == f"<{HOMS}> <{RDF_TYPE}> <{BASE}ontology/City> ."
    assert sum(line.endswith('"Homs"@en .') for line in lines) == 1


def test_rdf_xml_declares_the_prefixes() -> None:
    document = written(HOMS_DOCUMENT, RdfFormat.RDF_XML).decode()
    assert f'xmlns:res="{BASE}resource/"' in document
    assert f'<hkg:City rdf:about="{HOMS}">' in document


def test_json_ld_is_compacted_with_the_graphs_prefixes_as_context() -> None:
    document = compacted(HOMS_DOCUMENT)
    assert document["@context"] == IRIS.prefixes()
    assert document["@graph"][0] == {
        "@id": "res:homs",
        "@type": "hkg:City",
        "hkg:evidence": {"@id": "ev:homs-2017-05-21/homs"},
        "hkg:nickname": {"@id": "res:homs#capital-of-the-revolution"},
        "rdfs:label": [{"@value": "Homs", "@language": "en"}, {"@value": "حمص", "@language": "ar"}],
    }


def test_a_lone_node_is_the_json_ld_document_itself() -> None:
    assert compacted(KILLED) == {
        "@context": IRIS.prefixes(),
        "@id": "res:khalidiya-massacre-2012#killed",
        "schema:description": "killed",
        "schema:value": {"@value": "340", "@type": "xsd:integer"},
        "hkg:date": {"@value": "2012-03-11", "@type": "xsd:date"},
    }


def test_an_iri_that_would_read_as_a_compact_iri_drops_its_prefix_from_the_context() -> None:
    document = compacted(EDGES)
    assert document["@context"] == {k: v for k, v in IRIS.prefixes().items() if k != "hkg"}
    assert {"@id": "hkg:not-a-compact-iri", "owl:sameAs": {"@id": "wd:Q131301"}} in (
        document["@graph"]
    )


def test_a_suffix_that_would_read_as_an_authority_is_not_compacted() -> None:
    """IRI Compaction (JSON-LD 1.1 API §6.2) would write wd://Q1, which IRI Expansion (§5.2)
    reads as the absolute IRI wd://Q1: the IRI stays whole."""
    triple = f"<{HOMS}> <{SAME_AS}> <http://www.wikidata.org/entity///Q1> ."
    document = compacted(triple)
    assert document["owl:sameAs"] == {"@id": "http://www.wikidata.org/entity///Q1"}
    expanded = json.dumps(jsonld.expand(document))
    assert isomorphic(graph_of(expanded, "json-ld"), graph_of(triple, "nt"))


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_expanding_the_json_ld_gives_the_same_rdf(name: str) -> None:
    expanded = jsonld.expand(compacted(GRAPHS[name]))
    assert isomorphic(graph_of(json.dumps(expanded), "json-ld"), graph_of(GRAPHS[name], "nt"))


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_pyld_compacts_the_expanded_json_ld_back_to_ours(name: str) -> None:
    ours = compacted(GRAPHS[name])
    assert jsonld.compact(jsonld.expand(ours), {"@context": ours["@context"]}) == ours


def test_a_named_graph_has_no_resource_to_order_around_its_subjects_go_by_iri() -> None:
    shape = DocumentShape(tuple(IRIS.prefixes().items()))
    lines = written(HOMS_DOCUMENT, RdfFormat.N_TRIPLES, shape).decode().splitlines()
    subjects = list(dict.fromkeys(line.split(" ")[0] for line in lines))
    assert subjects == [
        f"<{BASE}evidence/homs-2017-05-21/homs>",
        f"<{BASE}evidence/homs-2017-05-21/homs#target>",
        f"<{HOMS}>",
        f"<{HOMS}#capital-of-the-revolution>",
        f"<{BASE}resource/tank-deployment-2011>",
    ]
