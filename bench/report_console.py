"""The tables printed at the end of a run: per query and concurrency level, then the targets."""

from __future__ import annotations

from bench.formatting import fmt, ratio
from bench.servers import SERVERS
from bench.summary import run_of


def print_tables(results: dict) -> None:
    for label, size in results["sizes"].items():
        if "summary" in size:
            print_size(label, size, size.get("clients", results["args"]["clients"]))
    print("\n== targets")
    for row in results["targets"]:
        met = {True: "met", False: "MISSED", None: "-"}[row["met"]]
        print(f"  [{met:6}] {row['target']}: {row['measured']} ({row['where']})")


def print_size(label: str, size: dict, clients: list[int]) -> None:
    names = [n for n in SERVERS if n in size["servers"]]
    print(
        f"\n== {label} ({size['quads']:,} quads): per query, throughput req/s and p50/p99 ms; "
        "ratio to Oxigraph's server"
    )
    print(f"{'query':30} {'c':>3} " + " ".join(f"{n:>27}" for n in names) + "   x ox")
    for query in size["summary"]["queries"]:
        for count in map(str, clients):
            runs = {n: run_of(size, n, query, count) for n in names}
            cells = " ".join(
                f"{r['throughput']:9.1f} {r['p50_ms']:7.2f} {r['p99_ms']:8.2f}"
                if r and r.get("requests")
                else f"{'-':>9} {'-':>7} {'-':>8}"
                for r in runs.values()
            )
            base = (runs.get("oxigraph") or {}).get("throughput")
            ratios = " ".join(
                ratio((r or {}).get("throughput"), base) for n, r in runs.items() if n != "oxigraph"
            )
            print(f"{query:30} {count:>3} {cells}   {ratios}")
    for count in map(str, clients):
        entry = size["summary"][count]
        text = ", ".join(f"{n} {entry[n]['catalogue_throughput']:.1f}/s" for n in names)
        print(
            f"catalogue pass ({len(entry['queries'])} queries), {count} clients: {text}; "
            f"homs-kg/oxigraph {fmt(entry['homs-kg']['catalogue_ratio_vs_oxigraph'], 2)} (geo "
            f"{fmt(entry['homs-kg']['geomean_ratio_vs_oxigraph'], 2)})"
        )
