"""A query the service runs for itself (a page, a document, a count) that hits a limit is a 503
with Retry-After, never a 500."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from homs_kg.server.app import create_app
from homs_kg.server.engine.evaluation import (
    Busy,
    QueryReply,
    QueryTimeout,
    QueryTooLarge,
    SpoolFull,
    WorkerCrashed,
)
from homs_kg.server.settings import ServerConfig


class OverloadedStore:
    """A store whose every query hits one of the evaluation limits."""

    def __init__(self, error: type[Exception]) -> None:
        self.error = error
        self.build_id = "20261125T000000000000Z"
        self.built_at = datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC)

    def run(self, job: object) -> object:
        raise self.error

    def dump_path(self, name: str) -> None:
        return None

    def close(self) -> None:
        pass


@pytest.mark.parametrize("error", [QueryTimeout, QueryTooLarge, SpoolFull, WorkerCrashed, Busy])
@pytest.mark.parametrize(
    "path",
    [
        "/page/resource/homs",
        "/data/resource/homs.ttl",
        "/",
        "/.well-known/void",
        "/search?q=x&format=json",
    ],
)
def test_internal_queries_over_a_limit_are_503(
    tmp_path: Path, error: type[Exception], path: str
) -> None:
    app = create_app(ServerConfig(data_dir=tmp_path), OverloadedStore(error))  # type: ignore[arg-type]
    response = app.test_client().get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.mimetype == "application/problem+json"


class FailingStore(OverloadedStore):
    """A store whose evaluation process reports an internal error."""

    def run(self, job: object) -> QueryReply:
        return QueryReply(500, "internal error: RuntimeError: the engine broke")


def test_an_internal_error_is_a_500_logged_with_its_cause(tmp_path: Path, caplog) -> None:
    app = create_app(ServerConfig(data_dir=tmp_path), FailingStore(Busy))  # type: ignore[arg-type]
    response = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert response.status_code == 500
    assert response.json["detail"] == "internal error; it has been logged"
    assert "internal error: RuntimeError: the engine broke" in caplog.text
