"""Where homs-kg's processors go under load: py-spy over the server and its query workers.

    python bench/profile_load.py --data-dir DIR --query perpetrators --clients 16 [--seconds 8]

Starts ``homs-kg serve`` on a free port (``--query-workers 2 --threads 16``, the benchmark's
settings), puts it under the benchmark's closed loop (N clients POSTing one catalogue query), and
meanwhile samples it with ``py-spy record --subprocesses --gil``: only threads holding the GIL
are sampled, so each sample is Python work being done, in the HTTP process or in a worker, and a
thread waiting for a lock, a pipe or a processor is not counted. The samples are grouped by what
they are part of (waitress, Flask, the pool's pipe, the engine, the JSON writer...) and printed
with the throughput and the CPU time per request of the server's processes. The raw stacks are
kept (``--output``) for a flame graph (``py-spy``'s raw format is Brendan Gregg's collapsed one).

The CPU time of the HTTP process and of the workers is measured apart (psutil), and each group's
share of samples splits its CPU time per request into estimates. Code that runs without the GIL
(parts of pyoxigraph's evaluation) is not sampled, so "worker: engine" is a lower bound; the
layered timings of bench/profile_request.py measure the engine directly. The machine is shared:
the "others" CPU figure says how much other processes took during the run.
"""

from __future__ import annotations

import collections
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import click

if not __package__:  # run as bench/profile_load.py: bench/ and tests/ are packages
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.commands import VENV_BIN
from bench.loops import Request, closed_loop
from bench.servers import SERVE_OPTIONS, homs_kg_server
from bench.usage import cpu_split


def worker(*markers: str):
    """A test of a worker's stack: any of the markers in it."""
    return lambda s: "worker_main" in s and any(m in s for m in markers)


# (name, a test on the collapsed stack); the first that matches names the sample. A stack whose
# last frame is evaluate() is in the engine: Store.query has no Python frame of its own.
CATEGORIES = [
    (
        "worker: engine (Store.query, iterating solutions)",
        lambda s: (
            "worker_main" in s
            and (last_frame(s).startswith("evaluate (") or "Capped.__iter__" in s)
        ),
    ),
    (
        "worker: JSON results writer (server/engine/results.py)",
        worker("write_json", "json_term", "encoder"),
    ),
    ("worker: SERVICE check, negotiation, spool file", worker("evaluate", "spool_results")),
    ("worker: pipe (pickling, send, receive)", lambda s: "worker_main" in s),
    (
        "http: pool round trip (pickling, pipe, wait)",
        lambda s: "WorkerPool" in s or "Worker" in s or "connection.py" in s,
    ),
    ("http: streaming the spooled result", lambda s: "SpooledBody" in s),
    ("http: access log", lambda s: "logging" in s),
    (
        "http: Flask and werkzeug (routing, form, headers, hooks)",
        lambda s: any(m in s for m in ("flask", "werkzeug", "server/sparql/", "server/app.py")),
    ),
    ("http: waitress (sockets, HTTP parsing, threads)", lambda s: "waitress" in s),
]


def last_frame(stack: str) -> str:
    return stack.rsplit(";", 1)[-1]


def categorise(stack: str) -> str:
    for name, test in CATEGORIES:
        if test(stack):
            return name
    return "other"


def summarise(raw: Path) -> tuple[int, collections.Counter, collections.Counter]:
    """Samples in all, by category, and by leaf frame, from py-spy's raw (collapsed) stacks."""
    categories: collections.Counter = collections.Counter()
    leaves: collections.Counter = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            categories[categorise(stack)] += int(count)
            leaves[last_frame(stack)] += int(count)
    return sum(categories.values()), categories, leaves


def spy(pid: int, raw: Path, rate: int, seconds: float) -> subprocess.Popen:
    """py-spy sampling the process and its children, only threads holding the GIL."""
    return subprocess.Popen(
        [
            str(VENV_BIN / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--gil",
            "--nonblocking",
            "--rate",
            str(rate),
            "--duration",
            str(int(seconds)),
            "--format",
            "raw",
            "-o",
            str(raw),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def print_categories(
    categories: collections.Counter, total: int, http_ms: float, workers_ms: float
) -> None:
    """Each category's share of the samples, and of its process's CPU time per request."""
    http_total = sum(c for n, c in categories.items() if n.startswith("http"))
    worker_total = sum(c for n, c in categories.items() if n.startswith("worker"))
    for name, count in categories.most_common():
        share = count / total if total else 0
        if name.startswith("http") and http_total:
            estimate = f"~{count / http_total * http_ms:5.2f} ms/request"
        elif name.startswith("worker") and worker_total:
            estimate = f"~{count / worker_total * workers_ms:5.2f} ms/request"
        else:
            estimate = " " * 18
        print(f"  {100 * share:5.1f}%  {estimate}  {name}")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--query", default="perpetrators", show_default=True, help="a catalogue query's name")
@click.option(
    "--text", help="a query's text instead of a catalogue query (e.g. a one-pattern lookup)"
)
@click.option("--clients", type=int, default=16, show_default=True)
@click.option("--seconds", type=float, default=8.0, show_default=True)
@click.option("--rate", type=int, default=250, show_default=True, help="py-spy samples per second")
@click.option("--output", type=click.Path(path_type=Path), help="where to keep py-spy's raw stacks")
@click.option("--top", type=int, default=20, show_default=True, help="leaf frames to print")
@click.option(
    "--homs-kg-args", default="", help='extra options for homs-kg serve, e.g. "--result-cache-mb 0"'
)
def main(
    data_dir: Path,
    query: str,
    text: str | None,
    clients: int,
    seconds: float,
    rate: int,
    output: Path | None,
    top: int,
    homs_kg_args: str,
) -> None:
    """Where homs-kg's processors go under load: py-spy over the server and its query workers."""
    from homs_kg.server.catalogue.queries import find_query

    found = None if text else find_query(query)
    if found is None and not text:
        raise SystemExit(f"no catalogue query {query!r}")
    raw = output or Path(tempfile.mkdtemp(prefix="homs-kg-pyspy-")) / "stacks.txt"
    server = homs_kg_server(
        "homs-kg",
        raw.with_suffix(".serve.log"),
        "--data-dir",
        str(data_dir),
        *SERVE_OPTIONS,
        "--client-concurrency",
        str(max(clients, 4)),
        *shlex.split(homs_kg_args),
    )
    request = Request.sparql("/sparql", text or found.text)
    server.start()
    try:
        spying = spy(server.process.pid, raw, rate, seconds)
        before = cpu_split(server.process.pid)
        run = closed_loop(server.port, request, clients, seconds + 1, 60, server.process.pid)
        after = cpu_split(server.process.pid)
        spying.wait(60)
    finally:
        server.stop()
    requests = run["requests"] or 1
    http_ms = (after[0] - before[0]) / requests * 1000
    workers_ms = (after[1] - before[1]) / requests * 1000
    print(
        f"{query}, {clients} clients: {run['throughput']:.1f} req/s, p50 "
        f"{run['p50_ms']:.2f} ms, p99 {run['p99_ms']:.2f} ms; server CPU per request: "
        f"{http_ms:.2f} ms in the HTTP process, {workers_ms:.2f} ms in the query workers; client "
        f"{run['client_cpu_share']:.2f} cores, other processes {run['others_cpu_share']:.2f} cores"
    )
    total, categories, leaves = summarise(raw)
    print(f"py-spy --gil samples: {total} (stacks: {raw})")
    print_categories(categories, total, http_ms, workers_ms)
    print("leaf frames:")
    for name, count in leaves.most_common(top):
        print(f"  {100 * count / total:5.1f}%  {name[:140]}")


if __name__ == "__main__":
    main()
