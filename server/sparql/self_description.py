"""The service's description of itself, in RDF: the SPARQL Service Description and VoID.

- SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/), §2: a GET
  on the endpoint without a query answers with the description, in RDF, by content negotiation.
- VoID (https://www.w3.org/TR/void/) at /.well-known/void (server/sparql/description.py serves
  it): statistics, access, partitions.

Counts come from SPARQL over the live store; descriptions are computed once per build.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import Response, request
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize
from werkzeug.exceptions import NotAcceptable

from homs_kg.graph.vocabulary import DCTERMS, RDF, RDFS, XSD, MintedIris, Namespace
from homs_kg.server.engine.formats import GRAPH_FORMATS, SOLUTION_FORMATS, essence, negotiate
from homs_kg.server.engine.results import in_memory
from homs_kg.server.stores.interface import SparqlStore, select_rows
from homs_kg.server.web.context import build_cached, current_config, current_iris, current_store

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
PREFIXES = {
    "sd": SD.iri,
    "void": VOID.iri,
    "formats": FORMATS.iri,
    "ent": ENTAILMENT.iri,
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "dcterms": DCTERMS.iri,
    "xsd": XSD.iri,
}
OFFERED = [RdfFormat.TURTLE, RdfFormat.JSON_LD]  # Turtle first: the answer to */* or no Accept
VOID_PATH = ".well-known/void"
# "Unique URIs for File Formats" (SD §3.2.14, sd:resultFormat), by media type.
FORMAT_NAMES = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "text/turtle": "Turtle",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "application/n-triples": "N-Triples",
    "text/csv": "SPARQL_Results_CSV",
    "application/rdf+xml": "RDF_XML",
    "text/n3": "N3",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "application/ld+json": "JSON-LD",
    "application/n-quads": "N-Quads",
    "application/trig": "TriG",
}
UNION_NOTE = (
    "Without default-graph-uri or named-graph-uri parameters (or FROM / FROM NAMED clauses) the "
    "default graph is the union of all the named graphs; a request that names graphs gets those."
)
ABOUT = (
    "A linked-open-data knowledge graph of an Arabic news profile of Homs (21 May 2017): its "
    "entities, events, times and counts, each statement with its Arabic evidence."
)
LICENSE = NamedNode("https://creativecommons.org/publicdomain/zero/1.0/")  # as pyproject.toml
LICENSE_NOTE = (
    "The graph, its ontology and its code are dedicated to the public domain (CC0 1.0). The Arabic "
    "source text it quotes as evidence is not: it belongs to its publisher, and is quoted only as "
    "the evidence of each statement."
)

# VoID "Describing dataset statistics", over the distinct triples of the union of the named graphs
# (the endpoint's default graph). Only IRI classes are counted as classes.
DISTINCT = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"
TOTALS = (
    "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)"
    f" (COUNT(DISTINCT ?o) AS ?objects) WHERE {{ {DISTINCT} }}"
)
# void:entities: VoID calls an entity a resource with a URI, so these are the distinct IRI subjects
# with an rdf:type; typed blank nodes (Web Annotation targets and selectors) are not counted.
ENTITIES = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?s) && isIRI(?c)) }"
GRAPHS = "SELECT ?g (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
CLASSES = (
    "SELECT ?c (COUNT(*) AS ?instances) (SUM(IF(isIRI(?s), 1, 0)) AS ?entities)"
    " WHERE { SELECT DISTINCT ?s ?c WHERE { ?s a ?c FILTER isIRI(?c) } } GROUP BY ?c ORDER BY ?c"
)
PROPERTIES = f"SELECT ?p (COUNT(*) AS ?triples) WHERE {{ {DISTINCT} }} GROUP BY ?p ORDER BY ?p"


@dataclass(frozen=True)
class Statistics:
    triples: int
    entities: int
    subjects: int
    objects: int
    graphs: list[tuple[str, int]]  # graph IRI, triples
    classes: list[tuple[str, int, int]]  # class IRI, distinct instances, of which IRIs
    properties: list[tuple[str, int]]  # property IRI, distinct triples


def statistics(store: SparqlStore) -> Statistics:
    """The dataset's statistics, counted over the live store."""
    totals = select_rows(store, TOTALS)[0]
    return Statistics(
        triples=int(totals["triples"]),
        entities=int(select_rows(store, ENTITIES)[0]["n"]),
        subjects=int(totals["subjects"]),
        objects=int(totals["objects"]),
        graphs=[(r["g"], int(r["triples"])) for r in select_rows(store, GRAPHS)],
        classes=[
            (r["c"], int(r["instances"]), int(r["entities"])) for r in select_rows(store, CLASSES)
        ],
        properties=[(r["p"], int(r["triples"])) for r in select_rows(store, PROPERTIES)],
    )


def build_statistics() -> Statistics:
    """The live build's statistics, counted once per build."""
    store = current_store()
    return build_cached("statistics", (), lambda: statistics(store))


def dataset_iri(minted: MintedIris) -> NamedNode:
    """The VoID dataset (and the SD default graph). VoID leaves its IRI to the publisher; a
    fragment of the VoID document keeps it under the base IRI and dereferenceable."""
    return NamedNode(f"{minted.base}{VOID_PATH}#dataset")


def graph_iri(minted: MintedIris, graph: str) -> NamedNode:
    """A named graph's description: its VoID subset, and the sd:graph of its sd:NamedGraph."""
    name = graph.removeprefix(minted.graph("").value)
    return NamedNode(f"{minted.base}{VOID_PATH}#graph-{quote(name, safe='')}")


def named_graphs(stats: Statistics, minted: MintedIris) -> list[Triple]:
    """SD §3.3.11 sd:NamedGraph: its name (§3.2.18) and graph description (§3.2.19), the latter
    an sd:Graph (§3.3.10) described with VoID, as in the SD §4 example."""
    triples = []
    for index, (graph, size) in enumerate(stats.graphs):
        named, described = BlankNode(f"named-graph-{index}"), graph_iri(minted, graph)
        triples += [
            Triple(named, RDF.type, SD.NamedGraph),
            Triple(named, SD.name, NamedNode(graph)),
            Triple(named, SD.graph, described),
            Triple(described, RDF.type, SD.Graph),
            Triple(described, RDF.type, VOID.Dataset),
            Triple(described, VOID.triples, Literal(size)),
        ]
    return triples


def result_formats(service_node: BlankNode) -> list[Triple]:
    """SD §3.2.14: W3C format IRIs; a format without one by its media type and suffix."""
    triples = []
    for fmt in [*SOLUTION_FORMATS, *GRAPH_FORMATS]:
        media, suffix = essence(fmt.media_type), fmt.file_extension
        name = FORMAT_NAMES.get(media)
        node = FORMATS[name] if name else BlankNode(f"format-{suffix}")
        triples.append(Triple(service_node, SD.resultFormat, node))
        if not name:
            triples += [
                Triple(node, FORMATS.media_type, Literal(media)),
                Triple(node, FORMATS.preferred_suffix, Literal(f".{suffix}")),
            ]
    return triples


def service_triples(stats: Statistics, minted: MintedIris) -> list[Triple]:
    service_node, dataset, default = BlankNode("service"), BlankNode("dataset"), dataset_iri(minted)
    root = minted.base
    return [
        Triple(service_node, RDF.type, SD.Service),  # §3.3.1
        Triple(service_node, SD.endpoint, NamedNode(root + "sparql")),  # §3.2.1, required by §5
        Triple(service_node, SD.supportedLanguage, SD.SPARQL11Query),  # §3.2.10, §3.4.2: no Update
        Triple(service_node, SD.feature, SD.UnionDefaultGraph),  # §3.2.2, §3.4.5
        Triple(service_node, RDFS.comment, Literal(UNION_NOTE, language="en")),
        Triple(service_node, SD.feature, SD.BasicFederatedQuery),  # §3.4.8: SERVICE (allowlisted)
        Triple(service_node, SD.defaultEntailmentRegime, ENTAILMENT.Simple),  # §3.2.3
        *result_formats(service_node),
        Triple(service_node, SD.defaultDataset, dataset),  # §3.2.12
        Triple(dataset, RDF.type, SD.Dataset),  # §3.3.9
        Triple(dataset, SD.defaultGraph, default),  # §3.2.16: the union of the named graphs
        *[
            Triple(dataset, SD.namedGraph, BlankNode(f"named-graph-{index}"))  # §3.2.17
            for index in range(len(stats.graphs))
        ],
        Triple(default, RDF.type, SD.Graph),
        Triple(default, VOID.triples, Literal(stats.triples)),
        Triple(default, RDFS.seeAlso, NamedNode(root + VOID_PATH)),  # the VoID description
        *named_graphs(stats, minted),
    ]


def vocabularies(stats: Statistics, minted: MintedIris) -> list[NamedNode]:
    """VoID void:vocabulary: the namespaces of the classes and properties used (ours by the
    ontology's IRI)."""
    terms = [c for c, _, _ in stats.classes] + [p for p, _ in stats.properties]
    used = {term[: max(term.rfind("#"), term.rfind("/")) + 1] for term in terms}
    return [minted.ontology if ns == minted.hkg.iri else NamedNode(ns) for ns in sorted(used)]


def void_triples(
    stats: Statistics, minted: MintedIris, dumps: list[str], built_at: datetime.datetime
) -> list[Triple]:
    d, root = dataset_iri(minted), minted.base
    rows: list[tuple[Any, NamedNode, Any]] = [
        (d, RDF.type, VOID.Dataset),
        # General metadata (VoID "Dublin Core Metadata Terms", "Licensing a dataset")
        (d, DCTERMS.title, Literal("homs-kg", language="en")),
        (d, DCTERMS.description, Literal(ABOUT, language="en")),
        (d, DCTERMS.license, LICENSE),
        (d, RDFS.comment, Literal(LICENSE_NOTE, language="en")),
        (d, DCTERMS.modified, Literal(built_at.isoformat(), datatype=XSD.dateTime)),
        # Access (VoID "SPARQL endpoints", "Data dumps"), structure ("URI space", "Vocabularies")
        (d, VOID.sparqlEndpoint, NamedNode(root + "sparql")),
        *[(d, VOID.dataDump, NamedNode(f"{root}dumps/{name}")) for name in dumps],
        (d, VOID.uriSpace, Literal(minted.base + "resource/")),
        *[(d, VOID.vocabulary, vocabulary) for vocabulary in vocabularies(stats, minted)],
        # Statistics (VoID "Describing dataset statistics")
        (d, VOID.triples, Literal(stats.triples)),
        (d, VOID.entities, Literal(stats.entities)),
        (d, VOID.classes, Literal(len(stats.classes))),
        (d, VOID.properties, Literal(len(stats.properties))),
        (d, VOID.distinctSubjects, Literal(stats.subjects)),
        (d, VOID.distinctObjects, Literal(stats.objects)),
        # A subset per named graph (VoID "Describing dataset subsets"), named as SD §3.3.11 does
        *[(d, VOID.subset, graph_iri(minted, graph)) for graph, _ in stats.graphs],
    ]
    return [Triple(*row) for row in rows] + partitions(d, stats) + named_graphs(stats, minted)


def partitions(d: NamedNode, stats: Statistics) -> list[Triple]:
    """VoID class- and property-based partitions: per class its entities (IRI instances) and its
    distinct subjects (all instances, blank nodes too); per property its distinct triples."""
    triples = []
    for index, (cls, instances, entities) in enumerate(stats.classes):
        node = BlankNode(f"class-{index}")
        triples += [
            Triple(d, VOID.classPartition, node),
            Triple(node, VOID["class"], NamedNode(cls)),
            Triple(node, VOID.entities, Literal(entities)),
            Triple(node, VOID.distinctSubjects, Literal(instances)),
        ]
    for index, (prop, size) in enumerate(stats.properties):
        node = BlankNode(f"property-{index}")
        triples += [
            Triple(d, VOID.propertyPartition, node),
            Triple(node, VOID.property, NamedNode(prop)),
            Triple(node, VOID.triples, Literal(size)),
        ]
    return triples


def by_subject(triples: list[Triple]) -> list[Triple]:
    """Each subject's triples together, subjects in order of first mention: readable Turtle."""
    first: dict[Any, int] = {}
    for triple in triples:
        first.setdefault(triple.subject, len(first))
    return sorted(triples, key=lambda triple: first[triple.subject])


def chosen_format() -> RdfFormat:
    """Turtle or JSON-LD by the Accept header (SD §2: content negotiation)."""
    chosen = negotiate(request.headers.get("Accept"), list(OFFERED))
    if not isinstance(chosen, RdfFormat):
        offered = ", ".join(f.media_type for f in OFFERED)
        raise NotAcceptable(f"no acceptable format; this resource is offered as {offered}")
    return chosen


def cacheable(response: Response, etag: str, negotiated: bool = True) -> Response:
    """Validators and freshness of an answer that changes only with the build."""
    response.set_etag(etag)
    response.last_modified = current_store().built_at
    response.cache_control.public = True
    response.cache_control.max_age = current_config().cache_seconds
    if negotiated:
        response.vary.add("Accept")
    response.make_conditional(request)  # in place: it returns the response
    return response


def rdf_answer(kind: str, build: Callable[[Statistics, MintedIris], list[Triple]]) -> Response:
    """The description ``kind`` in the negotiated format, cached per build. The ETag is the
    build id and the format, as each representation needs its own (RFC 9110 §8.8.3); its URLs
    are under the base IRI, the same for every request."""
    fmt, build_id, minted = chosen_format(), current_store().build_id, current_iris()

    def render() -> bytes:
        triples = by_subject(build(build_statistics(), minted))
        return in_memory(serialize(triples, format=fmt, prefixes=PREFIXES))

    body = build_cached("description", (kind, fmt.file_extension), render)
    media = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    return cacheable(Response(body, content_type=media), f"{build_id}-{fmt.file_extension}")


def service_description() -> Response:
    """SD §2: the service description, for GET /sparql without a query."""
    return rdf_answer("sd", service_triples)
