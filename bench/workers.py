"""Several evaluation processes over one store: throughput by --query-workers, embedded or remote.

    python bench/workers.py --data-dir DIR [--workers 1,2,4] [--clients 16] [--duration 5]
                            [--queries a,b] [--remote]

For each worker count it starts ``homs-kg serve --query-workers N --result-cache-mb 0`` (every
request evaluated) over the built store of ``DIR`` and runs the benchmark's closed loop
(bench/loops.py: N clients, keep-alive, SPARQL JSON) over the chosen catalogue queries, one after
the other, printing throughput, p50/p99 and the server's CPU use. With ``--remote`` it also builds
the article into a real ``oxigraph serve`` (Graph Store Protocol) and measures ``homs-kg serve
--store URL`` over it: the same HTTP layer with the store in another process.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import click

if not __package__:  # run as bench/workers.py: bench/ and tests/ are packages of the repository
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.catalogue import local_queries
from bench.commands import homs_kg_command
from bench.loops import Request, closed_loop
from bench.processes import PROCESSES
from bench.servers import Server, homs_kg_server, oxigraph_server

DEFAULT_QUERIES = "nicknames,event-timeline,organisations-roles"
# every request evaluated; the clients stand for many users
OPTIONS = ("--result-cache-mb", "0", "--client-concurrency", "64", "--threads", "16")


def measure(server: Server, queries: list[tuple[str, str]], clients: int, duration: float) -> None:
    """Each query's closed loop over the server, and their geometric mean."""
    server.start()
    try:
        rates = []
        for name, text in queries:
            loop = closed_loop(
                server.port,
                Request.sparql("/sparql", text),
                clients,
                duration,
                60,
                server.process.pid,
            )
            rates.append(loop["throughput"])
            print(
                f"  {server.name:24} {name:22} {loop['throughput']:8.1f}/s p50 "
                f"{loop['p50_ms']:7.2f} ms p99 {loop['p99_ms']:7.2f} ms  server cores "
                f"{loop['server_cpu_share']:.2f}  errors {loop['errors']}",
                flush=True,
            )
        print(f"  {server.name:24} geometric mean {statistics.geometric_mean(rates):8.1f}/s")
    finally:
        server.stop()


def remote_server(logs: Path, work: Path) -> tuple[Server, Server]:
    """A writable oxigraph server loaded by ``homs-kg build --store``, and homs-kg over it."""
    oxigraph = oxigraph_server(
        "oxigraph serve", logs / "ox.log", "serve", "--location", str(work / "ox")
    )
    oxigraph.start()
    url = f"http://127.0.0.1:{oxigraph.port}/query"
    built = PROCESSES.start([*homs_kg_command(), "build", "--store", url], logs / "build.log")
    if built.wait(300) != 0:
        raise RuntimeError(f"homs-kg build --store failed; see {logs / 'build.log'}")
    return oxigraph, homs_kg_server(
        "remote store", logs / "remote store.log", *OPTIONS, "--store", url
    )


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--workers", default="1,2,4", show_default=True, help="query worker counts")
@click.option("--clients", type=int, default=16, show_default=True)
@click.option(
    "--duration", type=float, default=5.0, show_default=True, help="seconds of each closed loop"
)
@click.option(
    "--queries",
    default=DEFAULT_QUERIES,
    show_default=True,
    help="catalogue queries (comma-separated)",
)
@click.option("--remote", is_flag=True, help="also over a remote store (oxigraph serve)")
def main(
    data_dir: Path, workers: str, clients: int, duration: float, queries: str, remote: bool
) -> None:
    """Several evaluation processes over one store: throughput by --query-workers."""
    chosen = local_queries(queries.split(","))
    work = Path(tempfile.mkdtemp(prefix="homs-kg-workers-"))
    logs = work / "logs"
    logs.mkdir()
    print(f"{clients} clients, {duration:g} s per query, no result cache; logs in {logs}")
    for count in [int(n) for n in workers.split(",")]:
        name = f"{count} query workers"
        server = homs_kg_server(
            name,
            logs / f"{name}.log",
            *OPTIONS,
            "--data-dir",
            str(data_dir),
            "--query-workers",
            str(count),
        )
        measure(server, chosen, clients, duration)
        time.sleep(1)
    if remote:
        oxigraph, server = remote_server(logs, work)
        try:
            measure(server, chosen, clients, duration)
        finally:
            oxigraph.stop()


if __name__ == "__main__":
    main()
