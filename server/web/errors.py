"""One error body for every error of the service, from one handler.

The views raise werkzeug's HTTP exceptions (``BadRequest("…")``, ``ServiceUnavailable("…",
retry_after=5)``); every one is answered with an RFC 9457 problem details document
(``application/problem+json``): ``{"type": "about:blank", "title": <reason phrase>, "status":
<code>, "detail": <message>}``. A query the service runs for itself (a page, a count) that hits an
evaluation limit is a 503, busy rather than broken; anything unexpected is a 500 whose cause is
logged, never shown.
"""

from __future__ import annotations

from http import HTTPStatus

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

from homs_kg.server.engine.evaluation import (
    Busy,
    QueryTimeout,
    QueryTooLarge,
    SpoolFull,
    WorkerCrashed,
)
from homs_kg.server.stores.interface import InternalQueryFailed

OVERLOAD = (QueryTimeout, QueryTooLarge, SpoolFull, WorkerCrashed, Busy)


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    response = Response(
        json.dumps(body, ensure_ascii=False) + "\n",
        status=status,
        mimetype="application/problem+json",
    )
    response.headers.update(headers or {})
    return response


def http_error(error: HTTPException) -> Response:
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    return problem(error.code or 500, error.description or "", headers)


def overloaded(error: Exception) -> Response:
    """A query the service ran for itself hit a limit: busy, not broken."""
    return problem(503, "the service is busy; try again shortly", {"Retry-After": "5"})


def internal_query_failed(error: InternalQueryFailed) -> Response:
    return problem(503, str(error), {"Retry-After": "5"})


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    for overload in OVERLOAD:
        app.register_error_handler(overload, overloaded)
    app.register_error_handler(InternalQueryFailed, internal_query_failed)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unexpected error")
        return problem(500, "internal error; it has been logged")
