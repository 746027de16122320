"""The HTTP layer's cost: light and engine-bound queries, homs-kg beside Oxigraph's server.

    python bench/http_cost.py --data-dir DIR [--clients 16] [--duration 5] [--rounds 3]
                              [--homs-kg-args "--http-processes 2"] [--before DIR]

In one run, on the same data (the live build of ``DIR``, also loaded by ``oxigraph load`` into a
fresh folder), each server is started alone, in turn, for ``--rounds`` rounds: ``homs-kg serve``
with the result cache off (every request evaluated), ``homs-kg serve`` with it on, and
``oxigraph serve-read-only --union-default-graph``; with ``--before DIR``, also another version
of homs-kg (uncached and cached), run from a copy of its code, so that a change is measured
before and after in the same run::

    mkdir -p /tmp/before/homs_kg && for d in graph server ontology queries; do
      mkdir -p /tmp/before/homs_kg/$d; git archive COMMIT $d | tar -x -C /tmp/before/homs_kg/$d \
        --strip-components=1; done

On each, a closed loop of N clients runs each query for ``--duration`` seconds: by default wrk
(Debian's ``wrk``, bench/wrk_loop.py), which needs a fraction of a core, or, with
``--load-generator python``, the benchmark's keep-alive http.client connections (bench/loops.py),
which take a whole core against Oxigraph's server; POST form, SPARQL JSON. Only 2xx answers count;
the per-client limit is raised to twice the number of clients so that none is refused with 429.
The queries:

- light: a one-pattern lookup, ``SELECT ?l WHERE { <base/resource/homs> rdfs:label ?l }`` (2 rows,
  0.1 ms of engine time): what a page or a link-traversal client sends many of;
- engine-bound: the quads counted per type of their subject (66 rows, about 14 ms of engine time
  on the article, well under the 0.5 s short-query budget even on a loaded machine),
  where the engine, not HTTP, is the time.

It prints each loop as it ends and then the medians of the rounds, with the ratios to Oxigraph's
server and the machine's load average (uptime) before each round: the machine may be shared.
Run by hand; it is not part of the test suite.
"""

from __future__ import annotations

import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import click

if not __package__:  # run as bench/http_cost.py: bench/ and tests/ are packages
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.commands import oxigraph_cli
from bench.loops import Request, closed_loop
from bench.servers import SERVE_OPTIONS, Server, floor_server, homs_kg_server, oxigraph_server
from bench.wrk_loop import wrk_loop

LOAD_GENERATORS = {"wrk": wrk_loop, "python": closed_loop}

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ENGINE_BOUND = (
    "SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t . ?s ?p ?o } GROUP BY ?t ORDER BY DESC(?n)"
)


def queries(base_iri: str) -> dict[str, str]:
    light = f"SELECT ?l WHERE {{ <{base_iri}resource/homs> <{RDFS_LABEL}> ?l }}"
    return {"light lookup": light, "engine-bound": ENGINE_BOUND}


def live_build(data_dir: Path) -> Path:
    return data_dir / os.readlink(data_dir / "current")


def oxigraph_copy(data_dir: Path, work: Path) -> Path:
    """The live build's N-Quads dump loaded by ``oxigraph load`` into a folder of its own."""
    store = live_build(data_dir)
    nquads = store.with_name(store.name + ".dumps") / "homs-kg.nq.gz"
    plain = work / "homs-kg.nq"
    subprocess.run(
        f"gunzip -c {shlex.quote(str(nquads))} > {shlex.quote(str(plain))}", shell=True, check=True
    )
    folder = work / "oxigraph"
    subprocess.run(
        [oxigraph_cli(), "load", "--location", str(folder), "--file", str(plain)],
        check=True,
        capture_output=True,
    )
    return folder


UNCACHED = ("--result-cache-mb", "0")


def partial_server(factory: Callable[..., Server], *options: str) -> Callable[[str, Path], Server]:
    return lambda name, log: factory(name, log, *options)


def homs_kg_factory(prefix: list[str], *options: str) -> Callable[[str, Path], Server]:
    """``homs-kg serve`` with these options, its command after ``prefix`` (env PYTHONPATH=…)."""

    def start(name: str, log: Path) -> Server:
        server = homs_kg_server(name, log, *options)
        server.command = [*prefix, *server.command]
        return server

    return start


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def measure(
    server: Server, texts: dict[str, str], clients: int, duration: float, generator: str
) -> dict:
    """Each query's closed loop on the server (started for it, stopped after)."""
    server.start()
    figures = {}
    loop_of = LOAD_GENERATORS[generator]
    try:
        for name, text in texts.items():
            request = Request.sparql(server.path, text)
            loop_of(server.port, request, clients, 1, server_pid=server.process.pid)  # warm-up
            loop = loop_of(server.port, request, clients, duration, server_pid=server.process.pid)
            figures[name] = loop
            print(
                f"  {server.name:22} {name:14} {loop['throughput']:9.1f}/s  p50 "
                f"{loop['p50_ms']:7.2f} ms  p99 {loop['p99_ms']:7.2f} ms  server cores "
                f"{loop['server_cpu_share']:.2f}  client cores {loop['client_cpu_share']:.2f}  "
                f"others {loop['others_cpu_share']:.2f}  errors {loop['error_kinds'] or 0}",
                flush=True,
            )
    finally:
        server.stop()
    return figures


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--clients", type=int, default=16, show_default=True)
@click.option("--duration", type=float, default=5.0, show_default=True, help="seconds per loop")
@click.option("--rounds", type=int, default=3, show_default=True, help="the median is reported")
@click.option("--homs-kg-args", default="", help="extra options for this version's homs-kg")
@click.option(
    "--before",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="a folder holding another version's homs_kg/ (see above), also measured",
)
@click.option("--before-args", default="", help="extra options for the --before version")
@click.option(
    "--load-generator",
    type=click.Choice(sorted(LOAD_GENERATORS)),
    default="wrk",
    show_default=True,
    help="wrk (Debian's package) needs a fraction of a core; the Python clients take a whole "
    "core against Oxigraph's server and measure themselves",
)
@click.option(
    "--floor",
    default=None,
    help="also measure Flask under waitress answering a constant (bench/floor_app.py), with "
    "these options, e.g. '--processes 2': the fastest homs-kg could be on this HTTP stack",
)
@click.option(
    "--base-iri",
    default="http://127.0.0.1:8000/",
    show_default=True,
    help="the build's base IRI (the light lookup's subject)",
)
def main(
    data_dir: Path,
    clients: int,
    duration: float,
    rounds: int,
    homs_kg_args: str,
    before: Path | None,
    before_args: str,
    load_generator: str,
    floor: str | None,
    base_iri: str,
) -> None:
    """Light and engine-bound queries: homs-kg (uncached, cached) beside Oxigraph's server."""
    work = Path(tempfile.mkdtemp(prefix="homs-kg-http-cost-"))
    logs = work / "logs"
    logs.mkdir()
    oxigraph_dir = oxigraph_copy(data_dir, work)
    texts = queries(base_iri)
    # twice the clients: a slot is freed after the answer's last byte is sent, and wrk's next
    # request on that connection can arrive first (then 429, not an answer)
    limit = str(2 * clients)
    common = [*SERVE_OPTIONS, "--data-dir", str(data_dir), "--client-concurrency", limit]
    this = shlex.split(homs_kg_args)
    # each server's name, and how to start it (with its log)
    servers: dict[str, Callable[[str, Path], Server]] = {}
    if before is not None:  # the same command, importing homs_kg from the copy first
        old = ["env", f"PYTHONPATH={before.resolve()}"]
        before_options = shlex.split(before_args)
        servers["before uncached"] = homs_kg_factory(old, *common, *before_options, *UNCACHED)
        servers["before cached"] = homs_kg_factory(old, *common, *before_options)
    servers["homs-kg uncached"] = homs_kg_factory([], *common, *this, *UNCACHED)
    servers["homs-kg cached"] = homs_kg_factory([], *common, *this)
    if floor is not None:
        servers["floor"] = partial_server(floor_server, "--threads", "16", *shlex.split(floor))
    servers["oxigraph"] = partial_server(
        oxigraph_server, "serve-read-only", "--location", str(oxigraph_dir), "--union-default-graph"
    )
    results: dict[str, dict[str, list[float]]] = {s: {q: [] for q in texts} for s in servers}
    loads = []
    print(
        f"{clients} clients ({load_generator}), {duration:g} s per loop, {rounds} rounds; "
        f"logs in {logs}"
    )
    for number in range(1, rounds + 1):
        loads.append(load_average())
        print(f"round {number} (load average 1/5 min: {loads[-1]})", flush=True)
        for name, start in servers.items():
            server = start(name, logs / f"{name}-{number}.log")
            asked = {"light lookup": texts["light lookup"]} if name == "floor" else texts
            for query, loop in measure(server, asked, clients, duration, load_generator).items():
                results[name][query].append(loop["throughput"])
            time.sleep(1)
    print(f"\nmedian of {rounds} rounds, answers/s ({clients} clients; load averages {loads}):")
    ratios = [name for name in servers if name != "oxigraph"]
    print(f"| query | {' | '.join(servers)} | {' | '.join(f'{n} / oxigraph' for n in ratios)} |")
    print(f"|---|{'---|' * (len(servers) + len(ratios))}")
    for query in texts:
        medians = {name: statistics.median(results[name][query] or [math.nan]) for name in servers}
        ox = medians["oxigraph"] or float("nan")
        cells = " | ".join(f"{medians[name]:,.0f}" for name in servers)
        shares = " | ".join(f"{medians[name] / ox:.3f} x" for name in ratios)
        print(f"| {query} | {cells} | {shares} |")


if __name__ == "__main__":
    main()
