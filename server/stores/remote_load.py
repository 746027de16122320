"""``homs-kg build --store``: a build loaded into a remote store beside the live one, then
switched to in one step (the layout: server/stores/remote_builds.py).

By the SPARQL 1.1 Graph Store HTTP Protocol alone, so that any writable store takes it:

1. each graph of the build is written under its stored name (section 5.3, PUT: the graph is
   replaced, so a failed earlier attempt under the same name leaves nothing behind), and the
   union of them all, each triple once;
2. the build's description, without the triple that completes it (PUT);
3. the completing triple (section 5.5, POST: merged into the description): the switch. A
   server reading the store sees the previous build whole before it, this one whole after;
4. the builds older than the previous one: their descriptions removed (section 5.4, DELETE),
   so that no server reads them any more; then, ``SWITCH_SECONDS`` later, their graphs, and
   the graphs of builds that never completed.

A failure before step 3 leaves the live build untouched (the next build removes what was
written); after it the new build is live, and old graphs wait for the next build.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import requests
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, serialize

from homs_kg.graph.vocabulary import MintedIris
from homs_kg.server.stores.authentication import ChallengeAuth
from homs_kg.server.stores.remote_answers import CREDENTIALS, SOLUTIONS
from homs_kg.server.stores.remote_builds import SWITCH_SECONDS, BuildLayout

N_TRIPLES = "application/n-triples"
WRITTEN = (200, 201, 204)


class LoadFailed(Exception):
    """The store refused or did not answer a step of the load; the message says which."""


class RemoteLoader:
    """The Graph Store Protocol requests of one build, over one HTTP session."""

    def __init__(
        self,
        query_url: str,
        gsp_url: str,
        iris: MintedIris,
        auth: ChallengeAuth | None = None,
        timeout: float = 300.0,
    ) -> None:
        self.query_url = query_url
        self.gsp_url = gsp_url
        self.layout = BuildLayout(iris)
        self.timeout = timeout
        self.session = requests.Session()
        self.session.auth = auth

    def load(
        self,
        quads: Iterable[Quad],
        build_id: str,
        generated: str,
        pause: Callable[[float], None] = time.sleep,
    ) -> int:
        """Load, switch to and clean up after the build; its number of triples."""
        graphs: dict[str, list[Quad]] = {}
        for quad in quads:
            name = quad.graph_name
            graphs.setdefault("" if isinstance(name, DefaultGraph) else name.value, []).append(quad)
        for public in graphs:
            try:
                self.layout.check_public(public)
            except ValueError as error:
                raise LoadFailed(str(error)) from error
        names = {public: self.layout.stored(public, build_id) for public in graphs}
        for public, members in graphs.items():
            self.put(names[public], (renamed(q, names) for q in members))
        union = {q.triple: None for members in graphs.values() for q in members}
        self.put(
            self.layout.union(build_id),
            (renamed(Quad(t.subject, t.predicate, t.object, DefaultGraph()), names) for t in union),
        )
        description = self.layout.description(build_id)
        self.put(description, self.layout.description_quads(build_id, graphs))
        self.send("POST", description, [self.layout.completion(build_id, generated)])
        self.remove_old(build_id, pause)
        return sum(len(members) for members in graphs.values())

    def remove_old(self, build_id: str, pause: Callable[[float], None]) -> None:
        """Every build but this one and the newest complete one before it: descriptions first,
        graphs once every server has stopped reading them."""
        complete, graphs = self.builds()
        earlier = sorted(b for b in complete if b < build_id)
        kept = {build_id, *earlier[-1:]}
        dropped = [b for b in earlier if b not in kept]
        for old in dropped:
            self.delete(self.layout.description(old))
        leftovers = [
            g
            for g in graphs
            if (self.layout.build_of(g) or build_id) < build_id
            and self.layout.build_of(g) not in kept
        ]
        if dropped:
            pause(SWITCH_SECONDS)
        for graph in leftovers:
            self.delete(graph)

    def builds(self) -> tuple[set[str], list[str]]:
        """The ids of the complete builds in the store, and every graph in the builds' space."""
        query = (
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f'FILTER(STRSTARTS(STR(?g), "{self.layout.prefix}")) }}'
        )
        rows = self.select(query)
        state = self.layout.state(self.select(self.layout.state_query()))
        return set(state.kept), sorted(row["g"] for row in rows)

    def select(self, query: str) -> list[dict[str, str]]:
        """A query's rows, as plain values (SPARQL 1.1 Protocol section 2.1.2, URL-encoded POST:
        Virtuoso 7 never answers a POST of ``application/sparql-query``)."""
        try:
            answer = self.session.post(
                self.query_url,
                data={"query": query},
                timeout=self.timeout,
                headers={"Accept": SOLUTIONS},
            )
        except requests.RequestException as error:
            raise LoadFailed(f"the store's query endpoint did not answer: {error}") from error
        if answer.status_code != 200:
            raise LoadFailed(f"the store's query endpoint answered {answer.status_code}")
        try:
            bindings = answer.json()["results"]["bindings"]
        except (ValueError, KeyError) as error:
            raise LoadFailed("the store's query endpoint did not answer SPARQL JSON") from error
        return [{name: cell["value"] for name, cell in row.items()} for row in bindings]

    def put(self, graph: str, quads: Iterable[Quad]) -> None:
        self.send("PUT", graph, quads)

    def send(self, method: str, graph: str, quads: Iterable[Quad]) -> None:
        body = serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES)
        self.request(method, graph, body)

    def delete(self, graph: str) -> None:
        self.request("DELETE", graph, None, missing_ok=True)

    def request(
        self, method: str, graph: str, body: bytes | None, missing_ok: bool = False
    ) -> None:
        """One Graph Store Protocol request on ``?graph=`` (section 4.2, indirect graph
        identification)."""
        headers = {"Content-Type": N_TRIPLES} if body is not None else {}
        try:
            answer = self.session.request(
                method,
                self.gsp_url,
                params={"graph": graph},
                data=body,
                headers=headers,
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise LoadFailed(f"the store did not answer ({method} {graph}): {error}") from error
        if answer.status_code in WRITTEN or (missing_ok and answer.status_code == 404):
            return
        if answer.status_code in (401, 403):
            raise LoadFailed(
                f"the store refused {method} of graph {graph} "
                f"({answer.status_code}): give the credentials of a user that may "
                f"write in {CREDENTIALS}"
            )
        words = " ".join(answer.text.split())[:300]
        raise LoadFailed(
            f"the store refused {method} of graph {graph}: {answer.status_code} {words}"
        )

    def close(self) -> None:
        self.session.close()


def renamed(quad: Quad, names: dict[str, str]) -> Quad:
    """A quad whose subject or object names a graph of the build, with the graph's stored name."""
    subject, value = quad.subject, quad.object
    if isinstance(subject, NamedNode) and subject.value in names:
        subject = NamedNode(names[subject.value])
    if isinstance(value, NamedNode) and value.value in names:
        value = NamedNode(names[value.value])
    return Quad(subject, quad.predicate, value, quad.graph_name)
