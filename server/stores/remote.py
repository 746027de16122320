"""A remote SPARQL 1.1 store behind the same narrow interface as the embedded one.

Queries go to the store's SPARQL endpoint (SPARQL 1.1 Protocol, section 2.1.2: a URL-encoded
POST, which every engine takes; Virtuoso 7 never answers a POST of ``application/sparql-query``)
and read the store's live build (server/stores/remote_builds.py): the dataset is decided here
and sent with every query (server/stores/remote_dataset.py), and the answer is read as the
embedded store would give it (server/stores/remote_answers.py, server/stores/remote_results.py);
a CONSTRUCT is sent as the SELECT of its pattern (server/stores/remote_construct.py).
So the same HTTP layer, pages and catalogue run over Oxigraph's server or Virtuoso, and by the
same protocols over QLever, GraphDB or Amazon Neptune. Differences from the embedded store, by
design:

- the time limit is the HTTP request's: the remote engine decides whether it stops its work;
- the live build is read from the store at most every ``STATE_SECONDS``;
- there are no dumps (the store's own export is the place for those).
"""

from __future__ import annotations

import datetime
import itertools
import threading
import time
from dataclasses import replace
from pathlib import Path

import requests

from homs_kg.graph.store import build_time
from homs_kg.graph.vocabulary import MintedIris
from homs_kg.server.engine.evaluation import QueryJob, QueryReply, QueryTimeout, spool_results
from homs_kg.server.engine.federation.bound_join import ServiceFailed, resolve_services
from homs_kg.server.engine.federation.calls import ServicePolicy, ServiceRefused, call_services
from homs_kg.server.engine.results import solutions
from homs_kg.server.engine.spool import new_spool_folder
from homs_kg.server.engine.syntax import QuerySyntaxError, query_form, with_base
from homs_kg.server.stores.authentication import ChallengeAuth
from homs_kg.server.stores.remote_answers import (
    GRAPH,
    SOLUTIONS,
    StoreAnswer,
    StoreRefused,
    read_answer,
)
from homs_kg.server.stores.remote_builds import STATE_SECONDS, BuildLayout, BuildState
from homs_kg.server.stores.remote_construct import as_select, instantiate
from homs_kg.server.stores.remote_dataset import for_build

EPOCH = datetime.datetime.fromtimestamp(0, datetime.UTC)


def gsp_url_for(query_url: str) -> str:
    """Oxigraph's layout: /query for queries, /store for the Graph Store Protocol."""
    return query_url[: -len("/query")] + "/store" if query_url.endswith("/query") else query_url


class RemoteStore:
    def __init__(
        self,
        query_url: str,
        base_iri: str,
        timeout: float,
        max_rows: int,
        policy: ServicePolicy,
        auth: ChallengeAuth | None = None,
    ) -> None:
        self.query_url = query_url
        self.iris = MintedIris(base_iri)
        self.layout = BuildLayout(self.iris)
        self.timeout = timeout
        self.max_rows = max_rows
        self.policy = policy
        self.spool = new_spool_folder()
        self.job_numbers = itertools.count()
        self.session = requests.Session()
        self.session.auth = auth
        self.lock = threading.Lock()
        self.cached: tuple[float, BuildState] = (float("-inf"), BuildState())

    def run(self, job: QueryJob) -> QueryReply:
        """SERVICE clauses answered here first (the store is not asked to call out), then the
        query sent to the store, over the live build."""
        deadline = time.monotonic() + self.timeout
        state = self.state()
        try:
            resolution = resolve_services(
                job.query,
                self.policy,
                lambda text: solutions(self.ask(text, job, state).results),
                lambda requests, until: call_services(requests, self.policy, until),
                deadline,
                self.iris.base,
            )
            answer = self.ask(with_base(resolution.text, self.iris.base), job, state)
        except (ServiceRefused, QuerySyntaxError) as error:
            return QueryReply(400, str(error))
        except ServiceFailed as error:
            return QueryReply(502, str(error))
        except StoreRefused as error:
            return error.reply
        if state.kept and state.build_id not in self.state().kept:
            return QueryReply(
                503,
                "the store's build changed twice while the query read it, "
                "and the graphs it read are being removed; ask again",
            )
        spool_path = str(self.spool / f"{next(self.job_numbers)}.result")
        limit = job.max_rows or self.max_rows
        reply = within_limits(spool_results(answer.results, job, spool_path, limit), answer, limit)
        return replace(
            reply,
            build_id=state.build_id,
            federated=resolution.federated,
            service_failed=resolution.failed,
            volatile=resolution.volatile,
        )

    def ask(self, query: str, job: QueryJob, state: BuildState) -> StoreAnswer:
        """One query to the store, over the job's dataset in the build; StoreRefused when the
        store does not give a whole answer."""
        form = query_form(query) or "SELECT"
        if form != "CONSTRUCT":
            return self.send(query, form, job, state)
        try:
            construct = as_select(query)
        except QuerySyntaxError as error:
            raise StoreRefused(QueryReply(400, f"malformed query: {error}")) from error
        triples: dict = {}
        cut_at = None
        for text in construct.queries:
            found = self.send(text, "SELECT", job, state)
            triples.update(dict.fromkeys(instantiate(construct.template, solutions(found.results))))
            cut_at = found.cut_at if cut_at is None else cut_at
        return StoreAnswer(list(triples), cut_at)

    def send(self, query: str, form: str, job: QueryJob, state: BuildState) -> StoreAnswer:
        """One request to the store (SPARQL 1.1 Protocol section 2.1.2, a URL-encoded POST)."""
        try:
            request = for_build(query, job.default_graphs, job.named_graphs, state, self.layout)
        except QuerySyntaxError as error:
            raise StoreRefused(QueryReply(400, f"malformed query: {error}")) from error
        data = [("query", request.query)]
        data += [("default-graph-uri", g) for g in request.default_graphs]
        data += [("named-graph-uri", g) for g in request.named_graphs]
        accept = SOLUTIONS if form in ("SELECT", "ASK") else GRAPH
        try:
            answer = self.session.post(
                self.query_url, data=data, timeout=self.timeout, headers={"Accept": accept}
            )
        except requests.Timeout as error:
            raise QueryTimeout from error
        except requests.RequestException as error:
            raise StoreRefused(QueryReply(502, f"the store did not answer: {error}")) from error
        return read_answer(answer, form, state.public_names)

    def state(self) -> BuildState:
        """The store's complete builds and the live one's graphs, read at most every
        ``STATE_SECONDS`` (stamped with the time the reading started, so never older than
        that); the last state read while the store does not answer."""
        with self.lock:
            stamp, state = self.cached
        if time.monotonic() - stamp < STATE_SECONDS:
            return state
        started = time.monotonic()
        try:
            answer = self.session.post(
                self.query_url,
                data={"query": self.layout.state_query()},
                timeout=self.timeout,
                headers={"Accept": SOLUTIONS},
            )
            answer.raise_for_status()
            rows = answer.json()["results"]["bindings"]
        except (requests.RequestException, ValueError, KeyError):
            return state
        state = self.layout.state({k: cell["value"] for k, cell in row.items()} for row in rows)
        with self.lock:
            if started > self.cached[0]:
                self.cached = (started, state)
        return state

    @property
    def build_id(self) -> str:
        return self.state().build_id

    @property
    def built_at(self) -> datetime.datetime:
        return build_time(self.build_id) or EPOCH

    def dump_path(self, name: str) -> Path | None:
        return None

    def close(self) -> None:
        self.session.close()


def within_limits(reply: QueryReply, answer: StoreAnswer, limit: int) -> QueryReply:
    """An answer the store cut at its own row limit: cut at ours, when it reached ours (its
    first rows are ours); refused when it did not, since the answer would look whole."""
    if answer.cut_at is None or reply.status != 200:
        return reply
    if reply.rows >= limit:
        return replace(reply, truncated=True)
    reply.discard()
    return QueryReply(
        502,
        f"the store cut its answer at {answer.cut_at} rows (its own row limit, "
        f"Virtuoso's ResultSetMaxRows), below this service's {limit}; an "
        "incomplete answer is not passed on",
    )
