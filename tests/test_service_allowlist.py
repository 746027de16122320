"""No SERVICE reaches past the allowlist, however it is hidden.

A loopback listener (the trap) must see no connection at all. Three layers are tried apart:
the SERVICE reading (escapes, comments, prefixes, BASE, keyword forms, nesting: every hiding place
the security review found or could think of, and hypothesis-generated ones), the sandbox of the
query workers (which stops even a SERVICE the reading missed), and the running server.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections.abc import Iterator

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import NamedNode, Quad, Store

from homs_kg.server.engine.federation.bound_join import ServiceFailed, resolve_services
from homs_kg.server.engine.federation.calls import ServiceAnswer, ServicePolicy, ServiceRefused
from homs_kg.server.engine.sandbox import forbid_network
from homs_kg.server.engine.syntax import QuerySyntaxError

from .conftest import LiveServer

EXAMPLES = int(os.environ.get("HOMS_KG_FUZZ_EXAMPLES", "200"))
SPARQL_QUERY = "application/sparql-query"


def hidden_services(trap: str) -> dict[str, str]:
    """The review's bypasses (an escape that ends a string for rdflib, not for the engine) and
    the other places a SERVICE could hide."""
    service = f"SERVICE <{trap}> {{ ?x ?p ?o }}"
    return {
        "escaped-double-quote": f'SELECT * WHERE {{ BIND("\\u0022 AS ?z) }} #" AS ?z) {service} }}',
        "escaped-single-quote": f"SELECT * WHERE {{ BIND('\\u0027 AS ?z) }} #' AS ?z) {service} }}",
        "escaped-long-string": (
            f'SELECT * WHERE {{ BIND("""\\u0022\\u0022\\u0022 AS ?z) }} #""" AS ?z) {service} }}'
        ),
        "escaped-long-single": (
            f"SELECT * WHERE {{ BIND('''\\u0027\\u0027\\u0027 AS ?z) }} #''' AS ?z) {service} }}"
        ),
        "escaped-iri": f"SELECT * WHERE {{ SERVICE <{trap[:-1]}\\u0078> {{ ?x ?p ?o }} }}",
        "prefixed-name": f"PREFIX t: <{trap[:-1]}> SELECT * WHERE {{ SERVICE t:x {{ ?x ?p ?o }} }}",
        "prefixed-escape": (
            f"PREFIX t: <{trap[:-1]}> SELECT * WHERE {{ SERVICE t:\\.x {{ ?s ?p ?o }} }}"
        ),
        "relative-to-base": f"BASE <{trap}> SELECT * WHERE {{ SERVICE <y> {{ ?x ?p ?o }} }}",
        "hash-in-string": f'SELECT * WHERE {{ ?s ?p "a#b" . {service} }}',
        "keyword-case": f"select * where {{ sErViCe <{trap}> {{ ?x ?p ?o }} }}",
        "keywords-joined": f"SELECT * WHERE {{ SERVICESILENT<{trap}>{{?x ?p ?o}} }}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{trap}> {{ ?x ?p ?o }} }}",
        "in-exists": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ {service} }} }}",
        "in-projection": f"SELECT (EXISTS {{ {service} }} AS ?e) WHERE {{ }}",
        "in-order-by": f"SELECT * WHERE {{ ?s ?p ?o }} ORDER BY (EXISTS {{ {service} }})",
        "in-subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ {service} }} }} }}",
        "in-optional": f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ {service} }} }}",
        "nested-service": (
            f"SELECT * WHERE {{ SERVICE <https://query.wikidata.org/sparql> {{ {service} }} }}"
        ),
        "after-long-string": f'SELECT * WHERE {{ BIND("{"x" * 200_000}" AS ?z) {service} }}',
        "variable-target": f"SELECT * WHERE {{ BIND(<{trap}> AS ?t) SERVICE ?t {{ ?x ?p ?o }} }}",
    }


TRAP_PLACEHOLDER = "http://127.0.0.1:1/trap"
CASES = sorted(hidden_services(TRAP_PLACEHOLDER))


def trap_url(listener: tuple[int, list]) -> str:
    return f"http://127.0.0.1:{listener[0]}/trap"


def no_calls(requests_: list, deadline: float) -> list[ServiceAnswer]:
    """A caller for the reading tests: an allowed SERVICE is answered as failed, never sent."""
    return [ServiceAnswer(error="not sent in this test") for _ in requests_]


def evaluate_in_process(query: str) -> None:
    """What the engine does with the text the SERVICE reading hands it (no sandbox here)."""
    store = Store()
    store.add(Quad(NamedNode("urn:s"), NamedNode("urn:p"), NamedNode("urn:o")))
    resolution = resolve_services(
        query,
        ServicePolicy(),
        lambda t: store.query(t),
        no_calls,
        time.monotonic() + 5,
        "urn:test:",
    )
    results = store.query(resolution.text)
    if hasattr(results, "__iter__"):
        list(results)


@pytest.mark.parametrize("case", CASES)
def test_the_reading_refuses_a_hidden_service(listener, case: str) -> None:
    query = hidden_services(trap_url(listener))[case]
    with pytest.raises((ServiceRefused, QuerySyntaxError)):
        evaluate_in_process(query)
    assert listener[1] == []


@pytest.mark.parametrize("case", CASES)
def test_the_server_refuses_a_hidden_service(live_server: LiveServer, listener, case: str) -> None:
    query = hidden_services(trap_url(listener))[case]
    response = requests.post(
        f"{live_server.url}/sparql",
        data=query.encode(),
        timeout=30,
        headers={"Content-Type": SPARQL_QUERY},
    )
    assert response.status_code == 400, response.text
    assert listener[1] == []


def test_a_hidden_service_in_a_form_body_is_refused(live_server: LiveServer, listener) -> None:
    query = hidden_services(trap_url(listener))["escaped-double-quote"]
    response = requests.post(f"{live_server.url}/sparql", data={"query": query}, timeout=30)
    assert response.status_code == 400
    assert "is not allowed" in response.json()["detail"]
    assert listener[1] == []


def sandboxed_service_call(url: str, results: multiprocessing.Queue) -> None:
    forbid_network()
    try:
        list(Store().query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"))
        results.put("called")
    except OSError as error:
        results.put(f"{type(error).__name__}: {error}")


def test_a_sandboxed_engine_cannot_call_any_service(listener) -> None:
    """The defence that does not depend on reading the query: the engine itself, asked for a
    SERVICE on loopback, cannot open the socket."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    process = context.Process(target=sandboxed_service_call, args=(trap_url(listener), results))
    process.start()
    outcome = results.get(timeout=30)
    process.join(10)
    assert outcome == "PermissionError: Permission denied (os error 13)"
    assert listener[1] == []


# --- generated hiding places -------------------------------------------------------------------

HIDERS = [
    '"\\u0022',
    "'\\u0027",
    '"""\\u0022\\u0022\\u0022',
    "'''\\u0027\\u0027\\u0027",
    '"\\"',
    '"\\\\"',
    "#",
    "# \\u000a",
    '"',
    "'",
    "<",
    "<urn:x#",
    '"a#b"',
    "'''",
    '"""',
    "\\u0023",
    "\\u0022",
    "}",
    "{",
    "(",
    "FILTER(",
    "EXISTS {",
    "BIND(",
    "?x\\u0020",
    "x:\\.",
]
KEYWORDS = ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "SERVICESILENT", "SERVICE\t"]


def targets(trap: str) -> list[str]:
    return [f"<{trap}>", f"<{trap[:-1]}\\u0070>", "t:trap", "t:tra\\p", "<trap>", "t:"]


@st.composite
def hiding_queries(draw: st.DrawFn, trap: str) -> str:
    prologue = draw(st.sampled_from(["", f"PREFIX t: <{trap[:-4]}> ", f"BASE <{trap[:-4]}> "]))
    before = draw(st.lists(st.sampled_from(HIDERS), max_size=4))
    after = draw(st.lists(st.sampled_from([*HIDERS, "AS ?z)", ")", "}", "#"]), max_size=4))
    service = (
        f"{draw(st.sampled_from(KEYWORDS))} {draw(st.sampled_from(targets(trap)))} {{ ?x ?p ?o }}"
    )
    depth = draw(st.integers(0, 3))
    body = " ".join([*before, "{" * depth, service, "}" * depth, *after])
    return f"{prologue}SELECT * WHERE {{ ?s ?p ?o {body} }}"


@pytest.fixture
def trap(listener) -> Iterator[tuple[str, list]]:
    yield trap_url(listener), listener[1]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_no_generated_query_reaches_the_trap_past_the_reading(trap, data: st.DataObject) -> None:
    url, accepted = trap
    query = data.draw(hiding_queries(url))
    with contextlib.suppress(ServiceRefused, QuerySyntaxError, ServiceFailed, SyntaxError, OSError):
        evaluate_in_process(query)
    assert accepted == [], query


@settings(
    max_examples=max(EXAMPLES // 5, 10),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_no_generated_query_reaches_the_trap_through_the_server(
    live_server: LiveServer, trap, data: st.DataObject
) -> None:
    url, accepted = trap
    query = data.draw(hiding_queries(url))
    response = requests.post(
        f"{live_server.url}/sparql",
        data=query.encode(),
        timeout=30,
        headers={"Content-Type": SPARQL_QUERY},
    )
    assert response.status_code < 500, (query, response.text)
    assert accepted == [], query
