"""The catalogue figures of a size: per concurrency level, each server's pass over the queries
that every server answered, and the ratios between servers."""

from __future__ import annotations

import math
import statistics

from bench.servers import LABELS, SERVERS


def geometric_mean(values: list[float]) -> float:
    values = [v for v in values if v and v > 0 and not math.isnan(v)]
    return math.exp(statistics.fmean(math.log(v) for v in values)) if values else math.nan


def run_of(size: dict, name: str, query: str, count: str) -> dict | None:
    """The closed loop of a server, query and concurrency level, if it ran."""
    return size["servers"].get(name, {}).get("load", {}).get(query, {}).get(count)


def answered(size: dict, name: str, query: str, count: str) -> bool:
    return (run_of(size, name, query, count) or {}).get("throughput", 0) > 0


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
        ok = [q for q in queries if all(answered(size, n, q, count) for n in names)]
        excluded = {
            q: "; ".join(
                f"{LABELS[n]}: {why_missing(size, n, q, count)}"
                for n in names
                if not answered(size, n, q, count)
            )
            for q in queries
            if q not in ok
        }
        entry: dict = {"queries": ok, "excluded": excluded}
        for name in names:
            entry[name] = server_pass([run_of(size, name, q, count) for q in ok], ok)
        for name in names:
            for other in names:
                if other != name:
                    entry[name] |= ratios_to(size, entry, name, other, ok, count)
        summary[count] = entry
    return summary


def server_pass(runs: list[dict], queries: list[str]) -> dict:
    """One server's figures over the queries of the pass."""
    throughputs = [r["throughput"] for r in runs]
    p99s = [r["p99_ms"] for r in runs]
    p50s = [r["p50_ms"] for r in runs]
    return {
        "catalogue_throughput": round(len(queries) / sum(1 / t for t in throughputs), 2)
        if throughputs
        else 0.0,
        "geomean_throughput": round(geometric_mean(throughputs), 2),
        "max_p99_ms": max(p99s) if p99s else math.nan,
        "max_p99_query": queries[p99s.index(max(p99s))] if p99s else None,
        "median_p50_ms": round(statistics.median(p50s), 3) if p50s else math.nan,
        "errors": sum(r["errors"] for r in runs),
        "cpu_ms_per_pass": round(sum(r.get("server_cpu_ms_per_request") or 0 for r in runs), 2),
    }


def ratios_to(
    size: dict, entry: dict, name: str, other: str, queries: list[str], count: str
) -> dict:
    """The throughput of ``name`` over that of ``other``: per query (geometric mean, lowest)
    and over the pass."""
    ratios = [
        run_of(size, name, q, count)["throughput"] / run_of(size, other, q, count)["throughput"]
        for q in queries
    ]
    base = entry[other]["catalogue_throughput"]
    return {
        f"geomean_ratio_vs_{other}": round(geometric_mean(ratios), 3),
        f"min_ratio_vs_{other}": round(min(ratios), 3) if ratios else None,
        f"catalogue_ratio_vs_{other}": (
            round(entry[name]["catalogue_throughput"] / base, 3) if base else None
        ),
    }
