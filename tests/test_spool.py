"""Large results wait in a spool folder: every file is removed on every path, and the folder has
a cap, so that no request can fill the disk."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from homs_kg.graph.build import BuildReport
from homs_kg.server.engine.spool import PREFIX

from .conftest import LiveServer

EVERY_TRIPLE = "SELECT * WHERE { ?a ?b ?c }"  # about 1.5 MB of JSON: past the 512 KiB kept inline
PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # tens of MB a second, for seconds
SLOW_PRODUCT = (
    'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "a.*b.*c.*d")) }'
)


class SpoolServer(LiveServer):
    """A server whose temporary folder is the test's own, so its spool can be watched."""

    def __init__(self, data_dir: Path, temp: Path, *options: str, timeout: str = "3") -> None:
        self.temp = temp
        super().__init__(
            data_dir,
            "--timeout",
            timeout,
            "--max-rows",
            "100000000",
            *options,
            env={"TMPDIR": str(temp)},
        )

    @property
    def spool(self) -> Path:
        (folder,) = self.temp.glob(f"{PREFIX}{self.process.pid}-*")
        return folder

    def spool_files(self) -> list[str]:
        return sorted(path.name for path in self.spool.iterdir())

    def spool_empty_within(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while self.spool_files():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True


@pytest.fixture(scope="module")
def stale_folders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary folder holding a dead server's spool and a live process's."""
    temp = tmp_path_factory.mktemp("spool-temp")
    dead = temp / f"{PREFIX}999999999-left"
    dead.mkdir()
    (dead / "7.result").write_bytes(b"x" * 1000)
    (temp / f"{PREFIX}{os.getpid()}-alive").mkdir()
    return temp


@pytest.fixture(scope="module")
def server(built: BuildReport, data_dir: Path, stale_folders: Path) -> Iterator[SpoolServer]:
    server = SpoolServer(data_dir, stale_folders)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def capped_server(
    built: BuildReport, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SpoolServer]:
    # The cap, not the time limit, must end the query: a busy machine slows the (low-priority)
    # writing of 16 MB past a few seconds.
    server = SpoolServer(
        data_dir, tmp_path_factory.mktemp("capped-temp"), "--spool-mb", "16", timeout="120"
    )
    yield server
    server.stop()


def test_a_large_answer_is_spooled_then_removed_once_sent(server: SpoolServer) -> None:
    response = requests.get(f"{server.url}/sparql", params={"query": EVERY_TRIPLE}, timeout=30)
    assert response.status_code == 200
    assert len(response.content) > 512 * 1024
    assert server.spool_empty_within(5)


def test_a_head_request_leaves_no_spool_file(server: SpoolServer) -> None:
    response = requests.head(f"{server.url}/sparql", params={"query": EVERY_TRIPLE}, timeout=30)
    assert response.status_code == 200
    assert server.spool_empty_within(5)


def test_a_query_stopped_at_the_time_limit_leaves_no_partial_file(server: SpoolServer) -> None:
    response = requests.get(f"{server.url}/sparql", params={"query": SLOW_PRODUCT}, timeout=30)
    assert response.status_code == 503
    assert "time limit" in response.json()["detail"]
    assert server.spool_files() == []


def test_a_query_past_the_spool_cap_is_stopped_and_its_file_removed(
    capped_server: SpoolServer,
) -> None:
    response = requests.get(f"{capped_server.url}/sparql", params={"query": PRODUCT}, timeout=30)
    assert response.status_code == 503
    assert response.json()["detail"] == (
        "the results waiting to be sent fill the space set aside for them; try again shortly"
    )
    assert capped_server.spool_files() == []


def test_a_dead_servers_spool_folder_is_removed_at_start(server: SpoolServer) -> None:
    names = sorted(p.name for p in server.temp.glob(f"{PREFIX}*"))
    assert f"{PREFIX}999999999-left" not in names
    assert f"{PREFIX}{os.getpid()}-alive" in names  # a running process's folder stays
