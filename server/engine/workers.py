"""Query evaluation in worker processes that can be ended from outside.

``Store.query`` has no time limit, so each query runs in a worker process holding its own
read-only handle on the store. A worker cannot open a socket (server/sandbox.py): when a query
has SERVICE clauses, the worker sends their requests to the pool, which makes the calls and sends
the answers back. The worker answers with a small reply (status, format, row count), carrying a
small result itself and leaving a large one in a spool file the pool named; the HTTP status is
decided before the first byte is sent. A query still running at the time limit is ended by
killing its worker, which is then replaced, and its spool file removed: other workers, and so
other clients, are not affected.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import multiprocessing
import os
import pickle
import queue
import select
import threading
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol

from pyoxigraph import Store

from homs_kg.graph.store import current_path, store_info
from homs_kg.server.engine.evaluation import (
    Busy,
    Evaluation,
    QueryJob,
    QueryReply,
    QueryTimeout,
    QueryTooLarge,
    SpoolFull,
    WorkerCrashed,
    evaluate,
)
from homs_kg.server.engine.federation.calls import (
    ServiceAnswer,
    ServicePolicy,
    ServiceRequest,
    call_services,
)
from homs_kg.server.engine.sandbox import SandboxUnavailable, forbid_network
from homs_kg.server.engine.spool import folder_bytes, new_spool_folder, remove

# forkserver: workers fork from a clean, single-threaded server process with the modules loaded,
# so a replacement starts in milliseconds and never inherits the HTTP server's threads (or its
# sockets).
CONTEXT = multiprocessing.get_context("forkserver")
CONTEXT.set_forkserver_preload(["homs_kg.server.engine.workers"])
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

log = logging.getLogger("homs_kg.workers")


def send(connection: Connection, message: object) -> None:
    """``connection.send`` without multiprocessing's ForkingPickler, which copies the copyreg
    dispatch table for every message: the messages here are plain dataclasses, bytes and
    strings, which need none of its reducers (``recv`` unpickles them as before)."""
    connection.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))


@dataclass(frozen=True)
class Limits:
    timeout: float  # seconds a query may run
    max_rows: int
    memory_bytes: int  # resident memory a worker may reach while evaluating
    fast_seconds: float = 0.5  # a query running longer leaves the ready workers to new queries
    long_queries: int = 4  # queries allowed to run past fast_seconds at once
    spool_bytes: int = 2**30  # results waiting to be sent, all queries together


class LongSlots(Protocol):
    """A semaphore: threading's, or multiprocessing's when HTTP processes share the count."""

    def acquire(self, block: bool = True, /) -> bool: ...

    def release(self) -> None: ...


@dataclass(frozen=True)
class Assignment:
    """What the pool sends a worker: the job, its deadline, and where a large result goes."""

    job: QueryJob
    deadline: float
    spool_path: str


@dataclass(frozen=True)
class ServiceCalls:
    """A worker's request to its pool: make these SERVICE calls (the worker has no network)."""

    requests: list[ServiceRequest]


def worker_main(
    connection: Connection, data_dir: str, max_rows: int, policy: ServicePolicy
) -> None:
    """A worker's loop: reopen the store when a new build was swapped in, then evaluate."""
    try:
        forbid_network()
    except SandboxUnavailable as error:
        log.warning("query workers can open sockets here: %s", error)
    opened: Path | None = current_path(Path(data_dir))
    store: Store | None = Store.read_only(str(opened)) if opened else None  # ready before a job
    while True:
        try:
            assignment: Assignment = connection.recv()
        except EOFError:
            return
        live = current_path(Path(data_dir))
        if live != opened or store is None:
            store, opened = Store.read_only(str(live)), live
        info = store_info(opened) if opened else None
        setting = Evaluation(
            policy,
            relay_through(connection),
            assignment.deadline,
            (info.metadata.get("base_iri") if info else None) or "urn:homs-kg:",
            max_rows,
            assignment.spool_path,
        )
        try:
            reply = evaluate(store, assignment.job, setting)
        except Exception as error:
            reply = QueryReply(500, f"internal error: {type(error).__name__}: {error}")
        send(connection, replace(reply, build_id=info.build_id if info else ""))


def relay_through(connection: Connection):
    """SERVICE requests go to the pool, which answers them (see WorkerPool.service_calls)."""

    def call(requests: list[ServiceRequest], deadline: float) -> list[ServiceAnswer]:
        send(connection, ServiceCalls(requests))
        return connection.recv()

    return call


class Worker:
    def __init__(self, data_dir: Path, max_rows: int, policy: ServicePolicy) -> None:
        self.connection, child = CONTEXT.Pipe()
        self.process = CONTEXT.Process(
            target=worker_main, daemon=True, args=(child, str(data_dir), max_rows, policy)
        )
        self.process.start()
        child.close()
        self.spool_path = ""  # the file of the job it is running
        # Connection.poll makes a selector for every call; one poll object serves every wait
        self.poller = select.poll()
        self.poller.register(self.connection.fileno(), select.POLLIN)

    def replied(self, timeout: float) -> bool:
        """Whether a message (or the end of the pipe) is waiting, within ``timeout`` seconds."""
        return bool(self.poller.poll(max(timeout, 0) * 1000))

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
        remove(self.spool_path)  # a partial result of the query it was running


def lower_priority(worker: Worker) -> None:
    """A long query yields the processors to short ones (its worker is retired afterwards, since
    an unprivileged process cannot raise its priority back)."""
    pid = worker.process.pid  # None only before the process starts
    with contextlib.suppress(OSError):
        if pid is not None:
            os.setpriority(os.PRIO_PROCESS, pid, 10)


class WorkerPool:
    """Evaluation processes: ``size`` of them stay ready for new queries.

    A query that runs past ``fast_seconds`` keeps its worker, but a replacement is started so that
    new (usually short) queries still find a ready worker: many runaway queries cannot keep a
    simple one waiting. At most ``long_queries`` run past that point at once (one more is refused
    as Busy); each is ended at the time limit, or sooner if its worker's memory passes the limit,
    or if the results waiting to be sent pass the spool's limit.
    """

    def __init__(
        self,
        data_dir: Path,
        size: int,
        limits: Limits,
        policy: ServicePolicy,
        long_slots: LongSlots | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.policy = policy
        self.limits = limits
        self.size = size
        self.spool = new_spool_folder()
        self.job_numbers = itertools.count()
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.lock = threading.Lock()
        # shared by the pools of several HTTP processes when they are given one
        self.long_slots = long_slots or threading.BoundedSemaphore(limits.long_queries)
        self.workers: list[Worker] = []
        for _ in range(size):
            self._add_worker()

    def _add_worker(self) -> None:
        worker = Worker(self.data_dir, self.limits.max_rows, self.policy)
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
        worker.spool_path = str(self.spool / f"{next(self.job_numbers)}.result")
        try:
            send(worker.connection, Assignment(job, deadline, worker.spool_path))
            # the short-query budget counts from the start of evaluation, not of the wait
            fast = min(time.monotonic() + self.limits.fast_seconds, deadline)
            reply = self._wait(worker, fast, deadline)
        except (QueryTooLarge, SpoolFull):
            self._retire(worker, replace=True)
            raise
        except (EOFError, OSError) as error:
            self._retire(worker, replace=True)
            raise WorkerCrashed from error
        if reply is not None:
            worker.spool_path = ""  # the file is the reply's now
            self.idle.put(worker)
            return reply
        return self._run_long(worker, deadline)

    def _run_long(self, worker: Worker, deadline: float) -> QueryReply:
        if not self.long_slots.acquire(False):  # threading calls it blocking, multiprocessing block
            self._retire(worker, replace=True)
            raise Busy
        try:
            self._add_worker()  # the ready set stays whole while this query runs on
            lower_priority(worker)
            reply = self._wait(worker, deadline, deadline)
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
        worker.spool_path = ""
        self._retire(worker, replace=self.idle.qsize() < self.size)
        return reply

    def _wait(self, worker: Worker, until: float, deadline: float) -> QueryReply | None:
        """The worker's reply, or None at ``until``; its SERVICE requests are answered meanwhile.
        QueryTooLarge past the memory limit, SpoolFull past the spool's."""
        while (remaining := until - time.monotonic()) > 0:
            if worker.replied(min(remaining, 0.05)):
                message = worker.connection.recv()
                if isinstance(message, ServiceCalls):
                    send(worker.connection, call_services(message.requests, self.policy, deadline))
                    continue
                return message
            if worker.resident_bytes() > self.limits.memory_bytes:
                raise QueryTooLarge
            if folder_bytes(self.spool) > self.limits.spool_bytes and os.path.exists(
                worker.spool_path
            ):
                raise SpoolFull
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
