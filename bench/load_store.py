"""Load an N-Quads file into a homs-kg data directory with the project's own store writer.

    python bench/load_store.py --data-dir DIR --file synthetic-1M.nq.gz

``homs_kg.graph.store.write_store`` is what ``homs-kg build`` calls after its checks: a fresh
store folder, ``Store.bulk_extend`` of the quads, flush, the compressed dumps (N-Quads and
Turtle), the metadata, and the atomic swap of ``DIR/current``. The benchmark runs this in its own
process so that its time and peak memory are its own; it prints one JSON line:

    {"quads": ..., "parse_s": ..., "write_store_s": ..., "dumps_s": ..., "store_s": ...}

``store_s`` is write_store without the dumps (store folder, bulk_extend, flush, swap);
``dumps_s`` is the time spent in ``write_dumps`` (timed by wrapping it; the server code is not
changed). The parse of the file into pyoxigraph ``Quad`` objects (which write_store takes as a
list) is timed apart as ``parse_s``.

``--streamed`` does not call write_store: it streams the file into a new store folder with
``Store.bulk_load`` (pyoxigraph's loader, which does not hold the quads in memory), then writes
the metadata and swaps ``current`` the way write_store does, without the dumps. The benchmark uses
it where write_store would not fit in memory (it holds every quad as a Python object, twice while
writing the Turtle dump), so that the server can still be measured over a store of that size.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import time
from pathlib import Path
from typing import BinaryIO

import click
from pyoxigraph import RdfFormat, Store, parse

import homs_kg.graph.store as store_module
from homs_kg.graph.vocabulary import MintedIris


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path), required=True)
@click.option("--file", "path", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--base-iri", default="http://127.0.0.1:8000/", show_default=True)
@click.option(
    "--streamed",
    is_flag=True,
    help="Store.bulk_load from the file instead of write_store (no dumps)",
)
def main(data_dir: Path, path: Path, base_iri: str, streamed: bool) -> None:
    """Load an N-Quads file into a homs-kg data directory with the project's own store writer."""
    if streamed:
        streamed_load(data_dir, path, base_iri)
    else:
        write_store_load(data_dir, path, base_iri)


def write_store_load(data_dir: Path, path: Path, base_iri: str) -> None:
    """Parse the file, then ``write_store`` it (the dumps timed apart); prints the figures."""
    started = time.perf_counter()
    with open_data(path) as data:
        quads = list(parse(data, format=RdfFormat.N_QUADS))
    parsed = time.perf_counter()

    timings = {"dumps_s": 0.0}
    write_dumps = store_module.write_dumps

    def timed_dumps(*positional, **named):
        begin = time.perf_counter()
        try:
            return write_dumps(*positional, **named)
        finally:
            timings["dumps_s"] += time.perf_counter() - begin

    store_module.write_dumps = timed_dumps
    iris = MintedIris(base_iri)
    info = store_module.write_store(data_dir, quads, metadata_of(quads, iris), iris.prefixes())
    finished = time.perf_counter()
    write_store_s = finished - parsed
    print(
        json.dumps(
            {
                "quads": len(quads),
                "parse_s": round(parsed - started, 3),
                "write_store_s": round(write_store_s, 3),
                "dumps_s": round(timings["dumps_s"], 3),
                "store_s": round(write_store_s - timings["dumps_s"], 3),
                "total_s": round(finished - started, 3),
                "peak_rss_mb": peak_rss_mb(),
                "store": str(info.path),
            }
        )
    )


def metadata_of(quads: list, iris: MintedIris) -> dict:
    """The store's metadata, as the build writes it (its sources: the named graphs of sources)."""
    graphs = sorted({q.graph_name.value for q in quads if hasattr(q.graph_name, "value")})
    prefix = iris.graph("").value
    sources = [g[len(prefix) :] for g in graphs if g.startswith(prefix)]
    return {
        "base_iri": iris.base,
        "quads": len(quads),
        "sources": [s for s in sources if s not in ("ontology", "wikidata-links")],
        "classes": {},
        "loaded_by": "bench/load_store.py",
    }


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def open_data(path: Path) -> BinaryIO:
    """The file, gunzipped if it ends with .gz."""
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def streamed_load(data_dir: Path, path: Path, base_iri: str) -> None:
    """Stream ``path`` into a new store and swap it in, as write_store does (without dumps)."""
    started = time.perf_counter()
    data_dir.mkdir(parents=True, exist_ok=True)
    build_id = store_module.new_build_id()
    building = data_dir / f".building-{build_id}"
    store = Store(str(building))
    with open_data(path) as data:
        store.bulk_load(input=data, format=RdfFormat.N_QUADS)
    store.flush()
    quads = len(store)
    del store
    loaded = time.perf_counter()
    metadata = {
        "base_iri": MintedIris(base_iri).base,
        "quads": quads,
        "sources": [],
        "classes": {},
        "loaded_by": "bench/load_store.py --streamed",
        "build_id": build_id,
    }
    target = swap_in(data_dir, building, metadata)
    finished = time.perf_counter()
    print(
        json.dumps(
            {
                "quads": quads,
                "streamed_load_s": round(loaded - started, 3),
                "total_s": round(finished - started, 3),
                "peak_rss_mb": peak_rss_mb(),
                "store": str(target),
            }
        )
    )


def swap_in(data_dir: Path, building: Path, metadata: dict) -> Path:
    """The store folder named for its build, its metadata beside it, and ``current`` moved to it
    in one rename (as write_store does)."""
    build_id = metadata["build_id"]
    (data_dir / f"store-{build_id}.json").write_text(json.dumps(metadata, indent=2) + "\n")
    target = data_dir / f"store-{build_id}"
    os.rename(building, target)
    link = data_dir / f".current-{build_id}"
    os.symlink(target.name, link)
    os.replace(link, data_dir / store_module.CURRENT)
    return target


if __name__ == "__main__":
    main()
