"""The embedded store: the on-disk Oxigraph store of a data directory, read by worker processes."""

from __future__ import annotations

import datetime
from pathlib import Path

from homs_kg.graph.dumps import DUMPS
from homs_kg.graph.store import build_time, current_store, dumps_path
from homs_kg.server.engine.evaluation import QueryJob, QueryReply
from homs_kg.server.engine.federation.calls import ServicePolicy
from homs_kg.server.engine.workers import Limits, LongSlots, WorkerPool

EPOCH = datetime.datetime.fromtimestamp(0, datetime.UTC)


class EmbeddedStore:
    """The on-disk Oxigraph store of a data directory, queried through worker processes."""

    def __init__(
        self,
        data_dir: Path,
        workers: int,
        limits: Limits,
        policy: ServicePolicy,
        long_slots: LongSlots | None = None,
    ) -> None:
        current_store(data_dir)  # fail early, with StoreMissing, when nothing was built
        self.data_dir = data_dir
        self.pool = WorkerPool(data_dir, workers, limits, policy, long_slots)

    def run(self, job: QueryJob) -> QueryReply:
        return self.pool.run(job)

    @property
    def build_id(self) -> str:
        return current_store(self.data_dir).build_id

    @property
    def built_at(self) -> datetime.datetime:
        return build_time(self.build_id) or EPOCH

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
