"""A resource's page as view data, built from its document (documents.py) and the ontology.

Sections, in the order the page shows them (so that an evidence record is quoted in full where it
first appears and linked to further down): the resource's own evidence, its time, counts,
participants, statements with their evidence, nicknames and characterisations, the timeline of
the events that involve it, and the incoming links.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from homs_kg.graph.vocabulary import (
    DCTERMS,
    OA,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SEM,
    SKOS,
    MintedIris,
)
from homs_kg.server.linked_data.documents import Document
from homs_kg.server.pages.model import (
    EvidenceBook,
    EvidenceView,
    Link,
    Linker,
    Term,
    TimeView,
    alt_labels,
    facts_from_row,
    labels_from,
    time_facts,
    time_view,
    types_of,
)
from homs_kg.server.pages.queries import UNDATED, TimeOrder
from homs_kg.server.pages.text import TimeFacts, both, count_text
from homs_kg.server.pages.vocabulary import Label, Vocabulary

TIME_TERMS = (
    "date",
    "datePhrase",
    "timeQualifier",
    "timeMode",
    "timeAnchor",
    "relativeTime",
    "approximateTime",
    "endPhrase",
)
SHOWN_APART = (
    "evidence",
    "count",
    "participation",
    "nickname",
    "characterisedAs",
    "actor",
    "text",
    "publisherNote",
    "sentence",
)
OTHER_SHOWN = (
    RDF.type.value,
    RDFS.label.value,
    SKOS.altLabel.value,
    OWL.sameAs.value,
    SKOS.closeMatch.value,
    SEM.hasEarliestBeginTimeStamp.value,
    SEM.hasLatestBeginTimeStamp.value,
    SEM.hasLatestEndTimeStamp.value,
    DCTERMS.title.value,
    DCTERMS.language.value,
    DCTERMS.issued.value,
    SCHEMA.datePublished.value,
    SCHEMA.inLanguage.value,
    OA.hasBody.value,
    OA.hasTarget.value,
    OA.motivatedBy.value,
    PROV.wasDerivedFrom.value,
)
EVIDENCE_LINKS = (OA.hasBody.value, OA.hasSource.value, PROV.wasDerivedFrom.value)
REIFICATION = (RDF.subject.value, RDF.object.value)
TIMELINE_LINKS = ("place", "actor", "origin", "destination")


@dataclass(frozen=True)
class Value:
    """One object of a statement: a link or a literal, its qualifiers and evidence."""

    link: Link | None
    text: str | None
    language: str | None
    qualifiers: list[Link]
    evidence: list[EvidenceView]
    note: str | None = None


@dataclass(frozen=True)
class Statement:
    prop: Link
    values: list[Value]


@dataclass(frozen=True)
class CountView:
    anchor: str
    kind: Link | None
    group: Link | None
    number: Label  # in words, in both languages
    phrase: str | None
    evidence: list[EvidenceView]


@dataclass(frozen=True)
class ParticipantView:
    anchor: str
    role: Link | None
    who: Link
    evidence: list[EvidenceView]


@dataclass(frozen=True)
class PartView:
    """A nickname or characterisation: the text's words (@ar) and their English."""

    anchor: str
    label: Label
    used_by: list[Link]
    evidence: list[EvidenceView]


@dataclass(frozen=True)
class TimelineEntry:
    time: TimeView
    event: Link
    types: list[Link]
    relations: list[Link]
    key: tuple[str, bool, str, str]  # its time order (queries.time_order), then its label
    parts: list[Link] = field(default_factory=list)  # the parts of the place it happened in


@dataclass
class PartEvent:
    """An event that happened in parts of the page's place (queries.part_events)."""

    facts: TimeFacts
    types: set[str] = field(default_factory=set)
    parts: set[str] = field(default_factory=set)


def part_events_of(rows: list[dict[str, str]]) -> dict[str, PartEvent]:
    """The rows of queries.part_events by event (a row per part and type)."""
    found: dict[str, PartEvent] = {}
    for row in rows:
        event = found.setdefault(row["e"], PartEvent(facts_from_row(row)))
        event.types.add(row["type"])
        event.parts.add(row["part"])
    return found


def part_labels(rows: list[dict[str, str]]) -> dict[str, Label]:
    """The labels of those events and parts, for the page's links."""
    labels = {row["e"]: Label(row.get("english"), row.get("arabic")) for row in rows}
    labels |= {row["part"]: Label(row.get("partEnglish"), row.get("partArabic")) for row in rows}
    return labels


@dataclass
class ResourceView:
    iri: str
    path: str
    label: Label
    alt_en: list[str]
    alt_ar: list[str]
    types: list[Link]
    type_iris: list[str]
    same_as: list[Value] = field(default_factory=list)
    close_match: list[Value] = field(default_factory=list)
    evidence: list[EvidenceView] = field(default_factory=list)
    time: TimeView | None = None
    counts: list[CountView] = field(default_factory=list)
    participants: list[ParticipantView] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    nicknames: list[PartView] = field(default_factory=list)
    characterisations: list[PartView] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)
    quoted_by: int = 0

    @property
    def alt(self) -> dict[str, list[str]]:
        """The alternative labels by language."""
        return {"en": self.alt_en, "ar": self.alt_ar}


class PageBuilder:
    """Builds a ResourceView from a document; one per request."""

    def __init__(
        self,
        document: Document,
        iris: MintedIris,
        ontology: Vocabulary,
        linker: Linker,
        roles: dict[str, list[str]],
        parts: dict[str, PartEvent] | None = None,
        time_order: Mapping[str, TimeOrder] | None = None,
    ) -> None:
        self.doc, self.iris, self.ontology, self.linker = document, iris, ontology, linker
        self.hkg = iris.hkg.iri
        self.book = EvidenceBook(document, linker)
        self.roles = roles
        self.parts = parts or {}
        self.time_order = time_order or {}
        self.node = NamedNode(document.iri)

    def values(self, subject: Term | None, local: str) -> list[Term]:
        return self.doc.values(subject, self.hkg + local)

    def text(self, subject: Term | None, predicate: str) -> str | None:
        found = self.doc.value(subject, predicate)
        return found.value if found is not None else None

    def link(self, term: Term | None) -> Link | None:
        return self.linker.link(term.value) if term is not None else None

    def build(self) -> ResourceView:
        iri = self.doc.iri
        types = types_of(self.doc, iri)
        view = ResourceView(
            iri=iri,
            path=iri.removeprefix(self.iris.base),
            label=labels_from(self.doc, iri) or self.linker.label(iri),
            alt_en=alt_labels(self.doc, iri, "en"),
            alt_ar=alt_labels(self.doc, iri, "ar"),
            types=[self.linker.link(t) for t in types],
            type_iris=types,
        )
        view.same_as = self.matches(OWL.sameAs.value)
        view.close_match = self.matches(SKOS.closeMatch.value)
        view.evidence = self.book.of(self.node)
        view.time = self.time(iri)
        view.counts = sorted(
            (self.count(c) for c in self.values(self.node, "count")), key=lambda c: c.anchor
        )
        view.participants = self.participants()
        view.statements = self.statements()
        view.nicknames = [self.part(n) for n in sorted(self.values(self.node, "nickname"), key=str)]
        view.characterisations = [
            self.part(c) for c in sorted(self.values(self.node, "characterisedAs"), key=str)
        ]
        view.timeline = self.timeline(types)
        view.incoming = self.incoming({(e.event.href or "") for e in view.timeline})
        view.quoted_by = sum(
            1 for t in self.doc.incoming if t.predicate.value == PROV.wasDerivedFrom.value
        )
        return view

    def time(self, subject: str) -> TimeView | None:
        facts = time_facts(self.doc, subject, self.iris)
        if not (facts.dated or facts.phrase):
            return None
        anchor = self.doc.value(NamedNode(subject), self.hkg + "timeAnchor")
        return time_view(facts, self.link(anchor))

    def matches(self, predicate: str) -> list[Value]:
        """owl:sameAs / skos:closeMatch links, with the editorial note of their statement."""
        found = []
        for target in sorted(self.doc.values(self.node, predicate), key=str):
            statement = self.reified(predicate, target)
            note = self.text(statement, SKOS.editorialNote.value) if statement else None
            found.append(Value(self.link(target), None, None, [], [], note))
        return found

    def reified(self, predicate: str, target: Term) -> NamedNode | None:
        """The rdf:Statement node reifying (this resource, predicate, target), if any."""
        for key, facts in self.doc.by_subject.items():
            if (
                facts.get(RDF.subject.value) == [self.node]
                and facts.get(RDF.predicate.value) == [NamedNode(predicate)]
                and facts.get(RDF.object.value) == [target]
            ):
                return NamedNode(key[1:-1])
        return None

    def count(self, node: Term) -> CountView:
        def text(local: str) -> str | None:
            return self.text(node, SCHEMA[local].value)

        values = (text("value"), text("minValue"), text("maxValue"), text("unitText"))
        approximate = self.text(node, self.hkg + "approximate") == "true"
        return CountView(
            anchor=node.value.partition("#")[2],
            kind=self.link(self.doc.value(node, self.hkg + "countKind")),
            group=self.link(self.doc.value(node, self.hkg + "countedGroup")),
            number=both(lambda language: count_text(*values, approximate, language)),
            phrase=self.text(node, self.hkg + "quantityPhrase"),
            evidence=self.book.of(node),
        )

    def participants(self) -> list[ParticipantView]:
        found = []
        for node in self.values(self.node, "participation"):
            who = self.doc.value(node, self.hkg + "participant")
            if who is None:
                continue
            found.append(
                ParticipantView(
                    anchor=node.value.partition("#")[2],
                    role=self.link(self.doc.value(node, self.hkg + "role")),
                    who=self.linker.link(who.value),
                    evidence=self.book.of(node),
                )
            )
        return sorted(found, key=lambda p: (p.role.label.en or "" if p.role else "", p.anchor))

    def shown_apart(self, predicate: str) -> bool:
        locals_ = {self.hkg + name for name in (*TIME_TERMS, *SHOWN_APART)}
        return predicate in locals_ or predicate in OTHER_SHOWN

    def statements(self) -> list[Statement]:
        """Every other outgoing statement, grouped by property, with its evidence."""
        facts = self.doc.by_subject.get(str(self.node), {})
        grouped = []
        for predicate, objects in facts.items():
            if self.shown_apart(predicate):
                continue
            values = [self.value(predicate, o) for o in sorted(objects, key=str)]
            grouped.append(Statement(self.linker.link(predicate), values))
        return sorted(grouped, key=lambda s: s.prop.label.en or "")

    def value(self, predicate: str, target: Term) -> Value:
        statement = self.reified(predicate, target)
        evidence = self.book.of(statement) if statement is not None else []
        weights = self.doc.values(statement, self.hkg + "demographicWeight") if statement else []
        qualifiers = [self.linker.link(w.value) for w in weights]
        if isinstance(target, NamedNode):
            return Value(self.linker.link(target.value), None, None, qualifiers, evidence)
        language = target.language if isinstance(target, Literal) else None
        return Value(None, target.value, language, qualifiers, evidence)

    def part(self, node: Term) -> PartView:
        return PartView(
            anchor=node.value.partition("#")[2],
            label=Label(self.doc.label(node, "en"), self.doc.label(node, "ar")),
            used_by=[self.linker.link(u.value) for u in self.values(node, "usedBy")],
            evidence=self.book.of(node),
        )

    def timeline(self, types: list[str]) -> list[TimelineEntry]:
        """The events that involve this (non-event) resource or happened in its parts, by
        time."""
        if self.ontology.is_a(types, self.hkg + "Event") or self.ontology.is_a(
            types, self.hkg + "Situation"
        ):
            return []
        links = {self.hkg + name for name in TIMELINE_LINKS}
        relations: dict[str, list[str]] = {}
        for triple in self.doc.incoming:
            event = triple.subject.value
            if triple.predicate.value in links and "#" not in event:
                relations.setdefault(event, []).append(triple.predicate.value)
        events = relations.keys() | self.parts.keys()
        entries = [self.entry(event, relations.get(event, [])) for event in events]
        return sorted(entries, key=lambda e: e.key)

    def entry(self, event: str, props: list[str]) -> TimelineEntry:
        """An event on the timeline: linked to this resource (``props``, with what the page's
        document says of its time), or only through the parts it happened in."""
        within = self.parts.get(event)
        if props or within is None:
            facts, types = time_facts(self.doc, event, self.iris), types_of(self.doc, event)
        else:
            facts, types = within.facts, sorted(within.types)
        roles = self.roles.get(event, [])
        if roles:  # hkg:actor is the shortcut of a participation: its role says more
            props = [p for p in props if p != self.hkg + "actor"]
        relations = [self.linker.link(p) for p in sorted(set(props))]
        relations += [self.linker.link(r) for r in roles]
        parts = [self.linker.link(part) for part in within.parts] if within else []
        label = self.linker.label(event)
        return TimelineEntry(
            time=time_view(facts, None),
            event=self.linker.link(event),
            types=[self.linker.link(t) for t in types],
            relations=relations,
            key=(*self.time_order.get(event, UNDATED), label.en or ""),
            parts=sorted(parts, key=lambda link: link.label.en or ""),
        )

    def incoming(self, in_timeline: set[str]) -> list[Statement]:
        """Links from other resources, by property (evidence records and the reified copies of
        statements left out; events already on the timeline too)."""
        links = {self.hkg + name for name in TIMELINE_LINKS}
        grouped: dict[str, set[str]] = {}
        for triple in self.doc.incoming:
            subject, predicate = triple.subject, triple.predicate.value
            if not isinstance(subject, NamedNode) or predicate in EVIDENCE_LINKS:
                continue
            if "#" in subject.value and (
                predicate in REIFICATION or predicate == self.hkg + "participant"
            ):
                continue
            if predicate in links and self.linker.href(subject.value) in in_timeline:
                continue
            grouped.setdefault(predicate, set()).add(subject.value)
        found = []
        for predicate, subjects in grouped.items():
            items = sorted(
                (self.linker.link(s) for s in subjects), key=lambda link: link.label.en or ""
            )
            values = [Value(item, None, None, [], []) for item in items]
            found.append(Statement(self.linker.link(predicate), values))
        return sorted(found, key=lambda s: s.prop.label.en or "")
