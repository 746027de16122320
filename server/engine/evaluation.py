"""Evaluating one query where it runs: SERVICE clauses answered first, then the engine, then the
results written in the negotiated format.

No Flask here, and no socket: this is what runs inside the worker processes (server/workers.py),
and also in the command line's own process.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, BinaryIO, cast

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, Store

from homs_kg.server.engine.federation.bound_join import ServiceFailed, resolve_services
from homs_kg.server.engine.federation.calls import Caller, ServicePolicy, ServiceRefused
from homs_kg.server.engine.formats import choose_format, essence, offered_for, unacceptable
from homs_kg.server.engine.ordering import with_total_order
from homs_kg.server.engine.results import DocumentShape, QueryResults, solutions, write_results
from homs_kg.server.engine.spool import SpooledBody, remove
from homs_kg.server.engine.syntax import (
    QuerySyntaxError,
    TooDeep,
    has_dataset_clause,
    refuse_deep_nesting,
)

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

# A query the SERVICE reading missed reaches the sandbox: the engine's HTTP client then fails to
# open a socket (EACCES) or to resolve a name (resolution needs a socket too).
NETWORK_REFUSED = re.compile(r"os error 13|Permission denied|lookup address", re.IGNORECASE)


class QueryTimeout(Exception):
    """The query ran past the time limit and its worker was ended."""


class QueryTooLarge(Exception):
    """The query's evaluation grew past the memory limit and its worker was ended."""


class SpoolFull(Exception):
    """The results waiting to be sent fill the spool: the query writing more was ended."""


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
    document: DocumentShape | None = None  # a graph written as a document (linked_data/)


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
    federated: bool = False  # a SERVICE was called: the answer is not the build's alone
    service_failed: bool = False  # a SERVICE SILENT call failed: the answer is incomplete
    volatile: bool = False  # NOW(), RAND(), UUID()…: another evaluation may differ

    def body_iterable(self) -> bytes | SpooledBody:
        """The body to send: the bytes, or the spool file (removed once the response closes)."""
        return self.body if self.body is not None else SpooledBody(self.path)

    def read(self) -> bytes:
        """The whole result; a spool file is removed after."""
        if self.body is not None:
            return self.body
        body = SpooledBody(self.path)
        try:
            return b"".join(body)
        finally:
            body.close()

    def discard(self) -> None:
        remove(self.path)


def result_kind(results: object) -> str:
    if isinstance(results, QueryBoolean):
        return "boolean"
    return "solutions" if isinstance(results, QuerySolutions) else "graph"


def dataset_of(job: QueryJob) -> dict:
    """The RDF dataset of a protocol request: the graphs it names (SPARQL 1.1 Protocol section
    2.1.4, which override the query's), else the query's FROM clauses, else the union of the
    named graphs as default graph."""
    if not (job.default_graphs or job.named_graphs) and has_dataset_clause(job.query):
        return {}
    dataset: dict = {"use_default_graph_as_union": not job.default_graphs}
    if job.default_graphs:
        dataset["default_graph"] = [NamedNode(g) for g in job.default_graphs]
    if job.named_graphs:
        dataset["named_graphs"] = [NamedNode(g) for g in job.named_graphs]
    return dataset


@dataclass(frozen=True)
class Evaluation:
    """What one evaluation needs beside the store and the job."""

    policy: ServicePolicy
    call: Caller  # how SERVICE requests are sent (from a worker: through its parent)
    deadline: float  # time.monotonic() by which the query must be answered
    base_iri: str  # the dataset's base IRI: relative IRIs of a query, Skolem IRIs of an answer
    max_rows: int
    spool_path: str  # where a result too large for the reply is written


def evaluate(store: Store, job: QueryJob, setting: Evaluation) -> QueryReply:
    """Run one query and write its results; every client error becomes a 4xx reply."""
    try:
        dataset = dataset_of(job)
    except ValueError as error:
        return QueryReply(400, f"invalid graph IRI in default-graph-uri/named-graph-uri: {error}")
    try:
        refuse_deep_nesting(job.query)  # before the engine's parser, which would overflow its stack
        options = {**dataset, "base_iri": setting.base_iri}  # relative IRIs: resolved against it
        resolution = resolve_services(
            job.query,
            setting.policy,
            lambda text: solutions(store.query(text, **options)),
            setting.call,
            setting.deadline,
            setting.base_iri,
        )
        results = store.query(with_total_order(resolution.text), **options)
        reply = spool_results(results, job, setting.spool_path, job.max_rows or setting.max_rows)
    except TooDeep as error:
        return QueryReply(400, str(error))
    except (SyntaxError, QuerySyntaxError) as error:
        return QueryReply(400, f"malformed query: {' '.join(str(error).split())}")
    except ServiceRefused as error:
        return QueryReply(400, str(error))
    except ServiceFailed as error:
        return QueryReply(502, str(error))
    except ValueError as error:
        return QueryReply(400, f"invalid request: {error}")
    except RuntimeError as error:  # pyoxigraph: "The custom function <…> is not supported"
        if "not supported" in str(error):
            return QueryReply(400, f"the query cannot be evaluated: {error}")
        raise
    except OSError as error:
        if NETWORK_REFUSED.search(str(error)):
            return QueryReply(
                400,
                "the query tries to reach the network outside SERVICE clauses "
                "this service can read; refused",
            )
        return QueryReply(502, f"query evaluation failed: {error}")
    return replace(
        reply,
        federated=resolution.federated,
        service_failed=resolution.failed,
        volatile=resolution.volatile,
    )


def spool_results(
    results: QueryResults, job: QueryJob, spool_path: str, max_rows: int
) -> QueryReply:
    """Write evaluated results in the negotiated format, at most max_rows: in the reply when
    small, else to ``spool_path``."""
    kind = result_kind(results)
    chosen = choose_format(job.format, job.accept, kind)
    if chosen is None:
        names = tuple(essence(f.media_type) for f in offered_for(kind))
        return QueryReply(406, unacceptable(kind), offered=names)
    out = RollingSpool(spool_path)
    stream = cast(BinaryIO, out)  # a raw binary stream: all that the result writers use
    try:
        with out:
            capped = write_results(results, chosen, stream, job.max_rows or max_rows, job.document)
    except OSError as error:
        out.discard()
        return QueryReply(502, f"query evaluation failed: {error}")
    except BaseException:
        out.discard()
        raise
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
    written to the given file, so a large result never sits whole in a process."""

    INLINE_BYTES = 512 * 1024

    def __init__(self, path: str) -> None:
        self.target = path
        self.buffer: io.BytesIO | None = io.BytesIO()
        self.file: BinaryIO | None = None
        self.path = ""
        self.inline: bytes | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        size = memoryview(data).nbytes
        if self.buffer is not None and self.buffer.tell() + size > self.INLINE_BYTES:
            self.path = self.target
            self.file = open(self.path, "wb")  # noqa: SIM115 (closed in close())
            self.file.write(self.buffer.getbuffer())
            self.buffer = None
        target = self.buffer if self.buffer is not None else self.file
        assert target is not None  # the file is opened as the buffer is dropped
        target.write(data)
        return size

    def close(self) -> None:
        if self.buffer is not None and self.inline is None:
            self.inline = self.buffer.getvalue()
        if self.file is not None:
            self.file.close()
        super().close()

    def discard(self) -> None:
        self.close()
        remove(self.path)
