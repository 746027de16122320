"""One error body for every error of the service, from one handler.

The views raise werkzeug's HTTP exceptions (``BadRequest("…")``, ``ServiceUnavailable("…",
retry_after=5)``); every one is answered with an RFC 9457 problem details document
(``application/problem+json``): ``{"type": "about:blank", "title": <reason phrase>, "status":
<code>, "detail": <message>}``. A query the service runs for itself (a page, a count) that hits an
evaluation limit is a 503, busy rather than broken; anything unexpected is a 500 whose cause is
logged, never shown.

A person's browser gets the same error as an HTML page (templates/error.html) in the interface
language: the answer is negotiated (``Vary: Accept``), and HTML is chosen only when the Accept
header prefers text/html to JSON; a client that names neither, or ``*/*``, gets problem+json.
"""

from __future__ import annotations

from http import HTTPStatus

from flask import Flask, Response, current_app, json, render_template, request
from werkzeug.exceptions import HTTPException

from homs_kg.server.engine.evaluation import (
    Busy,
    QueryTimeout,
    QueryTooLarge,
    SpoolFull,
    WorkerCrashed,
)
from homs_kg.server.stores.interface import InternalQueryFailed
from homs_kg.server.web.language import WORDS, ui_language, word

OVERLOAD = (QueryTimeout, QueryTooLarge, SpoolFull, WorkerCrashed, Busy)
PROBLEM_JSON = "application/problem+json"


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    response = Response(
        json.dumps(body, ensure_ascii=False) + "\n", status=status, mimetype=PROBLEM_JSON
    )
    response.headers.update(headers or {})
    return response


def prefers_html() -> bool:
    """Whether the client's Accept header prefers text/html to any JSON (a browser's does)."""
    accept = request.accept_mimetypes
    machine = max(accept.quality(media) for media in (PROBLEM_JSON, "application/json"))
    return accept.quality("text/html") > machine


def error_answer(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    """The error as an HTML page for a browser, else as problem details; negotiated."""
    response = None
    if prefers_html():
        response = error_page(status, detail, headers)
    if response is None:
        response = problem(status, detail, headers)
    response.vary.add("Accept")
    return response


def error_page(status: int, detail: str, headers: dict[str, str] | None) -> Response | None:
    """The error page in the interface language; None if it cannot be rendered (the error is
    then answered as problem details: an error page must not fail in its turn)."""
    language, key = ui_language(), f"status {status}"
    title = word(key, language) if key in WORDS else HTTPStatus(status).phrase
    note = word(f"{key} note", language) if f"{key} note" in WORDS else None
    try:
        html = render_template("error.html", status=status, title=title, note=note, detail=detail)
    except Exception:  # any failure: the plain answer below
        current_app.logger.exception("the error page could not be rendered")
        return None
    response = Response(html, status=status, mimetype="text/html")
    response.headers.update(headers or {})
    response.headers["Content-Language"] = language
    return response


def http_error(error: HTTPException) -> Response:
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    return error_answer(error.code or 500, error.description or "", headers)


def overloaded(error: Exception) -> Response:
    """A query the service ran for itself hit a limit: busy, not broken."""
    return error_answer(503, "the service is busy; try again shortly", {"Retry-After": "5"})


def internal_query_failed(error: InternalQueryFailed) -> Response:
    return error_answer(503, str(error), {"Retry-After": "5"})


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    for overload in OVERLOAD:
        app.register_error_handler(overload, overloaded)
    app.register_error_handler(InternalQueryFailed, internal_query_failed)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unexpected error")
        return error_answer(500, "internal error; it has been logged")
