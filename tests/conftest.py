"""Shared fixtures: the graph built once per session into a temporary data directory."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Store
from selenium import webdriver

from homs_kg.graph.build import BuildReport, build
from homs_kg.graph.resources import corpus_dir
from homs_kg.graph.store import open_store
from homs_kg.server.cli import main

# the live servers' helpers live in servers.py (bench/ uses them too); tests import them here
from .servers import OXIGRAPH as OXIGRAPH
from .servers import LiveServer, OxigraphServer
from .servers import free_port as free_port
from .servers import wait_for as wait_for

BASE = "http://127.0.0.1:8000/"
ARTICLE = "homs-2017-05-21"
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


def article_folder(target: Path) -> Path:
    """A corpus folder holding the packaged article alone (its metadata, text and annotations),
    so that the tests of its content hold whatever other sources graph/ holds."""
    for folder, names in (
        ("sources", [f"{ARTICLE}.yaml", f"{ARTICLE}.ar.txt"]),
        ("annotations", [f"{ARTICLE}.yaml"]),
    ):
        (target / folder).mkdir(parents=True)
        for name in names:
            (target / folder / name).write_bytes((corpus_dir() / folder / name).read_bytes())
    return target


@pytest.fixture(scope="session")
def article_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return article_folder(tmp_path_factory.mktemp("article") / "corpus")


DRAFTED = "test-return-2017-06-10"  # the source id of the unseen text's draft


@pytest.fixture(scope="session")
def drafted_corpus(tmp_path_factory: pytest.TempPathFactory, article_corpus: Path) -> Path:
    """A corpus folder holding ``homs-kg draft``'s draft of a text the graph has never seen."""
    out = tmp_path_factory.mktemp("drafted") / "corpus"
    text = FIXTURES / "unseen-text" / "return-to-al-waer.ar.txt"
    result = CliRunner().invoke(
        main,
        [
            *("draft", str(text), "--source-id", DRAFTED, "--published", "2017-06-10"),
            *("--title", "draft", "--out", str(out), "--corpus", str(article_corpus)),
        ],
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def built(data_dir: Path, article_corpus: Path) -> BuildReport:
    return build(data_dir, BASE, [article_corpus])


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
    """A writable copy of the packaged article's corpus folder, to break on purpose."""
    return article_folder(tmp_path / "corpus")


@pytest.fixture(scope="session")
def live_server(built: BuildReport, data_dir: Path) -> Iterator[LiveServer]:
    """The server over the session's store, with a 3 s query time limit for the limit tests."""
    server = LiveServer(data_dir, "--timeout", "3", "--query-workers", "2", "--max-rows", "500")
    yield server
    server.stop()


CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    """Headless Chromium under Selenium (Debian's chromium and chromium-driver), with the browser
    console log kept; skipped where Chromium is missing, except in CI, where it must be there."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()) and not os.environ.get("CI"):
        pytest.skip("Chromium is not installed: apt-get install -y chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


@pytest.fixture
def listener() -> Iterator[tuple[int, list[object]]]:
    """A loopback port recording every connection made to it (must see none in refusal tests)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.2)
    accepted: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(sock.accept())
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1], accepted
    stop.set()
    thread.join(2)
    sock.close()


@pytest.fixture(scope="session")
def wikidata_double(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Wikidata-shaped fixture of real facts, served; yields its query URL."""
    server = OxigraphServer(
        tmp_path_factory.mktemp("wikidata-double"), FIXTURES / "wikidata" / "wikidata-fixture.ttl"
    )
    yield server.query_url
    server.stop()
