"""Shared fixtures: the graph built once per session into a temporary data directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Store

from homs_kg.graph.build import BuildReport, build
from homs_kg.graph.resources import corpus_dir
from homs_kg.graph.store import open_store
from homs_kg.server.cli import main

BASE = "http://127.0.0.1:8000/"
FIXTURES = Path(__file__).parent / "fixtures"
PREFIXES = f"""
PREFIX hkg: <{BASE}ontology/>
PREFIX res: <{BASE}resource/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX schema: <http://schema.org/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def built(data_dir: Path) -> BuildReport:
    return build(data_dir, BASE)


@pytest.fixture(scope="session")
def store(built: BuildReport, data_dir: Path) -> Store:
    return open_store(data_dir)


@pytest.fixture(scope="session")
def select(store: Store):
    """Run a SELECT over the union of the graphs; rows as dicts of plain values."""

    def run(query: str) -> list[dict[str, str]]:
        results = store.query(PREFIXES + query, use_default_graph_as_union=True)
        names = [v.value for v in results.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in results]

    return run


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner: CliRunner):
    def invoke(*args: str):
        return runner.invoke(main, list(args))

    return invoke


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged corpus, to break on purpose."""
    target = tmp_path / "corpus"
    for folder in ("sources", "annotations"):
        (target / folder).mkdir(parents=True)
        for path in (corpus_dir() / folder).iterdir():
            if path.suffix in (".yaml", ".txt"):
                (target / folder / path.name).write_bytes(path.read_bytes())
    return target
