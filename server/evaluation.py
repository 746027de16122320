"""Query evaluation in worker processes that can be ended from outside.

``Store.query`` has no time limit, so each query runs in a worker process holding its own
read-only handle on the store. The worker writes the results to a spool file and answers with a
small reply (status, format, row count); the HTTP layer streams the file. A query still running at
the time limit is ended by killing its worker, which is then replaced: other workers, and so other
clients, are not affected. Because the whole result is written before the reply, the HTTP status
is decided before the first byte is sent.
"""

from __future__ import annotations

import contextlib
import gc
import io
import multiprocessing
import os
import queue
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, Store

from homs_kg.graph.store import current_path

from .federation import ServicePolicy, ServiceRefused, prepare_query
from .negotiation import essence, format_by_name, negotiate, offered_for
from .results import write_results

# forkserver: workers fork from a clean, single-threaded server process with the modules loaded,
# so a replacement starts in milliseconds and never inherits the HTTP server's threads.
CONTEXT = multiprocessing.get_context("forkserver")
CONTEXT.set_forkserver_preload(["homs_kg.server.evaluation"])


# --- the limits of query evaluation (errors.py answers them 503 unless a view decides
# otherwise, as /sparql does with its own messages); no Flask here: workers stay light ---


class QueryTimeout(Exception):
    """The query ran past the time limit and its worker was ended."""


class QueryTooLarge(Exception):
    """The query's evaluation grew past the memory limit and its worker was ended."""


class WorkerCrashed(Exception):
    """The worker process ended while evaluating (for instance on a pathologically deep query)."""


class Busy(Exception):
    """No worker became free in time, or too many long queries are running already."""


@dataclass(frozen=True)
class QueryJob:
    query: str
    accept: str | None = None
    format: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int | None = None  # None: the service's limit; the service's own queries go higher


@dataclass(frozen=True)
class QueryReply:
    status: int
    message: str = ""
    media_type: str = ""
    path: str = ""  # a large result: the spool file holding it
    rows: int = 0
    truncated: bool = False
    offered: tuple[str, ...] = field(default_factory=tuple)
    build_id: str = ""  # the build that answered (a swap may happen while the query runs)
    body: bytes | None = None  # a small result, carried in the reply itself

    def chunks(self, size: int = 64 * 1024) -> Iterator[bytes]:
        """The result's bytes; a spool file is removed after (also when the reader stops)."""
        if self.body is not None:
            yield self.body
            return
        try:
            with open(self.path, "rb") as results:
                while chunk := results.read(size):
                    yield chunk
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)

    def read(self) -> bytes:
        return b"".join(self.chunks())


def result_kind(results: object) -> str:
    if isinstance(results, QueryBoolean):
        return "boolean"
    return "solutions" if isinstance(results, QuerySolutions) else "graph"


def dataset_of(job: QueryJob) -> dict:
    """The RDF dataset of a protocol request (union default graph unless graphs are named)."""
    dataset: dict = {"use_default_graph_as_union": not job.default_graphs}
    if job.default_graphs:
        dataset["default_graph"] = [NamedNode(g) for g in job.default_graphs]
    if job.named_graphs:
        dataset["named_graphs"] = [NamedNode(g) for g in job.named_graphs]
    return dataset


def evaluate(
    store: Store, job: QueryJob, spool: Path, max_rows: int, policy: ServicePolicy
) -> QueryReply:
    """Run one query and write its results; every client error becomes a 4xx reply."""
    try:
        dataset = dataset_of(job)
    except ValueError as error:
        return QueryReply(400, f"invalid graph IRI in default-graph-uri/named-graph-uri: {error}")
    try:
        query = prepare_query(job.query, policy, None)
        results = store.query(query, **dataset)
    except SyntaxError as error:
        return QueryReply(400, f"malformed query: {' '.join(str(error).split())}")
    except ServiceRefused as error:
        return QueryReply(400, str(error))
    except ValueError as error:
        return QueryReply(400, f"invalid request: {error}")
    except OSError as error:
        return QueryReply(502, f"query evaluation failed: {error}")
    return spool_results(results, job, spool, max_rows)


def spool_results(results: object, job: QueryJob, spool: Path, max_rows: int) -> QueryReply:
    """Write evaluated results to a spool file in the negotiated format, at most max_rows."""
    offered = offered_for(result_kind(results))
    chosen = format_by_name(job.format) if job.format else negotiate(job.accept, offered)
    if chosen is None or chosen not in offered:
        names = tuple(essence(f.media_type) for f in offered)
        return QueryReply(
            406, "no acceptable result format; this query offers " + ", ".join(names), offered=names
        )
    out = RollingSpool(spool)
    try:
        with out:
            capped = write_results(results, chosen, out, job.max_rows or max_rows)
    except OSError as error:
        out.discard()
        return QueryReply(502, f"query evaluation failed: {error}")
    return QueryReply(
        200,
        media_type=chosen.media_type,
        path=out.path,
        body=out.inline,
        rows=capped.count if capped else 0,
        truncated=bool(capped and capped.truncated),
    )


class RollingSpool(io.RawIOBase):
    """Results kept in memory up to ``INLINE_BYTES`` (sent back with the reply, no file), then
    written to a file in the spool folder, so a large result never sits whole in a process."""

    INLINE_BYTES = 512 * 1024

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.buffer: io.BytesIO | None = io.BytesIO()
        self.file: BinaryIO | None = None
        self.path = ""
        self.inline: bytes | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.buffer is not None and self.buffer.tell() + len(data) > self.INLINE_BYTES:
            descriptor, self.path = tempfile.mkstemp(dir=self.folder, suffix=".result")
            self.file = os.fdopen(descriptor, "wb")
            self.file.write(self.buffer.getbuffer())
            self.buffer = None
        (self.buffer if self.buffer is not None else self.file).write(data)
        return len(data)

    def close(self) -> None:
        if self.buffer is not None and self.inline is None:
            self.inline = self.buffer.getvalue()
        if self.file is not None:
            self.file.close()
        super().close()

    def discard(self) -> None:
        self.close()
        if self.path:
            os.unlink(self.path)


def worker_main(
    connection: Connection, data_dir: str, spool: str, max_rows: int, policy: ServicePolicy
) -> None:
    """A worker's loop: reopen the store when a new build was swapped in, then evaluate."""
    opened: Path | None = current_path(Path(data_dir))
    store: Store | None = Store.read_only(str(opened)) if opened else None  # ready before a job
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        live = current_path(Path(data_dir))
        if live != opened or store is None:
            store, opened = Store.read_only(str(live)), live
        try:
            reply = evaluate(store, job, Path(spool), max_rows, policy)
        except Exception as error:
            reply = QueryReply(500, f"internal error: {type(error).__name__}")
        build_id = opened.name.removeprefix("store-") if opened else ""
        connection.send(replace(reply, build_id=build_id))


PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class Worker:
    def __init__(self, data_dir: Path, spool: Path, max_rows: int, policy: ServicePolicy) -> None:
        self.connection, child = CONTEXT.Pipe()
        self.process = CONTEXT.Process(
            target=worker_main,
            daemon=True,
            args=(child, str(data_dir), str(spool), max_rows, policy),
        )
        self.process.start()
        child.close()

    def resident_bytes(self) -> int:
        """The worker's resident memory (Linux /proc), 0 when it cannot be read."""
        try:
            with open(f"/proc/{self.process.pid}/statm") as statm:
                return int(statm.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            return 0

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


@dataclass(frozen=True)
class Limits:
    timeout: float  # seconds a query may run
    max_rows: int
    memory_bytes: int  # resident memory a worker may reach while evaluating
    fast_seconds: float = 0.5  # a query running longer leaves the ready workers to new queries
    long_queries: int = 4  # queries allowed to run past fast_seconds at once


def lower_priority(worker: Worker) -> None:
    """A long query yields the processors to short ones (its worker is retired afterwards, since
    an unprivileged process cannot raise its priority back)."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, worker.process.pid, 10)


class WorkerPool:
    """Evaluation processes: ``size`` of them stay ready for new queries.

    A query that runs past ``fast_seconds`` keeps its worker, but a replacement is started so that
    new (usually short) queries still find a ready worker: many runaway queries cannot keep a
    simple one waiting. At most ``long_queries`` run past that point at once (one more is refused
    as Busy); each is ended at the time limit, or sooner if its worker's memory passes the limit.
    """

    def __init__(self, data_dir: Path, size: int, limits: Limits, policy: ServicePolicy) -> None:
        self.data_dir = data_dir
        self.policy = policy
        self.limits = limits
        self.size = size
        self.spool = Path(tempfile.mkdtemp(prefix="homs-kg-results-"))
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.long_slots = threading.BoundedSemaphore(limits.long_queries)
        self.workers: list[Worker] = []
        for _ in range(size):
            self._add_worker()

    def _add_worker(self) -> None:
        worker = Worker(self.data_dir, self.spool, self.limits.max_rows, self.policy)
        with self.lock:
            self.workers.append(worker)
        self.idle.put(worker)

    def run(self, job: QueryJob) -> QueryReply:
        """Evaluate within the time limit (waiting for a free worker counts against it)."""
        started = time.monotonic()
        try:
            worker = self.idle.get(timeout=self.limits.timeout)
        except queue.Empty as error:
            raise Busy from error
        deadline = started + self.limits.timeout
        try:
            worker.connection.send(job)
            # the short-query budget counts from the start of evaluation, not of the wait
            reply = self._wait(worker, min(time.monotonic() + self.limits.fast_seconds, deadline))
        except QueryTooLarge:
            self._retire(worker, replace=True)
            raise
        except (EOFError, OSError) as error:
            self._retire(worker, replace=True)
            raise WorkerCrashed from error
        if reply is not None:
            self.idle.put(worker)
            return reply
        return self._run_long(worker, deadline)

    def _run_long(self, worker: Worker, deadline: float) -> QueryReply:
        if not self.long_slots.acquire(blocking=False):
            self._retire(worker, replace=True)
            raise Busy
        try:
            self._add_worker()  # the ready set stays whole while this query runs on
            lower_priority(worker)
            reply = self._wait(worker, deadline)
        except (EOFError, OSError) as error:
            self._retire(worker, replace=False)
            raise WorkerCrashed from error
        except BaseException:
            self._retire(worker, replace=False)
            raise
        finally:
            self.long_slots.release()
        if reply is None:
            self._retire(worker, replace=False)
            raise QueryTimeout
        self._retire(worker, replace=self.idle.qsize() < self.size)
        return reply

    def _wait(self, worker: Worker, until: float) -> QueryReply | None:
        """The worker's reply, or None at ``until``; QueryTooLarge past the memory limit."""
        while (remaining := until - time.monotonic()) > 0:
            if worker.connection.poll(min(remaining, 0.05)):
                return worker.connection.recv()
            if worker.resident_bytes() > self.limits.memory_bytes:
                raise QueryTooLarge
        return None

    def _retire(self, worker: Worker, replace: bool) -> None:
        worker.stop()
        with self.lock:
            if worker in self.workers:
                self.workers.remove(worker)
        if replace:
            self._add_worker()

    def close(self) -> None:
        with self.lock:
            workers, self.workers = self.workers, []
        for worker in workers:
            worker.stop()
        for leftover in self.spool.glob("*"):
            leftover.unlink(missing_ok=True)
        self.spool.rmdir()


# Workers are forked from the forkserver, which imports this module first. Objects that exist
# now are left out of later garbage collections, so a worker's collections do not write to (and
# so copy) the memory pages it shares with the forkserver.
gc.freeze()
