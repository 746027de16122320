"""Several evaluation processes over one store: throughput by --query-workers, embedded or remote.

    python bench/workers.py --data-dir DIR [--workers 1,2,4] [--clients 16] [--duration 5]
                            [--queries a,b] [--remote]

For each worker count it starts ``homs-kg serve --query-workers N --result-cache-mb 0`` (every
request evaluated) over the built store of ``DIR`` and runs bench/run.py's closed loop (N clients,
keep-alive, SPARQL JSON) over the chosen catalogue queries, one after the other, printing
throughput, p50/p99 and the server's CPU use. With ``--remote`` it also builds the article into
a real ``oxigraph serve`` (Graph Store Protocol) and measures ``homs-kg serve --store URL`` over
it: the same HTTP layer with the store in another process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (
    PROCESSES,
    Request,
    Server,
    catalogue,
    closed_loop,
    free_port,
    homs_kg_command,
    oxigraph_cli,
)

DEFAULT_QUERIES = "nicknames,event-timeline,organisations-roles"


def homs_kg_server(options: list[str], logs: Path, label: str) -> Server:
    port = free_port()
    command = [*homs_kg_command(), "serve", "--port", str(port), "--result-cache-mb", "0",
               "--client-concurrency", "64", "--threads", "16", *options]  # fmt: skip
    return Server(label, command, port, "/sparql", logs / f"{label}.log", 4096)


def measure(server: Server, queries: list[tuple[str, str]], args: argparse.Namespace) -> None:
    server.start()
    try:
        rates = []
        for name, text in queries:
            loop = closed_loop(server.port, Request.sparql("/sparql", text), args.clients,
                               args.duration, 60, server.process.pid)  # fmt: skip
            rates.append(loop["throughput"])
            print(f"  {server.name:24} {name:22} {loop['throughput']:8.1f}/s p50 "
                  f"{loop['p50_ms']:7.2f} ms p99 {loop['p99_ms']:7.2f} ms  server cores "
                  f"{loop['server_cpu_share']:.2f}  errors {loop['errors']}",
                  flush=True)  # fmt: skip
        print(f"  {server.name:24} geometric mean {statistics.geometric_mean(rates):8.1f}/s")
    finally:
        server.stop()


def remote_server(logs: Path, work: Path) -> tuple[Server, Server]:
    """A writable oxigraph server loaded by ``homs-kg build --store``, and homs-kg over it."""
    port = free_port()
    bind = f"127.0.0.1:{port}"
    command = [oxigraph_cli(), "serve", "--location", str(work / "ox"), "--bind", bind]
    oxigraph = Server("oxigraph serve", command, port, "/query", logs / "ox.log", 4096)
    oxigraph.start()
    url = f"http://127.0.0.1:{port}/query"
    built = PROCESSES.start([*homs_kg_command(), "build", "--store", url], logs / "build.log")
    if built.wait(300) != 0:
        raise RuntimeError(f"homs-kg build --store failed; see {logs / 'build.log'}")
    return oxigraph, homs_kg_server(["--store", url], logs, "remote store")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--queries", default=DEFAULT_QUERIES)
    parser.add_argument("--remote", action="store_true")
    args = parser.parse_args()
    queries = catalogue(args.queries.split(","))
    work = Path(tempfile.mkdtemp(prefix="homs-kg-workers-"))
    logs = work / "logs"
    logs.mkdir()
    print(f"{args.clients} clients, {args.duration:g} s per query, no result cache; logs in {logs}")
    for count in [int(n) for n in args.workers.split(",")]:
        options = ["--data-dir", str(args.data_dir), "--query-workers", str(count)]
        measure(homs_kg_server(options, logs, f"{count} query workers"), queries, args)
        time.sleep(1)
    if args.remote:
        oxigraph, server = remote_server(logs, work)
        try:
            measure(server, queries, args)
        finally:
            oxigraph.stop()


if __name__ == "__main__":
    main()
