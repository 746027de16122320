"""The homs-kg benchmark: homs-kg's /sparql beside Oxigraph's server and rdflib-endpoint.

    /tmp/venv/bin/python bench/run.py --sizes article,1M --clients 1,4,16 --duration 5

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

The clients use ``http.client`` (standard library) rather than requests: on this 2-core machine
requests costs about 0.55 ms of client CPU per request against 0.12 ms, and the client shares the
cores with the server it measures. The client's CPU use is recorded with every run.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import datetime
import hashlib
import http.client
import json
import math
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

from generate import parse_size  # noqa: E402

VENV_BIN = Path(sys.executable).parent
SPARQL_JSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
PROBE_QUERY = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
SERVERS = ("homs-kg", "oxigraph", "rdflib")
LABELS = {"homs-kg": "homs-kg /sparql", "oxigraph": "Oxigraph server", "rdflib": "rdflib-endpoint"}
MB = 1024 * 1024
# Targets of the issue, checked against what was measured.
TARGETS = {
    "throughput_vs_oxigraph": 0.5,
    "throughput_vs_rdflib": 10.0,
    "p99_at_1M_ms": 50.0,
    "page_median_ms": 15.0,
    "cold_start_s": 1.5,
    "memory_mb": 200.0,
}


# -- processes ---------------------------------------------------------------------------------
class Processes:
    """Every process this script starts, so that all of them are stopped however it ends."""

    def __init__(self) -> None:
        self.running: dict[int, subprocess.Popen] = {}
        self.lock = threading.Lock()

    def start(self, command: list[str], log: Path, **options) -> subprocess.Popen:
        with log.open("ab") as out:
            process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **options
            )
        with self.lock:
            self.running[process.pid] = process
        return process

    def stop(self, process: subprocess.Popen, grace: float = 10.0) -> None:
        """Terminate the process, then kill it and any child of it still there (by pid)."""
        try:
            children = psutil.Process(process.pid).children(recursive=True)
        except psutil.Error:
            children = []
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.kill()
        with self.lock:
            self.running.pop(process.pid, None)

    def stop_all(self) -> None:
        with self.lock:
            running = list(self.running.values())
        for process in running:
            self.stop(process, grace=5.0)


PROCESSES = Processes()
atexit.register(PROCESSES.stop_all)


def on_signal(number: int, _frame: object) -> None:
    raise SystemExit(f"stopped by signal {number}")


# -- memory ------------------------------------------------------------------------------------
class MemorySampler(threading.Thread):
    """Samples RSS (and, less often, PSS) of a process and its children; kills the tree above a
    limit (this machine must not use more than ~8 GB)."""

    def __init__(self, pid: int, limit_mb: float, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.limit_mb = limit_mb
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.last_rss = 0
        self.last_pss = 0
        self.exceeded = False
        self.halt = threading.Event()

    def tree(self) -> list[psutil.Process]:
        root = psutil.Process(self.pid)
        return [root, *root.children(recursive=True)]

    def sample(self, with_pss: bool) -> None:
        rss = pss = 0
        try:
            for process in self.tree():
                with contextlib.suppress(psutil.Error):
                    if with_pss:
                        info = process.memory_full_info()
                        rss += info.rss
                        pss += info.pss
                    else:
                        rss += process.memory_info().rss
        except psutil.Error:
            return
        self.last_rss = rss
        self.peak_rss = max(self.peak_rss, rss)
        if with_pss:
            self.last_pss = pss
            self.peak_pss = max(self.peak_pss, pss)
        if rss > self.limit_mb * MB and not self.exceeded:
            self.exceeded = True
            with contextlib.suppress(psutil.Error):
                for process in reversed(self.tree()):
                    process.kill()

    def run(self) -> None:
        count = 0
        while not self.halt.is_set():
            self.sample(with_pss=count % 10 == 0)
            count += 1
            self.halt.wait(self.interval)

    def stop(self) -> dict:
        self.halt.set()
        self.join(2)
        return {
            "peak_rss_mb": round(self.peak_rss / MB, 1),
            "peak_pss_mb": round(self.peak_pss / MB, 1),
        }


def run_measured(command: list[str], log: Path, limit_mb: float, timeout: float = 3600) -> dict:
    """Run a command to its end; wall time, peak memory (tree RSS), exit status, stdout."""
    out_path = log.with_suffix(".out")
    started = time.perf_counter()
    with out_path.open("wb") as out, log.open("ab") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, start_new_session=True)
        with PROCESSES.lock:
            PROCESSES.running[process.pid] = process
        sampler = MemorySampler(process.pid, limit_mb)
        sampler.start()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            PROCESSES.stop(process)
        finally:
            memory = sampler.stop()
            with PROCESSES.lock:
                PROCESSES.running.pop(process.pid, None)
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "returncode": process.returncode,
        "stdout": out_path.read_text(errors="replace"),
        "memory_exceeded": sampler.exceeded,
        **memory,
    }


# -- HTTP --------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]

    @classmethod
    def sparql(cls, path: str, query: str) -> Request:
        body = urllib.parse.urlencode({"query": query}).encode()
        return cls("POST", path, body, {"Accept": SPARQL_JSON, "Content-Type": FORM})


def send(port: int, request: Request, timeout: float) -> tuple[int, bytes, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(request.method, request.path, request.body, request.headers)
        answer = connection.getresponse()
        return answer.status, answer.read(), {k.lower(): v for k, v in answer.getheaders()}
    finally:
        connection.close()


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return math.nan
    rank = max(math.ceil(fraction * len(ordered)), 1)
    return ordered[rank - 1]


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all processes, all cores)."""
    times = psutil.cpu_times()
    return times.user + times.nice + times.system + times.irq + times.softirq


def tree_cpu_seconds(pid: int | None) -> float:
    """CPU seconds of a process, its reaped children and its live descendants."""
    if pid is None:
        return 0.0
    total = 0.0
    try:
        root = psutil.Process(pid)
        times = root.cpu_times()
        total += times.user + times.system + times.children_user + times.children_system
        for child in root.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                times = child.cpu_times()  # with the children it reaped (forkserver: workers)
                total += times.user + times.system + times.children_user + times.children_system
    except psutil.Error:
        pass
    return total


def wait_quiet(threshold: float, longest: float, window: float = 2.0) -> dict:
    """Wait (at most ``longest`` s) until the machine's other processes use less than
    ``threshold`` cores over ``window`` s; this machine is shared, and a benchmark run beside a
    test suite measures the test suite."""
    started = time.monotonic()
    while True:
        before_busy, before_own = busy_cpu_seconds(), time.process_time()
        time.sleep(window)
        others = (busy_cpu_seconds() - before_busy - (time.process_time() - before_own)) / window
        waited = time.monotonic() - started
        if others < threshold or waited >= longest:
            return {
                "others_cores": round(others, 2),
                "waited_s": round(waited, 1),
                "quiet": others < threshold,
            }


def closed_loop(
    port: int,
    request: Request,
    clients: int,
    duration: float,
    timeout: float,
    server_pid: int | None = None,
) -> dict:
    """N clients, each sending the request again as soon as its answer is read, for duration s.

    Besides throughput and latency it records the CPU used by the client (this process), by the
    server (its process tree) and by everything else on the machine ("others"), in cores."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    finished = [0.0] * clients
    errors: Counter = Counter()
    lock = threading.Lock()
    start = time.perf_counter() + 0.05
    deadline = start + duration

    def client(index: int) -> None:
        own = latencies[index]
        connection = None
        while time.perf_counter() < start:
            time.sleep(0.001)
        while time.perf_counter() < deadline:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            began = time.perf_counter()
            try:
                connection.request(request.method, request.path, request.body, request.headers)
                answer = connection.getresponse()
                answer.read()
                elapsed = time.perf_counter() - began
                if answer.status == 200:
                    own.append(elapsed)
                else:
                    with lock:
                        errors[f"HTTP {answer.status}"] += 1
                if answer.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    errors[type(error).__name__] += 1
                connection.close()
                connection = None
                time.sleep(0.01)
        if connection is not None:
            connection.close()
        finished[index] = time.perf_counter()

    cpu_before = time.process_time()
    busy_before, server_before = busy_cpu_seconds(), tree_cpu_seconds(server_pid)
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu = time.process_time() - cpu_before
    server_cpu = tree_cpu_seconds(server_pid) - server_before
    others = busy_cpu_seconds() - busy_before - cpu - server_cpu
    elapsed = max(finished) - start
    ordered = sorted(x for own in latencies for x in own)
    count = len(ordered)
    return {
        "clients": clients,
        "requests": count,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "seconds": round(elapsed, 3),
        "throughput": round(count / elapsed, 2) if elapsed > 0 else 0.0,
        "p50_ms": round(percentile(ordered, 0.50) * 1000, 3),
        "p90_ms": round(percentile(ordered, 0.90) * 1000, 3),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3) if ordered else math.nan,
        "max_ms": round(ordered[-1] * 1000, 3) if ordered else math.nan,
        "client_cpu_share": round(cpu / elapsed, 3) if elapsed > 0 else 0.0,
        "server_cpu_share": round(server_cpu / elapsed, 3) if elapsed > 0 else 0.0,
        "others_cpu_share": round(max(others, 0.0) / elapsed, 3) if elapsed > 0 else 0.0,
        "server_cpu_ms_per_request": round(server_cpu / count * 1000, 3) if count else None,
    }


def measured_loop(server: Server, request: Request, clients: int, args: argparse.Namespace) -> dict:
    """A closed loop, run again (up to --retries times, after waiting for quiet) when other
    processes took more than --max-others cores of the machine during it; the least disturbed
    run is kept, and the number of attempts recorded."""
    best: dict | None = None
    for attempt in range(args.retries + 1):
        run = closed_loop(
            server.port,
            request,
            clients,
            args.duration,
            args.request_timeout,
            server.process.pid if server.process else None,
        )
        run["attempts"] = attempt + 1
        if best is None or run["others_cpu_share"] < best["others_cpu_share"]:
            best = run
        if run["others_cpu_share"] <= args.max_others:
            break
        wait_quiet(args.max_others, args.quiet_wait / 4)
    assert best is not None
    return best


# -- servers -----------------------------------------------------------------------------------
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
        probe = Request.sparql(self.path, PROBE_QUERY)
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited ({self.process.returncode}); see {self.log}"
                )
            if time.perf_counter() - started > deadline_s:
                raise RuntimeError(f"{self.name} gave no answer in {deadline_s} s; see {self.log}")
            try:
                status, _, _ = send(self.port, probe, 5)
                if status == 200:
                    break
            except OSError:
                time.sleep(0.005)
        seconds = time.perf_counter() - started
        self.cold_starts.append(seconds)
        return seconds

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


def homs_kg_command() -> list[str]:
    executable = VENV_BIN / "homs-kg"
    return (
        [str(executable)] if executable.exists() else [sys.executable, "-m", "homs_kg.server.cli"]
    )


def serve_options() -> str:
    """``homs-kg serve --help``: which options this version of the server has."""
    found = subprocess.run(
        [*homs_kg_command(), "serve", "--help"], capture_output=True, text=True, timeout=60
    )
    return found.stdout


def server_for(
    name: str, prepared: dict, logs: Path, args: argparse.Namespace, clients: list[int]
) -> Server:
    port = free_port()
    log = logs / f"{safe_name(prepared['size'])}-{name}.log"
    limit_mb = args.memory_limit_gb * 1024
    if name == "homs-kg":
        command = [
            *homs_kg_command(),
            "serve",
            "--data-dir",
            str(prepared["homs_kg_dir"]),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--query-workers",
            str(args.query_workers),
            "--threads",
            str(args.threads),
            "--timeout",
            f"{args.query_timeout:g}",
        ]
        if "--client-concurrency" in serve_options() and "--client-concurrency" not in (
            args.homs_kg_args
        ):
            # the N clients stand for N users; from one address the server would refuse all
            # but --client-concurrency (default 4) of them with 429
            command += ["--client-concurrency", str(max(clients))]
        command += shlex.split(args.homs_kg_args)
        return Server(name, command, port, "/sparql", log, limit_mb)
    if name == "oxigraph":
        command = [
            oxigraph_cli(),
            "serve-read-only",
            "--location",
            str(prepared["oxigraph_dir"]),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ]
        # Not --timeout-s: in oxigraph 0.5.13 it starts a thread per query that sleeps for the
        # whole limit, so a few thousand queries a second exhaust the process's memory maps and
        # the server fails ("failed to set up alternative stack guard page"). A query that
        # outlives --request-timeout makes the benchmark restart the server instead.
        return Server(name, command, port, "/query", log, limit_mb)
    command = [
        sys.executable,
        str(BENCH / "rdflib_server.py"),
        "--file",
        str(prepared["nquads"]),
        "--port",
        str(port),
    ]
    return Server(name, command, port, "/sparql", log, limit_mb)


def oxigraph_cli() -> str:
    found = shutil.which("oxigraph", path=str(VENV_BIN)) or shutil.which("oxigraph")
    if not found:
        raise SystemExit("the oxigraph CLI is missing: pip install 'oxigraph==0.5.13'")
    return found


# -- data ----------------------------------------------------------------------------------------
def size_label(text: str) -> str:
    return "article" if text == "article" else text.strip()


def safe_name(label: str) -> str:
    return label.replace(":", "-")


def size_spec(label: str) -> tuple[int, str]:
    """``1M`` -> (1000000, "builder"); ``1M:once`` -> (1000000, "once") (see generate.py's
    --shared-declarations)."""
    size, _, mode = label.partition(":")
    if mode not in ("", "builder", "once"):
        raise SystemExit(f"unknown size {label!r}: use e.g. 1M, 10M or 1M:once")
    return parse_size(size), mode or "builder"


def prepare_article(work: Path, logs: Path, limit_mb: float, repeats: int) -> dict:
    """The article built by ``homs-kg build`` (``repeats`` times: the median is kept, the times
    of such a small build are mostly process start and disk flushes)."""
    folder = work / "article"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    data_dir = folder / "homs-kg"
    builds = []
    for _ in range(repeats):
        build = run_measured(
            [*homs_kg_command(), "build", "--data-dir", str(data_dir)],
            logs / "article-build.log",
            limit_mb,
        )
        if build["returncode"] != 0:
            raise RuntimeError(f"homs-kg build failed: {build['stdout'][-2000:]}")
        builds.append(build)
    build = sorted(builds, key=lambda b: b["seconds"])[len(builds) // 2]
    internal = re.search(r"^time: ([\d.]+) s", build["stdout"], re.MULTILINE)
    quads = int(re.search(r"^quads: (\d+)", build["stdout"], re.MULTILINE).group(1))
    store = data_dir / os.readlink(data_dir / "current")
    nquads = store.with_name(store.name + ".dumps") / "homs-kg.nq.gz"
    result = {
        "size": "article",
        "nquads": nquads,
        "homs_kg_dir": data_dir,
        "quads": quads,
        "file_lines": quads,
        "homs_kg_load": {
            "method": "homs-kg build (checks, SHACL, write_store, dumps)",
            "seconds": build["seconds"],
            "all_seconds": [b["seconds"] for b in builds],
            "internal_seconds": float(internal.group(1)) if internal else None,
            "peak_rss_mb": max(b["peak_rss_mb"] for b in builds),
        },
    }
    result["homs_kg_load"]["rate"] = round(quads / build["seconds"], 1)
    result |= oxigraph_load(folder, nquads, quads, logs, "article", limit_mb, repeats)
    return result


def prepare_synthetic(
    label: str,
    quads_target: int,
    mode: str,
    work: Path,
    logs: Path,
    limit_mb: float,
    seed: int,
    bytes_per_quad: float,
) -> dict:
    data = work / "data"
    data.mkdir(parents=True, exist_ok=True)
    nquads = data / f"synthetic-{quads_target}-{mode}-seed{seed}.nq.gz"
    label = safe_name(label)
    summary_path = nquads.with_suffix(".json")
    generation: dict = {}
    if nquads.exists() and summary_path.exists():
        generation = json.loads(summary_path.read_text()) | {"cached": True}
    else:
        run = run_measured(
            [
                sys.executable,
                str(BENCH / "generate.py"),
                "--triples",
                str(quads_target),
                "-o",
                str(nquads),
                "--seed",
                str(seed),
                "--shared-declarations",
                mode,
            ],
            logs / f"{label}-generate.log",
            limit_mb,
        )
        if run["returncode"] != 0:
            raise RuntimeError(
                f"generate.py failed: {(logs / f'{label}-generate.log').read_text()}"
            )
        match = re.search(
            r"^([\d,]+) quads \(([\d,]+) real, (\d+) synthetic", run["stdout"], re.MULTILINE
        )
        generation = {
            "file_lines": int(match.group(1).replace(",", "")),
            "synthetic_sources": int(match.group(3)),
            "seconds": run["seconds"],
            "peak_rss_mb": run["peak_rss_mb"],
            "bytes": nquads.stat().st_size,
            "seed": seed,
            "shared_declarations": mode,
        }
        summary_path.write_text(json.dumps(generation, indent=2))
    folder = work / label
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    data_dir = folder / "homs-kg"
    projected_mb = generation["file_lines"] * bytes_per_quad / MB
    result = {
        "size": label,
        "nquads": nquads,
        "homs_kg_dir": data_dir,
        "generation": generation,
        "file_lines": generation["file_lines"],
    }
    if projected_mb <= limit_mb * 0.9:
        run, found = load_store(data_dir, nquads, logs / f"{label}-write_store.log", limit_mb)
        result["quads"] = found["quads"]
        store_part = found["store_s"] + found["parse_s"]
        result["homs_kg_load"] = {
            "method": "write_store (parse to Quad list + bulk_extend + flush + swap; dumps apart)",
            "seconds": run["seconds"],
            "parse_s": found["parse_s"],
            "store_s": found["store_s"],
            "dumps_s": found["dumps_s"],
            "write_store_s": found["write_store_s"],
            "peak_rss_mb": run["peak_rss_mb"],
            "rate": round(found["quads"] / store_part, 1),
            "rate_with_dumps": round(
                found["quads"] / (found["parse_s"] + found["write_store_s"]), 1
            ),
        }
    else:
        log = logs / f"{label}-streamed.log"
        run, found = load_store(data_dir, nquads, log, limit_mb, "--streamed")
        result["quads"] = found["quads"]
        result["homs_kg_load"] = {
            "method": "Store.bulk_load streamed (write_store not run: it would need about "
            f"{projected_mb / 1024:.1f} GB, over the {limit_mb / 1024:.1f} GB limit)",
            "seconds": run["seconds"],
            "store_s": found["streamed_load_s"],
            "peak_rss_mb": run["peak_rss_mb"],
            "rate": round(found["quads"] / found["streamed_load_s"], 1),
            "write_store_projected_mb": round(projected_mb),
        }
    result |= oxigraph_load(folder, nquads, result["quads"], logs, label, limit_mb)
    return result


def load_store(
    data_dir: Path, nquads: Path, log: Path, limit_mb: float, *options: str
) -> tuple[dict, dict]:
    """Run bench/load_store.py (measured); its run and the figures it prints last."""
    command = [sys.executable, str(BENCH / "load_store.py"), *options]
    run = run_measured([*command, "--data-dir", str(data_dir), "--file", str(nquads)], log,
                       limit_mb)  # fmt: skip
    if run["returncode"] != 0 or run["memory_exceeded"]:
        raise RuntimeError(f"load_store.py {' '.join(options)} failed: see {log}")
    return run, json.loads(run["stdout"].strip().splitlines()[-1])


def oxigraph_load(
    folder: Path,
    nquads: Path,
    quads: int,
    logs: Path,
    label: str,
    limit_mb: float,
    repeats: int = 1,
) -> dict:
    """``oxigraph load`` of the same file into a fresh folder (the median of ``repeats``)."""
    location = folder / "oxigraph"
    runs = []
    for _ in range(repeats):
        shutil.rmtree(location, ignore_errors=True)
        run = run_measured(
            [oxigraph_cli(), "load", "--location", str(location), "--file", str(nquads)],
            logs / f"{label}-oxigraph-load.log",
            limit_mb,
        )
        if run["returncode"] != 0 or run["memory_exceeded"]:
            raise RuntimeError(f"oxigraph load failed: see {logs / f'{label}-oxigraph-load.log'}")
        runs.append(run)
    run = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    return {
        "oxigraph_dir": location,
        "oxigraph_load": {
            "method": "oxigraph load --location L --file F",
            "seconds": run["seconds"],
            "all_seconds": [r["seconds"] for r in runs],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "rate": round(quads / run["seconds"], 1),
        },
    }


# -- the measurements ----------------------------------------------------------------------------
def catalogue(only: list[str] | None) -> list[tuple[str, str]]:
    from homs_kg.server.catalogue.queries import load_catalogue

    found = [(q.name, q.text) for q in load_catalogue() if not SERVICE.search(q.text)]
    if only:
        found = [(name, text) for name, text in found if name in only]
    return found


def check_answer(server: Server, query: str, timeout: float) -> dict:
    """One request on a fresh connection: status, rows, bytes, truncation."""
    began = time.perf_counter()
    try:
        status, body, headers = send(server.port, Request.sparql(server.path, query), timeout)
    except (OSError, http.client.HTTPException) as error:
        status, body, headers = f"{type(error).__name__}", b"", {}
    elapsed = time.perf_counter() - began
    rows = distinct = None
    if status == 200:
        with contextlib.suppress(ValueError, KeyError):
            bindings = json.loads(body)["results"]["bindings"]
            rows = len(bindings)
            distinct = len({json.dumps(b, sort_keys=True) for b in bindings})
    return {
        "status": status,
        "rows": rows,
        "bytes": len(body),
        "distinct_rows": distinct,
        "first_ms": round(elapsed * 1000, 2),
        "truncated": headers.get("x-result-truncated") == "true",
    }


def restart_abandoned(server: Server, result: dict) -> None:
    """A server without its own time limit (Oxigraph's, see server_for; rdflib-endpoint) goes on
    evaluating the queries its clients gave up on; restart it so that they do not weigh on what
    follows."""
    if server.name == "homs-kg":
        return
    server.stop()
    server.start()
    server.cold_starts.pop()  # not a cold start measurement
    result["restarts"] = result.get("restarts", 0) + 1
    print("    (restarted: a query outlived the client's time limit)", flush=True)


def measure_server(
    server: Server, queries: list[tuple[str, str]], clients: list[int], args: argparse.Namespace
) -> dict:
    """Cold starts, answers, closed loops, pages (homs-kg), memory."""
    result: dict = {"label": LABELS[server.name], "command": " ".join(server.command)}
    result["quiet_before"] = wait_quiet(args.max_others, args.quiet_wait)
    print(f"    machine before start: {result['quiet_before']}", flush=True)
    try:
        for attempt in range(args.cold_starts):
            seconds = server.start()
            print(f"    cold start {attempt + 1}: {seconds * 1000:.0f} ms", flush=True)
            if attempt < args.cold_starts - 1:
                server.stop()
        server.peaks.clear()  # the cold starts' own peaks are not the serving memory
        server.settle()
        result["cold_start_s"] = round(statistics.median(server.cold_starts), 3)
        result["cold_starts_s"] = [round(x, 3) for x in server.cold_starts]
        result["answers"] = {}
        for name, text in queries:
            result["answers"][name] = check_answer(server, text, args.request_timeout)
            if not server.alive():
                why = "over the memory limit" if server.sampler.exceeded else "exited"
                result["answers"][name]["status"] = f"server {why}"
                result.setdefault("failures", []).append(f"{name} (first request): server {why}")
                server.stop()
                server.start()
                server.cold_starts.pop()
            elif result["answers"][name]["status"] == "TimeoutError":
                restart_abandoned(server, result)
            if (
                result["answers"][name]["status"] == 200
                and result["answers"][name]["first_ms"] < 1000
            ):
                for _ in range(2):  # warm-up
                    send(server.port, Request.sparql(server.path, text), 300)
        result["idle_rss_mb"], result["idle_pss_mb"] = server.idle_rss_mb, server.idle_pss_mb
        result["load"] = {}
        for name, text in queries:
            if result["answers"][name]["status"] != 200:
                print(f"    {name}: HTTP {result['answers'][name]['status']}, skipped", flush=True)
                continue
            result["load"][name] = {}
            for count in clients:
                run = measured_loop(server, Request.sparql(server.path, text), count, args)
                result["load"][name][str(count)] = run
                if run["error_kinds"].get("TimeoutError"):
                    restart_abandoned(server, result)
                print(
                    f"    {name:32} {count:3} clients: {run['throughput']:9.1f}/s "
                    f"p50 {run['p50_ms']:8.2f} ms p99 {run['p99_ms']:8.2f} ms  cpu server "
                    f"{run['server_cpu_share']:.2f} client {run['client_cpu_share']:.2f} others "
                    f"{run['others_cpu_share']:.2f}"
                    + (f" errors {run['errors']} {run['error_kinds']}" if run["errors"] else ""),
                    flush=True,
                )
                if not server.alive():
                    # over the memory limit (the sampler killed it) or crashed: note it, start
                    # it again, and go on with the next query
                    why = (
                        f"went over the memory limit of {args.memory_limit_gb} GB and was killed"
                        if server.sampler and server.sampler.exceeded
                        else f"exited (see {server.log.name})"
                    )
                    run["server_failure"] = why
                    result.setdefault("failures", []).append(f"{name} at {count} clients: {why}")
                    print(f"    {server.name} {why}; starting it again", flush=True)
                    server.stop()
                    server.start()
                    server.cold_starts.pop()
                    break
        if server.name == "homs-kg":
            result["pages"] = {}
            for label, path, accept in (
                ("page /page/resource/homs", "/page/resource/homs", "text/html"),
                ("document /data/resource/homs.ttl", "/data/resource/homs.ttl", "text/turtle"),
            ):
                request = Request("GET", path, None, {"Accept": accept})
                status, body, _ = send(server.port, request, 300)
                run = measured_loop(server, request, 1, args)
                run |= {"status": status, "bytes": len(body)}
                result["pages"][label] = run
                print(
                    f"    {label:32}   1 client : {run['throughput']:9.1f}/s "
                    f"p50 {run['p50_ms']:8.2f} ms p99 {run['p99_ms']:8.2f} ms",
                    flush=True,
                )
    except (RuntimeError, OSError, http.client.HTTPException) as error:
        result["error"] = f"{type(error).__name__}: {error}"
        print(f"    stopped measuring {server.name}: {result['error']}", flush=True)
    finally:
        memory = server.stop()
        result |= memory
    return result


# -- summaries -----------------------------------------------------------------------------------
def geometric_mean(values: list[float]) -> float:
    values = [v for v in values if v and v > 0 and not math.isnan(v)]
    return math.exp(statistics.fmean(math.log(v) for v in values)) if values else math.nan


def run_of(size: dict, name: str, query: str, count: str) -> dict | None:
    """The closed loop of a server, query and concurrency level, if it ran."""
    return size["servers"].get(name, {}).get("load", {}).get(query, {}).get(count)


def why_missing(size: dict, name: str, query: str, count: str) -> str:
    run = run_of(size, name, query, count)
    if run is not None:
        kinds = ", ".join(f"{k} x{v}" for k, v in run.get("error_kinds", {}).items())
        return f"no answer in {run['seconds']:.0f} s ({kinds or 'none finished'})"
    answer = size["servers"].get(name, {}).get("answers", {}).get(query, {})
    return f"HTTP {answer.get('status')} on the first request" if answer else "not run"


def catalogue_summary(size: dict, clients: list[int]) -> dict:
    """Per concurrency: each server's catalogue throughput (a pass over every query: the number
    of queries over the sum of their mean times, i.e. the harmonic mean of the throughputs), the
    geometric mean of the per-query throughput ratios, and latency over the catalogue. Only the
    queries every server answered at that level count; the others are listed with the reason."""
    servers = size["servers"]
    names = [n for n in SERVERS if n in servers]
    queries = sorted(set().union(*(set(servers[n].get("answers", {})) for n in names)))
    summary: dict = {"queries": queries}
    for count in map(str, clients):
        ok = [
            q
            for q in queries
            if all((run_of(size, n, q, count) or {}).get("throughput", 0) > 0 for n in names)
        ]
        excluded = {
            q: "; ".join(
                f"{LABELS[n]}: {why_missing(size, n, q, count)}"
                for n in names
                if not (run_of(size, n, q, count) or {}).get("throughput", 0) > 0
            )
            for q in queries
            if q not in ok
        }
        entry: dict = {"queries": ok, "excluded": excluded}
        for name in names:
            runs = [run_of(size, name, q, count) for q in ok]
            throughputs = [r["throughput"] for r in runs]
            p99s = [r["p99_ms"] for r in runs]
            p50s = [r["p50_ms"] for r in runs]
            entry[name] = {
                "catalogue_throughput": round(len(ok) / sum(1 / t for t in throughputs), 2)
                if throughputs
                else 0.0,
                "geomean_throughput": round(geometric_mean(throughputs), 2),
                "max_p99_ms": max(p99s) if p99s else math.nan,
                "max_p99_query": ok[p99s.index(max(p99s))] if p99s else None,
                "median_p50_ms": round(statistics.median(p50s), 3) if p50s else math.nan,
                "errors": sum(r["errors"] for r in runs),
                "cpu_ms_per_pass": round(
                    sum(r.get("server_cpu_ms_per_request") or 0 for r in runs), 2
                ),
            }
        for name in names:
            for other in names:
                if other == name:
                    continue
                ratios = [
                    run_of(size, name, q, count)["throughput"]
                    / run_of(size, other, q, count)["throughput"]
                    for q in ok
                ]
                entry[name][f"geomean_ratio_vs_{other}"] = round(geometric_mean(ratios), 3)
                entry[name][f"min_ratio_vs_{other}"] = round(min(ratios), 3) if ratios else None
                base = entry[other]["catalogue_throughput"]
                entry[name][f"catalogue_ratio_vs_{other}"] = (
                    round(entry[name]["catalogue_throughput"] / base, 3) if base else None
                )
        summary[count] = entry
    return summary


def evaluate_targets(results: dict) -> list[dict]:
    sizes = results["sizes"]
    article = sizes.get("article", {})
    highest = str(max(article.get("clients", results["args"]["clients"])))
    rows = []

    def add(target: str, measured: str, met: bool | None, where: str) -> None:
        rows.append({"target": target, "measured": measured, "met": met, "where": where})

    summary = article.get("summary", {}).get(highest, {})
    homs = summary.get("homs-kg", {})
    if "geomean_ratio_vs_oxigraph" in homs:
        ratio = homs["geomean_ratio_vs_oxigraph"]
        add(
            f"/sparql throughput at {highest} clients >= 0.5 x Oxigraph's server",
            f"{ratio:.2f} x (geometric mean over {len(summary['queries'])} queries; "
            f"catalogue pass {homs['catalogue_ratio_vs_oxigraph']:.2f} x; lowest query "
            f"{homs['min_ratio_vs_oxigraph']:.2f} x; server CPU per pass "
            f"{homs['cpu_ms_per_pass']:.0f} ms against {summary['oxigraph']['cpu_ms_per_pass']:.0f}"
            " ms)",
            ratio >= TARGETS["throughput_vs_oxigraph"],
            "article",
        )
    if "geomean_ratio_vs_rdflib" in homs:
        ratio = homs["geomean_ratio_vs_rdflib"]
        add(
            f"/sparql throughput at {highest} clients >= 10 x rdflib-endpoint's",
            f"{ratio:.1f} x (geometric mean; catalogue pass "
            f"{homs['catalogue_ratio_vs_rdflib']:.1f} x; lowest query "
            f"{homs['min_ratio_vs_rdflib']:.1f} x)",
            ratio >= TARGETS["throughput_vs_rdflib"],
            "article",
        )
    for label, size in sizes.items():
        if label == "article" or "summary" not in size:
            continue
        if abs(size.get("quads", 0) - 1_000_000) > 200_000:
            continue
        one = size["summary"].get("1", {}).get("homs-kg")
        once = size.get("generation", {}).get("shared_declarations") == "once"
        if one:
            excluded = size["summary"]["1"]["excluded"]
            if excluded:
                add(
                    "every catalogue query answered at 1 million triples (1 client)"
                    + (" [shared entities declared once]" if once else ""),
                    f"{len(excluded)} not: " + "; ".join(f"{q} ({r})" for q, r in excluded.items()),
                    None if once else False,
                    label,
                )
            answered = size["summary"]["1"]["queries"]
            fast = sum(run_of(size, "homs-kg", q, "1")["p99_ms"] < 50 for q in answered)
            add(
                "catalogue p99 < 50 ms at 1 million triples (1 client)"
                + (" [shared entities declared once]" if once else ""),
                f"{one['max_p99_ms']:.1f} ms (slowest query: {one['max_p99_query']}; "
                f"{fast} of {len(answered)} answered queries under 50 ms)",
                None if once else one["max_p99_ms"] < TARGETS["p99_at_1M_ms"],
                label,
            )
    homs_article = article.get("servers", {}).get("homs-kg", {})
    page = homs_article.get("pages", {}).get("page /page/resource/homs")
    if page:
        add(
            "resource page median < 15 ms",
            f"{page['p50_ms']:.1f} ms (p99 {page['p99_ms']:.1f} ms)",
            page["p50_ms"] < TARGETS["page_median_ms"],
            "article",
        )
    if "cold_start_s" in homs_article:
        add(
            "cold start < 1.5 s",
            f"{homs_article['cold_start_s']:.2f} s (median of "
            f"{len(homs_article['cold_starts_s'])})",
            homs_article["cold_start_s"] < TARGETS["cold_start_s"],
            "article",
        )
    if "peak_rss_mb" in homs_article:
        add(
            "serving memory < 200 MB with the article's graph",
            # PSS: each process's share of the pages it shares, so the sum over the server's
            # processes is the memory they hold together; the RSS sum counts the pages the
            # forkserver shares with every worker once per process, so it is given beside it
            f"{homs_article['peak_pss_mb']:.0f} MB peak PSS (server + "
            f"{results['args']['query_workers']} workers + forkserver + resource tracker, "
            f"summed; RSS summed {homs_article['peak_rss_mb']:.0f} MB, idle RSS "
            f"{homs_article['idle_rss_mb']:.0f} MB)",
            homs_article["peak_pss_mb"] < TARGETS["memory_mb"],
            "article",
        )
    return rows


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "-"
    return f"{a / b:.2f}"


def markdown(results: dict) -> str:
    args = results["args"]
    lines = ["# homs-kg benchmark results", ""]
    lines += [
        f"- date (UTC): {results['date']}",
        f"- command: `{results['command']}`",
        f"- machine: {results['machine']['summary']}",
        f"- versions: {', '.join(f'{k} {v}' for k, v in results['versions'].items())}",
        f"- code measured: digest {results.get('code_digest')} of server/ and graph/ "
        "(bench/run.py code_digest)",
        f"- each closed loop: {args['duration']} s per query and concurrency level; POST "
        f"form queries, Accept {SPARQL_JSON}; clients are threads of one Python process "
        "(http.client keep-alive connections) on the same 2 cores as the server",
        "",
    ]
    lines += ["## Targets", "", "| target | measured | met | size |", "|---|---|---|---|"]
    for row in results["targets"]:
        met = {True: "yes", False: "**no**", None: "-"}[row["met"]]
        lines.append(f"| {row['target']} | {row['measured']} | {met} | {row['where']} |")
    lines.append("")
    lines += [
        "## Data, build and bulk load",
        "",
        "| size | quads in store | homs-kg build/load | homs-kg rate (quads/s) | "
        "`oxigraph load` | oxigraph rate (quads/s) | homs-kg / oxigraph rate | "
        "peak RSS homs-kg / oxigraph |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, size in results["sizes"].items():
        if "homs_kg_load" not in size:
            continue
        h, o = size["homs_kg_load"], size["oxigraph_load"]
        lines.append(
            f"| {label} | {size['quads']:,} | {h['seconds']:.2f} s | {fmt(h['rate'], 0)} | "
            f"{o['seconds']:.2f} s | {fmt(o['rate'], 0)} | {ratio(h['rate'], o['rate'])} | "
            f"{h['peak_rss_mb']:.0f} / {o['peak_rss_mb']:.0f} MB |"
        )
    lines.append("")
    for label, size in results["sizes"].items():
        if "homs_kg_load" not in size:
            continue
        h = size["homs_kg_load"]
        detail = f"- {label}: {h['method']}"
        if "parse_s" in h:
            detail += (
                f"; parse {h['parse_s']:.1f} s, store {h['store_s']:.1f} s, dumps "
                f"{h['dumps_s']:.1f} s (rate with dumps {fmt(h['rate_with_dumps'], 0)}/s)"
            )
        if h.get("internal_seconds"):
            detail += (
                f"; the build reports {h['internal_seconds']:.2f} s (without interpreter start)"
            )
        if "generation" in size:
            g = size["generation"]
            detail += (
                f"; generated {g['file_lines']:,} lines, {g['synthetic_sources']} synthetic"
                f" sources, in {g['seconds']:.1f} s" + (" (cached)" if g.get("cached") else "")
            )
        lines.append(detail)
    lines.append("")
    lines += [
        "## Cold start and memory",
        "",
        "| size | server | cold start (median) | idle RSS | peak RSS | peak PSS |",
        "|---|---|---|---|---|---|",
    ]
    for label, size in results["sizes"].items():
        for name, server in size.get("servers", {}).items():
            lines.append(
                f"| {label} | {LABELS[name]} | {server.get('cold_start_s', 0) * 1000:,.0f} ms"
                f" | {fmt(server.get('idle_rss_mb'), 0)} MB | {fmt(server.get('peak_rss_mb'), 0)}"
                f" MB | {fmt(server.get('peak_pss_mb'), 0)} MB |"
            )
    lines += [
        "",
        "RSS is summed over the server process and its children (homs-kg: waitress "
        "process and query workers); PSS shares the pages they have in common.",
        "",
    ]
    for label, size in results["sizes"].items():
        for name, server in size.get("servers", {}).items():
            if server.get("error"):
                lines.append(f"- {label}, {LABELS[name]}: measurement stopped: {server['error']}")
            for failure in server.get("failures", []):
                lines.append(f"- {label}, {LABELS[name]}: {failure}")
            if server.get("restarts"):
                lines.append(
                    f"- {label}, {LABELS[name]}: restarted {server['restarts']} time(s) after "
                    "queries its clients gave up on (it has no time limit of its own)"
                )
    lines.append("")
    for label, size in results["sizes"].items():
        if "summary" not in size:
            continue
        lines += catalogue_markdown(label, size, size.get("clients", args["clients"]))
    lines += pages_markdown(results)
    lines += answers_markdown(results)
    return "\n".join(lines) + "\n"


def catalogue_markdown(label: str, size: dict, clients: list[int]) -> list[str]:
    servers = size["servers"]
    names = [n for n in SERVERS if n in servers]
    rdflib = "rdflib" in names
    lines = [f"## Catalogue at size {label} ({size['quads']:,} quads)", ""]
    lines += [
        "Catalogue throughput is one pass over the queries every server answered (their number "
        "over the sum of their mean times); p50 is the median over those queries of each one's "
        "median, p99 the worst query's p99; CPU ms/pass is the processor time the server's "
        "processes spent per pass (sum over the queries of CPU time per answer), which other "
        "load on the machine does not change much. Ratios: homs-kg's throughput to the other "
        "server's, as (pass, geometric mean of the per-query ratios).",
        "",
    ]
    header = "| clients | queries | " + " | ".join(
        f"{LABELS[n]} passes/s | p50 | max p99 | CPU ms/pass" for n in names
    )
    header += " | homs-kg / Oxigraph" + (" | homs-kg / rdflib" if rdflib else "") + " |"
    lines += [header, "|" + "---|" * (2 + 4 * len(names) + 1 + rdflib)]
    for count in map(str, clients):
        entry = size["summary"][count]
        cells = [count, str(len(entry["queries"]))]
        for name in names:
            e = entry[name]
            cells += [
                fmt(e["catalogue_throughput"], 2),
                f"{fmt(e['median_p50_ms'], 2)} ms",
                f"{fmt(e['max_p99_ms'], 1)} ms ({e['max_p99_query']})",
                fmt(e["cpu_ms_per_pass"], 1),
            ]
        h = entry["homs-kg"]
        cells.append(
            f"{fmt(h['catalogue_ratio_vs_oxigraph'], 2)}, {fmt(h['geomean_ratio_vs_oxigraph'], 2)}"
        )
        if rdflib:
            cells.append(
                f"{fmt(h['catalogue_ratio_vs_rdflib'], 1)}, {fmt(h['geomean_ratio_vs_rdflib'], 1)}"
            )
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for count in map(str, clients):
        for query, reason in size["summary"][count]["excluded"].items():
            lines.append(f"- not in the pass at {count} client(s): {query}: {reason}")
    lines.append("")
    for count in map(str, clients):
        lines += [f"### {label}, {count} client{'s' if count != '1' else ''}: per query", ""]
        head = "| query | rows | " + " | ".join(f"{LABELS[n]} req/s, p50, p99 (ms)" for n in names)
        head += (
            " | homs-kg / Oxigraph"
            + (" | rdflib / Oxigraph | homs-kg / rdflib" if rdflib else "")
            + " |"
        )
        lines += [head, "|" + "---|" * (2 + len(names) + 1 + 2 * rdflib)]
        cpu = others = 0.0
        for query in size["summary"]["queries"]:
            runs = {n: run_of(size, n, query, count) for n in names}
            answer = servers.get("oxigraph", {}).get("answers", {}).get(query, {})
            rows = answer.get("rows")
            distinct = answer.get("distinct_rows")
            shown = f"{rows} ({distinct} distinct)" if distinct not in (None, rows) else str(rows)
            cells = [query, shown]
            for name in names:
                r = runs[name]
                if r is None or not r.get("requests"):
                    cells.append(why_missing(size, name, query, count))
                    continue
                cpu, others = max(cpu, r["client_cpu_share"]), max(others, r["others_cpu_share"])
                err = f" ({r['errors']} errors)" if r["errors"] else ""
                cells.append(
                    f"{fmt(r['throughput'])}, {fmt(r['p50_ms'], 2)}, {fmt(r['p99_ms'], 2)}{err}"
                )

            def thr(name: str, runs: dict = runs) -> float | None:
                return (runs.get(name) or {}).get("throughput")

            cells.append(ratio(thr("homs-kg"), thr("oxigraph")))
            if rdflib:
                cells.append(ratio(thr("rdflib"), thr("oxigraph")))
                cells.append(ratio(thr("homs-kg"), thr("rdflib")))
            lines.append("| " + " | ".join(cells) + " |")
        lines += [
            "",
            f"(in these runs the client used at most {cpu:.2f} of a core, other processes on "
            f"the machine at most {others:.2f})",
            "",
        ]
    return lines


def pages_markdown(results: dict) -> list[str]:
    lines = [
        "## homs-kg Linked Data (1 client)",
        "",
        "| size | resource | req/s | p50 | p99 | bytes |",
        "|---|---|---|---|---|---|",
    ]
    for label, size in results["sizes"].items():
        pages = size.get("servers", {}).get("homs-kg", {}).get("pages", {})
        for name, run in pages.items():
            lines.append(
                f"| {label} | {name} | {fmt(run['throughput'])} | {fmt(run['p50_ms'], 2)} ms"
                f" | {fmt(run['p99_ms'], 2)} ms | {run['bytes']:,} |"
            )
    return [*lines, ""]


def answers_markdown(results: dict) -> list[str]:
    lines = [
        "## Answers (first request of each query)",
        "",
        "Rows per server; a difference is explained where it occurs (Oxigraph's union default "
        "graph keeps one copy of a triple per graph, rdflib's is a set; homs-kg cuts at "
        "--max-rows and says so with X-Result-Truncated).",
        "",
    ]
    for label, size in results["sizes"].items():
        servers = size.get("servers", {})
        names = [n for n in SERVERS if n in servers]
        if not names:
            continue
        lines += [
            f"| {label}: query | "
            + " | ".join(f"{LABELS[n]} rows (first answer ms)" for n in names)
            + " | same rows |",
            "|" + "---|" * (len(names) + 2),
        ]
        for query in servers[names[0]].get("answers", {}):
            cells, counts = [query], set()
            for name in names:
                a = servers[name]["answers"].get(query, {})
                flag = " truncated" if a.get("truncated") else ""
                if a.get("distinct_rows") not in (None, a.get("rows")):
                    flag += f", {a['distinct_rows']} distinct"
                cells.append(
                    f"{a.get('rows')}{flag} ({fmt(a.get('first_ms'), 1)})"
                    if a.get("status") == 200
                    else f"HTTP {a.get('status')} after {fmt(a.get('first_ms'), 0)} ms"
                )
                counts.add(a.get("rows"))
            cells.append("yes" if len(counts) == 1 else "**no**")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [(label, s) for label, s in results["sizes"].items() if "summary" in s]
    if not sizes:
        return
    colours = {"homs-kg": "#1f77b4", "oxigraph": "#ff7f0e", "rdflib": "#2ca02c"}
    figure, axes = plt.subplots(1, len(sizes), figsize=(6 * len(sizes), 4.5), squeeze=False)
    for axis, (label, size) in zip(axes[0], sizes, strict=True):
        clients = [str(c) for c in size.get("clients", results["args"]["clients"])]
        names = [n for n in SERVERS if n in size["servers"]]
        width = 0.8 / len(names)
        for offset, name in enumerate(names):
            values = [size["summary"][c][name]["catalogue_throughput"] for c in clients]
            positions = [i + (offset - (len(names) - 1) / 2) * width for i in range(len(clients))]
            bars = axis.bar(positions, values, width, label=LABELS[name], color=colours[name])
            axis.bar_label(
                bars, labels=[f"{v:,.0f}" if v >= 10 else f"{v:.1f}" for v in values], fontsize=7
            )
        axis.set_xticks(
            range(len(clients)), [f"{c} client{'s' if c != '1' else ''}" for c in clients]
        )
        axis.set_yscale("log")
        axis.set_ylabel("catalogue throughput (queries/s, log scale)")
        axis.set_title(f"{label}: {size['quads']:,} quads")
        axis.legend(fontsize=8)
    # two lines, so that the title fits over a single chart as well
    figure.suptitle("Non-federated catalogue queries:\none pass over the catalogue, per second")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def print_tables(results: dict) -> None:
    for label, size in results["sizes"].items():
        if "summary" not in size:
            continue
        names = [n for n in SERVERS if n in size["servers"]]
        print(
            f"\n== {label} ({size['quads']:,} quads): per query, throughput req/s and p50/p99 ms; "
            "ratio to Oxigraph's server"
        )
        head = f"{'query':30} {'c':>3} " + " ".join(f"{n:>27}" for n in names) + "   x ox"
        print(head)
        for query in size["summary"]["queries"]:
            for count in map(str, size.get("clients", results["args"]["clients"])):
                runs = {n: run_of(size, n, query, count) for n in names}
                cells = " ".join(
                    f"{r['throughput']:9.1f} {r['p50_ms']:7.2f} {r['p99_ms']:8.2f}"
                    if r and r.get("requests")
                    else f"{'-':>9} {'-':>7} {'-':>8}"
                    for r in runs.values()
                )
                base = (runs.get("oxigraph") or {}).get("throughput")
                ratios = " ".join(
                    ratio((r or {}).get("throughput"), base)
                    for n, r in runs.items()
                    if n != "oxigraph"
                )
                print(f"{query:30} {count:>3} {cells}   {ratios}")
        for count in map(str, size.get("clients", results["args"]["clients"])):
            entry = size["summary"][count]
            text = ", ".join(f"{n} {entry[n]['catalogue_throughput']:.1f}/s" for n in names)
            print(
                f"catalogue pass ({len(entry['queries'])} queries), {count} clients: {text}; "
                f"homs-kg/oxigraph {fmt(entry['homs-kg']['catalogue_ratio_vs_oxigraph'], 2)} (geo "
                f"{fmt(entry['homs-kg']['geomean_ratio_vs_oxigraph'], 2)})"
            )
    print("\n== targets")
    for row in results["targets"]:
        met = {True: "met", False: "MISSED", None: "-"}[row["met"]]
        print(f"  [{met:6}] {row['target']}: {row['measured']} ({row['where']})")


# -- main --------------------------------------------------------------------------------------
def machine() -> dict:
    def run(command: str) -> str:
        try:
            return subprocess.run(
                command, shell=True, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    lscpu = run("lscpu | head -20")
    model = re.search(r"Model name:\s*(.+)", lscpu)
    memory = psutil.virtual_memory().total / (1024**3)
    return {
        "nproc": run("nproc"),
        "free": run("free -h"),
        "lscpu": lscpu,
        "summary": f"{run('nproc')} CPUs ({model.group(1).strip() if model else '?'}), "
        f"{memory:.0f} GiB RAM, {platform.platform()}",
    }


def versions() -> dict:
    found = {"python": platform.python_version()}
    for package in (
        "homs-kg",
        "pyoxigraph",
        "oxigraph",
        "rdflib",
        "rdflib-endpoint",
        "flask",
        "waitress",
        "uvicorn",
    ):
        with contextlib.suppress(PackageNotFoundError):
            found[package] = version(package)
    return found


def code_digest() -> str:
    """A digest of the server and graph code measured (the tree changes while others work)."""
    digest = hashlib.sha256()
    for folder in ("server", "graph"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default="article,1M",
        help="comma-separated: article and/or synthetic sizes (1M, 10M, 250k)",
    )
    parser.add_argument("--clients", default="1,4,16", help="concurrency levels")
    parser.add_argument(
        "--duration",
        type=float,
        default=5.0,
        help="seconds of each closed loop (per query and concurrency level)",
    )
    parser.add_argument("--cold-starts", type=int, default=3)
    parser.add_argument("--queries", help="only these catalogue queries (comma-separated)")
    parser.add_argument("--servers", default="homs-kg,oxigraph,rdflib")
    parser.add_argument(
        "--rdflib-sizes",
        default="article",
        help="sizes at which rdflib-endpoint runs (it holds all in memory)",
    )
    parser.add_argument(
        "--load-only", default="", help="sizes to build and load but not serve (comma-separated)"
    )
    parser.add_argument("--threads", type=int, default=16, help="homs-kg serve --threads")
    parser.add_argument(
        "--query-workers", type=int, default=2, help="homs-kg serve --query-workers"
    )
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=30.0,
        help="homs-kg serve --timeout (its default); the other servers get no limit of their "
        "own (see server_for) and are restarted when a client gives up on a query",
    )
    parser.add_argument(
        "--clients-for",
        action="append",
        default=[],
        metavar="SIZE=LIST",
        help="other concurrency levels at one size, e.g. 10M=1 (repeatable)",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        help="seconds a client waits for an answer (default: twice --query-timeout)",
    )
    parser.add_argument(
        "--max-others",
        type=float,
        default=0.25,
        help="cores other processes may use during a loop before it is re-run",
    )
    parser.add_argument(
        "--retries", type=int, default=2, help="re-runs of a loop disturbed by other processes"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=300.0,
        help="longest wait (s) for a quiet machine before starting a server",
    )
    parser.add_argument(
        "--homs-kg-args",
        default="",
        help="extra options for homs-kg serve (one string, shell syntax)",
    )
    parser.add_argument(
        "--memory-limit-gb",
        type=float,
        default=7.5,
        help="kill any started process whose memory goes over this",
    )
    parser.add_argument(
        "--write-store-bytes-per-quad",
        type=float,
        default=1600.0,
        help="peak memory of write_store per quad, to decide whether it fits "
        "(refined from the measured sizes as the run goes)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--load-repeats",
        type=int,
        default=3,
        help="builds and oxigraph loads of the article (the median is reported)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path(os.environ.get("TMPDIR", "/tmp")) / "homs-kg-bench",
        help="stores and generated data (generated files are reused)",
    )
    parser.add_argument("--results-dir", type=Path, default=BENCH / "results")
    parser.add_argument("--keep-stores", action="store_true")
    args = parser.parse_args(argv)
    if args.request_timeout is None:
        args.request_timeout = 2 * args.query_timeout
    signal.signal(signal.SIGTERM, on_signal)

    sizes = [size_label(s) for s in args.sizes.split(",") if s.strip()]
    clients = [int(c) for c in args.clients.split(",")]
    chosen_servers = [s for s in args.servers.split(",") if s]
    rdflib_sizes = {size_label(s) for s in args.rdflib_sizes.split(",") if s}
    load_only = {size_label(s) for s in args.load_only.split(",") if s}
    clients_for = {
        size_label(key): [int(c) for c in value.split(",")]
        for key, _, value in (entry.partition("=") for entry in args.clients_for)
    }
    limit_mb = args.memory_limit_gb * 1024
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = args.results_dir / stamp
    logs = out / "logs"
    logs.mkdir(parents=True)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    queries = catalogue(args.queries.split(",") if args.queries else None)
    results: dict = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": " ".join(
            ["python", "bench/run.py", *(argv if argv is not None else sys.argv[1:])]
        ),
        "machine": machine(),
        "versions": versions(),
        "code_digest": code_digest(),
        "args": {
            "sizes": sizes,
            "clients": clients,
            "duration": args.duration,
            "cold_starts": args.cold_starts,
            "threads": args.threads,
            "query_workers": args.query_workers,
            "seed": args.seed,
            "memory_limit_gb": args.memory_limit_gb,
        },
        "queries": [name for name, _ in queries],
        "sizes": {},
    }
    print(
        f"benchmark -> {out}\n{len(queries)} catalogue queries: {', '.join(results['queries'])}",
        flush=True,
    )
    bytes_per_quad = args.write_store_bytes_per_quad
    try:
        for label in sizes:
            print(f"\n== size {label}", flush=True)
            if label == "article":
                prepared = prepare_article(args.work_dir, logs, limit_mb, args.load_repeats)
            else:
                target, mode = size_spec(label)
                prepared = prepare_synthetic(
                    label, target, mode, args.work_dir, logs, limit_mb, args.seed, bytes_per_quad
                )
                prepared["size"] = label
            size = {k: v for k, v in prepared.items() if k not in ("homs_kg_dir", "oxigraph_dir")}
            results["sizes"][label] = size
            load = prepared["homs_kg_load"]
            if "parse_s" in load and label != "article":
                bytes_per_quad = max(bytes_per_quad, load["peak_rss_mb"] * MB / prepared["quads"])
            print(
                f"  {prepared['quads']:,} quads; homs-kg: {load['seconds']:.1f} s "
                f"({load['rate']:,.0f} quads/s); oxigraph load: "
                f"{prepared['oxigraph_load']['seconds']:.1f} s "
                f"({prepared['oxigraph_load']['rate']:,.0f} quads/s)",
                flush=True,
            )
            if label in load_only:
                continue
            size_clients = clients_for.get(label, clients)
            size["clients"] = size_clients
            size["servers"] = {}
            for name in chosen_servers:
                if name == "rdflib" and label not in rdflib_sizes:
                    continue
                print(f"  -- {LABELS[name]}", flush=True)
                server = server_for(name, prepared, logs, args, size_clients)
                size["servers"][name] = measure_server(server, queries, size_clients, args)
                write_outputs(results, out)
            if {"homs-kg", "oxigraph"} <= set(size["servers"]):
                size["summary"] = catalogue_summary(size, size_clients)
            write_outputs(results, out)
            if not args.keep_stores:
                shutil.rmtree(args.work_dir / safe_name(label), ignore_errors=True)
    except BaseException as error:
        results["error"] = f"{type(error).__name__}: {error}"
        print(f"\nstopped: {results['error']}", file=sys.stderr, flush=True)
        raise
    finally:
        PROCESSES.stop_all()
        results["targets"] = evaluate_targets(results)
        write_outputs(results, out)
        with contextlib.suppress(Exception):
            chart(results, out / "chart.png")
        with contextlib.suppress(Exception):
            print_tables(results)
        print(f"\nresults: {out / 'results.md'}", flush=True)


def write_outputs(results: dict, out: Path) -> None:
    results = dict(results)
    results.setdefault("targets", evaluate_targets(results))
    (out / "results.json").write_text(json.dumps(jsonable(results), indent=2, ensure_ascii=False))
    with contextlib.suppress(Exception):
        (out / "results.md").write_text(markdown(results))


if __name__ == "__main__":
    main()
