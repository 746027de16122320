"""Claims about claims as RDF: attributed wording (nicknames and characterisations with who uses
them), causes the text states, purposes, agreement terms, means of transport, and editorial
corrections (docs/data-model.md, "Claims about claims")."""

from __future__ import annotations

from collections.abc import Callable

from pyoxigraph import NamedNode

from .annotations import Cause, Correction, Description, Provision, Transport
from .arabic import normalise_arabic
from .emitter import EvidenceWriter, ar, boolean, en, kebab, typed
from .errors import AnnotationError, Location
from .quotes import TextSpan
from .vocabulary import DCTERMS, OA, RDF, SKOS

# Locates a quote (Locator.locate) and a phrase inside a located quote (Locator.within).
Locate = Callable[[str, Location], TextSpan]
Within = Callable[[TextSpan, str, Location], TextSpan]


def check_in_text(label: str, text: str, where: Location) -> None:
    """An Arabic label must be the text's own words (``text`` in the matching form)."""
    if normalise_arabic(label) not in text:
        raise AnnotationError(
            where,
            f"{label!r} does not occur in the text (add a "
            "label_note saying where the label comes from)",
        )


def cause_slug(cause: Cause) -> str:
    """The slug of what a cause points to: an id, or "subject-property-object"."""
    if cause.kind != "statement":
        return cause.target
    subject, predicate, obj = cause.target.split()
    return f"{subject}-{kebab(predicate)}-{obj}"


def cause_target(evidence: EvidenceWriter, cause: Cause) -> NamedNode:
    """The IRI a cause points to: a resource, or the reified node of a relation."""
    iris = evidence.emitter.iris
    if cause.kind != "statement":
        return iris.resource(cause.target)
    subject, predicate, obj = cause.target.split()
    return iris.resource(subject, f"{kebab(predicate)}-{obj}")


class ClaimWriter:
    """Writes the claims about claims of one source into its graph."""

    def __init__(self, evidence: EvidenceWriter, locate: Locate, within: Within, text: str) -> None:
        self.evidence = evidence
        self.out = evidence.emitter
        self.hkg = self.out.hkg
        self.locate = locate
        self.within = within
        self.text = text  # the source text in the matching form, for label checks

    def description(self, owner: NamedNode, slug: str, item: Description, kind: str) -> None:
        """A nickname (``kind`` "nickname") or characterisation node of ``owner``."""
        where = item.location
        check_in_text(item.label.ar, self.text, where.at("ar"))
        span = self.locate(item.quote, where.at("quote"))
        base, _, fragment = owner.value.partition("#")
        part = NamedNode(f"{base}#{fragment}-{item.id}" if fragment else f"{base}#{item.id}")
        self.out.add(owner, self.hkg[kind], part)
        self.out.add(
            part, RDF.type, self.hkg.Nickname if kind == "nickname" else self.hkg.Characterisation
        )
        self.out.labels(part, item.label)
        if item.used_by:
            self.out.add(part, self.hkg.usedBy, self.out.iris.resource(item.used_by))
        if item.formerly:
            self.out.add(part, self.hkg.formerlyUsed, boolean(True))
        self.evidence.record(f"{slug}-{item.id}", span, part)
        for cause in item.caused_by:
            self.cause(part, f"{slug}-{item.id}", cause)

    def cause(self, subject: NamedNode, slug: str, cause: Cause) -> None:
        """``subject hkg:causedBy target``, reified with the connective and the quote."""
        where = cause.location
        span = self.locate(cause.quote, where.at("quote"))
        connective = self.within(span, cause.connective, where.at("connective"))
        local = f"caused-by-{cause_slug(cause)}"
        statement = self.evidence.statement(
            subject, self.hkg.causedBy, cause_target(self.evidence, cause), local
        )
        self.out.add(statement, self.hkg.connective, ar(connective.exact))
        self.evidence.record(f"{slug}-{local}", span, statement)

    def provision(self, event: NamedNode, slug: str, item: Provision, kind: str) -> None:
        """A purpose (``kind`` "purpose") or agreement term ("term") node of ``event``."""
        span = self.locate(item.quote, item.location.at("quote"))
        part = self.out.iris.resource(slug, f"{kind}-{item.id}")
        self.out.add(event, self.hkg[kind], part)
        self.out.add(
            part, RDF.type, self.hkg.Purpose if kind == "purpose" else self.hkg.AgreementTerm
        )
        self.out.labels(part, item.label)
        if item.about:
            self.out.add(part, self.hkg.about, self.out.iris.resource(item.about))
        for other in item.in_exchange_for:
            self.out.add(
                part, self.hkg.inExchangeFor, self.out.iris.resource(slug, f"term-{other}")
            )
        self.evidence.record(f"{slug}-{kind}-{item.id}", span, part)

    def transport(self, event: NamedNode, slug: str, item: Transport, where: Location) -> None:
        span = self.locate(item.quote, where)
        local = f"transport-means-{kebab(item.means)}"
        statement = self.evidence.statement(
            event, self.hkg.transportMeans, self.hkg[item.means], local
        )
        self.evidence.record(f"{slug}-{local}", span, statement)

    def correction(self, item: Correction) -> None:
        """An editorial correction: a Web Annotation motivated by oa:assessing on the text's
        words, apart from the evidence of any claim."""
        span = self.locate(item.quote, item.location.at("quote"))
        node = self.out.iris.evidence(f"{self.evidence.source_id}/correction-{item.id}")
        body = NamedNode(f"{node.value}#body")
        self.out.add(node, RDF.type, self.hkg.EditorialCorrection)
        self.out.add(node, RDF.type, OA.Annotation)
        self.out.add(node, OA.motivatedBy, OA.assessing)
        self.out.add(node, OA.hasBody, body)
        self.out.add(node, SKOS.editorialNote, en(item.note))
        self.out.add(body, RDF.type, OA.TextualBody)
        self.out.add(body, RDF.value, en(item.note))
        self.out.add(body, DCTERMS["format"], typed("text/plain", "string"))
        self.evidence.target(node, span)
        for source in item.sources:
            self.out.add(node, self.hkg.correctionSource, en(source))
        self.out.add(self.out.iris.resource(item.about), self.hkg.correction, node)
