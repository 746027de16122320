"""Where the time of one homs-kg request goes: the request taken apart layer by layer.

    python bench/profile_request.py --data-dir DIR [--repeat 200] [--queries a,b] [--cprofile 25]

For every non-federated catalogue query, the median time (``--repeat`` runs, after a warm-up) of
each layer, measured in this process over the store of ``DIR`` (a homs-kg data directory), with
the result cache off (``--result-cache-mb 0``), so that every layer evaluates the query:

- ``engine``: ``Store.query`` (read-only handle, union default graph) and iterating every solution
  and every value (Oxigraph's evaluation plus pyoxigraph's Python objects);
- ``evaluate``: the worker's whole job, ``homs_kg.server.engine.evaluation.evaluate`` with the
  ``Evaluation`` a worker gives it (server/engine/workers.py): the SERVICE check, the query,
  content negotiation and the SPARQL JSON written row by row (kept in the reply, or written to a
  spool file when large);
- ``pool``: the HTTP layer's call ``SparqlStore.run(job)``, which sends the job to a worker
  process over a pipe and waits for its reply (so ``pool - evaluate`` is the process round trip);
- ``flask``: the whole request through the Flask application (its test client, form body,
  ``Accept: application/sparql-results+json``), reading the body;
- ``http``: the same request over HTTP to a real ``homs-kg serve`` (waitress) on a free port, one
  client, keep-alive.

Each layer contains the one before it, so the differences say what each layer adds. With
``--paths`` (default: the page and the Turtle document of ``resource/homs``) it also times those
requests through Flask and over HTTP, counts the store queries each one makes (and their time, by
wrapping ``SparqlStore.run`` on the application's store object), and with ``--cprofile N`` prints
the N most expensive functions of one such request (cumulative time, main process only).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import click
from pyoxigraph import QuerySolutions, Store

if not __package__:  # run as bench/profile_request.py: bench/ and tests/ are packages
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.catalogue import local_queries
from bench.loops import SPARQL_JSON, Connection, Request
from bench.servers import SERVE_OPTIONS, Server, homs_kg_server

LAYERS = ("engine", "evaluate", "pool", "flask", "http")
Timed = Callable[[], object]


def median_ms(function: Timed, repeat: int) -> float:
    """The median time of ``repeat`` calls, after one to warm up."""
    function()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000


def engine(store: Store, query: str) -> Callable[[], int]:
    def run() -> int:
        results = store.query(query, use_default_graph_as_union=True)
        count = 0
        if isinstance(results, QuerySolutions):
            names = list(results.variables)
            for row in results:
                for name in names:
                    value = row[name]
                    if value is not None:
                        value.value  # noqa: B018 (touch the value, as a serialiser would)
                count += 1
        return count

    return run


class Layers:
    """The same request at each layer: the engine, the worker's evaluate(), the pool, the Flask
    application and (unless --no-http) a real ``homs-kg serve``, all with the result cache off
    so that each layer evaluates the query and contains the one before it."""

    def __init__(self, data_dir: Path, http: bool) -> None:
        from homs_kg.graph.store import current_store
        from homs_kg.server.app import create_app
        from homs_kg.server.settings import ServerConfig

        info = current_store(data_dir)
        self.store = Store.read_only(str(info.path))
        self.skolem_base = info.metadata.get("base_iri") or "urn:homs-kg:"
        self.config = ServerConfig(data_dir=data_dir, result_cache_mb=0)
        self.app = create_app(self.config)
        self.client = self.app.test_client()
        self.service_store = self.app.extensions["homs_kg"]["store"]
        self.spool = Path(tempfile.mkdtemp(prefix="homs-kg-profile-"))
        self.server: Server | None = None
        self.connection: Connection | None = None
        if http:
            log = self.spool / "serve.log"
            options = ("--data-dir", str(data_dir), *SERVE_OPTIONS, "--result-cache-mb", "0")
            self.server = homs_kg_server("homs-kg", log, *options)
            self.server.start()
            self.connection = Connection(self.server.port, 300)

    def evaluate_layer(self, query: str) -> Timed:
        """The worker's whole job, as a worker runs it (server/engine/workers.py)."""
        from homs_kg.server.engine.evaluation import Evaluation, QueryJob, evaluate
        from homs_kg.server.engine.federation.calls import call_services

        job = QueryJob(query, accept=SPARQL_JSON)
        policy = self.config.service_policy

        def call(requests: list, deadline: float) -> list:
            return call_services(requests, policy, deadline)

        def run() -> None:
            setting = Evaluation(
                policy,
                call,
                time.monotonic() + self.config.timeout,
                self.skolem_base,
                self.config.max_rows,
                str(self.spool / "result"),
            )
            evaluate(self.store, job, setting).discard()

        return run

    def pool_layer(self, query: str) -> Timed:
        from homs_kg.server.engine.evaluation import QueryJob

        job = QueryJob(query, accept=SPARQL_JSON)
        return lambda: self.service_store.run(job).discard()

    def flask_layer(self, method: str, path: str, **options: object) -> Timed:
        def run() -> None:
            # closed, as a WSGI server closes it: that frees the client's slot (the limiter)
            with self.client.open(path, method=method, **options) as answer:
                answer.get_data()
            if answer.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {answer.status_code}")

        return run

    def http_layer(self, request: Request) -> Timed | None:
        if self.connection is None:
            return None

        def run() -> None:
            status = self.connection.exchange(request)[0]
            if status != 200:
                raise RuntimeError(f"{request.path}: HTTP {status}")

        return run

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        if self.server is not None:
            self.server.stop()
        self.service_store.close()
        for leftover in self.spool.glob("*"):
            leftover.unlink()
        self.spool.rmdir()


def profile_queries(layers: Layers, queries: list[tuple[str, str]], repeat: int) -> None:
    """A line per query: the median time of each layer."""
    print(
        f"{'query':30} {'rows':>6} {'engine':>8} {'evaluate':>9} {'pool':>8} {'flask':>8}"
        f" {'http':>8}   ms (median of {repeat})"
    )
    totals = dict.fromkeys(LAYERS, 0.0)
    for name, text in queries:
        form = {"data": {"query": text}, "headers": {"Accept": SPARQL_JSON}}
        timed = {
            "engine": engine(layers.store, text),
            "evaluate": layers.evaluate_layer(text),
            "pool": layers.pool_layer(text),
            "flask": layers.flask_layer("POST", "/sparql", **form),
            "http": layers.http_layer(Request.sparql("/sparql", text)),
        }
        found = {k: median_ms(f, repeat) for k, f in timed.items() if f is not None}
        for key, value in found.items():
            totals[key] += value
        rows = engine(layers.store, text)()
        cells = " ".join(f"{found.get(k, float('nan')):8.2f}" for k in LAYERS)
        print(f"{name:30} {rows:6} {cells}")
    print(f"{'sum':30} {'':6} " + " ".join(f"{v:8.2f}" for v in totals.values()))


def profile_path(layers: Layers, path: str, repeat: int, top: int) -> None:
    """A page or document: its time through Flask (and HTTP), the store queries it makes."""
    accept = "text/turtle" if path.endswith(".ttl") else "text/html"
    calls: list[float] = []
    original = layers.service_store.run

    def counted(job: object) -> object:
        began = time.perf_counter()
        try:
            return original(job)
        finally:
            calls.append(time.perf_counter() - began)

    get = layers.flask_layer("GET", path, headers={"Accept": accept})
    layers.service_store.run = counted
    try:
        get()
        first = (len(calls), sum(calls) * 1000)
        calls.clear()
        flask_ms = median_ms(get, repeat)
    finally:
        layers.service_store.run = original
    line = (
        f"{path}: flask {flask_ms:.2f} ms, of which {len(calls) / (repeat + 1):.1f} store queries "
        f"taking {sum(calls) * 1000 / (repeat + 1):.2f} ms (first request: {first[0]} queries, "
        f"{first[1]:.1f} ms)"
    )
    over_http = layers.http_layer(Request("GET", path, None, {"Accept": accept}))
    if over_http is not None:
        line += f"; over HTTP {median_ms(over_http, repeat):.2f} ms"
    print(line)
    if top:
        print_profile(get, top)


def print_profile(function: Timed, top: int) -> None:
    """The ``top`` costliest functions of one call (cumulative time)."""
    profile = cProfile.Profile()
    profile.enable()
    function()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--repeat", type=int, default=100, show_default=True)
@click.option("--queries", help="comma-separated catalogue names  [default: all]")
@click.option("--paths", default="/page/resource/homs,/data/resource/homs.ttl", show_default=True)
@click.option(
    "--cprofile",
    type=int,
    default=0,
    metavar="N",
    help="print the N costliest functions of one request per path",
)
@click.option("--no-http", is_flag=True, help="leave out the layer over HTTP")
def main(
    data_dir: Path, repeat: int, queries: str | None, paths: str, cprofile: int, no_http: bool
) -> None:
    """Where the time of one homs-kg request goes: the request taken apart layer by layer."""
    chosen = local_queries(queries.split(",") if queries else None)
    layers = Layers(data_dir, http=not no_http)
    try:
        profile_queries(layers, chosen, repeat)
        for path in filter(None, paths.split(",")):
            profile_path(layers, path, repeat, cprofile)
    finally:
        layers.close()


if __name__ == "__main__":
    main()
