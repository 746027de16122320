"""The HTML pages for people: the home page, the timeline, class lists, and the page of every
thing the graph names (``/page/<path>``, reached from its IRI by a 303 in linked_data.py).

Server-rendered and readable without JavaScript; every page names its machine-readable twin in a
``Link`` header and a ``<link rel="alternate">``. Arabic text always sits in ``lang="ar"
dir="rtl"``; ``?lang=ar`` turns the interface (headings, column order) to Arabic.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from pyoxigraph import NamedNode, RdfFormat

from homs_kg.graph.vocabulary import OA
from homs_kg.server.linked_data.documents import Document, document_triples
from homs_kg.server.pages import queries
from homs_kg.server.pages.builder import PageBuilder, TimelineEntry
from homs_kg.server.pages.jsonld import json_ld
from homs_kg.server.pages.model import (
    EvidenceBook,
    EvidenceView,
    Link,
    Linker,
    facts_from_row,
    time_view,
    wanted_labels,
)
from homs_kg.server.pages.ontology import ontology_page
from homs_kg.server.pages.queries import ClassCount, Label, iris
from homs_kg.server.pages.text import chrome, english_date
from homs_kg.server.sparql.description import public_url
from homs_kg.server.web.api_docs import HTML, api_response, documented, query_parameter
from homs_kg.server.web.errors import NotFound

pages = Blueprint("pages", __name__)

RDF_DOCUMENTS = (
    ("ttl", RdfFormat.TURTLE),
    ("jsonld", RdfFormat.JSON_LD),
    ("nt", RdfFormat.N_TRIPLES),
    ("rdf", RdfFormat.RDF_XML),
)
SPARQL_JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Alternate:
    href: str
    media_type: str


def ui_language() -> str:
    """The interface language, as base.html reads it: ``?lang=ar``, else English."""
    return "ar" if request.args.get("lang") == "ar" else "en"


def linker(document: Document | None = None, extra: dict[str, Label] | None = None) -> Linker:
    return Linker(iris(), ui_language(), document, queries.ontology(), extra)


def render(template: str, alternates: list[Alternate], **context: object) -> Response:
    """A page in the interface language, with its twins in ``Link`` and in the page head."""
    language = ui_language()
    html = render_template(
        template, t=chrome(language), ui_lang=language, alternates=alternates, **context
    )
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = ", ".join(
        f'<{a.href}>; rel="alternate"; type="{a.media_type}"' for a in alternates
    )
    response.headers["Content-Language"] = language
    return response


def query_twin(query: str) -> Alternate:
    """The page's rows as SPARQL JSON results: the same query on the endpoint."""
    return Alternate("/sparql?" + urlencode({"query": query, "format": "json"}), SPARQL_JSON)


def rdf_twins(path: str) -> list[Alternate]:
    return [Alternate(f"/data/{path}.{ext}", fmt.media_type) for ext, fmt in RDF_DOCUMENTS]


LANG = query_parameter(
    "lang", "`ar` turns the interface to Arabic; anything else is English.", example="ar"
)
PAGE = api_response("The page.", HTML)


@pages.get("/")
@documented(parameters=[LANG], answers={200: PAGE})
def home() -> Response:
    """The home page: the dataset, its counts, its classes."""
    link = linker()
    counts = queries.class_counts()
    sources = [
        {
            "link": Link(link.href(row["source"]), Label(row.get("title"), None)),
            "language": row.get("language"),
            "issued": english_date(row["issued"], None) if row.get("issued") else None,
        }
        for row in queries.sources()
    ]
    groups = {
        group: sorted((c for c in counts.values() if c.group == group), key=lambda c: c.name)
        for group in ("records", "vocabulary")
    }
    return render(
        "home.html",
        [Alternate("/.well-known/void", RdfFormat.TURTLE.media_type)],
        totals=queries.totals(),
        sources=sources,
        tree=class_tree(counts),
        groups=groups,
        labels=queries.ontology(),
        link=link,
    )


def class_tree(counts: dict[str, ClassCount]) -> list[tuple[int, ClassCount]]:
    """The classes of entities and events as (depth, class), each under its superclass."""
    things = {c.iri: c for c in counts.values() if c.group == "things"}
    ontology = queries.ontology()
    children: dict[str | None, list[ClassCount]] = {}
    for cls in things.values():
        parent = next((p for p in sorted(ontology.parents.get(cls.iri, ())) if p in things), None)
        children.setdefault(parent, []).append(cls)
    ordered: list[tuple[int, ClassCount]] = []

    def walk(parent: str | None, depth: int) -> None:
        for cls in sorted(children.get(parent, []), key=lambda c: c.name):
            ordered.append((depth, cls))
            walk(cls.iri, depth + 1)

    walk(None, 0)
    return ordered


@pages.get("/-/timeline")
@documented(parameters=[LANG], answers={200: PAGE})
def timeline() -> Response:
    """The events in time order."""
    rows = queries.timeline_rows()
    events: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        events.setdefault(row["e"], []).append(row)
    known = {e: Label(r[0].get("english"), r[0].get("arabic")) for e, r in events.items()}
    anchors = {row["anchor"] for row in rows if row.get("anchor")} - set(known)
    extra = {**queries.cached("timeline anchors", lambda: queries.labels_of(anchors)), **known}
    link = linker(extra=extra)
    entries = sorted(
        (timeline_entry(link, event, found) for event, found in events.items()), key=lambda e: e.key
    )
    return render("timeline.html", [query_twin(queries.timeline_query(iris()))], entries=entries)


def timeline_entry(link: Linker, event: str, rows: list[dict[str, str]]) -> TimelineEntry:
    facts = facts_from_row(rows[0])
    anchor = link.link(rows[0]["anchor"]) if rows[0].get("anchor") else None
    label = link.label(event)
    return TimelineEntry(
        time=time_view(facts, anchor),
        event=link.link(event),
        types=[link.link(t) for t in sorted({row["type"] for row in rows})],
        relations=[],
        key=(facts.latest or "9999", facts.earliest or "", label.en or ""),
    )


@pages.get("/-/browse/<class_name>")
@documented(
    parameters=[LANG],
    answers={200: PAGE},
    errors={404: "No class of that name with instances."},
    path={"class_name": {"description": "An ontology class with instances.", "example": "Person"}},
)
def browse(class_name: str) -> Response:
    """The instances of a class."""
    counts = queries.class_counts()
    if class_name not in counts:
        raise NotFound(
            f"there is no class {class_name!r} with instances in this dataset; "
            "the classes are listed on the home page"
        )
    cls = counts[class_name]
    link = linker()
    items = [
        (
            link.link(row["s"]),
            Label(row.get("english"), row.get("arabic")),
            link.link(row["type"]) if row.get("type") else None,
        )
        for row in queries.instances(cls.iri)
    ]
    return render(
        "browse.html",
        [query_twin(queries.instances_query(cls.iri))],
        cls=cls,
        class_link=link.link(cls.iri),
        items=items,
    )


def render_page(path: str, iri: str) -> Response:
    """The HTML page of the thing at ``path`` (``resource/homs``, ``ontology/Person``, …)."""
    if path == "ontology" or path.startswith("ontology/"):
        return ontology_page(path, iri)
    if path.startswith("graph/"):
        return graph_page(path, iri)
    return resource_page(path, iri)


def resource_page(path: str, iri: str) -> Response:
    """An entity, event, source document or evidence record: its document, shown."""
    minted = iris()
    document = Document(iri, document_triples(queries.store(), iri, minted))
    extra = queries.labels_of(wanted_labels(document, minted))
    link = linker(document, extra)
    ontology = queries.ontology()
    roles = queries.roles_of(iri) if path.startswith("resource/") else {}
    builder = PageBuilder(document, minted, ontology, link, roles)
    view = builder.build()
    record = None
    if path.startswith("evidence/"):
        record = evidence_record(document, builder.book, link)
        view.label = evidence_label(record.bodies)
    source = source_record(document) if path.startswith("source/") else None
    page_url = public_url("page/" + path)  # the base IRI's, as the page's IRIs: not the Host's
    return render(
        "page.html",
        rdf_twins(path),
        view=view,
        record=record,
        source=source,
        jsonld=None if record else json_ld(view, document, ontology, link, minted, page_url),
        link=link,
    )


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


def source_record(document: Document) -> dict[str, str | None]:
    """A source document's page: its metadata and full text."""
    node, hkg = NamedNode(document.iri), iris().hkg.iri

    def text(predicate: str) -> str | None:
        value = document.value(node, predicate)
        return value.value if value is not None else None

    issued = text("http://purl.org/dc/terms/issued")
    return {
        "language": text("http://purl.org/dc/terms/language"),
        "issued": english_date(issued, None) if issued else None,
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
        rdf_twins(path),
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
