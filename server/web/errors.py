"""The HTTP errors of the service: one exception family carrying its status, one handler, one body.

Every error is answered with an RFC 9457 problem details document (``application/problem+json``):
``{"type": "about:blank", "title": <reason phrase>, "status": <code>, "detail": <message>}``.
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


class ServiceError(Exception):
    status = 500

    def __init__(self, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class BadRequest(ServiceError):
    status = 400


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class MethodNotAllowed(ServiceError):
    status = 405


class NotAcceptable(ServiceError):
    status = 406


class PayloadTooLarge(ServiceError):
    status = 413


class UnsupportedMediaType(ServiceError):
    status = 415


class TooManyRequests(ServiceError):
    status = 429


class BadGateway(ServiceError):
    status = 502


class ServiceUnavailable(ServiceError):
    status = 503


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


def overloaded(error: Exception) -> Response:
    """A query the service ran for itself (a page, a count) hit a limit: busy, not broken."""
    return problem(503, "the service is busy; try again shortly", {"Retry-After": "5"})


OVERLOAD = (QueryTimeout, QueryTooLarge, SpoolFull, WorkerCrashed, Busy)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError) -> Response:
        return problem(error.status, error.detail, error.headers)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        headers = dict(error.get_headers())
        headers.pop("Content-Type", None)
        return problem(error.code or 500, error.description or "", headers)

    for overload in OVERLOAD:
        app.register_error_handler(overload, overloaded)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unexpected error")
        return problem(500, "internal error; it has been logged")
