"""A rebuild under load against a Virtuoso the test starts: readers never see a mix of two builds.

``homs-kg build --store`` loads a build under graphs named for it and switches the server to it
with one triple (server/stores/remote_load.py), as the embedded store swaps one link
(tests/test_crash_safety.py, whose load and signature query this test reuses). Two corpora are
built in turn (the packaged one, and it with the tiny second source) while clients ask the
event count and a three-part signature (events, evidence records, quads) read by one query:
every answer must be 200 and equal to one build's, never a mix.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from .conftest import BASE, LiveServer
from .load import BoundedLoad
from .test_crash_safety import CORPORA, GENEROUS_LIMITS, SIGNATURE, Answer, ask
from .virtuoso import VirtuosoServer, binary

pytestmark = pytest.mark.skipif(
    binary() is None,
    reason="virtuoso-t is not installed (apt-get install virtuoso-opensource; .ci/run does)",
)

REBUILDS = int(os.environ.get("HOMS_KG_VIRTUOSO_REBUILDS", "4"))
CLIENTS = 6


def build(store: VirtuosoServer, corpus: str) -> float:
    """``homs-kg build --store`` in a process of its own; its seconds."""
    command = [
        sys.executable,
        "-m",
        "homs_kg.server.cli",
        "build",
        "--base-iri",
        BASE,
        "--store",
        store.query_url,
        "--store-gsp",
        store.gsp_url,
    ]
    for folder in CORPORA[corpus]:
        command += ["--corpus", folder]
    started = time.monotonic()
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **store.credentials},
    )
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def signature(server: LiveServer) -> tuple[int, ...]:
    response = requests.get(
        f"{server.url}/sparql",
        params={"query": SIGNATURE},
        timeout=60,
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    (row,) = response.json()["results"]["bindings"]
    return tuple(int(row[name]["value"]) for name in ("events", "evidence", "quads"))


def settled(server: LiveServer, build_seconds: float = 3.0) -> tuple[int, ...]:
    """The signature once the server has read the store's new state."""
    time.sleep(build_seconds)
    return signature(server)


def test_a_rebuild_under_load_never_shows_a_mix_of_two_builds(
    tmp_path: Path, data_dir: Path
) -> None:
    store = VirtuosoServer(tmp_path / "virtuoso")
    server = None
    try:
        build(store, "packaged")
        server = LiveServer(data_dir, "--store", store.query_url, *GENEROUS_LIMITS)
        signatures = {"packaged": settled(server)}
        build(store, "second")
        signatures["second"] = settled(server)
        first, second = signatures["packaged"], signatures["second"]
        assert all(a != b for a, b in zip(first, second, strict=True)), signatures

        load = BoundedLoad(ask(server.url), clients=CLIENTS, seconds=300)
        corpus, seconds = "second", []
        try:
            load.start()
            time.sleep(0.5)
            for _ in range(REBUILDS):
                corpus = "packaged" if corpus == "second" else "second"
                seconds.append(build(store, corpus))
                time.sleep(1.0)
            time.sleep(2.5)  # answers of the last build alone
        finally:
            load.stop()
        summary = (
            f"{load.summary()}; {REBUILDS} builds of {min(seconds):.1f}-"
            f"{max(seconds):.1f} s under load"
        )
        print(summary)
        assert load.samples, summary
        failures = load.failures()
        assert not failures, (summary, [(s.status, s.value, s.error) for s in failures[:5]])
        kinds = {"events": {(s[0],) for s in signatures.values()}, "signature": {first, second}}
        seen = set()
        for sample in load.samples:
            answer: Answer = sample.value[1]
            assert answer.value in kinds[answer.kind], (answer, signatures, summary)
            seen.add(answer.value)
        assert {first, second} <= seen, "both builds were read during the load"
        last = signatures[corpus]
        late = [s.value[1] for s in load.samples if s.started > load.ended - 1.0]
        assert all(a.value in ((last[0],), last) for a in late), "the last build is served"
        assert "Traceback" not in server.log.read_text(errors="replace")
        kept = requests.get(
            store.query_url,
            timeout=30,
            headers={"Accept": "text/csv"},
            params={
                "query": f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                f'FILTER(STRSTARTS(STR(?g), "{BASE}graph/build/") '
                f'&& STRENDS(STR(?g), "Z")) }}'
            },
        )
        assert kept.text.split()[-1] == "2", "the live build and the one before it are kept"
    finally:
        if server is not None:
            server.stop()
        store.stop()
