"""The schema.org description embedded in a page (``<script type="application/ld+json">``), so
that search engines and other crawlers read the page's subject without fetching the RDF.

Built as a dict here; the template writes it with Jinja's ``tojson`` (which escapes ``<``, ``>``,
``&`` and ``'``, so no label can close the script element).
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import NamedNode

from homs_kg.graph.vocabulary import DCTERMS, OWL, MintedIris
from homs_kg.server.linked_data.documents import Document
from homs_kg.server.pages.builder import ResourceView
from homs_kg.server.pages.model import Linker, labels_from, time_facts, types_of
from homs_kg.server.pages.vocabulary import Label, Vocabulary


def names(label: Label) -> list[dict[str, str]]:
    return [
        {"@value": text, "@language": language}
        for language, text in (("ar", label.ar), ("en", label.en))
        if text
    ]


def start_date(document: Document, iri: str, iris: MintedIris) -> str | None:
    """The event's hkg:date at the text's precision (2012-02-03, 2012-05, 2011); none for a time
    the text gives only as "by …" (its start is not known)."""
    facts = time_facts(document, iri, iris)
    return facts.date if facts.date and facts.mode != "NoLaterThan" else None


def place(document: Document, iri: str, ontology: Vocabulary, linker: Linker) -> dict[str, Any]:
    label = labels_from(document, iri) or linker.label(iri)
    return {
        "@id": iri,
        "@type": ontology.schema_type(types_of(document, iri)),
        "name": names(label),
    }


def json_ld(
    view: ResourceView,
    document: Document,
    ontology: Vocabulary,
    linker: Linker,
    iris: MintedIris,
    page_url: str,
) -> dict[str, Any]:
    """The page's subject in schema.org terms."""
    kind = ontology.schema_type(view.type_iris)
    found: dict[str, Any] = {
        "@context": "https://schema.org",
        "@id": view.iri,
        "@type": kind,
        "url": page_url,
        "name": names(view.label),
    }
    alternates = [{"@value": a, "@language": "ar"} for a in view.alt_ar]
    alternates += [{"@value": a, "@language": "en"} for a in view.alt_en]
    if alternates:
        found["alternateName"] = alternates
    same = [t.value for t in document.values(NamedNode(view.iri), OWL.sameAs.value)]
    if same:
        found["sameAs"] = sorted(same)
    if kind == "Event":
        date = start_date(document, view.iri, iris)
        if date:
            found["startDate"] = date
        places = document.values(NamedNode(view.iri), iris.hkg.place.value)
        if places:
            found["location"] = [place(document, p.value, ontology, linker) for p in places]
    if kind == "NewsArticle":
        found.update(article(document, view.iri))
    return found


def article(document: Document, iri: str) -> dict[str, Any]:
    node = NamedNode(iri)

    def text(predicate: str) -> str | None:
        value = document.value(node, predicate)
        return value.value if value is not None else None

    fields = {
        "headline": text(DCTERMS.title.value),
        "inLanguage": text(DCTERMS.language.value),
        "datePublished": text(DCTERMS.issued.value),
    }
    return {key: value for key, value in fields.items() if value}
