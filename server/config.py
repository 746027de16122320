"""The running server's configuration, filled from the declared settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from homs_kg.graph.vocabulary import DEFAULT_BASE_IRI
from homs_kg.server.engine.federation.calls import ServicePolicy
from homs_kg.server.settings import SETTINGS


def default(name: str) -> object:
    return SETTINGS[name].default


@dataclass(frozen=True)
class ServerConfig:
    data_dir: Path = Path(str(default("data_dir")))
    base_iri: str = DEFAULT_BASE_IRI
    timeout: float = float(default("timeout"))  # type: ignore[arg-type]
    query_workers: int = int(default("query_workers"))  # type: ignore[call-overload]
    max_rows: int = int(default("max_rows"))  # type: ignore[call-overload]
    max_request_bytes: int = int(default("max_request_bytes"))  # type: ignore[call-overload]
    cache_seconds: int = 60
    service_policy: ServicePolicy = field(default_factory=ServicePolicy)
    worker_memory_mb: int = int(default("worker_memory_mb"))  # type: ignore[call-overload]
    long_queries: int = int(default("long_queries"))  # type: ignore[call-overload]
    client_concurrency: int = int(default("client_concurrency"))  # type: ignore[call-overload]
    result_cache_mb: int = int(default("result_cache_mb"))  # type: ignore[call-overload]
    service_cache_seconds: int = int(default("service_cache_seconds"))  # type: ignore[call-overload]
    spool_mb: int = int(default("spool_mb"))  # type: ignore[call-overload]
    store_url: str = ""  # a remote store's SPARQL endpoint; empty: the embedded store
