"""Writing quads into one named graph, and the evidence records every statement points to."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from .annotations import Label
from .quotes import TextSpan
from .vocabulary import OA, PROV, RDF, RDFS, XSD, MintedIris

Term = NamedNode | BlankNode | Literal


def ar(text: str) -> Literal:
    return Literal(text, language="ar")


def en(text: str) -> Literal:
    return Literal(text, language="en")


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=XSD.boolean)


def typed(lexical: str, xsd_type: str) -> Literal:
    return Literal(lexical, datatype=XSD[xsd_type])


def number(value: int | float) -> Literal:
    if isinstance(value, int) or float(value).is_integer():
        return typed(str(int(value)), "integer")
    return typed(str(value), "decimal")


def kebab(camel: str) -> str:
    """``cameFrom`` -> ``came-from``: the slug form of an ontology term's local name."""
    return "".join("-" + c.lower() if c.isupper() else c for c in camel).lstrip("-")


@dataclass
class GraphEmitter:
    """Collects the quads of one named graph."""

    iris: MintedIris
    graph: NamedNode
    quads: list[Quad] = field(default_factory=list)

    @property
    def hkg(self):
        return self.iris.hkg

    def add(self, subject: NamedNode | BlankNode, predicate: NamedNode, obj: Term) -> None:
        self.quads.append(Quad(subject, predicate, obj, self.graph))

    def labels(self, subject: NamedNode, label: Label) -> None:
        self.add(subject, RDFS.label, ar(label.ar))
        self.add(subject, RDFS.label, en(label.en))


@dataclass
class EvidenceWriter:
    """Writes Web Annotation evidence records for the quotes of one source."""

    emitter: GraphEmitter
    source_id: str

    def record(self, slug: str, span: TextSpan, body: NamedNode) -> NamedNode:
        """An ``oa:Annotation`` targeting the quote in the source, with ``body`` as its body."""
        out, hkg = self.emitter, self.emitter.hkg
        evidence = out.iris.evidence(f"{self.source_id}/{slug}")
        out.add(evidence, RDF.type, hkg.Evidence)
        out.add(evidence, RDF.type, OA.Annotation)
        out.add(evidence, OA.motivatedBy, OA.describing)
        out.add(evidence, OA.hasBody, body)
        self.target(evidence, span)
        out.add(evidence, PROV.wasDerivedFrom, out.iris.source(self.source_id))
        out.add(body, hkg.evidence, evidence)
        return evidence

    def target(self, annotation: NamedNode, span: TextSpan) -> None:
        """The annotation's target: the quote in the source, by quote and by position, and the
        whole line that holds it."""
        out = self.emitter
        target, quote, position = (
            NamedNode(f"{annotation.value}#{part}") for part in ("target", "quote", "position")
        )
        out.add(annotation, OA.hasTarget, target)
        out.add(annotation, out.hkg.sentence, ar(span.sentence))
        out.add(target, RDF.type, OA.SpecificResource)
        out.add(target, OA.hasSource, out.iris.source(self.source_id))
        out.add(target, OA.hasSelector, quote)
        out.add(target, OA.hasSelector, position)
        out.add(quote, RDF.type, OA.TextQuoteSelector)
        out.add(quote, OA.exact, ar(span.exact))
        out.add(quote, OA.prefix, ar(span.prefix))
        out.add(quote, OA.suffix, ar(span.suffix))
        out.add(position, RDF.type, OA.TextPositionSelector)
        out.add(position, OA.start, typed(str(span.start), "nonNegativeInteger"))
        out.add(position, OA.end, typed(str(span.end), "nonNegativeInteger"))

    def statement(
        self, subject: NamedNode, predicate: NamedNode, obj: NamedNode, local: str
    ) -> NamedNode:
        """Assert a triple and reify it (RDF 1.1 Semantics, D.1) so it can carry evidence; the
        node is ``subject#local``, or ``subject#fragment-local`` for a subject that is a part."""
        out = self.emitter
        base, _, fragment = subject.value.partition("#")
        node = NamedNode(f"{base}#{fragment}-{local}" if fragment else f"{base}#{local}")
        out.add(subject, predicate, obj)
        out.add(node, RDF.type, RDF.Statement)
        out.add(node, RDF.subject, subject)
        out.add(node, RDF.predicate, predicate)
        out.add(node, RDF.object, obj)
        return node
