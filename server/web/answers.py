"""Answering a query over HTTP: running it within the service's limits, turning its reply into a
response, and the validators and freshness that answer may carry. Used by /sparql, the RDF
documents and the query catalogue."""

from __future__ import annotations

import hashlib

from flask import Response, current_app, request
from werkzeug.exceptions import (
    BadGateway,
    BadRequest,
    GatewayTimeout,
    HTTPException,
    InternalServerError,
    NotAcceptable,
    ServiceUnavailable,
)

from homs_kg.graph.store import build_time
from homs_kg.server.engine.evaluation import (
    Busy,
    QueryJob,
    QueryReply,
    QueryTimeout,
    QueryTooLarge,
    SpoolFull,
    WorkerCrashed,
)
from homs_kg.server.web.context import current_config, current_store


def with_validators(response: Response, job: QueryJob, reply: QueryReply) -> Response:
    """Validators and freshness for an answer: one that depends only on the build is cached
    like the build; one that called a SERVICE stays fresh for a short while and has no ETag (a
    304 must not keep Wikidata's values of yesterday); one that may differ on every evaluation
    (NOW(), RAND(), a failed SILENT call) is not to be stored at all."""
    if reply.volatile or reply.service_failed:
        response.headers["Cache-Control"] = "no-store"
        return response
    if reply.federated:
        seconds = min(current_config().cache_seconds, current_config().service_cache_seconds)
        response.headers["Cache-Control"] = f"public, max-age={seconds}"
        return response
    build = reply.build_id or None  # the build that answered, even if a swap came meanwhile
    etag = result_etag(job, build)
    if request.method in ("GET", "HEAD") and request.if_none_match.star_tag:
        response.close()  # RFC 9110 section 13.1.2: "*" matches any current representation
        return cached(Response(status=304), etag, build)
    return cached(response, etag, build)


def run(job: QueryJob) -> QueryReply:
    """Evaluate a client's query within the service's limits."""
    config = current_config()
    try:
        return current_store().run(job)
    except QueryTimeout as error:
        raise ServiceUnavailable(
            f"the query ran longer than the time limit of {config.timeout:g} s and was stopped"
        ) from error
    except QueryTooLarge as error:
        raise ServiceUnavailable(
            f"the query needed more than {config.worker_memory_mb} MB and was stopped"
        ) from error
    except SpoolFull as error:
        raise ServiceUnavailable(
            "the results waiting to be sent fill the space set aside for them; try again shortly",
            retry_after=5,
        ) from error
    except WorkerCrashed as error:
        raise BadRequest(
            "the query could not be evaluated: its evaluation process ended unexpectedly"
        ) from error
    except Busy as error:
        raise ServiceUnavailable(
            "the service is busy with other long queries; try again shortly", retry_after=5
        ) from error


REPLY_ERRORS: dict[int, type[HTTPException]] = {
    400: BadRequest,
    406: NotAcceptable,
    502: BadGateway,
    503: ServiceUnavailable,  # a remote store's build changed twice while a query read it
    504: GatewayTimeout,  # a remote store stopped a query at its own time limit
}


def answer(reply: QueryReply) -> Response:
    """The HTTP answer of an evaluated query: its status, media type and body (streamed from
    the spool when large), and whether rows were cut."""
    if reply.status == 500:
        current_app.logger.error("query evaluation failed: %s", reply.message)
        raise InternalServerError("internal error; it has been logged")
    if reply.status != 200:
        raise REPLY_ERRORS.get(reply.status, InternalServerError)(reply.message)
    media = reply.media_type
    if "charset" not in media and (media.startswith("text/") or media.endswith("xml")):
        media += "; charset=utf-8"
    response = Response(reply.body_iterable(), status=200, content_type=media)
    response.headers["Vary"] = "Accept"
    if reply.truncated:
        response.headers["X-Result-Truncated"] = "true"
        response.headers["X-Result-Limit"] = str(current_config().max_rows)
    return response


def result_etag(job: QueryJob, build: str | None = None) -> str:
    """Results change only with the store: the build id and the request name them."""
    digest = hashlib.sha256(repr(job).encode()).hexdigest()[:32]
    return f"{build or current_store().build_id}-{digest}"


def not_modified(etag: str) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match decides when present, else If-Modified-Since.
    ("*" is decided after evaluation: a malformed query has no representation to match.)"""
    if request.if_none_match:
        return not request.if_none_match.star_tag and request.if_none_match.contains(etag)
    since = request.if_modified_since
    return since is not None and current_store().built_at.replace(microsecond=0) <= since


def cached(response: Response, etag: str, build: str | None = None) -> Response:
    """Validators and freshness of an answer that changes only with the build."""
    validated(response, etag, build)
    response.headers["Vary"] = "Accept"
    return response


def validated(response: Response, etag: str, build: str | None = None) -> Response:
    response.set_etag(etag)
    response.last_modified = (build and build_time(build)) or current_store().built_at
    response.headers["Cache-Control"] = f"public, max-age={current_config().cache_seconds}"
    return response


def conditional(response: Response) -> Response:
    """A rendered answer (a page) with validators, a digest of its bytes and the build time,
    and made 304 Not Modified when the request's preconditions say the client has it (RFC 9110
    §13.2.2: If-None-Match, compared weakly, else If-Modified-Since; GET and HEAD only)."""
    digest = hashlib.sha256(response.get_data()).hexdigest()[:32]
    validated(response, digest).make_conditional(request)  # in place: it returns the response
    return response
