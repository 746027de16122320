"""Label search at ``GET /search``, over the label index (server/search/label_index.py), in
HTML for people and JSON for programs."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import BadRequest, NotAcceptable

from homs_kg.server.engine.formats import negotiate_media
from homs_kg.server.search.label_index import (
    LOWEST_EXACT,
    MAX_QUERY_CHARS,
    TOO_MANY,
    Hit,
    LabelIndex,
    client_slot,
    json_response,
    label_index,
    query_text,
)
from homs_kg.server.web.api_docs import LANG, api_response, documented, query_parameter
from homs_kg.server.web.language import ui_language

search_blueprint = Blueprint("search", __name__)

HTML, JSON, JSON_ALIAS = "text/html", "application/json", "application/sparql-results+json"
FORMATS = {"html": HTML, "json": JSON, HTML: HTML, JSON: JSON}
DEFAULT_LIMIT, MAX_LIMIT = 20, 100


# The longest label of the graph has 91 characters; a longer query can match a label only by its
# words, so this bound refuses nothing useful and caps the work per query.
def page_of(iri: str, base: str) -> str | None:
    """The thing's HTML page, ``/page/<path>`` (a hash IRI: its resource's page, at the hash)."""
    if not iri.startswith(base):
        return None
    return f"{request.script_root}/page/{iri.removeprefix(base)}"


def chosen_media() -> str:
    """``format=json|html`` first, then the Accept header; HTML when the client does not mind."""
    name = request.args.get("format")
    if name is not None:
        if name.strip().lower() not in FORMATS:
            raise BadRequest(f"unknown format {name!r}; use json or html")
        return FORMATS[name.strip().lower()]
    # engine/formats.py SOLUTION_ALIASES reads "application/json" in an Accept header as the
    # SPARQL results media type, so that one is offered too, as a name of the same JSON answer.
    chosen = negotiate_media(request.headers.get("Accept"), [HTML, JSON, JSON_ALIAS])
    if chosen is None:
        raise NotAcceptable("search results are offered as text/html and application/json")
    return JSON if chosen == JSON_ALIAS else chosen


def class_filter(index: LabelIndex, value: str | None) -> frozenset[str] | None:
    if value is None or not value.strip():
        return None
    cls = index.resolve_class(value.strip())
    if cls is None:
        raise BadRequest(f"unknown type {value!r}: give a class IRI or an hkg class name")
    return index.with_subclasses(cls)


def limit_parameter(value: str | None) -> int:
    if value is None or not value.strip():
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        raise BadRequest(f"limit must be a positive integer, not {value!r}") from None
    if limit < 1:
        raise BadRequest(f"limit must be a positive integer, not {value!r}")
    return min(limit, MAX_LIMIT)


def result(hit: Hit, index: LabelIndex) -> dict:
    entry = hit.entry
    return {
        "iri": entry.iri,
        "label": {lang: entry.labels[lang] for lang in ("ar", "en") if lang in entry.labels},
        "types": [{"iri": t, "label": index.class_labels.get(t, {})} for t in entry.types],
        "score": hit.score,
        "page": page_of(entry.iri, index.base),
        "matched": {"label": hit.name.text, "lang": hit.name.lang},
    }


@search_blueprint.get("/search")
@documented(
    parameters=[
        query_parameter(
            "q",
            f"The text to search for (needed for JSON; at most {MAX_QUERY_CHARS} characters).",
            {"type": "string", "maxLength": MAX_QUERY_CHARS},
            "حمص",
        ),
        query_parameter(
            "type", "A class IRI or hkg class name (subclasses included).", example="Person"
        ),
        query_parameter(
            "limit",
            f"At most this many results (a positive integer; at most {MAX_LIMIT}).",
            example="5",
        ),
        query_parameter(
            "format",
            f"{' or '.join(f'`{f}`' for f in FORMATS if '/' not in f)}, overriding Accept.",
            example="json",
        ),
        LANG,
    ],
    answers={
        200: api_response(
            "The results.",
            JSON,
            HTML,
            schemas={
                JSON: {
                    "type": "object",
                    "required": ["query", "results"],
                    "properties": {"query": {"type": "string"}, "results": {"type": "array"}},
                }
            },
        )
    },
    errors={
        400: "An unknown format or type, a bad limit, no q for JSON, or a q that is too long.",
        406: "Neither HTML nor JSON acceptable.",
        429: TOO_MANY,
    },
)
def search() -> Response:
    """Label search; the JSON answer is ``{"query", "results": [...]}``, the HTML one a list."""
    with client_slot():
        return search_answer()


def search_answer() -> Response:
    media = chosen_media()
    query = query_text(request.args.get("q", ""), "q")
    index = label_index()
    classes = class_filter(index, request.args.get("type"))
    limit = limit_parameter(request.args.get("limit"))
    if media == JSON and not query:
        raise BadRequest("give the text to search for as q=, e.g. /search?q=حمص&format=json")
    results = [result(hit, index) for hit in index.search(query, classes)[:limit]]
    if media == JSON:
        response = json_response({"query": query, "results": results})
    else:
        response = html_answer(query, results, index)
    response.vary.add("Accept")
    return response


def html_answer(query: str, results: list[dict], index: LabelIndex) -> Response:
    twin = request.script_root + "/search?" + urlencode({**request.args, "format": "json"})
    lang = ui_language()
    body = render_template(
        "search.html",
        query=query,
        results=results,
        json_url=twin if query else None,
        exact_score=LOWEST_EXACT,
        type_label=lambda cls: index.type_label(cls, lang),
        type_param=request.args.get("type", ""),
        type_choices=[
            (cls.removeprefix(index.hkg), index.type_label(cls, lang))
            for cls in index.used_classes()
        ],
    )
    response = Response(body, mimetype=HTML)
    response.headers["Content-Language"] = lang
    if query:
        response.headers["Link"] = f'<{twin}>; rel="alternate"; type="{JSON}"'
    return response
