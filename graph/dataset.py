"""The RDF dataset of a corpus: a named graph per source, one for the ontology, one for the
Wikidata links. Checks every quote, label, reference, time and count on the way; the first problem
ends the build with its location."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, Quad

from .annotations import Annotations, Entity, Event, read_annotations
from .arabic import normalise_arabic
from .chronology import Chronology
from .corpus import AnnotatedSource, SourceDocument, load_corpus
from .emitter import EvidenceWriter, GraphEmitter, ar, en, kebab, typed
from .errors import AnnotationError
from .events import EventWriter
from .ontology import defined_terms, ontology_quads
from .quotes import QuoteNotFound, locate_quote
from .resources import corpus_dir, wikidata_reference
from .vocabulary import DCTERMS, OWL, RDF, RDFS, SCHEMA, SKOS, WD, MintedIris
from .wikidata import WikidataLink, load_wikidata_reference

QUOTATION_MARKS = str.maketrans("", "", '"«»“”')
LINK_PREDICATES = {"sameAs": OWL.sameAs, "closeMatch": SKOS.closeMatch}


@dataclass
class Dataset:
    """The built quads and what they were built from."""

    iris: MintedIris
    quads: list[Quad]
    sources: list[SourceDocument]
    entities: dict[str, list[tuple[str, Entity]]] = field(default_factory=dict)
    events: dict[str, tuple[str, Event]] = field(default_factory=dict)


def matching_text(text: str) -> str:
    return normalise_arabic(text.translate(QUOTATION_MARKS))


class DatasetBuilder:
    def __init__(self, iris: MintedIris, links: dict[str, WikidataLink]) -> None:
        self.iris = iris
        self.links = links
        self.ontology = ontology_quads(iris)
        self.terms = defined_terms(self.ontology, iris)

    def build(self, corpus: list[AnnotatedSource]) -> Dataset:
        read = [
            (item, read_annotations(item.annotations, str(item.annotation_path))) for item in corpus
        ]
        dataset = Dataset(self.iris, list(self.ontology), [item.source for item in corpus])
        for item, notes in read:
            self.register(dataset, item.source, notes)
        self.check_references(dataset, [notes for _, notes in read])
        chronology = Chronology(
            {
                event_id: (event, self.published(dataset, source_id))
                for event_id, (source_id, event) in dataset.events.items()
            }
        )
        times = {event_id: chronology.resolve(event_id) for event_id in dataset.events}
        for item, notes in read:
            dataset.quads += self.source_graph(dataset, item.source, notes, times)
        dataset.quads += self.wikidata_graph(dataset)
        return dataset

    @staticmethod
    def published(dataset: Dataset, source_id: str):
        return next(s.published for s in dataset.sources if s.id == source_id)

    def require_term(self, name: str, where: str) -> NamedNode:
        if name not in self.terms:
            raise AnnotationError(where, f"{name!r} is not a term of the ontology")
        return self.iris.hkg[name]

    def register(self, dataset: Dataset, source: SourceDocument, annotations: Annotations) -> None:
        for entity in annotations.entities:
            for type_name in entity.types:
                self.require_term(type_name, f"{entity.location}.type")
            previous = dataset.entities.setdefault(entity.id, [])
            if previous and (previous[0][1].types, previous[0][1].label.en) != (
                entity.types,
                entity.label.en,
            ):
                raise AnnotationError(
                    entity.location,
                    f"declared with another type or English label in source {previous[0][0]}",
                )
            if any(source_id == source.id for source_id, _ in previous):
                raise AnnotationError(entity.location, "declared twice in the same source")
            previous.append((source.id, entity))
        for event in annotations.events:
            if event.id in dataset.events or event.id in dataset.entities:
                raise AnnotationError(event.location, "id already used")
            for type_name in event.types:
                self.require_term(type_name, f"{event.location}.type")
            dataset.events[event.id] = (source.id, event)

    def check_references(self, dataset: Dataset, all_annotations: list[Annotations]) -> None:
        def entity(slug: str, where: str) -> None:
            if slug not in dataset.entities:
                raise AnnotationError(where, f"{slug!r} is not an annotated entity")

        for notes in all_annotations:
            for relation in notes.relations:
                entity(relation.subject, relation.location)
                entity(relation.object, relation.location)
                self.require_term(relation.property, relation.location)
                if relation.weight:
                    self.require_term(relation.weight, relation.location)
            for event in notes.events:
                for slug in (
                    *event.places,
                    *event.origin,
                    *event.destination,
                    *(p.agent for p in event.participants),
                ):
                    entity(slug, event.location)
                for link in (*event.part_of, *event.result_of):
                    if link.event not in dataset.events:
                        raise AnnotationError(event.location, f"{link.event!r} is not an event")
                for term in (
                    *(c.kind for c in event.counts),
                    *(c.group for c in event.counts),
                    *([event.outcome] if event.outcome else []),
                ):
                    self.require_term(term, event.location)
            for item in notes.entities:
                for nickname in item.nicknames:
                    if nickname.used_by:
                        entity(nickname.used_by, item.location)

    def source_graph(
        self, dataset: Dataset, source: SourceDocument, annotations: Annotations, times: dict
    ) -> list[Quad]:
        out = GraphEmitter(self.iris, self.iris.graph(source.id))
        evidence = EvidenceWriter(out, source.id)
        self.write_source(out, source)
        text = matching_text(source.text)
        for item in annotations.entities:
            self.write_entity(evidence, source, item, text, dataset)
        for relation in annotations.relations:
            node = evidence.statement(
                self.iris.resource(relation.subject),
                self.iris.hkg[relation.property],
                self.iris.resource(relation.object),
                f"{kebab(relation.property)}-{relation.object}",
            )
            if relation.weight:
                out.add(node, self.iris.hkg.demographicWeight, self.iris.hkg[relation.weight])
            span = self.locate(source, relation.quote, f"{relation.location}.quote")
            slug = f"{relation.subject}-{kebab(relation.property)}-{relation.object}"
            evidence.record(slug, span, node)
        events = EventWriter(evidence, source.text, times)
        for event in annotations.events:
            events.write(event)
        return out.quads

    @staticmethod
    def locate(source: SourceDocument, quote: str, where: str):
        try:
            return locate_quote(source.text, quote)
        except QuoteNotFound as error:
            raise AnnotationError(where, str(error)) from error

    def write_source(self, out: GraphEmitter, source: SourceDocument) -> None:
        node, hkg = self.iris.source(source.id), self.iris.hkg
        out.add(node, RDF.type, hkg.SourceDocument)
        for language, title in source.title.items():
            out.add(node, DCTERMS.title, ar(title) if language == "ar" else en(title))
        out.add(node, DCTERMS.language, typed(source.language, "language"))
        out.add(node, SCHEMA.inLanguage, typed(source.language, "string"))
        for predicate in (DCTERMS.issued, SCHEMA.datePublished):
            out.add(node, predicate, typed(source.published.isoformat(), "date"))
        if source.publisher_note:
            out.add(node, hkg.publisherNote, en(source.publisher_note))
        out.add(node, hkg.text, ar(source.text))
        out.add(node, hkg.namedGraph, self.iris.graph(source.id))

    def write_entity(
        self,
        evidence: EvidenceWriter,
        source: SourceDocument,
        item: Entity,
        text: str,
        dataset: Dataset,
    ) -> None:
        out, hkg = evidence.emitter, self.iris.hkg
        node = self.iris.resource(item.id)
        first_source, first = dataset.entities[item.id][0]
        for type_name in item.types:
            out.add(node, RDF.type, hkg[type_name])
        self.check_in_text(item.label.ar, text, item, f"{item.location}.label.ar")
        if first_source == source.id:
            out.labels(node, item.label)
        else:
            out.add(node, RDFS.label, en(item.label.en))
            if item.label.ar != first.label.ar:
                out.add(node, SKOS.altLabel, ar(item.label.ar))
        for alt in item.alt:
            self.check_in_text(alt, text, None, f"{item.location}.alt")
            out.add(node, SKOS.altLabel, ar(alt))
        if item.label_note:
            out.add(node, SKOS.editorialNote, en(item.label_note))
        evidence.record(
            item.id, self.locate(source, item.mention, f"{item.location}.mention"), node
        )
        for kind, descriptions in (
            ("nickname", item.nicknames),
            ("characterisedAs", item.characterisations),
        ):
            for description in descriptions:
                where = f"{item.location}.{kind}[{description.id}]"
                self.check_in_text(description.label.ar, text, None, where)
                part = self.iris.resource(item.id, description.id)
                out.add(node, hkg[kind], part)
                out.add(
                    part, RDF.type, hkg.Nickname if kind == "nickname" else hkg.Characterisation
                )
                out.labels(part, description.label)
                if description.used_by:
                    out.add(part, hkg.usedBy, self.iris.resource(description.used_by))
                span = self.locate(source, description.quote, f"{where}.quote")
                evidence.record(f"{item.id}-{description.id}", span, part)

    @staticmethod
    def check_in_text(label: str, text: str, item: Entity | None, where: str) -> None:
        """An Arabic label must be the text's own words, unless its entity notes why not."""
        if item is not None and item.label_note:
            return
        if normalise_arabic(label) not in text:
            raise AnnotationError(
                where,
                f"{label!r} does not occur in the text (add a "
                "label_note saying where the label comes from)",
            )

    def wikidata_graph(self, dataset: Dataset) -> list[Quad]:
        out = GraphEmitter(self.iris, self.iris.graph("wikidata-links"))
        linked = [
            (slug, declarations[0][1].wikidata, declarations[0][1].location)
            for slug, declarations in dataset.entities.items()
        ]
        linked += [
            (slug, event.wikidata, event.location) for slug, (_, event) in dataset.events.items()
        ]
        for slug, qids, where in linked:
            for qid in qids:
                link = self.links.get(qid)
                if link is None:
                    raise AnnotationError(
                        f"{where}.wikidata",
                        f"{qid} is not in the verified reference graph/reference/wikidata-ids.tsv",
                    )
                subject = self.iris.resource(slug)
                node = EvidenceWriter(out, "").statement(
                    subject, LINK_PREDICATES[link.kind], WD[qid], f"wikidata-{qid.lower()}"
                )
                out.add(
                    node,
                    SKOS.editorialNote,
                    en(f"Verified link ({link.entity}): {link.evidence}. {link.note}".strip()),
                )
        return out.quads


def build_dataset(
    base_iri: str, corpus_folders: list[Path] | None = None, reference: Path | None = None
) -> Dataset:
    """Build the dataset of the corpus folders (by default the packaged corpus alone)."""
    iris = MintedIris(base_iri)
    builder = DatasetBuilder(iris, load_wikidata_reference(reference or wikidata_reference()))
    return builder.build(load_corpus(corpus_folders or [corpus_dir()]))
