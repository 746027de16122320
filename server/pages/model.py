"""What a page shows, as plain values for the templates: links with labels in both languages,
evidence quotes cut around their exact words, times and counts in words.

``Linker`` turns IRIs into links (``/page/<path>`` under the base IRI, with the page's interface
language kept); ``EvidenceBook`` turns evidence records into quotes, once each per page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from homs_kg.graph.vocabulary import DCTERMS, OA, RDF, RDFS, SEM, SKOS, WD, MintedIris
from homs_kg.server.linked_data.documents import Document, Term
from homs_kg.server.pages.text import (
    TimeFacts,
    both,
    end_text,
    local_name,
    relation_to_anchor,
    split_quote,
    time_text,
)
from homs_kg.server.pages.vocabulary import Label, Vocabulary
from homs_kg.server.web.language import with_language

# Terms of other vocabularies a page may name, with labels in both languages.
FOREIGN = {
    OA.Annotation.value: Label("annotation (Web Annotation)", "تعليق توضيحي"),
    OA.SpecificResource.value: Label("specific resource (Web Annotation)", "مورد محدد"),
    OA.TextQuoteSelector.value: Label("text quote selector", "محدد الاقتباس"),
    OA.TextPositionSelector.value: Label("text position selector", "محدد الموضع"),
    RDF.Statement.value: Label("statement (reified)", "عبارة"),
    SKOS.editorialNote.value: Label("editorial note", "ملاحظة تحريرية"),
    SKOS.note.value: Label("note", "ملاحظة"),
    RDFS.comment.value: Label("comment", "تعليق"),
}


@dataclass(frozen=True)
class Link:
    """A link to show: ``href`` None for plain text; ``external`` for links off this site."""

    href: str | None
    label: Label
    external: bool = False


@dataclass(frozen=True)
class Quote:
    """The sentence of an evidence record cut around its quote (``exact`` is highlighted)."""

    before: str
    exact: str
    after: str


@dataclass(frozen=True)
class EvidenceView:
    href: str | None
    anchor: str
    quote: Quote | None
    source: Link | None
    repeat: bool  # already quoted higher up the page: shown as a link to it


@dataclass(frozen=True)
class TimeView:
    """A time in words in both languages (``date``, ``relation`` to the ``anchor``, ``end``)
    beside the text's own Arabic phrases."""

    date: Label
    phrase: str | None
    relation: Label
    anchor: Link | None
    end: Label
    end_phrase: str | None
    approximate: bool


def term(subject: str | Term) -> Term:
    """A Document key: an IRI string becomes its NamedNode (terms pass through)."""
    return NamedNode(subject) if isinstance(subject, str) else subject


class Linker:
    """Links and labels of the IRIs a page names: labels from the page's document, else from the
    ontology, else from ``extra`` (fetched for the few the document lacks)."""

    def __init__(
        self,
        iris: MintedIris,
        language: str,
        document: Document | None,
        ontology: Vocabulary,
        extra: dict[str, Label] | None = None,
    ) -> None:
        self.base, self.language, self.document = iris.base, language, document
        self.ontology, self.extra = ontology, extra or {}

    def href(self, iri: str) -> str | None:
        """``/page/<path>`` (``?lang=ar`` kept, ``#part`` kept) for an IRI under the base."""
        if not iri.startswith(self.base):
            return None
        path, _, part = iri[len(self.base) :].partition("#")
        return with_language(f"/page/{path}", self.language) + (f"#{part}" if part else "")

    def page(self, path: str) -> str:
        """A page of the site itself (``/-/timeline``), in the interface language."""
        return with_language(path, self.language)

    def known_label(self, iri: str) -> Label:
        if self.document is not None:
            node = NamedNode(iri)
            found = Label(
                self.document.label(node, "en") or self.title(iri, "en"),
                self.document.label(node, "ar") or self.title(iri, "ar"),
            )
            if found:
                return found
        return self.ontology.label(iri) or self.extra.get(iri) or FOREIGN.get(iri, Label())

    def title(self, iri: str, language: str) -> str | None:
        """A source document's dcterms:title in ``language`` (its name: it has no label)."""
        titles = self.document.values(NamedNode(iri), DCTERMS.title.value) if self.document else []
        return next((t.value for t in titles if getattr(t, "language", None) == language), None)

    def label(self, iri: str) -> Label:
        """The IRI's label; a part without one (``x#killed``) is named by its resource."""
        found = self.known_label(iri)
        if found:
            return found
        owner, _, part = iri.partition("#")
        if part and (named := self.known_label(owner)):
            return Label(
                f"{named.en} ({part})" if named.en else None,
                f"{named.ar} ({part})" if named.ar else None,
            )
        shown = iri.removeprefix(self.base)
        if shown.startswith(WD.iri):
            shown = shown.removeprefix(WD.iri)
        return Label(shown, None)

    def link(self, iri: str) -> Link:
        href = self.href(iri)
        return Link(href or iri, self.label(iri), external=href is None)


def wanted_labels(document: Document, iris: MintedIris) -> set[str]:
    """The IRIs a page will name whose label its document lacks: resources named by their
    parts (``x#killed``), sources, events anchoring a time."""
    wanted: set[str] = set()
    named = [
        t.value
        for facts in document.by_subject.values()
        for values in facts.values()
        for t in values
        if isinstance(t, NamedNode)
    ]
    named += [key[1:-1] for key in document.by_subject if key.startswith("<")]
    for iri in named:
        if not iri.startswith(iris.base) or iri.startswith(iris.base + "ontology"):
            continue
        for candidate in {iri, iri.partition("#")[0]}:
            node = NamedNode(candidate)
            if not document.label(node, "en") and not document.label(node, "ar"):
                wanted.add(candidate)
    return wanted


@dataclass
class EvidenceBook:
    """Evidence records as quotes. A quote met again on the same page (the same words of the
    same sentence, often for several statements of one record) becomes a link to the first."""

    document: Document
    linker: Linker
    seen: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def anchor(self, iri: str) -> str:
        path = iri.removeprefix(self.linker.base + "evidence/")
        return "ev-" + path.replace("/", "-")

    def view(self, record: Term) -> EvidenceView:
        iri = record.value
        doc = self.document
        target = doc.value(NamedNode(iri), OA.hasTarget.value)
        source = doc.value(target, OA.hasSource.value) if target is not None else None
        quote = self.quote(iri, target)
        key = (quote.before, quote.exact, quote.after) if quote else ("", iri, "")
        repeat = key in self.seen
        if not repeat:
            self.seen[key] = self.anchor(iri)
        return EvidenceView(
            href=self.linker.href(iri),
            anchor=self.seen[key],
            quote=None if repeat else quote,
            source=self.linker.link(source.value) if source is not None else None,
            repeat=repeat,
        )

    def quote(self, iri: str, target: Term | None) -> Quote | None:
        doc = self.document
        selectors = doc.values(target, OA.hasSelector.value) if target is not None else []
        for selector in selectors:
            exact = doc.value(selector, OA.exact.value)
            if exact is None:
                continue
            prefix, suffix = (doc.value(selector, OA[name].value) for name in ("prefix", "suffix"))
            sentence = doc.value(NamedNode(iri), self.linker.base + "ontology/sentence")
            cut = split_quote(
                sentence.value if sentence is not None else "",
                exact.value,
                prefix.value if prefix is not None else "",
                suffix.value if suffix is not None else "",
            )
            return Quote(*cut) if cut else Quote("", exact.value, "")
        return None

    def of(self, subject: str | Term) -> list[EvidenceView]:
        """The evidence of ``subject`` (a resource, a part, a reified statement)."""
        records = self.document.values(term(subject), self.linker.base + "ontology/evidence")
        return [self.view(record) for record in sorted(records, key=str)]


def time_facts(document: Document, subject: str, iris: MintedIris) -> TimeFacts:
    """What the document says of ``subject``'s time."""
    hkg = iris.hkg.iri

    def text(predicate: str) -> str | None:
        found = document.value(node, predicate)
        return found.value if found is not None else None

    node = NamedNode(subject)
    date = document.value(node, hkg + "date")
    return TimeFacts(
        date=date.value if date is not None else None,
        datatype=date.datatype.value if isinstance(date, Literal) else None,
        phrase=text(hkg + "datePhrase"),
        qualifier=local_name(text(hkg + "timeQualifier")),
        mode=local_name(text(hkg + "timeMode")),
        earliest=text(SEM.hasEarliestBeginTimeStamp.value),
        latest=text(SEM.hasLatestBeginTimeStamp.value),
        relative=text(hkg + "relativeTime"),
        end=text(SEM.hasLatestEndTimeStamp.value),
        end_phrase=text(hkg + "endPhrase"),
        approximate=text(hkg + "approximateTime") == "true",
    )


def time_view(facts: TimeFacts, anchor: Link | None) -> TimeView:
    return TimeView(
        date=both(lambda language: time_text(facts, language)),
        phrase=facts.phrase,
        relation=both(lambda language: relation_to_anchor(facts, language))
        if anchor is not None
        else Label(),
        anchor=anchor,
        end=both(lambda language: end_text(facts, language)),
        end_phrase=facts.end_phrase,
        approximate=facts.approximate,
    )


def facts_from_row(row: dict[str, str]) -> TimeFacts:
    """The time of a timeline row (page_queries.TIME_COLUMNS)."""
    return TimeFacts(
        date=row.get("date"),
        datatype=row.get("datatype"),
        phrase=row.get("phrase"),
        qualifier=local_name(row.get("qualifier")),
        mode=local_name(row.get("mode")),
        earliest=row.get("earliest"),
        latest=row.get("latest"),
        relative=row.get("relative"),
        end=row.get("end"),
        end_phrase=row.get("endPhrase"),
        approximate=row.get("approximate") == "true",
    )


def labels_from(document: Document, subject: str) -> Label:
    node = NamedNode(subject)
    return Label(document.label(node, "en"), document.label(node, "ar"))


def alt_labels(document: Document, subject: str, language: str) -> list[str]:
    found = document.values(NamedNode(subject), SKOS.altLabel.value)
    return sorted(t.value for t in found if getattr(t, "language", None) == language)


def types_of(document: Document, subject: str) -> list[str]:
    return sorted(t.value for t in document.values(NamedNode(subject), RDF.type.value))
