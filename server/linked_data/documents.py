"""The document of a resource: a concise bounded description, built by one CONSTRUCT.

What a resource's RDF document holds (issue: "its outgoing statements, incoming links with labels,
and the evidence of its statements"): every triple with the resource as subject, and those of its
hash parts (``<iri>#...``: participations, counts, nicknames, reified statements) and of blank
nodes it points to; every triple pointing at it, with the label and type of the pointing resource
and, for events, their time (so a page can draw a timeline); the labels and types of the
resources it points to; and the evidence records of all those statements with their selectors.
"""

from __future__ import annotations

from pyoxigraph import NamedNode, RdfFormat, Triple, parse
from werkzeug.exceptions import ServiceUnavailable

from homs_kg.graph.vocabulary import RDFS, MintedIris, sparql_prologue
from homs_kg.server.engine.evaluation import QueryJob
from homs_kg.server.engine.results import DocumentShape, Term
from homs_kg.server.stores.interface import INTERNAL_MAX_ROWS, SparqlStore, select_rows

NEIGHBOUR_FACTS = (
    "rdfs:label",
    "rdf:type",
    "skos:altLabel",
    "hkg:date",
    "hkg:datePhrase",
    "hkg:timeQualifier",
    "hkg:timeMode",
    "sem:hasEarliestBeginTimeStamp",
    "sem:hasLatestBeginTimeStamp",
    "hkg:approximateTime",
)


def prologue(iris: MintedIris) -> str:
    return sparql_prologue(iris.prefixes())


def describe_query(iri: str, iris: MintedIris) -> str:
    """The CONSTRUCT of a resource's document (see the module docstring).

    Every branch starts from the resource, so the cost follows the size of its neighbourhood,
    not of the store: hash parts are reached through the resource's links (up to two hops, as an
    evidence record's ``#target`` leads to its ``#quote``) and the statements reified about it;
    the neighbours' facts are filtered after the neighbour is bound. An evidence record, its
    target and the target's selectors are three branches, not the path
    ``(oa:hasTarget/oa:hasSelector?)?``, which Virtuoso 7 follows for some records only.
    """
    facts = ", ".join(NEIGHBOUR_FACTS)
    hash_prefix = iri + "#"
    parts = (
        f"{{ {{ <{iri}> ?l0 ?part }} UNION {{ <{iri}> ?l0 ?hop . ?hop ?l1 ?part }} "
        f"UNION {{ ?part rdf:subject <{iri}> }} "
        f'FILTER(isIRI(?part) && STRSTARTS(STR(?part), "{hash_prefix}")) }}'
    )
    evidence = f"{{ {{ <{iri}> hkg:evidence ?e }} UNION {{ {parts} ?part hkg:evidence ?e }} }}"
    return (
        prologue(iris)
        + f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ BIND(<{iri}> AS ?s) ?s ?p ?o }}
  UNION {{ {parts} BIND(?part AS ?s) ?s ?p ?o }}
  UNION {{ <{iri}> ?link ?s FILTER(isBlank(?s)) ?s ?p ?o }}
  UNION {{ ?s ?p <{iri}> BIND(<{iri}> AS ?o) }}
  UNION {{ ?s ?link <{iri}> FILTER(!STRSTARTS(STR(?s), "{hash_prefix}"))
           ?s ?p ?o FILTER(?p IN ({facts})) }}
  UNION {{ {{ <{iri}> ?link ?s }} UNION {{ {parts} ?part ?link ?s }} FILTER(isIRI(?s))
           ?s ?p ?o FILTER(?p IN ({facts})) }}
  UNION {{ {evidence} {{ ?e ?p ?o BIND(?e AS ?s) }} UNION {{ ?e oa:hasTarget ?s . ?s ?p ?o }}
           UNION {{ ?e oa:hasTarget ?target . ?target oa:hasSelector ?s . ?s ?p ?o }} }}
}}"""
    )


def exists(store: SparqlStore, iri: str) -> bool:
    """Whether the dataset says anything of ``iri`` or of its hash parts, or points to it."""
    rows = select_rows(
        store,
        f"""SELECT ?found WHERE {{
        {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} BIND(true AS ?found) }} LIMIT 1""",
    )
    return bool(rows)


def shape(iris: MintedIris, resource: str = "") -> DocumentShape:
    """A document's shape: the graph's prefixes; the resource first, then its parts, then the
    evidence records (what its statements rest on), then the rest."""
    evidence = iris.evidence("").value
    return DocumentShape(tuple(iris.prefixes().items()), resource, (evidence,) if resource else ())


def document_job(iri: str, iris: MintedIris, rdf_format: RdfFormat) -> QueryJob:
    return QueryJob(
        describe_query(iri, iris),
        format=rdf_format.media_type,
        max_rows=INTERNAL_MAX_ROWS,
        document=shape(iris, iri),
    )


def document_triples(store: SparqlStore, iri: str, iris: MintedIris) -> list[Triple]:
    """The document's triples, for the HTML page."""
    reply = store.run(document_job(iri, iris, RdfFormat.N_TRIPLES))
    if reply.status != 200:
        raise ServiceUnavailable(f"the document query failed ({reply.status}): {reply.message}")
    return list(parse(reply.read(), format=RdfFormat.N_TRIPLES))


class Document:
    """A resource's document indexed by subject, with the lookups a page needs."""

    def __init__(self, iri: str, triples: list[Triple]) -> None:
        self.iri = iri
        self.subject = NamedNode(iri)
        self.by_subject: dict[str, dict[str, list[Term]]] = {}
        self.incoming: list[Triple] = []
        for triple in triples:
            facts = self.by_subject.setdefault(str(triple.subject), {})
            obj = triple.object
            assert not isinstance(obj, Triple)  # the build writes no quoted triples (RDF 1.2)
            facts.setdefault(triple.predicate.value, []).append(obj)
            if obj == self.subject:
                self.incoming.append(triple)

    def values(self, subject: object, predicate: str) -> list[Term]:
        return self.by_subject.get(str(subject), {}).get(predicate, [])

    def value(self, subject: object, predicate: str) -> Term | None:
        found = self.values(subject, predicate)
        return found[0] if found else None

    def label(self, subject: object, language: str) -> str | None:
        for literal in self.values(subject, RDFS.label.value):
            if getattr(literal, "language", None) == language:
                return literal.value
        return None
