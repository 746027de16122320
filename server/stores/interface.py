"""The one narrow interface between the HTTP layer and the store.

The HTTP layer only calls ``SparqlStore.run`` (and reads ``build_id``/``built_at``), so a remote
SPARQL store can stand in for the embedded one without touching the views.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Protocol

from werkzeug.exceptions import ServiceUnavailable

from homs_kg.graph.dumps import DUMPS
from homs_kg.graph.store import current_store, dumps_path
from homs_kg.server.engine.evaluation import QueryJob, QueryReply
from homs_kg.server.engine.federation.calls import ServicePolicy
from homs_kg.server.engine.workers import Limits, WorkerPool


class SparqlStore(Protocol):
    def run(self, job: QueryJob) -> QueryReply: ...

    @property
    def build_id(self) -> str: ...

    @property
    def built_at(self) -> datetime.datetime: ...

    def dump_path(self, name: str) -> Path | None: ...

    def close(self) -> None: ...


class EmbeddedStore:
    """The on-disk Oxigraph store of a data directory, queried through worker processes."""

    def __init__(self, data_dir: Path, workers: int, limits: Limits, policy: ServicePolicy) -> None:
        current_store(data_dir)  # fail early, with StoreMissing, when nothing was built
        self.data_dir = data_dir
        self.pool = WorkerPool(data_dir, workers, limits, policy)

    def run(self, job: QueryJob) -> QueryReply:
        return self.pool.run(job)

    @property
    def build_id(self) -> str:
        return current_store(self.data_dir).build_id

    @property
    def built_at(self) -> datetime.datetime:
        stamp = self.build_id
        return datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=datetime.UTC)

    @property
    def metadata(self) -> dict:
        return current_store(self.data_dir).metadata

    def dump_path(self, name: str) -> Path | None:
        """The live build's dump called ``name``; None for any name that is not a known dump."""
        if name not in DUMPS:  # a fixed list of names: nothing from the request reaches a path
            return None
        path = dumps_path(current_store(self.data_dir).path) / name
        return path if path.is_file() else None

    def close(self) -> None:
        self.pool.close()


INTERNAL_MAX_ROWS = 1_000_000


def select_rows(store: SparqlStore, query: str) -> list[dict[str, str]]:
    """Run a SELECT the service itself needs (counts, lists) and return plain values per row.

    Its rows are not cut at the clients' --max-rows (only at INTERNAL_MAX_ROWS)."""
    reply = store.run(QueryJob(query, format="json", max_rows=INTERNAL_MAX_ROWS))
    if reply.status != 200:
        raise ServiceUnavailable(f"an internal query failed ({reply.status}): {reply.message}")
    body = json.loads(reply.read())
    return [
        {name: cell["value"] for name, cell in row.items()} for row in body["results"]["bindings"]
    ]
