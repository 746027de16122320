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

import argparse
import collections
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import PROCESSES, Request, closed_loop, free_port, send

# (name, a test on the collapsed stack); the first that matches names the sample
CATEGORIES = [
    ("worker: engine (Store.query, iterating solutions)",
     lambda s: "worker_main" in s and ("store.query" in s or "evaluate (server/evaluation.py:7" in s
                                       or "Capped.__iter__" in s)),
    ("worker: JSON results writer (server/results.py)",
     lambda s: "worker_main" in s and ("write_json" in s or "json_term" in s or "encoder" in s)),
    ("worker: SERVICE check, negotiation, spool file",
     lambda s: "worker_main" in s and ("evaluate" in s or "spool_results" in s)),
    ("worker: pipe (pickling, send, receive)", lambda s: "worker_main" in s),
    ("http: pool round trip (pickling, pipe, wait)",
     lambda s: "WorkerPool" in s or "Worker" in s or "connection.py" in s),
    ("http: streaming the spooled result", lambda s: "stream_file" in s),
    ("http: access log", lambda s: "logging" in s),
    ("http: Flask and werkzeug (routing, form, headers, hooks)",
     lambda s: "flask" in s or "werkzeug" in s or "server/sparql.py" in s or "server/app.py" in s),
    ("http: waitress (sockets, HTTP parsing, threads)", lambda s: "waitress" in s),
]  # fmt: skip


def categorise(stack: str) -> str:
    for name, test in CATEGORIES:
        if test(stack):
            return name
    return "other"


def summarise(raw: Path) -> tuple[int, collections.Counter, collections.Counter]:
    categories: collections.Counter = collections.Counter()
    leaves: collections.Counter = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        categories[categorise(stack)] += int(count)
        leaves[stack.rsplit(";", 1)[-1]] += int(count)
        total += int(count)
    return total, categories, leaves


def process_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds of the HTTP process itself, and of its descendants (forkserver, workers)."""
    import psutil

    root = psutil.Process(pid)
    times = root.cpu_times()
    children = times.children_user + times.children_system
    for child in root.children(recursive=True):
        try:
            found = child.cpu_times()
            children += found.user + found.system + found.children_user + found.children_system
        except psutil.Error:
            pass
    return times.user + times.system, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--query", default="perpetrators", help="a catalogue query's name")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--output", type=Path, help="where to keep py-spy's raw stacks")
    parser.add_argument("--top", type=int, default=20, help="leaf frames to print")
    args = parser.parse_args()

    from homs_kg.server.catalogue.queries import find_query

    found = find_query(args.query)
    if found is None:
        raise SystemExit(f"no catalogue query {args.query!r}")
    raw = args.output or Path(tempfile.mkdtemp(prefix="homs-kg-pyspy-")) / "stacks.txt"
    port = free_port()
    log = raw.with_suffix(".serve.log")
    command = [str(Path(sys.executable).parent / "homs-kg"), "serve", "--data-dir",
               str(args.data_dir), "--port", str(port), "--threads", "16", "--query-workers",
               "2", "--client-concurrency", str(max(args.clients, 4))]  # fmt: skip
    server = PROCESSES.start(command, log)
    try:
        request = Request.sparql("/sparql", found.text)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if send(port, request, 10)[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        spy = subprocess.Popen(
            [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(server.pid),
             "--subprocesses", "--gil", "--nonblocking", "--rate", str(args.rate), "--duration",
             str(int(args.seconds)), "--format", "raw", "-o", str(raw)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        before = process_cpu(server.pid)
        run = closed_loop(port, request, args.clients, args.seconds + 1, 60, server.pid)
        after = process_cpu(server.pid)
        spy.wait(60)
    finally:
        PROCESSES.stop(server)
    requests = run["requests"] or 1
    http_ms = (after[0] - before[0]) / requests * 1000
    workers_ms = (after[1] - before[1]) / requests * 1000
    print(
        f"{args.query}, {args.clients} clients: {run['throughput']:.1f} req/s, p50 "
        f"{run['p50_ms']:.2f} ms, p99 {run['p99_ms']:.2f} ms; server CPU per request: "
        f"{http_ms:.2f} ms in the HTTP process, {workers_ms:.2f} ms in the query workers; client "
        f"{run['client_cpu_share']:.2f} cores, other processes {run['others_cpu_share']:.2f} cores"
    )
    total, categories, leaves = summarise(raw)
    print(f"py-spy --gil samples: {total} (stacks: {raw})")
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
    print("leaf frames:")
    for name, count in leaves.most_common(args.top):
        print(f"  {100 * count / total:5.1f}%  {name[:140]}")


if __name__ == "__main__":
    main()
