"""Bound joins give the rows unbound evaluation gives.

The reference is the engine's own evaluation of SERVICE (pyoxigraph calls the endpoint itself,
sending the pattern as written) against a real `oxigraph serve` holding the Wikidata-shaped
fixture; ours answers each SERVICE first, as a bound join, and lets the engine evaluate the query
with the answers written in. Both run over the article's store, and must give the same multiset
of rows, for every federated catalogue query and every shape a SERVICE can take.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from pyoxigraph import QuerySolutions, Store

from homs_kg.server.catalogue.queries import load_catalogue
from homs_kg.server.engine.federation.bound_join import Resolution, ServiceFailed, resolve_services
from homs_kg.server.engine.federation.calls import WIKIDATA, ServicePolicy, call_services

from .conftest import BASE

UNREACHABLE = "http://127.0.0.1:9/sparql"  # nothing listens on the discard port
PREFIXES = f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX hkg: <{BASE}ontology/>
"""
W = f"<{WIKIDATA}>"
COORDINATES = f"SERVICE {W} {{ ?item wdt:P625 ?c }}"
SHAPES = {
    "optional": f"SELECT * WHERE {{ ?p owl:sameAs ?item OPTIONAL {{ {COORDINATES} }} }}",
    "union": (
        f"SELECT * WHERE {{ ?p owl:sameAs ?item {{ {COORDINATES} }} UNION "
        f"{{ SERVICE {W} {{ ?item rdfs:label ?l }} }} }}"
    ),
    "filter": (
        f"SELECT * WHERE {{ ?p owl:sameAs ?item {COORDINATES} FILTER(CONTAINS(STR(?c), '36.')) }}"
    ),
    "bind": f"SELECT * WHERE {{ ?p owl:sameAs ?x BIND(?x AS ?item) {COORDINATES} }}",
    "subquery": (
        "SELECT * WHERE { { SELECT ?item ?c WHERE { ?p owl:sameAs|skos:closeMatch ?item "
        f"{COORDINATES} }} }} }}"
    ),
    "silent": (
        f"SELECT * WHERE {{ ?p owl:sameAs ?item SERVICE SILENT <{UNREACHABLE}> "
        "{ ?item wdt:P625 ?c } }"
    ),
    "no-shared-variable": (
        f"SELECT * WHERE {{ ?p a hkg:Person SERVICE {W} {{ ?item wdt:P36 ?cap }} }}"
    ),
    "minus": f"SELECT * WHERE {{ ?p owl:sameAs ?item MINUS {{ {COORDINATES} }} }}",
    "unbound-in-some-solutions": (
        "SELECT * WHERE { ?p a/rdfs:subClassOf* hkg:Place OPTIONAL { ?p owl:sameAs ?item } "
        f"?p rdfs:label ?l {COORDINATES} }}"
    ),
    "exists": f"SELECT * WHERE {{ ?p owl:sameAs ?item FILTER EXISTS {{ {COORDINATES} }} }}",
    "two-services": (
        f"SELECT * WHERE {{ SERVICE {W} {{ ?item wdt:P36 ?cap }} "
        f"SERVICE {W} {{ ?cap wdt:P625 ?c }} }}"
    ),
    "first-in-group": f"SELECT * WHERE {{ {COORDINATES} ?p owl:sameAs ?item }}",
    "two-variables": (
        "SELECT * WHERE { ?p owl:sameAs ?item ; rdfs:label ?l "
        f"SERVICE {W} {{ ?item rdfs:label ?l }} }}"
    ),
    "aggregate": (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p owl:sameAs|skos:closeMatch ?item {COORDINATES} }}"
    ),
    "construct": (f"CONSTRUCT {{ ?p <urn:at> ?c }} WHERE {{ ?p owl:sameAs ?item {COORDINATES} }}"),
    "ask": f"ASK {{ ?p owl:sameAs ?item {COORDINATES} }}",
}
FEDERATED = [q for q in load_catalogue() if "SERVICE" in q.text]


def policy_for(double: str, bind_rows: int = 100) -> ServicePolicy:
    return ServicePolicy(
        allow=(WIKIDATA, UNREACHABLE),
        service_map={WIKIDATA: double},
        call_timeout=10,
        bind_rows=bind_rows,
    )


def rows(results: object) -> Counter:
    """A result as a multiset of rows (triples for a graph, the boolean for ASK)."""
    if isinstance(results, QuerySolutions):
        names = [v.value for v in results.variables]
        return Counter(
            tuple(str(s[n]) if s[n] is not None else None for n in names) for s in results
        )
    if isinstance(results, bool) or type(results).__name__ == "QueryBoolean":
        return Counter([bool(results)])
    return Counter(str(triple) for triple in results)  # type: ignore[attr-defined]


def resolved(store: Store, query: str, policy: ServicePolicy) -> Resolution:
    union = {"use_default_graph_as_union": True}
    return resolve_services(
        query,
        policy,
        lambda text: store.query(text, **union),
        lambda requests, deadline: call_services(requests, policy, deadline),
        time.monotonic() + 30,
        BASE,
    )


def bound_and_unbound(
    store: Store, query: str, double: str, bind_rows: int = 100
) -> tuple[Counter, Counter, Resolution]:
    resolution = resolved(store, query, policy_for(double, bind_rows))
    ours = rows(store.query(resolution.text, use_default_graph_as_union=True))
    reference = rows(store.query(query.replace(WIKIDATA, double), use_default_graph_as_union=True))
    return ours, reference, resolution


@pytest.mark.parametrize("query", FEDERATED, ids=lambda q: q.name)
@pytest.mark.parametrize("bind_rows", [100, 1])
def test_a_federated_catalogue_query_gives_the_rows_of_unbound_evaluation(
    store: Store, wikidata_double: str, query, bind_rows: int
) -> None:
    ours, reference, resolution = bound_and_unbound(store, query.text, wikidata_double, bind_rows)
    assert ours == reference
    assert sum(ours.values()) > 0
    assert all(use.note.startswith("bound join on ") for use in resolution.uses)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_service_shape_gives_the_rows_of_unbound_evaluation(
    store: Store, wikidata_double: str, shape: str
) -> None:
    ours, reference, _ = bound_and_unbound(store, PREFIXES + SHAPES[shape], wikidata_double)
    assert ours == reference


def test_bindings_travel_in_chunks(store: Store, wikidata_double: str) -> None:
    query = PREFIXES + f"SELECT * WHERE {{ ?p owl:sameAs|skos:closeMatch ?item {COORDINATES} }}"
    resolution = resolved(store, query, policy_for(wikidata_double, bind_rows=5))
    (use,) = resolution.uses
    # the ontology's Wikidata alignments count too (hkg:ledTo closeMatch P1542 is the 38th)
    assert use.note == "bound join on ?item: 38 bindings in 8 call(s)"
    assert use.requests == 8


@pytest.mark.parametrize(
    ("shape", "note"),
    [
        ("exists", "sent as written (inside EXISTS, which is evaluated once per solution)"),
        ("no-shared-variable", "sent as written (no variable shared with the rest of its group)"),
        (
            "unbound-in-some-solutions",
            "sent as written (a solution of the rest of its group binds none of them)",
        ),
        ("union", "bound join on ?item: 15 bindings in 1 call(s)"),
    ],
)
def test_how_each_service_was_sent_is_said(
    store: Store, wikidata_double: str, shape: str, note: str
) -> None:
    resolution = resolved(store, PREFIXES + SHAPES[shape], policy_for(wikidata_double))
    assert resolution.uses[0].note == note


def test_a_silent_service_that_fails_is_one_empty_solution(
    store: Store, wikidata_double: str
) -> None:
    resolution = resolved(store, PREFIXES + SHAPES["silent"], policy_for(wikidata_double))
    assert resolution.failed
    assert "SERVICE <http://127.0.0.1:9/sparql> failed" in resolution.uses[0].failed


def test_a_service_that_fails_without_silent_fails_the_query(
    store: Store, wikidata_double: str
) -> None:
    query = PREFIXES + SHAPES["silent"].replace("SERVICE SILENT", "SERVICE")
    with pytest.raises(ServiceFailed, match=r"SERVICE <http://127\.0\.0\.1:9/sparql> failed"):
        resolved(store, query, policy_for(wikidata_double))


def test_a_service_whose_group_has_no_solution_is_not_called(
    store: Store, wikidata_double: str
) -> None:
    query = (
        PREFIXES
        + f"SELECT * WHERE {{ ?p owl:sameAs ?item . ?item a <urn:no-class> {COORDINATES} }}"
    )
    resolution = resolved(store, query, policy_for("http://127.0.0.1:9/never"))
    assert resolution.uses[0].note == "not called: the rest of its group has no solution"
    assert list(store.query(resolution.text, use_default_graph_as_union=True)) == []
