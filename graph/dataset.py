"""The RDF dataset of a corpus: a named graph per source, one for the ontology, one for the
Wikidata links. Checks every quote, label, reference, time and count on the way, and ends the
build with every problem it found, each with its file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Quad

from .annotations import Annotations, Entity, Event, read_annotations
from .arabic import normalise_arabic
from .chronology import Chronology
from .claims import ClaimWriter, check_in_text
from .corpus import AnnotatedSource, CorpusSchemas, SourceDocument, load_corpus
from .emitter import EvidenceWriter, GraphEmitter, ar, en, kebab, typed
from .errors import AnnotationError, Location, Problems
from .events import EventWriter, Locator
from .ontology import ontology_additions, ontology_quads
from .resources import corpus_dir, wikidata_reference
from .schema import annotation_schema, source_schema
from .schema_check import SchemaChecker
from .terms import OntologyTerms, ontology_terms
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
    annotations: dict[str, Annotations] = field(default_factory=dict)
    vocabulary: OntologyTerms | None = None
    warnings: list[str] = field(default_factory=list)


def proposals_left(notes: Annotations) -> list[str]:
    """A reminder that a file still holds a draft's proposals nobody has confirmed."""
    entries = [*notes.entities, *notes.relations, *notes.events]
    proposed = sum(entry.proposed for entry in entries)
    if not proposed:
        return []
    reminder = f"{proposed} entries still marked 'proposed: true' (a draft's, to review)"
    return [f"{notes.path}: {reminder}"]


def matching_text(text: str) -> str:
    return normalise_arabic(text.translate(QUOTATION_MARKS))


class DatasetBuilder:
    def __init__(
        self, iris: MintedIris, links: dict[str, WikidataLink], additions: list[Path] = ()
    ) -> None:
        self.iris = iris
        self.links = links
        self.ontology = ontology_quads(iris, additions=additions)
        self.vocabulary: OntologyTerms = ontology_terms(self.ontology, iris)
        self.problems = Problems()

    def schemas(self) -> CorpusSchemas:
        """The checkers of the corpus files, with this ontology's terms."""
        return CorpusSchemas(
            SchemaChecker(source_schema()),
            SchemaChecker(annotation_schema(self.vocabulary), self.vocabulary),
        )

    def build(self, corpus: list[AnnotatedSource]) -> Dataset:
        """The dataset of a schema-checked corpus; raises every problem found, sorted."""
        read = [
            (item, read_annotations(item.annotations, str(item.annotation_path))) for item in corpus
        ]
        dataset = Dataset(self.iris, list(self.ontology), [item.source for item in corpus])
        dataset.annotations = {item.source.id: notes for item, notes in read}
        dataset.vocabulary = self.vocabulary
        for item, notes in read:
            self.register(dataset, item.source, notes)
            dataset.warnings += proposals_left(notes)
        self.check_references(dataset, [notes for _, notes in read])
        chronology = Chronology(
            {
                event_id: (event, self.published(dataset, source_id))
                for event_id, (source_id, event) in dataset.events.items()
            }
        )
        times = {
            event_id: self.problems.attempt(chronology.resolve, event_id)
            for event_id in dataset.events
        }
        for item, notes in read:
            dataset.quads += self.source_graph(dataset, item.source, notes, times)
        dataset.quads += self.wikidata_graph(dataset)
        self.problems.raise_if_any()
        return dataset

    @staticmethod
    def published(dataset: Dataset, source_id: str):
        return next(s.published for s in dataset.sources if s.id == source_id)

    def register(self, dataset: Dataset, source: SourceDocument, annotations: Annotations) -> None:
        for entity in annotations.entities:
            previous = dataset.entities.setdefault(entity.id, [])
            if previous and (previous[0][1].types, previous[0][1].label.en) != (
                entity.types,
                entity.label.en,
            ):
                self.problems.add(
                    AnnotationError(
                        entity.location,
                        f"declared with another type or English label in source {previous[0][0]}",
                    )
                )
            elif any(source_id == source.id for source_id, _ in previous):
                self.problems.add(AnnotationError(entity.location, "declared twice in the source"))
            else:
                previous.append((source.id, entity))
        for event in annotations.events:
            if event.id in dataset.events or event.id in dataset.entities:
                self.problems.add(AnnotationError(event.location.at("id"), "id already used"))
            else:
                dataset.events[event.id] = (source.id, event)

    def check_references(self, dataset: Dataset, all_annotations: list[Annotations]) -> None:
        def entity(slug: str, where: Location) -> None:
            if slug not in dataset.entities:
                self.problems.add(AnnotationError(where, f"{slug!r} is not an annotated entity"))

        for notes in all_annotations:
            for relation in notes.relations:
                entity(relation.subject, relation.location.at("subject"))
                entity(relation.object, relation.location.at("object"))
            for event in notes.events:
                for key in ("places", "origin", "destination"):
                    for slug in getattr(event, key):
                        entity(slug, event.location.at(key))
                for participant in event.participants:
                    entity(participant.agent, event.location.at("participants"))
                for key in ("part_of", "result_of", "about"):
                    for link in getattr(event, key):
                        if link.event not in dataset.events:
                            self.problems.add(
                                AnnotationError(
                                    event.location.at(key), f"{link.event!r} is not an event"
                                )
                            )
            for item in notes.entities:
                for description in (*item.nicknames, *item.characterisations):
                    self.check_description(dataset, description, entity)
            for correction in notes.corrections:
                if correction.about not in dataset.entities | dataset.events:
                    self.problems.add(
                        AnnotationError(
                            correction.location.at("about"),
                            f"{correction.about!r} is not an annotated entity or event",
                        )
                    )
            for event in notes.events:
                self.check_event_claims(dataset, event, entity)

    def check_description(self, dataset: Dataset, description, entity) -> None:
        if description.used_by:
            entity(description.used_by, description.location.at("used_by"))
        for cause in description.caused_by:
            self.check_cause(dataset, cause)

    def check_cause(self, dataset: Dataset, cause) -> None:
        """A cause names an annotated event, entity or relation of the corpus."""
        known = {
            "event": dataset.events,
            "entity": dataset.entities,
            "statement": self.relation_keys(dataset),
        }[cause.kind]
        if cause.target not in known:
            self.problems.add(
                AnnotationError(
                    cause.location.at(cause.kind),
                    f"{cause.target!r} is not an annotated {cause.kind}",
                )
            )

    @staticmethod
    def relation_keys(dataset: Dataset) -> set[str]:
        return {
            f"{r.subject} {r.property} {r.object}"
            for notes in dataset.annotations.values()
            for r in notes.relations
        }

    def check_event_claims(self, dataset: Dataset, event: Event, entity) -> None:
        """The references of an event's causes, links, purposes, terms and wording."""
        for cause in event.caused_by:
            self.check_cause(dataset, cause)
        for description in event.characterisations:
            self.check_description(dataset, description, entity)
        terms = {term.id for term in event.terms}
        for provision in (*event.purposes, *event.terms):
            if provision.about and provision.about not in dataset.events:
                self.problems.add(
                    AnnotationError(
                        provision.location.at("about"), f"{provision.about!r} is not an event"
                    )
                )
            for other in provision.in_exchange_for:
                if other not in terms:
                    self.problems.add(
                        AnnotationError(
                            provision.location.at("in_exchange_for"),
                            f"{other!r} is not a term of this event",
                        )
                    )

    def source_graph(
        self, dataset: Dataset, source: SourceDocument, annotations: Annotations, times: dict
    ) -> list[Quad]:
        out = GraphEmitter(self.iris, self.iris.graph(source.id))
        evidence = EvidenceWriter(out, source.id)
        self.write_source(out, source)
        text = matching_text(source.text)
        locator = Locator(source.text, dataset.warnings)
        for item in annotations.entities:
            self.problems.attempt(self.write_entity, evidence, locator, source, item, text, dataset)
        for relation in annotations.relations:
            self.problems.attempt(self.write_relation, evidence, locator, relation)
        claims = ClaimWriter(evidence, locator.locate, locator.within, text)
        events = EventWriter(
            evidence, locator, times, self.problems, self.vocabulary.unit_words, claims
        )
        for event in annotations.events:
            self.problems.attempt(events.write, event)
        for correction in annotations.corrections:
            self.problems.attempt(claims.correction, correction)
        return out.quads

    def write_relation(self, evidence: EvidenceWriter, locator: Locator, relation) -> None:
        span = locator.locate(relation.quote, relation.location.at("quote"))
        node = evidence.statement(
            self.iris.resource(relation.subject),
            self.iris.hkg[relation.property],
            self.iris.resource(relation.object),
            f"{kebab(relation.property)}-{relation.object}",
        )
        if relation.weight:
            evidence.emitter.add(
                node, self.iris.hkg.demographicWeight, self.iris.hkg[relation.weight]
            )
        slug = f"{relation.subject}-{kebab(relation.property)}-{relation.object}"
        evidence.record(slug, span, node)

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
        locator: Locator,
        source: SourceDocument,
        item: Entity,
        text: str,
        dataset: Dataset,
    ) -> None:
        out, hkg = evidence.emitter, self.iris.hkg
        node = self.iris.resource(item.id)
        first_source, first = dataset.entities[item.id][0]
        mention = locator.locate(item.mention, item.location.at("mention"))
        self.check_in_text(item.label.ar, text, item, item.location.at("label"))
        for alt in item.alt:
            self.check_in_text(alt, text, None, item.location.at("alt"))
        for type_name in item.types:
            out.add(node, RDF.type, hkg[type_name])
        if first_source == source.id:
            out.labels(node, item.label)
        else:
            out.add(node, RDFS.label, en(item.label.en))
            if item.label.ar != first.label.ar:
                out.add(node, SKOS.altLabel, ar(item.label.ar))
        for alt in item.alt:
            out.add(node, SKOS.altLabel, ar(alt))
        if item.label_note:
            out.add(node, SKOS.editorialNote, en(item.label_note))
        evidence.record(item.id, mention, node)
        claims = ClaimWriter(evidence, locator.locate, locator.within, text)
        for kind, descriptions in (
            ("nickname", item.nicknames),
            ("characterisedAs", item.characterisations),
        ):
            for description in descriptions:
                self.problems.attempt(claims.description, node, item.id, description, kind)

    @staticmethod
    def check_in_text(label: str, text: str, item: Entity | None, where: Location) -> None:
        """An Arabic label must be the text's own words, unless its entity notes why not."""
        if item is not None and item.label_note:
            return
        check_in_text(label, text, where)

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
                    self.problems.add(
                        AnnotationError(
                            where.at("wikidata"),
                            f"{qid} is not in the verified reference "
                            "graph/reference/wikidata-ids.tsv",
                        )
                    )
                    continue
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
    folders = corpus_folders or [corpus_dir()]
    builder = DatasetBuilder(
        iris,
        load_wikidata_reference(reference or wikidata_reference()),
        ontology_additions(folders),
    )
    return builder.build(load_corpus(folders, builder.schemas()))
