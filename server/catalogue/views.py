"""The catalogue over HTTP: /queries lists it, /queries/<name> gives a query's results."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from werkzeug.exceptions import NotAcceptable, NotFound

from homs_kg.server.catalogue.queries import CatalogueQuery, find_query, load_catalogue
from homs_kg.server.engine.evaluation import QueryJob
from homs_kg.server.engine.formats import negotiate_media
from homs_kg.server.web.answers import answer, run
from homs_kg.server.web.api_docs import (
    JSON,
    SPARQL_JSON,
    SPARQL_RESULTS_JSON,
    api_response,
    documented,
    query_parameter,
)

catalogue = Blueprint("catalogue", __name__)

LIST_TYPES = ["text/html", "application/json"]
RESULT_TYPES = ["text/html", "application/sparql-results+json", "text/csv"]


def config_base() -> str:
    return current_app.extensions["homs_kg"]["config"].base_iri


def ui_link(query: CatalogueQuery) -> str:
    """A link opening the query in the query UI (YASGUI reads query and tab title from the URL)."""
    return url_for("ui.query_ui", query=query.text, tabTitle=query.title)


@catalogue.get("/queries")
@documented(
    parameters=[query_parameter("format", "`json` for the JSON list.", example="json")],
    answers={
        200: api_response(
            "The catalogue.",
            *LIST_TYPES,
            schemas={
                JSON: {
                    "type": "object",
                    "required": ["queries"],
                    "properties": {"queries": {"type": "array"}},
                }
            },
        )
    },
    errors={406: "Neither HTML nor JSON acceptable."},
)
def query_list() -> Response:
    """The catalogue: title, question, a link to the results and one to open it in the query UI."""
    queries = load_catalogue(config_base())
    chosen = negotiate_media(request.headers.get("Accept"), LIST_TYPES)
    if request.args.get("format") == "json" or chosen == "application/json":
        body = [
            {
                "name": q.name,
                "title": q.title,
                "title_ar": q.title_ar,
                "question": q.question,
                "shows": q.shows,
                "results": url_for(".query_results", name=q.name),
                "query": q.text,
            }
            for q in queries
        ]
        return jsonify(queries=body)
    if chosen is None:
        raise NotAcceptable("the catalogue is offered as text/html or application/json")
    response = Response(render_template("queries.html", queries=queries, ui_link=ui_link))
    response.headers["Link"] = '</queries?format=json>; rel="alternate"; type="application/json"'
    response.headers["Vary"] = "Accept"
    return response


@catalogue.get("/queries/<name>")
@documented(
    parameters=[
        query_parameter("format", "`json`, `csv` or `html`, overriding Accept.", example="csv")
    ],
    answers={
        200: api_response("The results.", *RESULT_TYPES, schemas={SPARQL_JSON: SPARQL_RESULTS_JSON})
    },
    errors={
        404: "No catalogue query of that name.",
        406: "No acceptable format.",
        502: "A SERVICE call failed.",
        503: "The query ran past the time limit.",
    },
    path={
        "name": {
            "description": "The query's name, as listed at /queries.",
            "example": "event-timeline",
        }
    },
)
def query_results(name: str) -> Response:
    """A catalogue query's results: an HTML table, SPARQL JSON or CSV, by Accept or format=."""
    query = find_query(name, config_base())
    if query is None:
        raise NotFound(f"no catalogue query named {name!r}")
    wanted = request.args.get("format")
    chosen = {"json": RESULT_TYPES[1], "csv": RESULT_TYPES[2], "html": RESULT_TYPES[0]}.get(
        wanted or "", negotiate_media(request.headers.get("Accept"), RESULT_TYPES)
    )
    if chosen is None:
        raise NotAcceptable("results are offered as " + ", ".join(RESULT_TYPES))
    if chosen != "text/html":
        job = QueryJob(query.text, format=chosen)
        response = answer(run(job))
        response.headers["Vary"] = "Accept"
        return response
    rows, variables = table(query)
    return Response(
        render_template(
            "query_results.html", query=query, rows=rows, variables=variables, ui_link=ui_link
        )
    )


def table(query: CatalogueQuery) -> tuple[list[dict[str, dict]], list[str]]:
    """The results as SPARQL JSON bindings, for the HTML table."""
    reply = run(QueryJob(query.text, format="json"))
    if reply.status != 200:
        answer(reply)  # raises the matching error
    body = json.loads(reply.read())
    return body["results"]["bindings"], body["head"]["vars"]
