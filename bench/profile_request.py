"""Where the time of one homs-kg request goes: the request taken apart layer by layer.

    python bench/profile_request.py --data-dir DIR [--repeat 200] [--queries a,b] [--cprofile 25]

For every non-federated catalogue query, the median time (``--repeat`` runs, after a warm-up) of
each layer, measured in this process over the store of ``DIR`` (a homs-kg data directory):

- ``engine``: ``Store.query`` (read-only handle, union default graph) and iterating every solution
  and every value (Oxigraph's evaluation plus pyoxigraph's Python objects);
- ``evaluate``: the worker's whole job, ``homs_kg.server.engine.evaluation.evaluate``: the
  SERVICE check, the query, content negotiation and the SPARQL JSON written row by row to a
  spool file;
- ``pool``: the HTTP layer's call ``SparqlStore.run(job)``, which sends the job to a worker
  process over a pipe and waits for its reply (so ``pool - evaluate`` is the process round trip);
- ``flask``: the whole request through the Flask application (``test_client().post``, form body,
  ``Accept: application/sparql-results+json``), reading the streamed body;
- ``http``: the same request over HTTP to a real ``homs-kg serve`` (waitress) on a free port, one
  client, keep-alive.

Each layer contains the one before it, so the differences say what each layer adds. With
``--paths`` (default: the page and the Turtle document of ``resource/homs``) it also times those
requests through Flask and over HTTP, counts the store queries each one makes (and their time, by
wrapping ``SparqlStore.run`` on the application's store object), and with ``--cprofile N`` prints
the N most expensive functions of one such request (cumulative time, main process only).
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from pyoxigraph import QuerySolutions, Store

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import PROCESSES, SERVICE, free_port

SPARQL_JSON = "application/sparql-results+json"


def median_ms(function, repeat: int) -> float:
    function()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000


def engine(store: Store, query: str):
    def run() -> int:
        results = store.query(query, use_default_graph_as_union=True)
        count = 0
        if isinstance(results, QuerySolutions):
            names = [v for v in results.variables]
            for row in results:
                for name in names:
                    value = row[name]
                    if value is not None:
                        value.value  # noqa: B018 (touch the value, as a serialiser would)
                count += 1
        return count

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--queries", help="comma-separated catalogue names (default: all)")
    parser.add_argument("--paths", default="/page/resource/homs,/data/resource/homs.ttl")
    parser.add_argument(
        "--cprofile",
        type=int,
        default=0,
        help="print the N costliest functions of one request per path",
    )
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()

    from homs_kg.graph.store import current_path
    from homs_kg.server.app import create_app
    from homs_kg.server.catalogue.queries import load_catalogue
    from homs_kg.server.engine.evaluation import QueryJob, evaluate
    from homs_kg.server.engine.federation.calls import ServicePolicy
    from homs_kg.server.settings import ServerConfig

    queries = [(q.name, q.text) for q in load_catalogue() if not SERVICE.search(q.text)]
    if args.queries:
        wanted = set(args.queries.split(","))
        queries = [(n, t) for n, t in queries if n in wanted]
    store = Store.read_only(str(current_path(args.data_dir)))
    spool = Path(tempfile.mkdtemp(prefix="homs-kg-profile-"))
    config = ServerConfig(data_dir=args.data_dir)
    app = create_app(config)
    client = app.test_client()
    service_store = app.extensions["homs_kg"]["store"]
    server = None
    if not args.no_http:
        port = free_port()
        log = Path(tempfile.mkdtemp(prefix="homs-kg-profile-log-")) / "serve.log"
        server = PROCESSES.start(
            [
                str(Path(sys.executable).parent / "homs-kg"),
                "serve",
                "--data-dir",
                str(args.data_dir),
                "--port",
                str(port),
                "--threads",
                "16",
                "--query-workers",
                "2",
            ],
            log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def http_request(method: str, path: str, body: bytes | None, headers: dict):
        def run() -> None:
            connection.request(method, path, body, headers)
            answer = connection.getresponse()
            answer.read()
            if answer.status != 200:
                raise RuntimeError(f"{path}: HTTP {answer.status}")

        return run

    try:
        print(
            f"{'query':30} {'rows':>6} {'engine':>8} {'evaluate':>9} {'pool':>8} {'flask':>8}"
            f" {'http':>8}   ms (median of {args.repeat})"
        )
        totals = dict.fromkeys(("engine", "evaluate", "pool", "flask", "http"), 0.0)
        for name, text in queries:
            job = QueryJob(text, accept=SPARQL_JSON)
            rows = engine(store, text)()

            def run_evaluate(job: QueryJob = job) -> None:
                reply = evaluate(store, job, spool, 10000, ServicePolicy())
                if reply.path:
                    os.unlink(reply.path)

            def run_pool(job: QueryJob = job) -> None:
                reply = service_store.run(job)
                if reply.path:
                    os.unlink(reply.path)

            def run_flask(text: str = text, name: str = name) -> None:
                answer = client.post(
                    "/sparql", data={"query": text}, headers={"Accept": SPARQL_JSON}
                )
                answer.get_data()
                if answer.status_code != 200:
                    raise RuntimeError(f"{name}: HTTP {answer.status_code}")

            found = {
                "engine": median_ms(engine(store, text), args.repeat),
                "evaluate": median_ms(run_evaluate, args.repeat),
                "pool": median_ms(run_pool, args.repeat),
                "flask": median_ms(run_flask, args.repeat),
            }
            if server is not None:
                body = urllib.parse.urlencode({"query": text}).encode()
                headers = {
                    "Accept": SPARQL_JSON,
                    "Content-Type": "application/x-www-form-urlencoded",
                }
                found["http"] = median_ms(
                    http_request("POST", "/sparql", body, headers), args.repeat
                )
            for key, value in found.items():
                totals[key] += value
            print(
                f"{name:30} {rows:6} "
                + " ".join(f"{found.get(k, float('nan')):8.2f}" for k in totals)
            )
        print(f"{'sum':30} {'':6} " + " ".join(f"{v:8.2f}" for v in totals.values()))

        calls: list[float] = []
        original_run = service_store.run

        def counted_run(job):
            began = time.perf_counter()
            try:
                return original_run(job)
            finally:
                calls.append(time.perf_counter() - began)

        service_store.run = counted_run
        for path in filter(None, args.paths.split(",")):
            accept = "text/turtle" if path.endswith(".ttl") else "text/html"
            calls.clear()
            answer = client.get(path, headers={"Accept": accept})
            answer.get_data()
            first = (len(calls), sum(calls) * 1000)

            def run_get(path: str = path, accept: str = accept) -> None:
                reply = client.get(path, headers={"Accept": accept})
                reply.get_data()

            calls.clear()
            flask_ms = median_ms(run_get, args.repeat)
            per_request = len(calls) / (args.repeat + 1)
            store_ms = sum(calls) * 1000 / (args.repeat + 1)
            line = (
                f"{path}: flask {flask_ms:.2f} ms, of which {per_request:.1f} store queries "
                f"taking {store_ms:.2f} ms (first request: {first[0]} queries, {first[1]:.1f}"
                f" ms)"
            )
            if server is not None:
                http_ms = median_ms(
                    http_request("GET", path, None, {"Accept": accept}), args.repeat
                )
                line += f"; over HTTP {http_ms:.2f} ms"
            print(line)
            if args.cprofile:
                profile = cProfile.Profile()
                profile.enable()
                run_get()
                profile.disable()
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(
                    args.cprofile
                )
                print(out.getvalue())
        service_store.run = original_run
    finally:
        if server is not None:
            PROCESSES.stop(server)
        service_store.close()
        for leftover in spool.glob("*"):
            leftover.unlink()
        spool.rmdir()
        subprocess.run(["true"], check=False)


if __name__ == "__main__":
    main()
