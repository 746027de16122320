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
from homs_kg.server.engine.formats import (
    FORMAT_NAMES,
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    choose_format,
    format_by_name,
    kind_of_form,
    unacceptable,
)
from homs_kg.server.engine.syntax import may_vary, query_form
from homs_kg.server.sparql.self_description import service_description
from homs_kg.server.web.answers import (
    answer,
    cached,
    not_modified,
    result_etag,
    run,
    with_validators,
)
from homs_kg.server.web.api_docs import (
    HTML,
    SPARQL_JSON,
    SPARQL_RESULTS_JSON,
    api_response,
    documented,
    form,
    media_types,
    query_parameter,
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
        # the body's fields and the URL's parameters both count (a form posted to ?format=csv)
        params, query = request.values, single(request.form.getlist("query"), "query")
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


def refuse_unacceptable(job: QueryJob) -> None:
    """406 before evaluation when no offered format of the query's form is acceptable (the form
    read past the prologue; when it cannot be read so, the worker decides after evaluation)."""
    form = query_form(job.query)
    if form is not None and choose_format(job.format, job.accept, kind_of_form(form)) is None:
        raise NotAcceptable(unacceptable(kind_of_form(form)))


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


QUERY = query_parameter(
    "query",
    "The SPARQL query (exactly one). Without it, the Service Description (Turtle or JSON-LD), "
    "or the query UI for a client preferring text/html.",
    example="SELECT ?s WHERE { ?s a <http://127.0.0.1:8000/ontology/Person> } LIMIT 3",
)
DATASET_AND_FORMAT = (
    query_parameter(
        "default-graph-uri",
        "The default graph is the merge of these graphs (default: the union of the named graphs).",
        repeated=True,
    ),
    query_parameter("named-graph-uri", "The named graphs of the dataset.", repeated=True),
    query_parameter(
        "format",
        f"The result format, overriding Accept: a short name ({', '.join(FORMAT_NAMES)}) or a "
        "media type; repeatable, the first known one wins.",
        repeated=True,
    ),
    query_parameter("output", "Fuseki's name for `format`.", repeated=True),
)
RESULTS = api_response(
    "The query's results (SELECT, ASK: SPARQL results; CONSTRUCT, DESCRIBE: RDF), by Accept or "
    "format=; without a query, the Service Description (text/turtle, application/ld+json) or "
    "the query UI (text/html).",
    *media_types([*SOLUTION_FORMATS, *GRAPH_FORMATS]),
    HTML,
    schemas={SPARQL_JSON: SPARQL_RESULTS_JSON},
    headers={
        "ETag": "The build id and a digest of the request.",
        "Last-Modified": "The build time.",
        "X-Result-Truncated": "`true` when the rows were cut at the row limit.",
        "X-Result-Limit": "The row limit, when the rows were cut.",
    },
)
SPARQL_ERRORS = {
    400: "A malformed query (the parser's message with line and column), two `query` parameters, "
    "a NUL character or invalid UTF-8, a SERVICE that is not allowed.",
    403: "An update operation: the service is read-only.",
    406: "No acceptable result format, or an unknown `format`.",
    413: "A query string or body larger than the size limit.",
    415: "A POST body that is neither a form nor application/sparql-query.",
    502: "A SERVICE call failed or timed out.",
    503: "The query ran past the time limit, or every query worker stayed busy (Retry-After).",
}


@sparql.route("/sparql", methods=["GET", "POST"])
@documented(
    "GET",
    parameters=[QUERY, *DATASET_AND_FORMAT],
    answers={200: RESULTS},
    errors=SPARQL_ERRORS,
    conditional=True,
)
@documented(
    "POST",
    parameters=DATASET_AND_FORMAT,
    body={
        FORM: form(QUERY, *DATASET_AND_FORMAT),
        SPARQL_QUERY: {"schema": {"type": "string"}, "example": "ASK { ?s ?p ?o }"},
    },
    answers={200: RESULTS},
    errors=SPARQL_ERRORS,
)
def endpoint() -> Response:
    """A SPARQL query (SPARQL 1.1 Protocol, section 2.1). Via GET, or via POST as a form or as
    the query itself (application/sparql-query, the dataset parameters then in the URL)."""
    check_size()
    job = job_from_request()
    if job is None:
        return self_description()
    refuse_unacceptable(job)
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
