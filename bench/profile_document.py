"""Why a resource's page and RDF document are slow: the document query, branch by branch.

    python bench/profile_document.py --data-dir DIR [--resource homs] [--repeat 5]

A resource's page (``/page/resource/x``) and documents (``/data/resource/x.ttl``...) are built
from one CONSTRUCT, ``homs_kg.server.linked_data.documents.describe_query``. This times it on
the store of ``DIR`` (``Store.query`` directly, union default graph, best of ``--repeat``), then
each branch of its UNION alone, to show which ones cost the time.

(This is how the full-store scans of an earlier version of the query were found: see
docs/benchmark.md, "Where the time goes".)
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pyoxigraph import Store


def timed(store: Store, query: str, repeat: int, budget: float) -> tuple[set[str], float]:
    """The triples (as strings) and the best time in ms; fewer repeats past ``budget`` s."""
    best, found = float("inf"), set()
    spent = 0.0
    for _ in range(repeat):
        began = time.perf_counter()
        found = {str(t) for t in store.query(query, use_default_graph_as_union=True)}
        elapsed = time.perf_counter() - began
        best, spent = min(best, elapsed), spent + elapsed
        if spent > budget:
            break
    return found, best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--resource", action="append", help="resource slugs (default: homs)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query at most")
    parser.add_argument("--branches", action="store_true", help="also time each UNION branch")
    args = parser.parse_args()

    from homs_kg.graph.store import current_store
    from homs_kg.graph.vocabulary import MintedIris
    from homs_kg.server.linked_data.documents import describe_query

    info = current_store(args.data_dir)
    iris = MintedIris(info.metadata.get("base_iri", "http://127.0.0.1:8000/"))
    store = Store.read_only(str(info.path))
    print(f"store {info.path}: {len(store):,} quads")
    for slug in args.resource or ["homs"]:
        iri = f"{iris.base}resource/{slug}"
        current = describe_query(iri, iris)
        triples, ms = timed(store, current, args.repeat, args.budget)
        print(f"{slug}: describe_query {ms:9.1f} ms, {len(triples)} triples")
        if args.branches:
            prologue, _, rest = current.partition("CONSTRUCT")
            body = rest.split("WHERE {", 1)[1].rsplit("}", 1)[0]
            for branch in body.split("\n  UNION "):
                query = f"{prologue}CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {branch.strip()} }}"
                found, branch_ms = timed(store, query, args.repeat, args.budget)
                text = " ".join(branch.split())
                print(f"    {branch_ms:9.1f} ms {len(found):6} triples  {text[:90]}")


if __name__ == "__main__":
    main()
