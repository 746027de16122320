"""The servers measured, each started alone: homs-kg's /sparql, Oxigraph's and rdflib-endpoint.

A Server is a command on a free loopback port, started (and restarted) by the benchmark: its cold
start is the time from process start to the first 200 answer to a small query, and its memory is
sampled while it runs.
"""

from __future__ import annotations

import http.client
import shlex
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.commands import bench_script, homs_kg_command, oxigraph_cli, serve_options
from bench.loops import Request, send
from bench.processes import PROCESSES
from bench.settings import Settings
from bench.sizes import safe_name
from bench.usage import MB, MemorySampler
from tests.servers import free_port, wait_until

PROBE_QUERY = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
SERVERS = ("homs-kg", "oxigraph", "rdflib")
LABELS = {"homs-kg": "homs-kg /sparql", "oxigraph": "Oxigraph server", "rdflib": "rdflib-endpoint"}
# what the benchmark serves with (docs/benchmark.md); the profiles use the same
SERVE_OPTIONS = ("--query-workers", "2", "--threads", "16")


@dataclass
class Server:
    name: str
    command: list[str]
    port: int
    path: str
    log: Path
    limit_mb: float
    process: subprocess.Popen | None = None
    sampler: MemorySampler | None = None
    cold_starts: list[float] = field(default_factory=list)
    idle_rss_mb: float = 0.0
    idle_pss_mb: float = 0.0
    peaks: dict = field(default_factory=dict)

    def start(self, deadline_s: float = 600) -> float:
        """Start it; the time to the first 200 answer of a small query."""
        started = time.perf_counter()
        self.process = PROCESSES.start(self.command, self.log)
        self.sampler = MemorySampler(self.process.pid, self.limit_mb)
        self.sampler.start()
        wait_until(self.process, self.answers, deadline_s, pause=0.005, log=self.log)
        seconds = time.perf_counter() - started
        self.cold_starts.append(seconds)
        return seconds

    def answers(self) -> bool:
        try:
            return send(self.port, Request.sparql(self.path, PROBE_QUERY), 5)[0] == 200
        except (OSError, http.client.HTTPException):
            return False

    def stop(self) -> dict:
        """Stop it; the peak memory over all its starts so far."""
        memory = self.sampler.stop() if self.sampler else {}
        self.sampler = None
        if self.process is not None:
            PROCESSES.stop(self.process)
            self.process = None
        for key, value in memory.items():
            self.peaks[key] = max(self.peaks.get(key, 0.0), value)
        return dict(self.peaks)

    def restart(self) -> None:
        """Stop and start it again (not a cold start measurement)."""
        self.stop()
        self.start()
        self.cold_starts.pop()

    def alive(self) -> bool:
        return (
            self.process is not None
            and self.process.poll() is None
            and not (self.sampler and self.sampler.exceeded)
        )

    def settle(self) -> None:
        """Memory once started and answering, before the load (the 'idle' figure)."""
        time.sleep(0.5)
        assert self.sampler is not None
        self.sampler.sample(with_pss=True)
        self.idle_rss_mb = round(self.sampler.last_rss / MB, 1)
        self.idle_pss_mb = round(self.sampler.last_pss / MB, 1)


def homs_kg_server(name: str, log: Path, *options: str, limit_mb: float = 4096) -> Server:
    """``homs-kg serve`` with these options, on a free loopback port."""
    port = free_port()
    command = [*homs_kg_command(), "serve", "--host", "127.0.0.1", "--port", str(port), *options]
    return Server(name, command, port, "/sparql", log, limit_mb)


def oxigraph_server(name: str, log: Path, *options: str, limit_mb: float = 4096) -> Server:
    """``oxigraph`` with these options (serve or serve-read-only...), on a free loopback port."""
    port = free_port()
    command = [oxigraph_cli(), *options, "--bind", f"127.0.0.1:{port}"]
    return Server(name, command, port, "/query", log, limit_mb)


def floor_server(name: str, log: Path, *options: str, limit_mb: float = 4096) -> Server:
    """Flask under waitress answering a constant (bench/floor_app.py), on a free loopback port."""
    port = free_port()
    command = bench_script("floor_app.py", "--port", str(port), *options)
    return Server(name, command, port, "/sparql", log, limit_mb)


def rdflib_server(nquads: Path, log: Path, limit_mb: float) -> Server:
    """rdflib-endpoint over the file (bench/rdflib_server.py), on a free loopback port."""
    port = free_port()
    command = bench_script("rdflib_server.py", "--file", str(nquads), "--port", str(port))
    return Server("rdflib", command, port, "/sparql", log, limit_mb)


def server_for(
    name: str, prepared: dict, logs: Path, settings: Settings, clients: list[int]
) -> Server:
    """The server ``name`` over the data of one size, as the benchmark runs it."""
    log = logs / f"{safe_name(prepared['size'])}-{name}.log"
    if name == "homs-kg":
        options = [
            "--data-dir",
            str(prepared["homs_kg_dir"]),
            "--query-workers",
            str(settings.query_workers),
            "--threads",
            str(settings.threads),
            "--timeout",
            f"{settings.query_timeout:g}",
        ]
        if "--client-concurrency" in serve_options() and "--client-concurrency" not in (
            settings.homs_kg_args
        ):
            # the N clients stand for N users; from one address the server would refuse all
            # but --client-concurrency (default 4) of them with 429
            options += ["--client-concurrency", str(max(clients))]
        options += shlex.split(settings.homs_kg_args)
        return homs_kg_server(name, log, *options, limit_mb=settings.limit_mb)
    if name == "oxigraph":
        # Not --timeout-s: in oxigraph 0.5.13 it starts a thread per query that sleeps for the
        # whole limit, so a few thousand queries a second exhaust the process's memory maps and
        # the server fails ("failed to set up alternative stack guard page"). A query that
        # outlives --request-timeout makes the benchmark restart the server instead.
        options = [
            "serve-read-only",
            "--location",
            str(prepared["oxigraph_dir"]),
            "--union-default-graph",
        ]
        return oxigraph_server(name, log, *options, limit_mb=settings.limit_mb)
    return rdflib_server(prepared["nquads"], log, settings.limit_mb)
