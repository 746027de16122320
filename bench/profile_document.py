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

import time
from pathlib import Path

import click
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


def branches(query: str) -> list[tuple[str, str]]:
    """Each branch of the document query's UNION as a query of its own, and its text."""
    prologue, _, rest = query.partition("CONSTRUCT")
    body = rest.split("WHERE {", 1)[1].rsplit("}", 1)[0]
    return [
        (
            f"{prologue}CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {branch.strip()} }}",
            " ".join(branch.split()),
        )
        for branch in body.split("\n  UNION ")
    ]


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path, exists=True), required=True)
@click.option(
    "--resource", "resources", multiple=True, help="resource slugs (repeatable)  [default: homs]"
)
@click.option("--repeat", type=int, default=5, show_default=True)
@click.option(
    "--budget", type=float, default=20.0, show_default=True, help="seconds per query at most"
)
@click.option("--branches", "by_branch", is_flag=True, help="also time each UNION branch")
def main(
    data_dir: Path, resources: tuple[str, ...], repeat: int, budget: float, by_branch: bool
) -> None:
    """Why a resource's page and RDF document are slow: the document query, branch by branch."""
    from homs_kg.graph.store import current_store
    from homs_kg.graph.vocabulary import MintedIris
    from homs_kg.server.linked_data.documents import describe_query

    info = current_store(data_dir)
    iris = MintedIris(info.metadata.get("base_iri", "http://127.0.0.1:8000/"))
    store = Store.read_only(str(info.path))
    print(f"store {info.path}: {len(store):,} quads")
    for slug in resources or ["homs"]:
        query = describe_query(f"{iris.base}resource/{slug}", iris)
        triples, ms = timed(store, query, repeat, budget)
        print(f"{slug}: describe_query {ms:9.1f} ms, {len(triples)} triples")
        for branch, text in branches(query) if by_branch else []:
            found, branch_ms = timed(store, branch, repeat, budget)
            print(f"    {branch_ms:9.1f} ms {len(found):6} triples  {text[:90]}")


if __name__ == "__main__":
    main()
