"""Measuring one server: cold starts, each query's first answer, closed loops at each concurrency
level (run again when other processes disturbed them), homs-kg's pages, and memory."""

from __future__ import annotations

import contextlib
import http.client
import json
import statistics
import time

from bench.loops import FAILURES, Request, closed_loop, send
from bench.servers import LABELS, Server
from bench.settings import Settings
from bench.usage import wait_quiet

PAGES = (
    ("page /page/resource/homs", "/page/resource/homs", "text/html"),
    ("document /data/resource/homs.ttl", "/data/resource/homs.ttl", "text/turtle"),
)


def measure_server(
    server: Server, queries: list[tuple[str, str]], clients: list[int], settings: Settings
) -> dict:
    """Cold starts, answers, closed loops, pages (homs-kg), memory."""
    result: dict = {"label": LABELS[server.name], "command": " ".join(server.command)}
    result["quiet_before"] = wait_quiet(settings.max_others, settings.quiet_wait)
    print(f"    machine before start: {result['quiet_before']}", flush=True)
    try:
        result |= cold_starts(server, settings.cold_starts)
        first_answers(server, queries, settings.request_timeout, result)
        result["idle_rss_mb"], result["idle_pss_mb"] = server.idle_rss_mb, server.idle_pss_mb
        catalogue_loops(server, queries, clients, settings, result)
        if server.name == "homs-kg":
            page_loops(server, settings, result)
    except (RuntimeError, OSError, http.client.HTTPException) as error:
        result["error"] = f"{type(error).__name__}: {error}"
        print(f"    stopped measuring {server.name}: {result['error']}", flush=True)
    finally:
        result |= server.stop()
    return result


def cold_starts(server: Server, count: int) -> dict:
    """Start it ``count`` times (left running after the last), and settle its idle memory."""
    for attempt in range(count):
        seconds = server.start()
        print(f"    cold start {attempt + 1}: {seconds * 1000:.0f} ms", flush=True)
        if attempt < count - 1:
            server.stop()
    server.peaks.clear()  # the cold starts' own peaks are not the serving memory
    server.settle()
    return {
        "cold_start_s": round(statistics.median(server.cold_starts), 3),
        "cold_starts_s": [round(x, 3) for x in server.cold_starts],
    }


def check_answer(server: Server, query: str, timeout: float) -> dict:
    """One request on a fresh connection: status, rows, bytes, truncation."""
    began = time.perf_counter()
    try:
        status, body, headers = send(server.port, Request.sparql(server.path, query), timeout)
    except FAILURES as error:
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


def first_answers(
    server: Server, queries: list[tuple[str, str]], timeout: float, result: dict
) -> None:
    """Each query sent once to check its answer (then twice more to warm up, if it is quick)."""
    answers = result["answers"] = {}
    for name, text in queries:
        answer = answers[name] = check_answer(server, text, timeout)
        if not server.alive():
            why = "over the memory limit" if server.sampler.exceeded else "exited"
            answer["status"] = f"server {why}"
            result.setdefault("failures", []).append(f"{name} (first request): server {why}")
            server.restart()
        elif answer["status"] == "TimeoutError":
            restart_abandoned(server, result)
        if answer["status"] == 200 and answer["first_ms"] < 1000:
            for _ in range(2):
                send(server.port, Request.sparql(server.path, text), 300)


def restart_abandoned(server: Server, result: dict) -> None:
    """A server without its own time limit (Oxigraph's, see server_for; rdflib-endpoint) goes on
    evaluating the queries its clients gave up on; restart it so that they do not weigh on what
    follows."""
    if server.name == "homs-kg":
        return
    server.restart()
    result["restarts"] = result.get("restarts", 0) + 1
    print("    (restarted: a query outlived the client's time limit)", flush=True)


def catalogue_loops(
    server: Server,
    queries: list[tuple[str, str]],
    clients: list[int],
    settings: Settings,
    result: dict,
) -> None:
    """A closed loop per answered query and concurrency level."""
    load = result["load"] = {}
    for name, text in queries:
        if result["answers"][name]["status"] != 200:
            print(f"    {name}: HTTP {result['answers'][name]['status']}, skipped", flush=True)
            continue
        load[name] = {}
        for count in clients:
            run = load[name][str(count)] = measured_loop(
                server, Request.sparql(server.path, text), count, settings
            )
            if run["error_kinds"].get("TimeoutError"):
                restart_abandoned(server, result)
            print_loop(name, count, run)
            if not server.alive():
                note_failure(server, run, f"{name} at {count} clients", settings, result)
                break


def print_loop(name: str, count: int, run: dict) -> None:
    print(
        f"    {name:32} {count:3} clients: {run['throughput']:9.1f}/s "
        f"p50 {run['p50_ms']:8.2f} ms p99 {run['p99_ms']:8.2f} ms  cpu server "
        f"{run['server_cpu_share']:.2f} client {run['client_cpu_share']:.2f} others "
        f"{run['others_cpu_share']:.2f}"
        + (f" errors {run['errors']} {run['error_kinds']}" if run["errors"] else ""),
        flush=True,
    )


def note_failure(server: Server, run: dict, where: str, settings: Settings, result: dict) -> None:
    """Over the memory limit (the sampler killed it) or crashed: note it and start it again."""
    why = (
        f"went over the memory limit of {settings.memory_limit_gb} GB and was killed"
        if server.sampler and server.sampler.exceeded
        else f"exited (see {server.log.name})"
    )
    run["server_failure"] = why
    result.setdefault("failures", []).append(f"{where}: {why}")
    print(f"    {server.name} {why}; starting it again", flush=True)
    server.restart()


def page_loops(server: Server, settings: Settings, result: dict) -> None:
    """homs-kg's Linked Data page and document of Homs, at one client."""
    pages = result["pages"] = {}
    for label, path, accept in PAGES:
        request = Request("GET", path, None, {"Accept": accept})
        status, body, _ = send(server.port, request, 300)
        run = measured_loop(server, request, 1, settings)
        pages[label] = run | {"status": status, "bytes": len(body)}
        print(
            f"    {label:32}   1 client : {run['throughput']:9.1f}/s "
            f"p50 {run['p50_ms']:8.2f} ms p99 {run['p99_ms']:8.2f} ms",
            flush=True,
        )


def measured_loop(server: Server, request: Request, clients: int, settings: Settings) -> dict:
    """A closed loop, run again (up to --retries times, after waiting for quiet) when other
    processes took more than --max-others cores of the machine during it; the least disturbed
    run is kept, and the number of attempts recorded."""
    best: dict | None = None
    for attempt in range(settings.retries + 1):
        pid = server.process.pid if server.process else None
        run = closed_loop(
            server.port, request, clients, settings.duration, settings.request_timeout, pid
        )
        run["attempts"] = attempt + 1
        if best is None or run["others_cpu_share"] < best["others_cpu_share"]:
            best = run
        if run["others_cpu_share"] <= settings.max_others:
            break
        wait_quiet(settings.max_others, settings.quiet_wait / 4)
    assert best is not None
    return best
