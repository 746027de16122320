"""Answers reused for repeated requests within one build.

The store changes only when a build is swapped in, so an answer is a function of the build and
the request: a key holds the build id, and a new build simply stops matching the old keys. This
is what read-only SPARQL services do in front of their engine (the Wikidata Query Service keeps
results for 300 s in its HTTP cache); here nothing can go stale. Only successful answers small
enough to travel inside a worker's reply are kept, within a byte budget, least recently used
first out. ``--result-cache-mb 0`` turns it off.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from pathlib import Path

from .evaluation import QueryJob, QueryReply
from .store_access import SparqlStore


class CachingStore:
    """A SparqlStore that answers a request it has answered in the same build from memory."""

    def __init__(self, store: SparqlStore, max_bytes: int) -> None:
        self.store = store
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple[str, QueryJob], QueryReply] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def run(self, job: QueryJob) -> QueryReply:
        build = self.store.build_id
        key = (build, job)
        with self.lock:
            if (reply := self.entries.get(key)) is not None:
                self.entries.move_to_end(key)
                return reply
        reply = self.store.run(job)
        if self.keeps(reply, build):
            self.add(key, reply)
        return reply

    def keeps(self, reply: QueryReply, build: str) -> bool:
        return (
            reply.status == 200
            and reply.body is not None
            and len(reply.body) <= self.max_bytes // 8  # no single answer crowds out the rest
            and reply.build_id in ("", build)  # not a build swapped in while the query ran
        )

    def add(self, key: tuple[str, QueryJob], reply: QueryReply) -> None:
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = reply
            self.size += len(reply.body or b"")
            while self.size > self.max_bytes:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped.body or b"")

    @property
    def build_id(self) -> str:
        return self.store.build_id

    @property
    def built_at(self) -> datetime.datetime:
        return self.store.built_at

    def dump_path(self, name: str) -> Path | None:
        return self.store.dump_path(name)

    def close(self) -> None:
        self.store.close()


def with_result_cache(store: SparqlStore, megabytes: int) -> SparqlStore:
    return CachingStore(store, megabytes * 2**20) if megabytes > 0 else store
