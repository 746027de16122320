"""Federation against a realistic Wikidata stand-in: 100,000 synthetic items beside the real
facts (HOMS_KG_STANDIN_ITEMS sets the size), behind a proxy that refuses answers over 2 MB or
5 s, as the Wikidata Query Service refuses what runs too long.

What each SERVICE call sent is asserted, not how long it took: the graph's items only, in
answers far below the limits; an unbound pattern is refused by the stand-in, as it would be by
Wikidata; and an answer given during an outage is not kept past it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from homs_kg.graph.build import BuildReport
from homs_kg.server.catalogue.queries import find_query
from homs_kg.server.engine.federation.calls import WIKIDATA

from .conftest import FIXTURES, LiveServer, OxigraphServer
from .wikidata_standin import LimitProxy, write_standin

ITEMS = int(os.environ.get("HOMS_KG_STANDIN_ITEMS", "100000"))
LARGEST_ANSWER = 200 * 1024
ENTITY = re.compile(r"<http://www\.wikidata\.org/entity/(Q\d+)>")


@pytest.fixture(scope="module")
def standin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LimitProxy]:
    folder = tmp_path_factory.mktemp("wikidata-standin")
    data = write_standin(folder, ITEMS, FIXTURES / "wikidata" / "wikidata-fixture.ttl")
    server = OxigraphServer(folder, data)
    proxy = LimitProxy(server.query_url)
    proxy.start()
    yield proxy
    proxy.stop()
    server.stop()


@pytest.fixture(scope="module")
def server(built: BuildReport, data_dir: Path, standin: LimitProxy) -> Iterator[LiveServer]:
    server = LiveServer(data_dir, "--service-map", f"{WIKIDATA}={standin.url}", "--timeout", "30")
    yield server
    server.stop()


@pytest.fixture
def calls(standin: LimitProxy) -> Iterator[list]:
    """The calls the stand-in receives during one test."""
    standin.calls.clear()
    standin.down = False
    yield standin.calls
    standin.down = False


def linked_items(built: BuildReport) -> set[str]:
    """The Wikidata items the graph links to."""
    prefix = "http://www.wikidata.org/entity/"
    return {
        q.object.value[len(prefix) :]
        for q in built.dataset.quads
        if q.object.value.startswith(prefix)
    }


def rows(response: requests.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return [
        {k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]
    ]


def ask(server: LiveServer, query: str) -> requests.Response:
    return requests.post(f"{server.url}/sparql", data={"query": query}, timeout=60)


def catalogue(server: LiveServer, name: str) -> requests.Response:
    found = find_query(name)
    assert found is not None
    return ask(server, found.text)


EXPECTED = {
    "wikidata-coordinates": 4,
    "wikidata-capital-check": 1,
    "wikidata-label-check": 3,
    "wikidata-births": 10,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_federated_catalogue_query_answers_within_the_limits(
    server: LiveServer, calls: list, name: str
) -> None:
    assert len(rows(catalogue(server, name))) == EXPECTED[name]
    assert calls and all(call.status == 200 for call in calls)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_call_asks_for_the_graphs_items_only(
    server: LiveServer, built: BuildReport, calls: list, name: str
) -> None:
    catalogue(server, name)
    for call in calls:
        assert "VALUES" in call.query
        assert set(ENTITY.findall(call.query)) <= linked_items(built)
        assert call.answer_bytes <= LARGEST_ANSWER


def test_the_coordinates_come_from_the_standin(server: LiveServer) -> None:
    found = {r["place"]: r["coordinates"] for r in rows(catalogue(server, "wikidata-coordinates"))}
    assert found["Homs"] == "Point(36.70944 34.73083)"


def test_an_unbound_pattern_is_refused_by_the_standin(server: LiveServer, calls: list) -> None:
    query = (
        "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> "
        "{ ?item <http://www.wikidata.org/prop/direct/P625> ?coordinates } }"
    )
    response = ask(server, query)
    assert response.status_code == 502
    assert response.json()["detail"] == (
        f"SERVICE <{WIKIDATA}> failed: it answered HTTP 500 Internal Server Error: "
        "Query result too large: more than 2 MB"
    )


SILENT_COORDINATES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?item ?coordinates WHERE {
  <http://127.0.0.1:8000/resource/homs> owl:sameAs ?item
  OPTIONAL { SERVICE SILENT <https://query.wikidata.org/sparql> { ?item wdt:P625 ?coordinates } }
}"""


def test_an_answer_given_during_an_outage_is_not_kept(
    server: LiveServer, standin: LimitProxy, calls: list
) -> None:
    standin.down = True
    during = ask(server, SILENT_COORDINATES)
    assert rows(during) == [{"item": "http://www.wikidata.org/entity/Q131301"}]
    assert during.headers["Cache-Control"] == "no-store"
    standin.down = False
    after = ask(server, SILENT_COORDINATES)
    assert rows(after) == [
        {
            "item": "http://www.wikidata.org/entity/Q131301",
            "coordinates": "Point(36.70944 34.73083)",
        }
    ]


def test_a_federated_answer_is_fresh_for_a_while_without_a_validator(server: LiveServer) -> None:
    response = catalogue(server, "wikidata-coordinates")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "ETag" not in response.headers


def test_the_command_line_answers_through_the_standin(
    cli, built: BuildReport, data_dir: Path, standin: LimitProxy, calls: list
) -> None:
    result = cli(
        "query",
        "--name",
        "wikidata-coordinates",
        "--format",
        "csv",
        "--data-dir",
        str(data_dir),
        "--service-map",
        f"{WIKIDATA}={standin.url}",
    )
    assert result.exit_code == 0, result.output
    assert "Homs,حمص,http://www.wikidata.org/entity/Q131301" in result.output
    assert all(call.answer_bytes <= LARGEST_ANSWER for call in calls)
