"""results.md: what was run where, the targets, loads, cold starts and memory, the catalogue
tables, the Linked Data pages and the first answers."""

from __future__ import annotations

from bench.formatting import fmt, ratio
from bench.loops import SPARQL_JSON
from bench.report_catalogue import catalogue_markdown
from bench.servers import LABELS, SERVERS


def section(title: str, *columns: str) -> list[str]:
    """A section's title and the head of its table."""
    return [f"## {title}", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]


def markdown(results: dict) -> str:
    lines = ["# homs-kg benchmark results", "", *header(results), *targets_markdown(results)]
    lines += loads_markdown(results) + memory_markdown(results)
    for label, size in results["sizes"].items():
        if "summary" in size:
            clients = size.get("clients", results["args"]["clients"])
            lines += catalogue_markdown(label, size, clients)
    lines += pages_markdown(results) + answers_markdown(results)
    return "\n".join(lines) + "\n"


def header(results: dict) -> list[str]:
    return [
        f"- date (UTC): {results['date']}",
        f"- command: `{results['command']}`",
        f"- machine: {results['machine']['summary']}",
        f"- versions: {', '.join(f'{k} {v}' for k, v in results['versions'].items())}",
        f"- code measured: digest {results.get('code_digest')} of server/ and graph/ "
        "(bench/provenance.py code_digest)",
        f"- each closed loop: {results['args']['duration']} s per query and concurrency level; "
        f"POST form queries, Accept {SPARQL_JSON}; clients are threads of one Python process "
        "(http.client keep-alive connections) on the same 2 cores as the server",
        "",
    ]


def targets_markdown(results: dict) -> list[str]:
    lines = section("Targets", "target", "measured", "met", "size")
    for row in results["targets"]:
        met = {True: "yes", False: "**no**", None: "-"}[row["met"]]
        lines.append(f"| {row['target']} | {row['measured']} | {met} | {row['where']} |")
    return [*lines, ""]


def loads_markdown(results: dict) -> list[str]:
    lines = section(
        "Data, build and bulk load",
        "size",
        "quads in store",
        "homs-kg build/load",
        "homs-kg rate (quads/s)",
        "`oxigraph load`",
        "oxigraph rate (quads/s)",
        "homs-kg / oxigraph rate",
        "peak RSS homs-kg / oxigraph",
    )
    loaded = {k: v for k, v in results["sizes"].items() if "homs_kg_load" in v}
    for label, size in loaded.items():
        h, o = size["homs_kg_load"], size["oxigraph_load"]
        lines.append(
            f"| {label} | {size['quads']:,} | {h['seconds']:.2f} s | {fmt(h['rate'], 0)} | "
            f"{o['seconds']:.2f} s | {fmt(o['rate'], 0)} | {ratio(h['rate'], o['rate'])} | "
            f"{h['peak_rss_mb']:.0f} / {o['peak_rss_mb']:.0f} MB |"
        )
    lines.append("")
    lines += [load_detail(label, size) for label, size in loaded.items()]
    return [*lines, ""]


def load_detail(label: str, size: dict) -> str:
    """How a size was loaded: the method, its parts, and how its data was generated."""
    h = size["homs_kg_load"]
    detail = f"- {label}: {h['method']}"
    if "parse_s" in h:
        detail += (
            f"; parse {h['parse_s']:.1f} s, store {h['store_s']:.1f} s, dumps "
            f"{h['dumps_s']:.1f} s (rate with dumps {fmt(h['rate_with_dumps'], 0)}/s)"
        )
    if h.get("internal_seconds"):
        detail += f"; the build reports {h['internal_seconds']:.2f} s (without interpreter start)"
    if "generation" in size:
        g = size["generation"]
        detail += (
            f"; generated {g['file_lines']:,} lines, {g['synthetic_sources']} synthetic"
            f" sources, in {g['seconds']:.1f} s" + (" (cached)" if g.get("cached") else "")
        )
    return detail


def memory_markdown(results: dict) -> list[str]:
    lines = section(
        "Cold start and memory",
        "size",
        "server",
        "cold start (median)",
        "idle RSS",
        "peak RSS",
        "peak PSS",
    )
    measured = [
        (label, name, server)
        for label, size in results["sizes"].items()
        for name, server in size.get("servers", {}).items()
    ]
    for label, name, server in measured:
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
    for label, name, server in measured:
        lines += incidents(f"{label}, {LABELS[name]}", server)
    return [*lines, ""]


def incidents(where: str, server: dict) -> list[str]:
    """What went wrong while a server was measured."""
    lines = [f"- {where}: measurement stopped: {server['error']}"] if server.get("error") else []
    lines += [f"- {where}: {failure}" for failure in server.get("failures", [])]
    if server.get("restarts"):
        lines.append(
            f"- {where}: restarted {server['restarts']} time(s) after "
            "queries its clients gave up on (it has no time limit of its own)"
        )
    return lines


def pages_markdown(results: dict) -> list[str]:
    lines = section(
        "homs-kg Linked Data (1 client)", "size", "resource", "req/s", "p50", "p99", "bytes"
    )
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
        if names:
            lines += answers_table(label, servers, names)
    return lines


def answers_table(label: str, servers: dict, names: list[str]) -> list[str]:
    lines = [
        f"| {label}: query | "
        + " | ".join(f"{LABELS[n]} rows (first answer ms)" for n in names)
        + " | same rows |",
        "|" + "---|" * (len(names) + 2),
    ]
    for query in servers[names[0]].get("answers", {}):
        answers = [servers[name]["answers"].get(query, {}) for name in names]
        cells = [query, *map(answer_cell, answers)]
        cells.append("yes" if len({a.get("rows") for a in answers}) == 1 else "**no**")
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def answer_cell(answer: dict) -> str:
    """Rows and time of a first answer, or its status and time."""
    flag = " truncated" if answer.get("truncated") else ""
    if answer.get("distinct_rows") not in (None, answer.get("rows")):
        flag += f", {answer['distinct_rows']} distinct"
    if answer.get("status") == 200:
        return f"{answer.get('rows')}{flag} ({fmt(answer.get('first_ms'), 1)})"
    return f"HTTP {answer.get('status')} after {fmt(answer.get('first_ms'), 0)} ms"
