"""How the engine writes a document (a graph result whose job has a DocumentShape): the resource
first, then its parts, its evidence and the rest; the graph's prefixes declared."""

from __future__ import annotations

import io

from pyoxigraph import RdfFormat, parse

from homs_kg.graph.vocabulary import MintedIris
from homs_kg.server.engine.results import DocumentShape, write_results

BASE = "http://127.0.0.1:8000/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
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


def written(ntriples: str, rdf_format: RdfFormat, shape: DocumentShape = SHAPE) -> bytes:
    out = io.BytesIO()
    triples = (quad.triple for quad in parse(ntriples.encode(), format=RdfFormat.N_TRIPLES))
    write_results(triples, rdf_format, out, 1000, shape)
    return out.getvalue()


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
