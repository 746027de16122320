"""A remote SPARQL 1.1 store behind the same narrow interface as the embedded one.

Queries go to the store's SPARQL endpoint (SPARQL 1.1 Protocol, section 2.1, POST form); loading
uses the SPARQL 1.1 Graph Store HTTP Protocol (section 5.3, PUT replaces a graph). So the same
HTTP layer, pages and catalogue run over Oxigraph's server, and by the same protocols over QLever,
Virtuoso, GraphDB or Amazon Neptune. Differences from the embedded store, by design:

- the union default graph is asked for with one ``default-graph-uri`` per named graph (any
  endpoint understands that), the list of graphs read once per build;
- the time limit is the HTTP request's: the remote engine decides whether it stops its work;
- the build id is read from the graph ``{base}graph/build`` that ``build --store`` writes last;
- there are no dumps (the store's own export is the place for those).
"""

from __future__ import annotations

import datetime
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import (
    Literal,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)

from homs_kg.graph.vocabulary import DCTERMS, PROV, RDF, XSD, MintedIris

from .evaluation import QueryJob, QueryReply, QueryTimeout, spool_results
from .federation import ServicePolicy, ServiceRefused, check_services

if TYPE_CHECKING:
    import requests

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
BUILD_GRAPH = "build"
CACHE_SECONDS = 2.0


def gsp_url_for(query_url: str) -> str:
    """Oxigraph's layout: /query for queries, /store for the Graph Store Protocol."""
    return query_url[: -len("/query")] + "/store" if query_url.endswith("/query") else query_url


class RemoteStore:
    def __init__(self, query_url: str, base_iri: str, timeout: float, max_rows: int,
                 policy: ServicePolicy) -> None:  # fmt: skip
        self.query_url = query_url
        self.iris = MintedIris(base_iri)
        self.timeout = timeout
        self.max_rows = max_rows
        self.policy = policy
        self.spool = Path(tempfile.mkdtemp(prefix="homs-kg-remote-"))
        import requests  # only a server over a remote store needs an HTTP client

        self.session = requests.Session()
        self.lock = threading.Lock()
        self.cached: tuple[float, str, tuple[str, ...]] = (0.0, "", ())

    def run(self, job: QueryJob) -> QueryReply:
        import requests

        try:
            check_services(job.query, self.policy)
        except ServiceRefused as error:
            return QueryReply(400, str(error))
        data = [("query", job.query)]
        graphs = job.default_graphs or self.state()[1]
        data += [("default-graph-uri", g) for g in graphs]
        data += [("named-graph-uri", g) for g in job.named_graphs]
        try:
            answer = self.session.post(self.query_url, data=data, timeout=self.timeout,
                                       headers={"Accept": ACCEPT})  # fmt: skip
        except requests.Timeout as error:
            raise QueryTimeout from error
        except requests.RequestException as error:
            return QueryReply(502, f"the store did not answer: {error}")
        if answer.status_code == 400:
            return QueryReply(400, " ".join(answer.text.split())[:2000])
        if answer.status_code != 200:
            return QueryReply(502, f"the store answered {answer.status_code}")
        return spool_results(self.results(answer), job, self.spool, job.max_rows or self.max_rows)

    @staticmethod
    def results(answer: requests.Response) -> object:
        media = answer.headers.get("Content-Type", "").split(";")[0].strip()
        if media == "application/sparql-results+json":
            return parse_query_results(answer.content, format=QueryResultsFormat.JSON)
        return parse(answer.content, format=RdfFormat.from_media_type(media) or RdfFormat.N_TRIPLES)

    def state(self) -> tuple[str, tuple[str, ...]]:
        """The build id and the named graphs, read from the store at most every few seconds."""
        with self.lock:
            stamp, build_id, graphs = self.cached
            if time.monotonic() - stamp < CACHE_SECONDS:
                return build_id, graphs
        build_graph = self.iris.graph(BUILD_GRAPH).value
        query = (
            f"SELECT DISTINCT ?g ?id WHERE {{ {{ GRAPH ?g {{ }} }} UNION {{ GRAPH <{build_graph}> "
            f"{{ ?b <{DCTERMS.identifier.value}> ?id }} }} }}"
        )
        answer = self.session.post(
            self.query_url,
            data={"query": query},
            timeout=self.timeout,
            headers={"Accept": "application/sparql-results+json"},
        )
        answer.raise_for_status()
        rows = answer.json()["results"]["bindings"]
        graphs = tuple(sorted({r["g"]["value"] for r in rows if "g" in r} - {build_graph}))
        build_id = next((r["id"]["value"] for r in rows if "id" in r), "unbuilt")
        with self.lock:
            self.cached = (time.monotonic(), build_id, graphs)
        return build_id, graphs

    @property
    def build_id(self) -> str:
        return self.state()[0]

    @property
    def built_at(self) -> datetime.datetime:
        try:
            return datetime.datetime.strptime(self.build_id, "%Y%m%dT%H%M%S%fZ").replace(
                tzinfo=datetime.UTC)  # fmt: skip
        except ValueError:
            return datetime.datetime.fromtimestamp(0, datetime.UTC)

    def dump_path(self, name: str) -> Path | None:
        return None

    def close(self) -> None:
        self.session.close()


def load_remote(gsp_url: str, quads: list[Quad], iris: MintedIris, build_id: str,
                timeout: float = 300.0) -> None:  # fmt: skip
    """Replace each named graph of the store with the build's (GSP PUT), the build graph last."""
    graphs: dict[str, list[Quad]] = {}
    for quad in quads:
        graphs.setdefault(quad.graph_name.value, []).append(quad)
    build_graph = iris.graph(BUILD_GRAPH)
    build_node = build_graph
    marker = [
        Quad(build_node, RDF.type, PROV.Entity, build_graph),
        Quad(build_node, DCTERMS.identifier, literal(build_id), build_graph),
        Quad(build_node, PROV.generatedAtTime, literal(now(), "dateTime"), build_graph),
    ]
    import requests

    with requests.Session() as session:
        for graph, members in [*graphs.items(), (build_graph.value, marker)]:
            body = serialize((m.triple for m in members), format=RdfFormat.N_TRIPLES)
            answer = session.put(gsp_url, params={"graph": graph}, data=body, timeout=timeout,
                                 headers={"Content-Type": "application/n-triples"})  # fmt: skip
            if answer.status_code not in (200, 201, 204):
                raise RuntimeError(f"the store refused graph {graph}: {answer.status_code} "
                                   f"{answer.text[:200]}")  # fmt: skip


def literal(value: str, datatype: str | None = None) -> Literal:
    return Literal(value, datatype=XSD[datatype]) if datatype else Literal(value)


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
