"""More than one source: the builder is not tied to one text; shared entities are one resource."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from homs_kg.graph.build import build
from homs_kg.graph.store import open_store

from .conftest import BASE, FIXTURES, PREFIXES

SECOND = f"{BASE}graph/test-note-2017-06-01"
FIRST = f"{BASE}graph/homs-2017-05-21"


@pytest.fixture(scope="module")
def two_sources(tmp_path_factory: pytest.TempPathFactory, article_corpus: Path) -> Store:
    data_dir = tmp_path_factory.mktemp("two-sources")
    build(data_dir, BASE, [article_corpus, FIXTURES / "second-source"])
    return open_store(data_dir)


def rows(store: Store, query: str) -> list[dict[str, str]]:
    results = store.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in results.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in results]


def test_each_source_gets_its_own_graph(two_sources: Store) -> None:
    graphs = {g.value for g in two_sources.named_graphs()}
    assert {FIRST, SECOND} <= graphs


def test_a_shared_entity_is_one_resource_with_evidence_from_each_source(two_sources: Store) -> None:
    found = rows(
        two_sources,
        """SELECT ?g ?exact WHERE { GRAPH ?g {
        res:homs hkg:evidence ?e . ?e oa:hasTarget/oa:hasSelector/oa:exact ?exact } }""",
    )
    assert {(r["g"], r["exact"]) for r in found} == {
        (FIRST, "في مدينة حمص السورية"),
        (SECOND, "مدينة حمص في 30"),
    }


def test_a_shared_entity_keeps_one_label_per_language(two_sources: Store) -> None:
    found = rows(two_sources, "SELECT DISTINCT ?label WHERE { res:homs rdfs:label ?label }")
    assert sorted(r["label"] for r in found) == ["Homs", "حمص"]


def test_an_event_of_the_second_source_uses_entities_of_the_first(two_sources: Store) -> None:
    found = rows(
        two_sources,
        """SELECT ?date ?agent WHERE { GRAPH ?g {
        res:un-delegation-visits-homs-2017 hkg:date ?date ; hkg:participation ?p .
        ?p hkg:participant ?agent } } ORDER BY ?agent""",
    )
    assert found == [
        {"date": "2017-05-30", "agent": f"{BASE}resource/al-waer-notables"},
        {"date": "2017-05-30", "agent": f"{BASE}resource/united-nations"},
    ]
