"""results.md's catalogue tables of one size: the pass over the queries, then each query."""

from __future__ import annotations

from bench.formatting import fmt, plural, ratio
from bench.servers import LABELS, SERVERS
from bench.summary import run_of, why_missing

INTRODUCTION = (
    "Catalogue throughput is one pass over the queries every server answered (their number "
    "over the sum of their mean times); p50 is the median over those queries of each one's "
    "median, p99 the worst query's p99; CPU ms/pass is the processor time the server's "
    "processes spent per pass (sum over the queries of CPU time per answer), which other "
    "load on the machine does not change much. Ratios: homs-kg's throughput to the other "
    "server's, as (pass, geometric mean of the per-query ratios)."
)


def catalogue_markdown(label: str, size: dict, clients: list[int]) -> list[str]:
    names = [n for n in SERVERS if n in size["servers"]]
    lines = [f"## Catalogue at size {label} ({size['quads']:,} quads)", "", INTRODUCTION, ""]
    lines += pass_table(size, names, clients)
    for count in map(str, clients):
        for query, reason in size["summary"][count]["excluded"].items():
            lines.append(f"- not in the pass at {count} client(s): {query}: {reason}")
    lines.append("")
    for count in map(str, clients):
        lines += query_table(label, size, names, count)
    return lines


def pass_table(size: dict, names: list[str], clients: list[int]) -> list[str]:
    rdflib = "rdflib" in names
    header = "| clients | queries | " + " | ".join(
        f"{LABELS[n]} passes/s | p50 | max p99 | CPU ms/pass" for n in names
    )
    header += " | homs-kg / Oxigraph" + (" | homs-kg / rdflib" if rdflib else "") + " |"
    lines = [header, "|" + "---|" * (2 + 4 * len(names) + 1 + rdflib)]
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
    return [*lines, ""]


def query_table(label: str, size: dict, names: list[str], count: str) -> list[str]:
    rdflib = "rdflib" in names
    lines = [f"### {label}, {plural(count)}: per query", ""]
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
        cells = [query, rows_of(size, query)]
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
        cells += ratios(runs, rdflib)
        lines.append("| " + " | ".join(cells) + " |")
    return [
        *lines,
        "",
        f"(in these runs the client used at most {cpu:.2f} of a core, other processes on "
        f"the machine at most {others:.2f})",
        "",
    ]


def rows_of(size: dict, query: str) -> str:
    """The rows of Oxigraph's first answer (and how many distinct, if fewer)."""
    answer = size["servers"].get("oxigraph", {}).get("answers", {}).get(query, {})
    rows, distinct = answer.get("rows"), answer.get("distinct_rows")
    return f"{rows} ({distinct} distinct)" if distinct not in (None, rows) else str(rows)


def ratios(runs: dict, rdflib: bool) -> list[str]:
    def thr(name: str) -> float | None:
        return (runs.get(name) or {}).get("throughput")

    found = [ratio(thr("homs-kg"), thr("oxigraph"))]
    if rdflib:
        found += [ratio(thr("rdflib"), thr("oxigraph")), ratio(thr("homs-kg"), thr("rdflib"))]
    return found
