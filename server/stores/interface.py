"""The one narrow interface between the HTTP layer and the store.

The HTTP layer only calls ``SparqlStore.run`` (and reads ``build_id``/``built_at``), so a remote
SPARQL store (server/stores/remote.py) can stand in for the embedded one (server/stores/embedded.py)
without touching the views.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Protocol

from homs_kg.server.engine.evaluation import QueryJob, QueryReply


class SparqlStore(Protocol):
    def run(self, job: QueryJob) -> QueryReply: ...

    @property
    def build_id(self) -> str: ...

    @property
    def built_at(self) -> datetime.datetime: ...

    def dump_path(self, name: str) -> Path | None: ...

    def close(self) -> None: ...


INTERNAL_MAX_ROWS = 1_000_000


class InternalQueryFailed(Exception):
    """A query the service runs for itself (a page, a count) did not answer 200."""


def select_rows(store: SparqlStore, query: str) -> list[dict[str, str]]:
    """Run a SELECT the service itself needs (counts, lists) and return plain values per row.

    Its rows are not cut at the clients' --max-rows (only at INTERNAL_MAX_ROWS)."""
    reply = store.run(QueryJob(query, format="json", max_rows=INTERNAL_MAX_ROWS))
    if reply.status != 200:
        raise InternalQueryFailed(f"an internal query failed ({reply.status}): {reply.message}")
    body = json.loads(reply.read())
    return [
        {name: cell["value"] for name, cell in row.items()} for row in body["results"]["bindings"]
    ]
