"""SHACL validation of a built dataset (pyshacl), over the union of its graphs."""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from pyoxigraph import RdfFormat, Triple, serialize
from pyshacl import validate

from .vocabulary import MintedIris

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class ShaclReport:
    conforms: bool
    violations: list[str]

    def summary(self) -> str:
        if self.conforms:
            return "SHACL: conforms"
        return f"SHACL: {len(self.violations)} violation(s)\n" + "\n".join(
            f"  - {line}" for line in self.violations
        )


def shapes_graph(quads: list, iris: MintedIris) -> rdflib.Graph:
    """The ontology graph's triples: the packaged shapes and any a corpus folder adds."""
    ontology = iris.graph("ontology")
    return union_graph([q for q in quads if q.graph_name == ontology])


def union_graph(quads: list) -> rdflib.Graph:
    """The default-graph view SPARQL users get: every named graph's triples together."""
    triples = {Triple(q.subject, q.predicate, q.object) for q in quads}
    graph = rdflib.Graph()
    graph.parse(data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt")
    return graph


def validate_quads(quads: list, iris: MintedIris) -> ShaclReport:
    """Validate the data (with the ontology's subclass axioms in it) against the shapes."""
    conforms, results, _ = validate(
        union_graph(quads),
        shacl_graph=shapes_graph(quads, iris),
        inference="none",
        allow_warnings=True,
    )
    violations = sorted(
        f"{results.value(r, SH.focusNode)}: {results.value(r, SH.resultMessage)}"
        f" ({results.value(r, SH.resultPath)})"
        for r in results.subjects(SH.resultSeverity, SH.Violation)
    )
    return ShaclReport(bool(conforms), violations)
