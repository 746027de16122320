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
import itertools
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import requests
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
from homs_kg.server.engine.evaluation import QueryJob, QueryReply, QueryTimeout, spool_results
from homs_kg.server.engine.federation.bound_join import ServiceFailed, resolve_services
from homs_kg.server.engine.federation.calls import ServicePolicy, ServiceRefused, call_services
from homs_kg.server.engine.spool import new_spool_folder
from homs_kg.server.engine.syntax import QuerySyntaxError, has_dataset_clause, with_base
from homs_kg.server.stores.authentication import ChallengeAuth

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
BUILD_GRAPH = "build"
CACHE_SECONDS = 2.0


class StoreRefused(Exception):
    """The store did not answer a query; the reply says how."""

    def __init__(self, reply: QueryReply) -> None:
        super().__init__(reply.message)
        self.reply = reply


@dataclass(frozen=True)
class StoreAnswer:
    reply_results: object  # pyoxigraph's solutions, boolean or triples


def gsp_url_for(query_url: str) -> str:
    """Oxigraph's layout: /query for queries, /store for the Graph Store Protocol."""
    return query_url[: -len("/query")] + "/store" if query_url.endswith("/query") else query_url


class RemoteStore:
    def __init__(self, query_url: str, base_iri: str, timeout: float, max_rows: int,
                 policy: ServicePolicy, auth: ChallengeAuth | None = None) -> None:  # fmt: skip
        self.query_url = query_url
        self.iris = MintedIris(base_iri)
        self.timeout = timeout
        self.max_rows = max_rows
        self.policy = policy
        self.spool = new_spool_folder()
        self.job_numbers = itertools.count()
        self.session = requests.Session()
        self.session.auth = auth
        self.lock = threading.Lock()
        self.cached: tuple[float, str, tuple[str, ...]] = (0.0, "", ())

    def run(self, job: QueryJob) -> QueryReply:
        """SERVICE clauses answered here first (the store is not asked to call out), then the
        query sent to the store."""
        deadline = time.monotonic() + self.timeout
        try:
            resolution = resolve_services(
                job.query, self.policy, lambda text: self.ask(text, job).reply_results,
                lambda requests, until: call_services(requests, self.policy, until),
                deadline, self.iris.base,
            )  # fmt: skip
            answer = self.ask(with_base(resolution.text, self.iris.base), job)
        except (ServiceRefused, QuerySyntaxError) as error:
            return QueryReply(400, str(error))
        except ServiceFailed as error:
            return QueryReply(502, str(error))
        except StoreRefused as error:
            return error.reply
        spool_path = str(self.spool / f"{next(self.job_numbers)}.result")
        reply = spool_results(answer.reply_results, job, spool_path, job.max_rows or self.max_rows)
        return replace(reply, federated=resolution.federated, service_failed=resolution.failed,
                       volatile=resolution.volatile)  # fmt: skip

    def ask(self, query: str, job: QueryJob) -> StoreAnswer:
        """One query to the store, over the job's dataset; StoreRefused when it fails."""
        data = [("query", query)]
        graphs = job.default_graphs
        if not graphs and not has_dataset_clause(query):
            graphs = self.state()[1]  # the union default graph, unless the query has FROM
        data += [("default-graph-uri", g) for g in graphs]
        data += [("named-graph-uri", g) for g in job.named_graphs]
        try:
            answer = self.session.post(self.query_url, data=data, timeout=self.timeout,
                                       headers={"Accept": ACCEPT})  # fmt: skip
        except requests.Timeout as error:
            raise QueryTimeout from error
        except requests.RequestException as error:
            raise StoreRefused(QueryReply(502, f"the store did not answer: {error}")) from error
        if answer.status_code == 400:
            raise StoreRefused(QueryReply(400, " ".join(answer.text.split())[:2000]))
        if answer.status_code != 200:
            raise StoreRefused(QueryReply(502, f"the store answered {answer.status_code}"))
        return StoreAnswer(self.results(answer))

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
                auth: ChallengeAuth | None = None, timeout: float = 300.0) -> None:  # fmt: skip
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
    with requests.Session() as session:
        session.auth = auth
        for graph, members in [*graphs.items(), (build_graph.value, marker)]:
            body = serialize((m.triple for m in members), format=RdfFormat.N_TRIPLES)
            answer = session.put(gsp_url, params={"graph": graph}, data=body, timeout=timeout,
                                 headers={"Content-Type": "application/n-triples"})  # fmt: skip
            if answer.status_code not in (200, 201, 204):
                raise RuntimeError(refusal(graph, answer))


def literal(value: str, datatype: str | None = None) -> Literal:
    return Literal(value, datatype=XSD[datatype]) if datatype else Literal(value)


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def refusal(graph: str, answer: requests.Response) -> str:
    """Why the store refused a graph; a refusal of credentials names where they are given."""
    if answer.status_code in (401, 403):
        return (f"the store refused graph {graph} ({answer.status_code}): give the credentials of "
                "a user that may write in HOMS_KG_STORE_USER and HOMS_KG_STORE_PASSWORD")
    return f"the store refused graph {graph}: {answer.status_code} {answer.text[:200]}"
