"""The ontology and SHACL shapes as RDF: parsed against the base IRI into the ontology graph."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from .errors import BuildError
from .resources import ontology_dir
from .vocabulary import RDF, MintedIris

ONTOLOGY_FILES = ("homs-kg.ttl", "shapes.ttl")


def ontology_quads(iris: MintedIris, folder: Path | None = None) -> list[Quad]:
    """Every triple of the ontology files, in the named graph ``graph/ontology``."""
    folder = folder or ontology_dir()
    graph = iris.graph("ontology")
    quads = []
    for name in ONTOLOGY_FILES:
        path = folder / name
        try:
            with path.open("rb") as turtle:
                triples = list(parse(turtle, format=RdfFormat.TURTLE, base_iri=iris.base))
        except (OSError, SyntaxError) as error:
            raise BuildError(f"{path}: {error}") from error
        quads += [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    return quads


def defined_terms(quads: list[Quad], iris: MintedIris) -> set[str]:
    """Local names of the ``hkg:`` terms the ontology types (classes, properties, individuals)."""
    namespace = iris.hkg.iri
    return {
        q.subject.value[len(namespace):]
        for q in quads
        if q.predicate == RDF.type and isinstance(q.subject, NamedNode)
        and q.subject.value.startswith(namespace)
    }  # fmt: skip
