"""The homs-kg benchmark: homs-kg's /sparql beside Oxigraph's server and rdflib-endpoint.

    .venv/bin/python bench/run.py --sizes article,1M --clients 1,4,16 --duration 5

Run by hand (it is not part of the test suite), from the project's virtual environment with the
``bench`` extras installed (``pip install -e '.[bench]'``). For each size it

1. makes the data: ``article`` is the packaged article built by ``homs-kg build`` (timed); a
   synthetic size (``1M``, ``10M``, ``250k``...) is the article plus synthetic sources made by
   bench/generate.py, loaded with the project's own store writer ``write_store`` through
   bench/load_store.py (timed: the bulk-load rate in quads/s) -- or, where write_store would not
   fit in ``--memory-limit-gb``, streamed with ``Store.bulk_load`` (said so in the results);
   the same file is also loaded by ``oxigraph load`` into a fresh folder, for the ratio;
2. starts each server in turn, alone on the machine (never two at once): ``homs-kg serve
   --query-workers 2 --threads 16``, ``oxigraph serve-read-only --union-default-graph`` and, at
   the article size only (it holds everything in memory), rdflib-endpoint over an rdflib Dataset
   with a union default graph (bench/rdflib_server.py). Cold start is the time from process start
   to the first 200 answer to a small query (the median of ``--cold-starts`` starts);
3. sends every non-federated catalogue query (queries/*.rq without SERVICE) once to check the
   answer (status, rows), then, for each concurrency level, runs a closed loop: N client threads,
   each with its own keep-alive connection, POST the query as a form (what YASGUI sends) with
   ``Accept: application/sparql-results+json`` again and again for ``--duration`` seconds, and
   records throughput (answers/s), p50/p99 latency and errors;
4. for homs-kg also times the Linked Data page ``/page/resource/homs`` and the RDF document
   ``/data/resource/homs.ttl`` at one client;
5. samples the resident memory of each server (the process and all its children, summed; PSS
   beside it) every 0.1 s while it runs, and keeps the peak.

It prints the tables (ratios to Oxigraph's server) and writes ``bench/results/<UTC time>/``
``results.md``, ``results.json``, ``chart.png`` and the servers' logs, and prints that path.
Every server is stopped at the end, also on errors and on Ctrl-C.

The clients use ``http.client`` (standard library) rather than requests (bench/loops.py); the
client's CPU use is recorded with every run.

This file is the command line (parsed into settings.py); the modules beside it do the work:
benchmark.py (the run, size by size), sizes.py (the data, made and loaded), servers.py (the
servers, started alone), measure.py (one server's measurements), loops.py (the load generator),
usage.py (memory and CPU), catalogue.py (the query set), summary.py and targets.py (the figures),
results.py and report_*.py (results.json, results.md, chart.png, the printed tables); see
docs/benchmark.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

if not __package__:  # run as bench/run.py: bench/ and tests/ are packages of the repository
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.benchmark import run_benchmark
from bench.commands import BENCH
from bench.processes import stop_on_sigterm
from bench.settings import Settings
from bench.sizes import size_label


def comma_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def sizes_of(text: str) -> list[str]:
    return [size_label(s) for s in comma_list(text)]


def numbers(text: str) -> list[int]:
    return [int(c) for c in text.split(",")]


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--sizes",
    default="article,1M",
    show_default=True,
    help="comma-separated: article and/or synthetic sizes (1M, 10M, 250k, 1M:once)",
)
@click.option("--clients", default="1,4,16", show_default=True, help="concurrency levels")
@click.option(
    "--duration",
    type=float,
    default=5.0,
    show_default=True,
    help="seconds of each closed loop (per query and concurrency level)",
)
@click.option(
    "--cold-starts",
    type=int,
    default=3,
    show_default=True,
    help="starts of each server (the median is the cold start)",
)
@click.option("--queries", help="only these catalogue queries (comma-separated)")
@click.option("--servers", default="homs-kg,oxigraph,rdflib", show_default=True)
@click.option(
    "--rdflib-sizes",
    default="article",
    show_default=True,
    help="sizes at which rdflib-endpoint runs (it holds all in memory)",
)
@click.option(
    "--load-only", default="", help="sizes to build and load but not serve (comma-separated)"
)
@click.option("--threads", type=int, default=16, show_default=True, help="homs-kg serve --threads")
@click.option(
    "--query-workers", type=int, default=2, show_default=True, help="homs-kg serve --query-workers"
)
@click.option(
    "--query-timeout",
    type=float,
    default=30.0,
    show_default=True,
    help="homs-kg serve --timeout (its default); the other servers get no limit of their "
    "own (see servers.py server_for) and are restarted when a client gives up on a query",
)
@click.option(
    "--clients-for",
    multiple=True,
    metavar="SIZE=LIST",
    help="other concurrency levels at one size, e.g. 10M=1 (repeatable)",
)
@click.option(
    "--request-timeout",
    type=float,
    help="seconds a client waits for an answer  [default: twice --query-timeout]",
)
@click.option(
    "--max-others",
    type=float,
    default=0.25,
    show_default=True,
    help="cores other processes may use during a loop before it is re-run",
)
@click.option(
    "--retries",
    type=int,
    default=2,
    show_default=True,
    help="re-runs of a loop disturbed by other processes",
)
@click.option(
    "--quiet-wait",
    type=float,
    default=300.0,
    show_default=True,
    help="longest wait (s) for a quiet machine before starting a server",
)
@click.option(
    "--homs-kg-args", default="", help="extra options for homs-kg serve (one string, shell syntax)"
)
@click.option(
    "--memory-limit-gb",
    type=float,
    default=7.5,
    show_default=True,
    help="kill any started process whose memory goes over this",
)
@click.option(
    "--write-store-bytes-per-quad",
    type=float,
    default=1600.0,
    show_default=True,
    help="peak memory of write_store per quad, to decide whether it fits "
    "(refined from the measured sizes as the run goes)",
)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option(
    "--load-repeats",
    type=int,
    default=3,
    show_default=True,
    help="builds and oxigraph loads of the article (the median is reported)",
)
@click.option(
    "--work-dir",
    type=click.Path(path_type=Path),
    default=Path(os.environ.get("TMPDIR", "/tmp")) / "homs-kg-bench",
    show_default=True,
    help="stores and generated data (generated files are reused)",
)
@click.option(
    "--results-dir", type=click.Path(path_type=Path), default=BENCH / "results", show_default=True
)
@click.option("--keep-stores", is_flag=True, help="keep each size's stores after its run")
def main(**options: object) -> None:
    """The homs-kg benchmark: homs-kg's /sparql beside Oxigraph's server and rdflib-endpoint."""
    stop_on_sigterm()
    command = " ".join(["python", "bench/run.py", *sys.argv[1:]])
    run_benchmark(settings_of(options), command)


def settings_of(options: dict) -> Settings:
    """The options as Settings: lists parsed, defaults that depend on other options filled."""
    request_timeout = options["request_timeout"] or 2 * options["query_timeout"]
    clients_for = {
        size_label(key): numbers(value)
        for key, _, value in (entry.partition("=") for entry in options["clients_for"])
    }
    queries = comma_list(options["queries"]) if options["queries"] else None
    return Settings(
        sizes=sizes_of(options["sizes"]),
        clients=numbers(options["clients"]),
        duration=options["duration"],
        cold_starts=options["cold_starts"],
        queries=queries,
        servers=comma_list(options["servers"]),
        rdflib_sizes=set(sizes_of(options["rdflib_sizes"])),
        load_only=set(sizes_of(options["load_only"])),
        clients_for=clients_for,
        threads=options["threads"],
        query_workers=options["query_workers"],
        query_timeout=options["query_timeout"],
        request_timeout=request_timeout,
        max_others=options["max_others"],
        retries=options["retries"],
        quiet_wait=options["quiet_wait"],
        homs_kg_args=options["homs_kg_args"],
        memory_limit_gb=options["memory_limit_gb"],
        write_store_bytes_per_quad=options["write_store_bytes_per_quad"],
        seed=options["seed"],
        load_repeats=options["load_repeats"],
        work_dir=options["work_dir"],
        results_dir=options["results_dir"],
        keep_stores=options["keep_stores"],
    )


if __name__ == "__main__":
    main()
