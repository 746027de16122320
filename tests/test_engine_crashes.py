"""Queries that end the engine's process, and how they are kept from doing so.

Two inputs kill a process running pyoxigraph 0.5.13 outright, where no Python exception can
catch them:

* brackets nested a few thousand deep, or a long run of logical NOTs: the engine's
  recursive-descent parser overflows its stack (SIGSEGV). Every query is scanned first, and one
  nested ``MAX_DEPTH`` deep is refused (400) before the engine parses it.
* ORDER BY over values of mixed kinds (numbers and strings): the engine's comparison is not an
  order, Rust's sort panics, and pyoxigraph aborts on a panic (SIGABRT). Every ORDER BY condition
  on a variable gets a first key, the kind of its value (server/engine/ordering.py).

The first two tests show each crash in a subprocess; if one passes no more (a new pyoxigraph), the
guard against it can be reconsidered.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from homs_kg.graph.resources import queries_dir
from homs_kg.server.engine.ordering import with_total_order
from homs_kg.server.engine.syntax import MAX_DEPTH, TooDeep, refuse_deep_nesting, tokenize

from .conftest import LiveServer

DEEP_BRACES = "SELECT * WHERE " + "{" * 10_000 + " ?s ?p ?o " + "}" * 10_000
MANY_NOTS = "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 20_000 + "BOUND(?o)) }"
# Numbers compare as numbers, a number and a string by their text: 1 < 3, "3" < "30", "30" < 1 …
MIXED = " ".join(str(i) if i % 2 else f'"{i}"' for i in range(40))
MIXED_ORDER = f"SELECT ?x WHERE {{ VALUES ?x {{ {MIXED} }} }} ORDER BY ?x"
CATALOGUE = sorted(queries_dir().glob("*.rq"))


def engine_exit(query: str) -> int:
    """The exit status of a fresh process that asks pyoxigraph's engine the query."""
    script = "import sys; from pyoxigraph import Store; list(Store().query(sys.argv[1]))"
    return subprocess.run(
        [sys.executable, "-c", script, query], capture_output=True, timeout=120
    ).returncode


@pytest.mark.parametrize("query", [DEEP_BRACES, MANY_NOTS], ids=["braces", "nots"])
def test_deep_nesting_overflows_the_engines_stack(query: str) -> None:
    assert engine_exit(query) == -signal.SIGSEGV


def test_order_by_over_numbers_and_strings_aborts_the_engine() -> None:
    assert engine_exit(MIXED_ORDER) == -signal.SIGABRT
    assert engine_exit(with_total_order(MIXED_ORDER)) == 0


# --- the nesting limit -------------------------------------------------------------------------


def nested(depth: int, opening: str = "{", closing: str = "}") -> str:
    return "SELECT * WHERE { " + opening * (depth - 1) + " ?s ?p ?o " + closing * (depth - 1) + "}"


def refused(text: str) -> bool:
    try:
        refuse_deep_nesting(text)
    except TooDeep:
        return True
    return False


@pytest.mark.parametrize(
    ("opening", "closing"), [("{", "}"), ("[ <urn:p> ", "]"), ("FILTER(", ")")]
)
def test_brackets_nested_max_depth_deep_are_refused(opening: str, closing: str) -> None:
    assert not refused(nested(MAX_DEPTH - 1, opening, closing))
    assert refused(nested(MAX_DEPTH, opening, closing))
    assert refused("SELECT * WHERE " + opening * 100_000)  # never closed


def test_a_run_of_max_depth_logical_nots_is_refused() -> None:
    assert not refused("ASK { FILTER(" + "! " * (MAX_DEPTH - 1) + "true && ?a != ?b) }")
    assert refused("ASK { FILTER(" + "! " * MAX_DEPTH + "true) }")
    assert refused(MANY_NOTS)
    assert refused("ASK { FILTER(?a<(?b)>?c || " + "!" * MAX_DEPTH + "?a) }")  # via the tokenizer


@pytest.mark.parametrize(
    "hiding_place",
    [
        '"{}"',
        "'{}'",
        '"""{}"""',
        "'''{}'''",
        "<urn:{}>",
        "# {}\n",
    ],
)
def test_brackets_in_strings_iris_and_comments_do_not_count(hiding_place: str) -> None:
    text = "SELECT * WHERE { ?s ?p " + hiding_place.format("(" * 500) + " }"
    assert not refused(text)


def test_brackets_after_a_less_than_count_even_where_they_look_like_an_iri() -> None:
    """``?a<((…))>?c`` is ``?a < ((…)) > ?c`` to the engine, whose parser would recurse."""
    inner = "(" * MAX_DEPTH + "?b" + ")" * MAX_DEPTH
    assert refused(f"ASK {{ ?a ?p ?b FILTER(?a<{inner}>?c) }}")
    assert not refused("ASK { ?a ?p ?b FILTER(?a<(?b)>?c || ?a = <http://x/#(>) }")


def test_the_nesting_scan_agrees_with_the_tokenizer_on_the_catalogue() -> None:
    for path in CATALOGUE:
        text = path.read_text()
        refuse_deep_nesting(text)
        tokenize(text)  # the tokenizer's own count (it refuses MAX_DEPTH too)


def test_the_nesting_scan_costs_well_under_a_millisecond() -> None:
    """CPU time (not wall time, which a busy machine stretches), the best of five rounds."""
    costs = {}
    for path in CATALOGUE:
        text = path.read_text()
        rounds = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(100):
                refuse_deep_nesting(text)
            rounds.append((time.process_time() - started) / 100)
        costs[path.name] = min(rounds)
    slowest = max(costs, key=costs.__getitem__)
    median = sorted(costs.values())[len(costs) // 2]
    print(
        f"nesting scan of a catalogue query: median {median * 1e6:.0f} µs, "
        f"slowest {slowest} {costs[slowest] * 1e6:.0f} µs"
    )
    assert costs[slowest] < 0.0005


# --- the server ---------------------------------------------------------------------------------


def worker_processes(server: LiveServer) -> set[int]:
    """The server's child processes and theirs (the forkserver, the query workers)."""
    found, pending = set(), [server.process.pid]
    while pending:
        pid = pending.pop()
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        found.update(int(child) for child in children)
        pending += [int(child) for child in children]
    return found - {server.process.pid}


def ask(server: LiveServer, query: str) -> requests.Response:
    return requests.post(
        f"{server.url}/sparql",
        data=query.encode(),
        timeout=60,
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )


@pytest.mark.parametrize("query", [DEEP_BRACES, MANY_NOTS], ids=["braces", "nots"])
def test_deep_nesting_is_refused_and_no_worker_ends(live_server: LiveServer, query: str) -> None:
    before = worker_processes(live_server)
    answer = ask(live_server, query)
    assert answer.status_code == 400
    assert answer.json()["detail"] == f"the query is nested more than {MAX_DEPTH} levels deep"
    assert worker_processes(live_server) == before


def test_order_by_over_mixed_kinds_is_answered_and_no_worker_ends(live_server: LiveServer) -> None:
    before = worker_processes(live_server)
    answer = ask(live_server, MIXED_ORDER)
    assert answer.status_code == 200, answer.text[:300]
    values = [row["x"] for row in answer.json()["results"]["bindings"]]
    numbers = [int(v["value"]) for v in values if v["type"] == "literal" and "datatype" in v]
    strings = [v["value"] for v in values if "datatype" not in v]
    assert numbers == sorted(numbers) and strings == sorted(strings)
    assert worker_processes(live_server) == before


def test_order_by_keeps_sparqls_order_of_kinds(live_server: LiveServer) -> None:
    """Unbound first, then blank nodes, IRIs, literals (SPARQL 1.1 section 15.1); numbers in
    numeric order; DESC reverses the whole."""
    date = '"2017-05-21"^^<http://www.w3.org/2001/XMLSchema#date>'
    values = f'(UNDEF) (<urn:b>) (10) ("b") (9.5) ("a"@en) ({date}) (<urn:a>)'
    query = f"SELECT ?x WHERE {{ VALUES (?x) {{ {values} }} }} ORDER BY ?x"
    ascending = [
        json.dumps(row.get("x")) for row in ask(live_server, query).json()["results"]["bindings"]
    ]
    descending = [
        json.dumps(row.get("x"))
        for row in ask(live_server, query.replace("ORDER BY ?x", "ORDER BY DESC(?x)")).json()[
            "results"
        ]["bindings"]
    ]
    assert ascending[0] == "null" and descending[-1] == "null"
    kinds = [json.loads(x)["type"] if x != "null" else "unbound" for x in ascending]
    assert kinds == ["unbound", "uri", "uri", *["literal"] * 5]
    numbers = [json.loads(x)["value"] for x in ascending if "decimal" in x or "integer" in x]
    assert numbers == ["9.5", "10"]
    assert descending == ascending[::-1]
