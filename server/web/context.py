"""What a view needs from the running service, kept by the app factory in the app's extensions:
the store, the configuration, the per-client limiter, the build cache, and the public address."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

from homs_kg.graph.vocabulary import MintedIris
from homs_kg.server.settings import ServerConfig
from homs_kg.server.stores.build_cache import BuildCache
from homs_kg.server.stores.interface import SparqlStore
from homs_kg.server.web.client_limits import ClientLimiter

T = TypeVar("T")


def state() -> dict:
    return current_app.extensions["homs_kg"]


def current_store() -> SparqlStore:
    return state()["store"]


def current_config() -> ServerConfig:
    return state()["config"]


def current_iris() -> MintedIris:
    """The IRIs minted under the configured base IRI."""
    return MintedIris(current_config().base_iri)


def client_limiter() -> ClientLimiter:
    return state()["client_limiter"]


def build_cached(kind: str, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """A value computed once per build (and per ``kind`` and ``key``)."""
    cache: BuildCache = state()["build_cache"]
    return cache.get((current_store().build_id, kind, *key), compute)


def public_url(path: str = "") -> str:
    """``path`` under the public base IRI (``--base-iri``), the server's public address. Never the
    request's Host: a client chooses that header (RFC 9110 §7.2), and these URLs go into answers
    that shared caches keep for every client."""
    return current_iris().base + path.lstrip("/")
