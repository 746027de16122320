"""The things of the dataset (entities, events, sources, evidence, ontology terms, named graphs):
which IRIs name one, and the representations each has (an HTML page and RDF documents)."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode, RdfFormat
from werkzeug.exceptions import NotFound

from homs_kg.server.engine.formats import GRAPH_ALIASES
from homs_kg.server.linked_data.documents import exists
from homs_kg.server.stores.interface import select_rows
from homs_kg.server.web.context import current_iris, current_store

THINGS = ("resource", "ontology", "source", "evidence", "graph")
DOCUMENTS = {
    "ttl": RdfFormat.TURTLE,
    "jsonld": RdfFormat.JSON_LD,
    "nt": RdfFormat.N_TRIPLES,
    "rdf": RdfFormat.RDF_XML,
}
# A document also answers for a format that reads it as it is: N3 and TriG are supersets of
# Turtle, N-Quads of N-Triples (rdflib's parse(iri, format="n3") asks for text/n3).
DOCUMENT_ALIASES = {
    **GRAPH_ALIASES,
    "text/n3": RdfFormat.TURTLE.media_type,
    "application/trig": RdfFormat.TURTLE.media_type,
    "application/n-quads": RdfFormat.N_TRIPLES.media_type,
}
HTML = "text/html"
NOT_A_THING = "Not a thing of this dataset."


@dataclass(frozen=True)
class Alternate:
    """Another representation of a page or document, for ``Link: rel="alternate"``."""

    href: str
    media_type: str


def iri_of(path: str) -> str:
    return current_iris().base + path


def is_graph(path: str) -> bool:
    return path.startswith("graph/")


def is_iri(text: str) -> bool:
    """Whether ``text`` is a valid IRI (RFC 3987, as pyoxigraph checks it): only then may it be
    written into a query as <…>, since no valid IRI holds '>', spaces or quotes."""
    try:
        NamedNode(text)
    except ValueError:
        return False
    return True


def known(path: str) -> bool:
    """Whether the dataset holds the thing ``path`` names (a named graph: holds that graph)."""
    if path.split("/", 1)[0] not in THINGS or "#" in path or not is_iri(iri_of(path)):
        return False
    if is_graph(path):
        query = f"SELECT ?s WHERE {{ GRAPH <{iri_of(path)}> {{ ?s ?p ?o }} }} LIMIT 1"
        return bool(select_rows(current_store(), query))
    return exists(current_store(), iri_of(path))


def require(path: str) -> None:
    if not known(path):
        raise NotFound(f"{iri_of(path)} is not a resource of this dataset")


def documents(path: str) -> list[Alternate]:
    """A thing's RDF documents."""
    return [Alternate(f"/data/{path}.{ext}", fmt.media_type) for ext, fmt in DOCUMENTS.items()]


def representations(path: str) -> list[Alternate]:
    """A thing's page and its RDF documents."""
    return [Alternate(f"/page/{path}", HTML), *documents(path)]


def link_header(alternates: list[Alternate]) -> str:
    """RFC 8288 ``Link`` header naming the alternates."""
    return ", ".join(f'<{a.href}>; rel="alternate"; type="{a.media_type}"' for a in alternates)
