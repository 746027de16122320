"""The HTML pages for people: the home page, the timeline, class lists, and the page of every
thing the graph names (``/page/<path>``, reached from its IRI by a 303: server/pages/things.py).

Server-rendered and readable without JavaScript; every page names its machine-readable twin in a
``Link`` header and a ``<link rel="alternate">``. Arabic text always sits in ``lang="ar"
dir="rtl"``; ``?lang=ar`` turns the interface (headings, column order) to Arabic.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from pyoxigraph import RdfFormat
from werkzeug.exceptions import NotFound

from homs_kg.graph.review import KINDS
from homs_kg.server.engine.formats import negotiate_media
from homs_kg.server.linked_data.things import NOT_A_THING, Alternate, iri_of, require
from homs_kg.server.pages import queries
from homs_kg.server.pages.builder import TimelineEntry
from homs_kg.server.pages.model import Link, Linker, facts_from_row, time_view
from homs_kg.server.pages.queries import ClassCount
from homs_kg.server.pages.rendering import linker, query_twin, render
from homs_kg.server.pages.review import review_json, review_view, source_ids
from homs_kg.server.pages.text import both, date_text
from homs_kg.server.pages.things import render_page
from homs_kg.server.pages.vocabulary import Label
from homs_kg.server.web.api_docs import HTML, JSON, LANG, api_response, documented, query_parameter
from homs_kg.server.web.context import current_iris

pages = Blueprint("pages", __name__)


PAGE = api_response("The page.", HTML)


@pages.get("/")
@documented(parameters=[LANG], answers={200: PAGE}, conditional=True)
def home() -> Response:
    """The home page: the dataset, its counts, its classes."""
    link = linker()
    counts = queries.class_counts()
    sources = [source_entry(link, row) for row in queries.sources()]
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


def source_entry(link: Linker, row: dict[str, str]) -> dict[str, object]:
    """A source as the home page lists it: its titles, language and date in both languages."""
    issued = row.get("issued")
    return {
        "link": Link(link.href(row["source"]), Label(row.get("title_en"), row.get("title_ar"))),
        "language": row.get("language"),
        "issued": both(lambda language: date_text(issued, None, language)) if issued else None,
    }


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
@documented(parameters=[LANG], answers={200: PAGE}, conditional=True)
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
    order = queries.time_order()
    found = (timeline_entry(link, event, rows, order) for event, rows in events.items())
    entries = sorted(found, key=lambda entry: entry.key)
    return render(
        "timeline.html", [query_twin(queries.timeline_query(current_iris()))], entries=entries
    )


def timeline_entry(
    link: Linker, event: str, rows: list[dict[str, str]], order: dict[str, queries.TimeOrder]
) -> TimelineEntry:
    facts = facts_from_row(rows[0])
    anchor = link.link(rows[0]["anchor"]) if rows[0].get("anchor") else None
    label = link.label(event)
    return TimelineEntry(
        time=time_view(facts, anchor),
        event=link.link(event),
        types=[link.link(t) for t in sorted({row["type"] for row in rows})],
        relations=[],
        key=(*order.get(event, queries.UNDATED), label.en or ""),
    )


@pages.get("/-/browse/<class_name>")
@documented(
    parameters=[LANG],
    answers={200: PAGE},
    conditional=True,
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


@pages.get("/page/<path:path>")
@documented(
    parameters=[LANG],
    answers={200: PAGE},
    conditional=True,
    errors={404: NOT_A_THING},
    path={
        "path": {"description": "The thing's path under the base IRI.", "example": "resource/homs"}
    },
)
def page(path: str) -> Response:
    """A thing's HTML page."""
    require(path)
    return render_page(path, iri_of(path))


@pages.get("/-/sources/")
@documented(
    parameters=[LANG, query_parameter("format", "`json`: the list for programs.", example="json")],
    answers={200: api_response("The sources.", HTML, JSON, schemas={JSON: {"type": "object"}})},
)
def sources() -> Response:
    """The corpus's sources, each with the share of its sentences that carry a statement."""
    figures = [(source_id, review_view(source_id)) for source_id in source_ids()]
    if wants_json():
        return jsonify(
            sources=[
                {"source": s, "coverage": round(v.coverage, 4), "review": f"/-/sources/{s}"}
                for s, v in figures
            ]
        )
    return render("sources.html", [Alternate("/-/sources/?format=json", JSON)], figures=figures)


@pages.get("/-/sources/<source_id>")
@documented(
    parameters=[LANG, query_parameter("format", "`json`: figures and spans.", example="json")],
    answers={200: api_response("The review.", HTML, JSON, schemas={JSON: {"type": "object"}})},
    errors={404: "No source of that name in the corpus the server reads."},
    path={"source_id": {"description": "The source's id.", "example": "homs-2017-05-21"}},
)
def source_review_page(source_id: str) -> Response:
    """A source's text with the spans its annotations rest on, by kind (entity, relation, event,
    date, count), the sentences no statement rests on, and the coverage figures."""
    view = review_view(source_id)
    if wants_json():
        return jsonify(review_json(view))
    twin = Alternate(f"/-/sources/{source_id}?format=json", JSON)
    return render("review.html", [twin], review=view, kinds=KINDS)


def wants_json() -> bool:
    """``format=json``, or an Accept header that prefers JSON to HTML."""
    if request.args.get("format") == "json":
        return True
    return negotiate_media(request.headers.get("Accept"), [HTML, JSON]) == JSON
