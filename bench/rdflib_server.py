"""rdflib-endpoint (the Python peer) over an N-Quads file, for the benchmark.

    python bench/rdflib_server.py --file homs-kg.nq.gz --port 8123

The quads are parsed into an in-memory ``rdflib.Dataset(default_union=True)``: each named graph
stays a graph of its own, and the default graph of a query is their union, as in homs-kg and in
``oxigraph serve-read-only --union-default-graph`` (rdflib-endpoint's own ``serve`` command builds
the same kind of Dataset). rdflib's union is a set: a triple stated in two graphs is seen once,
where Oxigraph's union keeps one copy per graph. The SPARQL endpoint is at ``/sparql`` and runs
under uvicorn (one process, one event loop; rdflib evaluates each query synchronously in it).
"""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import click
import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--file", "path", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, required=True)
def main(path: Path, host: str, port: int) -> None:
    """rdflib-endpoint (the Python peer) over an N-Quads file, for the benchmark."""
    dataset = Dataset(default_union=True)
    with gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb") as data:
        dataset.parse(data, format="nquads")
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    app = SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=False)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
