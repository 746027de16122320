"""Answers reused for repeated requests.

The store changes only when a build is swapped in, so an answer from the store alone is a
function of the build and the request: a key holds the build id, and a new build simply stops
matching the old keys. An answer that called a SERVICE also depends on the remote endpoint, so
it is reused only for a short while (``--service-cache-seconds``, 300 s by default, as the
Wikidata Query Service's own HTTP cache), and never when a SERVICE call failed (a SILENT call's
empty answer is not the remote's answer). Answers that may differ on every evaluation (NOW(),
RAND(), UUID()…) are not kept.

A key is a digest of the request, not the request itself (a query may be a megabyte), and an
entry's cost counts its key and record as well as its body, so the byte budget bounds the memory
used. Only successful answers small enough to travel inside a worker's reply are kept, least
recently used first out. ``--result-cache-mb 0`` turns it off.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from homs_kg.server.engine.evaluation import QueryJob, QueryReply
from homs_kg.server.stores.interface import SparqlStore

ENTRY_OVERHEAD = 512  # bytes of an entry beside its body: key, reply record, dictionary slot


@dataclass(frozen=True)
class Entry:
    reply: QueryReply
    expires: float  # time.monotonic() after which it is not used; inf for the build's own

    @property
    def cost(self) -> int:
        return ENTRY_OVERHEAD + len(self.reply.body or b"") + len(self.reply.message)


def request_key(build: str, job: QueryJob) -> str:
    return build + ":" + hashlib.sha256(repr(job).encode()).hexdigest()


class CachingStore:
    """A SparqlStore that answers a request it has answered in the same build from memory."""

    def __init__(self, store: SparqlStore, max_bytes: int, service_seconds: float = 300) -> None:
        self.store = store
        self.max_bytes = max_bytes
        self.service_seconds = service_seconds
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def run(self, job: QueryJob) -> QueryReply:
        build = self.store.build_id
        key = request_key(build, job)
        with self.lock:
            if (entry := self.entries.get(key)) is not None:
                if entry.expires > time.monotonic():
                    self.entries.move_to_end(key)
                    return entry.reply
                self.drop(key)
        reply = self.store.run(job)
        if self.keeps(reply, build):
            expires = time.monotonic() + self.service_seconds if reply.federated else float("inf")
            self.add(key, Entry(reply, expires))
        return reply

    def keeps(self, reply: QueryReply, build: str) -> bool:
        return (
            reply.status == 200
            and reply.body is not None
            and len(reply.body) <= self.max_bytes // 8  # no single answer crowds out the rest
            and reply.build_id in ("", build)  # not a build swapped in while the query ran
            and not reply.service_failed
            and not reply.volatile
            and not (reply.federated and self.service_seconds <= 0)
        )

    def add(self, key: str, entry: Entry) -> None:
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = entry
            self.size += entry.cost
            while self.size > self.max_bytes and self.entries:
                self.drop(next(iter(self.entries)))

    def drop(self, key: str) -> None:
        self.size -= self.entries.pop(key).cost

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


def with_result_cache(
    store: SparqlStore, megabytes: int, service_seconds: float = 300
) -> SparqlStore:
    return CachingStore(store, megabytes * 2**20, service_seconds) if megabytes > 0 else store
