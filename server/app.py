"""The Flask application factory: one blueprint per concern, one error handler, one access log."""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from flask import Flask, Request, Response, g, request
from werkzeug.routing import MapAdapter

from homs_kg.server.catalogue.query_ui import ui
from homs_kg.server.catalogue.views import catalogue
from homs_kg.server.engine.workers import Limits, LongSlots
from homs_kg.server.linked_data.views import linked_data
from homs_kg.server.pages.views import pages
from homs_kg.server.search.labels import search_blueprint
from homs_kg.server.search.reconcile import reconcile
from homs_kg.server.settings import ServerConfig
from homs_kg.server.sparql.description import description
from homs_kg.server.sparql.protocol import sparql
from homs_kg.server.stores.authentication import store_auth
from homs_kg.server.stores.build_cache import BuildCache
from homs_kg.server.stores.embedded import EmbeddedStore
from homs_kg.server.stores.interface import SparqlStore
from homs_kg.server.stores.remote import RemoteStore
from homs_kg.server.stores.result_cache import with_result_cache
from homs_kg.server.web.client_limits import ClientLimiter
from homs_kg.server.web.errors import register_error_handlers
from homs_kg.server.web.language import install as install_language
from homs_kg.server.web.meta import meta
from homs_kg.server.web.openapi import openapi

access_log = logging.getLogger("homs_kg.access")

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, X-Result-Truncated, X-Result-Limit",
    "Access-Control-Max-Age": "86400",
}


# Strict by default: only this server's own scripts, styles, fonts and images; inline styles are
# allowed because the query editor (CodeMirror in YASGUI) positions its elements with them; the
# query UI fetches its prefix list from a data: URL. JSON-LD data blocks are not scripts.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class PublicAddressFlask(Flask):
    """Flask whose own redirects (308 to a merged slash or an added trailing slash) go to the base
    IRI's scheme and host, the server's public address, not to the request's Host header: a 308
    is cacheable by default (RFC 9110 §15.4.9), so a forged Host must not reach its Location."""

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        adapter = super().create_url_adapter(request)
        if adapter is not None and request is not None:
            public = public_address(self.extensions["homs_kg"]["config"].base_iri)
            adapter.url_scheme, adapter.server_name = public.scheme, public.netloc
        return adapter


@functools.lru_cache(maxsize=8)
def public_address(base_iri: str) -> SplitResult:
    return urlsplit(base_iri)


@dataclass(frozen=True)
class SharedLimits:
    """The limits that several HTTP processes hold together (made before they are forked)."""

    client_limiter: ClientLimiter
    long_slots: LongSlots


def create_app(
    config: ServerConfig | None = None,
    store: SparqlStore | None = None,
    shared: SharedLimits | None = None,
) -> Flask:
    """The WSGI application over ``store`` (by default the embedded store of the data dir);
    ``shared``: the limits it holds with the other HTTP processes, if any."""
    config = config or ServerConfig()
    limiter = shared.client_limiter if shared else ClientLimiter(config.client_concurrency)
    app = PublicAddressFlask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.extensions["homs_kg"] = {
        "config": config,
        "store": store or open_store(config, shared.long_slots if shared else None),
        # One per app (or one for all the processes): /sparql, /search and /reconcile all count
        # against a client's slots.
        "client_limiter": limiter,
        "build_cache": BuildCache(),
    }
    register_error_handlers(app)
    install_language(app)
    app.register_blueprint(sparql)
    app.register_blueprint(meta)
    app.register_blueprint(description)
    app.register_blueprint(ui)
    app.register_blueprint(linked_data)
    app.register_blueprint(catalogue)
    app.register_blueprint(pages)
    app.register_blueprint(search_blueprint)
    app.register_blueprint(reconcile)
    app.register_blueprint(openapi)
    app.before_request(start_timer)
    app.after_request(finish_response)
    return app


def open_store(config: ServerConfig, long_slots: LongSlots | None = None) -> SparqlStore:
    """The store the configuration names: a remote SPARQL store, or the embedded one."""
    store: SparqlStore
    if config.store:
        store = RemoteStore(
            config.store,
            config.base_iri,
            config.timeout,
            config.max_rows,
            config.service_policy,
            store_auth(config.store_user, config.store_password),
        )
    else:
        limits = Limits(
            config.timeout,
            config.max_rows,
            config.worker_memory_mb * 2**20,
            long_queries=config.long_queries,
            spool_bytes=config.spool_mb * 2**20,
        )
        store = EmbeddedStore(
            config.data_dir, config.query_workers, limits, config.service_policy, long_slots
        )
    return with_result_cache(store, config.result_cache_mb, config.service_cache_seconds)


def start_timer() -> None:
    g.started = time.perf_counter()


def finish_response(response: Response) -> Response:
    """CORS (the data is public) and security headers on every answer, then one access-log line
    with the timing."""
    response.headers.update(CORS_HEADERS)
    response.headers.update(SECURITY_HEADERS)
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    access_log.info(
        '%s "%s %s" %s %s %.1fms',
        request.remote_addr,
        request.method,
        request.full_path.rstrip("?"),
        response.status_code,
        response.content_length if response.content_length is not None else "-",
        elapsed,
    )
    return response
