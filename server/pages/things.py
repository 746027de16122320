"""The page of every thing the graph names (``/page/<path>``, reached from its IRI by a 303):
an entity, an event, a source document, an evidence record, an ontology term, a named graph."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response
from pyoxigraph import NamedNode

from homs_kg.graph.vocabulary import DCTERMS, OA, MintedIris
from homs_kg.server.linked_data.documents import Document, document_triples
from homs_kg.server.linked_data.things import documents
from homs_kg.server.pages import queries
from homs_kg.server.pages.builder import PageBuilder, part_events_of, part_labels
from homs_kg.server.pages.jsonld import json_ld
from homs_kg.server.pages.model import EvidenceBook, EvidenceView, Link, Linker, wanted_labels
from homs_kg.server.pages.ontology import ontology_page
from homs_kg.server.pages.rendering import linker, render
from homs_kg.server.pages.text import both, date_text
from homs_kg.server.pages.vocabulary import Label
from homs_kg.server.web.context import current_iris, public_url


def render_page(path: str, iri: str) -> Response:
    """The HTML page of the thing at ``path`` (``resource/homs``, ``ontology/Person``, …)."""
    if path == "ontology" or path.startswith("ontology/"):
        return ontology_page(path, iri)
    if path.startswith("graph/"):
        return graph_page(path, iri)
    return resource_page(path, iri)


def resource_page(path: str, iri: str) -> Response:
    """An entity, event, source document or evidence record: its document, shown."""
    minted = current_iris()
    document = Document(iri, document_triples(queries.store(), iri, minted))
    in_parts = queries.part_events(iri) if has_parts(document, minted) else []
    extra = queries.labels_of(wanted_labels(document, minted)) | part_labels(in_parts)
    link = linker(document, extra)
    ontology = queries.ontology()
    roles = queries.roles_of(iri) if path.startswith("resource/") else {}
    builder = PageBuilder(
        document, minted, ontology, link, roles, part_events_of(in_parts), queries.time_order()
    )
    view = builder.build()
    record = None
    if path.startswith("evidence/"):
        record = evidence_record(document, builder.book, link)
        view.label = evidence_label(record.bodies)
    source = source_record(document) if path.startswith("source/") else None
    page_url = public_url("page/" + path)  # the base IRI's, as the page's IRIs: not the Host's
    return render(
        "page.html",
        documents(path),
        view=view,
        record=record,
        source=source,
        jsonld=None if record else json_ld(view, document, ontology, link, minted, page_url),
        link=link,
    )


def has_parts(document: Document, minted: MintedIris) -> bool:
    """Whether some place is located in the document's resource (then its timeline takes in
    what happened in its parts)."""
    located_in = minted.hkg.iri + "locatedIn"
    return any(triple.predicate.value == located_in for triple in document.incoming)


@dataclass(frozen=True)
class EvidenceRecord:
    """What an evidence record's page adds: what it describes, its quote, its offsets."""

    bodies: list[Link]
    quote: EvidenceView
    position: tuple[str, str] | None


def evidence_record(document: Document, book: EvidenceBook, link: Linker) -> EvidenceRecord:
    node = NamedNode(document.iri)
    target = document.value(node, OA.hasTarget.value)
    position: tuple[str, str] | None = None
    for selector in document.values(target, OA.hasSelector.value) if target else []:
        start, end = (
            document.value(selector, OA.start.value),
            document.value(selector, OA.end.value),
        )
        if start is not None and end is not None:
            position = (start.value, end.value)
    bodies = [link.link(body.value) for body in document.values(node, OA.hasBody.value)]
    return EvidenceRecord(bodies, book.view(node), position)


def evidence_label(bodies: list[Link]) -> Label:
    """An evidence record's title: what it is evidence of."""
    english = ", ".join(b.label.en for b in bodies if b.label.en) or "?"
    arabic = "، ".join(b.label.ar for b in bodies if b.label.ar)
    return Label(f"Evidence: {english}", f"شاهد: {arabic}" if arabic else None)


def source_record(document: Document) -> dict[str, object]:
    """A source document's page: its metadata and full text."""
    node, hkg = NamedNode(document.iri), current_iris().hkg.iri

    def text(predicate: str) -> str | None:
        value = document.value(node, predicate)
        return value.value if value is not None else None

    issued = text(DCTERMS.issued.value)
    return {
        "language": text(DCTERMS.language.value),
        "issued": both(lambda language: date_text(issued, None, language)) if issued else None,
        "note": text(hkg + "publisherNote"),
        "text": text(hkg + "text"),
    }


def graph_page(path: str, iri: str) -> Response:
    """A named graph's page: its size, its instances by class, its RDF documents."""
    size, by_class, described = queries.graph_summary(iri)
    link = linker(extra=queries.labels_of(set(described)))
    classes = [(link.link(row["c"]), int(row["n"])) for row in by_class]
    name = path.removeprefix("graph/")
    return render(
        "page.html",
        documents(path),
        graph={
            "name": name,
            "iri": iri,
            "triples": int(size["triples"]),
            "subjects": int(size["subjects"]),
            "classes": classes,
            "sources": [link.link(s) for s in described],
        },
        view=None,
        link=link,
    )
