"""One benchmark run: for each size, its data made and loaded, then each server measured alone
over it; the results written as the run goes."""

from __future__ import annotations

import datetime
import shutil
import sys
from pathlib import Path

from bench.catalogue import local_queries
from bench.measure import measure_server
from bench.processes import PROCESSES
from bench.provenance import code_digest, machine, versions
from bench.results import finish, write_outputs
from bench.servers import LABELS, server_for
from bench.settings import Settings
from bench.sizes import prepare, safe_name
from bench.summary import catalogue_summary
from bench.usage import MB


def run_benchmark(settings: Settings, command: str) -> Path:
    """Measure every size; the results folder."""
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = settings.results_dir / stamp
    logs = out / "logs"
    logs.mkdir(parents=True)
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    queries = local_queries(settings.queries)
    results = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": command,
        "machine": machine(),
        "versions": versions(),
        "code_digest": code_digest(),
        "args": settings.recorded(),
        "queries": [name for name, _ in queries],
        "sizes": {},
    }
    print(
        f"benchmark -> {out}\n{len(queries)} catalogue queries: {', '.join(results['queries'])}",
        flush=True,
    )
    bytes_per_quad = settings.write_store_bytes_per_quad
    try:
        for label in settings.sizes:
            bytes_per_quad = run_size(label, settings, queries, results, out, bytes_per_quad)
    except BaseException as error:
        results["error"] = f"{type(error).__name__}: {error}"
        print(f"\nstopped: {results['error']}", file=sys.stderr, flush=True)
        raise
    finally:
        PROCESSES.stop_all()
        finish(results, out)
    return out


def run_size(
    label: str,
    settings: Settings,
    queries: list[tuple[str, str]],
    results: dict,
    out: Path,
    bytes_per_quad: float,
) -> float:
    """Make and load the data of a size, measure the servers over it; the write_store memory
    per quad, refined by this size's load."""
    print(f"\n== size {label}", flush=True)
    prepared = prepare(label, settings, out / "logs", bytes_per_quad)
    size = {k: v for k, v in prepared.items() if k not in ("homs_kg_dir", "oxigraph_dir")}
    results["sizes"][label] = size
    load = prepared["homs_kg_load"]
    if "parse_s" in load and label != "article":
        bytes_per_quad = max(bytes_per_quad, load["peak_rss_mb"] * MB / prepared["quads"])
    print_loads(prepared)
    if label in settings.load_only:
        return bytes_per_quad
    clients = size["clients"] = settings.clients_at(label)
    size["servers"] = {}
    for name in (n for n in settings.servers if settings.serves(n, label)):
        print(f"  -- {LABELS[name]}", flush=True)
        server = server_for(name, prepared, out / "logs", settings, clients)
        size["servers"][name] = measure_server(server, queries, clients, settings)
        write_outputs(results, out)
    if {"homs-kg", "oxigraph"} <= set(size["servers"]):
        size["summary"] = catalogue_summary(size, clients)
    write_outputs(results, out)
    if not settings.keep_stores:
        shutil.rmtree(settings.work_dir / safe_name(label), ignore_errors=True)
    return bytes_per_quad


def print_loads(prepared: dict) -> None:
    load, oxigraph = prepared["homs_kg_load"], prepared["oxigraph_load"]
    print(
        f"  {prepared['quads']:,} quads; homs-kg: {load['seconds']:.1f} s "
        f"({load['rate']:,.0f} quads/s); oxigraph load: {oxigraph['seconds']:.1f} s "
        f"({oxigraph['rate']:,.0f} quads/s)",
        flush=True,
    )
