"""The same HTTP layer over a remote store: a real `oxigraph serve`, loaded by `build --store`
through the Graph Store Protocol, gives the same catalogue results as the embedded store."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests

from homs_kg.server.catalogue.queries import CatalogueQuery, load_catalogue

from .conftest import BASE, OXIGRAPH, LiveServer, free_port, wait_for

# the catalogue's local queries: every one without a SERVICE clause (wikidata-links included)
LOCAL_QUERIES = [q for q in load_catalogue() if "SERVICE" not in q.text]


@pytest.fixture(scope="module")
def oxigraph_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty, writable `oxigraph serve`; yields its query URL."""
    location = tmp_path_factory.mktemp("remote-store")
    port = free_port()
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", location, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(f"http://127.0.0.1:{port}/", process)
    yield f"http://127.0.0.1:{port}/query"
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def loaded(
    oxigraph_store: str, tmp_path_factory: pytest.TempPathFactory, article_corpus: Path
) -> str:
    from click.testing import CliRunner

    from homs_kg.server.cli import main

    result = CliRunner().invoke(
        main, ["build", "--store", oxigraph_store, "--corpus", str(article_corpus)]
    )
    assert result.exit_code == 0, result.output
    assert f"loaded into {oxigraph_store.removesuffix('/query')}/store" in result.output
    return oxigraph_store


@pytest.fixture(scope="module")
def remote_server(loaded: str, data_dir: Path) -> Iterator[LiveServer]:
    server = LiveServer(data_dir, "--store", loaded)
    yield server
    server.stop()


def bindings(server: LiveServer, query: str) -> list[dict]:
    response = requests.post(
        f"{server.url}/sparql",
        data={"query": query},
        timeout=60,
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


@pytest.mark.parametrize("query", LOCAL_QUERIES, ids=lambda q: q.name)
def test_catalogue_results_match_the_embedded_store(
    remote_server: LiveServer, live_server: LiveServer, query: CatalogueQuery
) -> None:
    remote, embedded = bindings(remote_server, query.text), bindings(live_server, query.text)
    assert remote
    key = sorted if "ORDER BY" not in query.text else list
    assert key(map(repr, remote)) == key(map(repr, embedded))


def test_the_build_graph_names_the_build(remote_server: LiveServer) -> None:
    build = requests.get(f"{remote_server.url}/healthz", timeout=30).json()["build"]
    assert build != "unbuilt" and build[:8].isdigit()


def test_resource_documents_work_over_the_remote_store(remote_server: LiveServer) -> None:
    response = requests.get(f"{remote_server.url}/data/resource/homs.ttl", timeout=30)
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    label = rdflib.Literal("حمص", lang="ar")
    assert (rdflib.URIRef(f"{BASE}resource/homs"), rdflib.RDFS.label, label) in graph


def test_pages_work_over_the_remote_store(remote_server: LiveServer) -> None:
    response = requests.get(
        f"{remote_server.url}/page/resource/khalidiya-massacre-2012", timeout=30
    )
    assert response.status_code == 200
    assert "مجزرة الخالدية" in response.text


def test_a_refused_service_is_refused_before_reaching_the_store(remote_server: LiveServer) -> None:
    query = "SELECT * WHERE { SERVICE <http://169.254.169.254/> { ?s ?p ?o } }"
    response = requests.get(f"{remote_server.url}/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 400


def test_a_malformed_query_is_400_from_the_store(remote_server: LiveServer) -> None:
    response = requests.get(f"{remote_server.url}/sparql", params={"query": "SELEC"}, timeout=30)
    assert response.status_code == 400


FEDERATED = [q for q in load_catalogue() if q.name.startswith("wikidata-") and "SERVICE" in q.text]


@pytest.fixture(scope="module")
def federated_remote(loaded: str, data_dir: Path, wikidata_double: str) -> Iterator[LiveServer]:
    server = LiveServer(
        data_dir,
        "--store",
        loaded,
        "--service-map",
        f"https://query.wikidata.org/sparql={wikidata_double}",
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def federated_embedded(built, data_dir: Path, wikidata_double: str) -> Iterator[LiveServer]:
    server = LiveServer(
        data_dir, "--service-map", f"https://query.wikidata.org/sparql={wikidata_double}"
    )
    yield server
    server.stop()


@pytest.mark.parametrize("query", FEDERATED, ids=lambda q: q.name)
def test_federated_results_match_the_embedded_store(
    federated_remote: LiveServer, federated_embedded: LiveServer, query: CatalogueQuery
) -> None:
    """Over a remote store the SERVICE clauses are answered here too (the store never calls
    out), the bound joins' bindings evaluated by the store."""
    remote = bindings(federated_remote, query.text)
    embedded = bindings(federated_embedded, query.text)
    assert remote
    assert sorted(map(repr, remote)) == sorted(map(repr, embedded))
