"""The W3C Reconciliation Service API v0.2 at /reconcile, over HTTP: manifest, batches, errors."""

from __future__ import annotations

import json

import pytest
import requests

from .conftest import BASE, LiveServer

HKG = BASE + "ontology/"
BATCH = {
    "q0": {"query": "حمص", "type": "City", "limit": 3},
    "q1": {"query": "Marie Colvin", "type": HKG + "Person", "limit": 3},
    "q2": {"query": "Hezbollah", "limit": 3},
}
EXPECTED = {"q0": "homs", "q1": "marie-colvin", "q2": "hezbollah"}


def url(server: LiveServer) -> str:
    return f"{server.url}/reconcile"


def post(server: LiveServer, batch: object) -> requests.Response:
    return requests.post(url(server), data={"queries": json.dumps(batch)}, timeout=30)


def results(server: LiveServer, batch: dict) -> dict:
    response = post(server, batch)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def test_manifest(live_server: LiveServer) -> None:
    response = requests.get(url(live_server), timeout=30)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # §3.3: CORS is required
    manifest = response.json()
    assert manifest["versions"] == ["0.2"]
    assert manifest["name"].startswith("homs-kg")
    assert manifest["identifierSpace"] == BASE + "resource/"
    assert manifest["schemaSpace"] == HKG
    assert manifest["view"] == {"url": BASE + "resource/{{id}}"}
    types = {t["id"]: t["name"] for t in manifest["defaultTypes"]}
    for name in ("Person", "Place", "Organisation", "Event"):
        assert types[HKG + name] == name.lower()
    assert manifest["batchSize"] >= len(BATCH)


def test_the_view_template_dereferences(live_server: LiveServer) -> None:
    template = requests.get(url(live_server), timeout=30).json()["view"]["url"]
    entity = template.replace("{{id}}", "homs").replace(BASE, live_server.url + "/")
    response = requests.get(
        entity, headers={"Accept": "text/html"}, allow_redirects=False, timeout=30
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/page/resource/homs")


def test_a_posted_batch_finds_each_entity(live_server: LiveServer) -> None:
    answer = results(live_server, BATCH)
    assert set(answer) == set(BATCH)
    for key, entity in EXPECTED.items():
        first = answer[key]["result"][0]
        assert first["id"] == entity
        assert first["score"] == 100 and first["match"] is True
        assert all(c["match"] is False for c in answer[key]["result"][1:])
        assert len(answer[key]["result"]) <= BATCH[key]["limit"]


def test_candidate_shape(live_server: LiveServer) -> None:
    first = results(live_server, {"q": {"query": "حمص", "type": "City"}})["q"]["result"][0]
    assert first == {
        "id": "homs",
        "name": "حمص",
        "description": "Homs",
        "type": [{"id": HKG + "City", "name": first["type"][0]["name"]}],
        "score": 100,
        "match": True,
    }


def test_a_get_batch_works_too(live_server: LiveServer) -> None:
    response = requests.get(url(live_server), params={"queries": json.dumps(BATCH)}, timeout=30)
    assert response.status_code == 200
    assert response.json() == results(live_server, BATCH)


def test_candidates_are_sorted_and_only_exact_is_a_match(live_server: LiveServer) -> None:
    candidates = results(live_server, {"q": {"query": "Hezbollah"}})["q"]["result"]
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True) and len(scores) > 1
    assert [c["match"] for c in candidates] == [True] + [False] * (len(candidates) - 1)


def test_no_match_without_an_exact_label(live_server: LiveServer) -> None:
    candidates = results(live_server, {"q": {"query": "Old City"}})["q"]["result"]
    assert candidates[0]["id"] == "old-city" and candidates[0]["score"] == 90
    assert not any(c["match"] for c in candidates)


def test_type_filter_takes_subclasses(live_server: LiveServer) -> None:
    answer = results(
        live_server,
        {
            "place": {"query": "Old City", "type": [{"id": HKG + "Place", "name": "place"}]},
            "person": {"query": "Old City", "type": "Person"},
            "unknown": {"query": "Old City", "type": "Unicorn"},
        },
    )
    assert [c["id"] for c in answer["place"]["result"]] == ["old-city"]  # a Neighbourhood
    assert answer["person"]["result"] == []
    assert answer["unknown"]["result"] == []


def test_arabic_matching_form_applies(live_server: LiveServer) -> None:
    answer = results(live_server, {"q": {"query": "خالِد بن الوَليد", "type": "Person"}})
    assert answer["q"]["result"][0]["id"] == "khalid-ibn-al-walid"
    assert answer["q"]["result"][0]["match"] is True


def test_an_identifier_as_query_finds_its_entity(live_server: LiveServer) -> None:
    answer = results(
        live_server,
        {"a": {"query": "marie-colvin"}, "b": {"query": BASE + "resource/marie-colvin"}},
    )
    assert answer["a"]["result"][0]["id"] == answer["b"]["result"][0]["id"] == "marie-colvin"


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        "[1, 2]",
        '"q"',
        '{"q0": "حمص"}',
        '{"q0": {"query": ""}}',
        '{"q0": {"query": "x", "limit": 0}}',
        '{"q0": {"query": "x", "type": [3]}}',
    ],
)
def test_invalid_batches_are_bad_requests(live_server: LiveServer, raw: str) -> None:
    posted = requests.post(url(live_server), data={"queries": raw}, timeout=30)
    got = requests.get(url(live_server), params={"queries": raw}, timeout=30)
    for response in (posted, got):
        assert response.status_code == 400
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 400


def test_a_post_without_queries_is_a_bad_request(live_server: LiveServer) -> None:
    response = requests.post(url(live_server), data={"query": "حمص"}, timeout=30)
    assert response.status_code == 400


def test_a_batch_over_the_batch_size_is_refused(live_server: LiveServer) -> None:
    size = requests.get(url(live_server), timeout=30).json()["batchSize"]
    response = post(live_server, {f"q{i}": {"query": "حمص"} for i in range(size + 1)})
    assert response.status_code == 413


def test_common_spellings_are_candidates_but_never_a_match(live_server: LiveServer) -> None:
    batch = {
        "q0": {"query": "بابا عمرو", "type": "Place", "limit": 3},
        "q1": {"query": "Bab Amr", "limit": 3},
        "q2": {"query": "Hama", "type": "City"},
        "q3": {"query": "حماس"},
    }
    answer = results(live_server, batch)
    for key, name in (("q0", "باب عمرو"), ("q1", "Baba Amr")):
        first = answer[key]["result"][0]
        assert (first["id"], first["name"], first["match"]) == ("baba-amr", name, False)
        assert first["score"] < 70
    assert "homs" not in {c["id"] for c in answer["q2"]["result"]}
    assert "homs" not in {c["id"] for c in answer["q3"]["result"]}
