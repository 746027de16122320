"""The ontology and SHACL shapes as RDF: parsed against the base IRI into the ontology graph.

A corpus folder may bring its own additions (``ontology/*.ttl`` beside ``sources/``): they are
parsed the same way into the same graph, so their classes, concepts and shapes count as the
packaged ones do (docs/annotations.md, "Adding a class or a unit").
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, parse

from .errors import BuildError
from .resources import ontology_dir
from .vocabulary import MintedIris

ONTOLOGY_FILES = ("homs-kg.ttl", "shapes.ttl")


def ontology_additions(corpus_folders: Iterable[Path]) -> list[Path]:
    """The Turtle files a corpus folder adds to the ontology, in folder then name order."""
    return [path for folder in corpus_folders for path in sorted(folder.glob("ontology/*.ttl"))]


def ontology_quads(
    iris: MintedIris, folder: Path | None = None, additions: Iterable[Path] = ()
) -> list[Quad]:
    """Every triple of the ontology files and additions, in the named graph ``graph/ontology``."""
    folder = folder or ontology_dir()
    graph = iris.graph("ontology")
    quads = []
    for path in [*(folder / name for name in ONTOLOGY_FILES), *additions]:
        try:
            with path.open("rb") as turtle:
                triples = list(parse(turtle, format=RdfFormat.TURTLE, base_iri=iris.base))
        except (OSError, SyntaxError) as error:
            raise BuildError(f"{path}: {error}") from error
        quads += [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    return quads
