"""The SPARQL 1.1 Protocol query operation at /sparql (https://www.w3.org/TR/sparql11-protocol/).

Section 2.1: query via GET, via POST with a URL-encoded body, and via POST directly with
``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri`` give the RDF dataset.
Without them the default graph is the union of the named graphs (the service description says so).
The service is read-only: an update operation (section 2.2), on any route, is refused with 403.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    NotAcceptable,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)

from homs_kg.server.catalogue.query_page import query_page
from homs_kg.server.engine.evaluation import (
    QueryJob,
)
from homs_kg.server.engine.formats import format_by_name
from homs_kg.server.engine.syntax import may_vary
from homs_kg.server.sparql.self_description import service_description
from homs_kg.server.web.answers import (
    answer,
    cached,
    not_modified,
    result_etag,
    run,
    with_validators,
)
from homs_kg.server.web.context import client_limiter, current_config

sparql = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@sparql.before_app_request
def refuse_updates() -> None:
    """Read-only: any update request, on any route, is refused before it is looked at further."""
    if (
        request.mimetype == SPARQL_UPDATE
        or (request.method == "POST" and request.mimetype == FORM and "update" in request.form)
        or "update" in request.args
    ):
        raise Forbidden("this SPARQL service is read-only: update operations are not accepted")


def single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise BadRequest(f"the request has {len(values)} '{name}' parameters; give exactly one")
    return values[0] if values else None


def job_from_request() -> QueryJob | None:
    """The query job of a protocol request, or None when it carries no query."""
    if request.method in ("GET", "HEAD"):
        params, query = request.args, single(request.args.getlist("query"), "query")
    elif request.mimetype == FORM:
        params, query = request.form, single(request.form.getlist("query"), "query")
    elif request.mimetype == SPARQL_QUERY:
        params = request.args
        try:
            query = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadRequest("the query is not valid UTF-8") from error
    else:
        raise UnsupportedMediaType(
            f"POST a query as {FORM} or {SPARQL_QUERY}, not {request.mimetype or 'no content type'}"
        )
    if query is None:
        return None
    if "\x00" in query:
        raise BadRequest("the query contains a NUL character")
    return QueryJob(
        query=query,
        accept=request.headers.get("Accept"),
        format=format_parameter([*params.getlist("format"), *params.getlist("output")]),
        default_graphs=tuple(params.getlist("default-graph-uri")),
        named_graphs=tuple(params.getlist("named-graph-uri")),
    )


def format_parameter(values: list[str]) -> str | None:
    """``format=`` (or Fuseki's ``output=``): SPARQLWrapper sends several, e.g. "csv" and
    "text/csv"; the first one naming a known format wins, unknown names alone are an error."""
    for value in values:
        if format_by_name(value) is not None:
            return value
    if values:
        raise NotAcceptable(
            f"unknown result format {values[0]!r}; use json, xml, csv, tsv, "
            "turtle, ntriples, rdfxml, jsonld, nquads, trig or a media type"
        )
    return None


def check_size() -> None:
    limit = current_config().max_request_bytes
    if len(request.query_string) > limit:
        raise RequestEntityTooLarge(f"the request is larger than the limit of {limit} bytes")


@sparql.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    check_size()
    job = job_from_request()
    if job is None:
        return self_description()
    if request.method in ("GET", "HEAD") and not may_vary(job.query):
        etag = result_etag(job)
        if not_modified(etag):
            return cached(Response(status=304), etag)
    # the client's slot is held until its answer has been sent (or the client has gone)
    release = client_limiter().acquire(request.remote_addr or "unknown")
    try:
        reply = run(job)
        response = with_validators(answer(reply), job, reply)
    except BaseException:
        release()
        raise
    response.call_on_close(release)
    return response


def self_description() -> Response:
    """/sparql without a query: the query UI for browsers, else the Service Description."""
    if request.accept_mimetypes.best_match(["text/turtle", "text/html"]) == "text/html":
        page = query_page()
        page.headers["Vary"] = "Accept"
        return page
    return service_description()
