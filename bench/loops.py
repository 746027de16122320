"""The load generator: requests over keep-alive connections, and closed loops of N clients.

The clients use ``http.client`` (standard library) rather than requests: on this 2-core machine
requests costs about 0.55 ms of client CPU per request against 0.12 ms, and the client shares the
cores with the server it measures. The threads and their bounds are the tests' BoundedLoad.
"""

from __future__ import annotations

import http.client
import math
import statistics
import sys
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass

from bench.usage import busy_cpu_seconds, tree_cpu_seconds
from tests.load import BoundedLoad, Sample, percentile

SPARQL_JSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
FAILURES = (OSError, http.client.HTTPException)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]

    @classmethod
    def sparql(cls, path: str, query: str) -> Request:
        """A query POSTed as a form (what YASGUI sends), asking for SPARQL JSON."""
        body = urllib.parse.urlencode({"query": query}).encode()
        return cls("POST", path, body, {"Accept": SPARQL_JSON, "Content-Type": FORM})


class Connection:
    """One client's keep-alive connection to a loopback port, opened again when it closes."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port = port
        self.timeout = timeout
        self.http: http.client.HTTPConnection | None = None

    def exchange(self, request: Request) -> tuple[int, bytes, dict[str, str]]:
        """Send the request and read the whole answer: status, body, headers (lower case)."""
        if self.http is None:
            self.http = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.http.request(request.method, request.path, request.body, request.headers)
            answer = self.http.getresponse()
            body = answer.read()
        except FAILURES:
            self.close()
            raise
        if answer.will_close:
            self.close()
        return answer.status, body, {k.lower(): v for k, v in answer.getheaders()}

    def close(self) -> None:
        if self.http is not None:
            self.http.close()
            self.http = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def send(port: int, request: Request, timeout: float) -> tuple[int, bytes, dict[str, str]]:
    """One request on a fresh connection."""
    with Connection(port, timeout) as connection:
        return connection.exchange(request)


def repeat(request: Request):
    """A BoundedLoad request function sending ``request`` on the client's connection."""

    def call(connection: Connection, _client: int, _iteration: int) -> tuple[int]:
        try:
            return (connection.exchange(request)[0],)
        except FAILURES:
            time.sleep(0.01)  # refused or reset: do not spin
            raise

    return call


def closed_loop(
    port: int,
    request: Request,
    clients: int,
    duration: float,
    timeout: float = 60.0,
    server_pid: int | None = None,
) -> dict:
    """N clients, each sending the request again as soon as its answer is read, for duration s.

    Besides throughput and latency it records the CPU used by the client (this process), by the
    server (its process tree) and by everything else on the machine ("others"), in cores."""
    load = BoundedLoad(
        repeat(request),
        clients,
        duration,
        max_requests=sys.maxsize,
        session=lambda: Connection(port, timeout),
    )
    cpu_before = time.process_time()
    busy_before, server_before = busy_cpu_seconds(), tree_cpu_seconds(server_pid)
    load.start()
    load.wait()
    cpu = time.process_time() - cpu_before
    server_cpu = tree_cpu_seconds(server_pid) - server_before
    others = busy_cpu_seconds() - busy_before - cpu - server_cpu
    return loop_figures(load, cpu, server_cpu, others)


def error_kind(sample: Sample) -> str:
    return f"HTTP {sample.status}" if sample.status else sample.error.partition(":")[0]


def loop_figures(load: BoundedLoad, cpu: float, server_cpu: float, others: float) -> dict:
    """Throughput, latency of the answers (200), errors by kind, and the CPU shares of a loop."""
    elapsed = load.ended - load.started
    ordered = sorted(s.seconds for s in load.samples if s.status == 200)
    errors = Counter(error_kind(s) for s in load.samples if s.status != 200)
    count = len(ordered)

    def ms(share: float) -> float:
        return round(percentile(ordered, share) * 1000, 3) if ordered else math.nan

    return {
        "clients": load.clients,
        "requests": count,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "seconds": round(elapsed, 3),
        "throughput": round(count / elapsed, 2) if elapsed > 0 else 0.0,
        "p50_ms": ms(0.50),
        "p90_ms": ms(0.90),
        "p99_ms": ms(0.99),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3) if ordered else math.nan,
        "max_ms": round(ordered[-1] * 1000, 3) if ordered else math.nan,
        **cpu_shares(elapsed, count, cpu, server_cpu, others),
    }


def cpu_shares(elapsed: float, count: int, client: float, server: float, others: float) -> dict:
    """The cores used by the client, the server and everything else over a loop of ``elapsed``
    seconds that got ``count`` answers, from their CPU seconds."""

    def per_second(seconds: float) -> float:
        return round(seconds / elapsed, 3) if elapsed > 0 else 0.0

    return {
        "client_cpu_share": per_second(client),
        "server_cpu_share": per_second(server),
        "others_cpu_share": per_second(max(others, 0.0)),
        "server_cpu_ms_per_request": round(server / count * 1000, 3) if count else None,
    }
