"""The result cache: a repeated request within one build is answered without evaluation."""

from __future__ import annotations

import datetime
from pathlib import Path

from homs_kg.server.engine.evaluation import QueryJob, QueryReply
from homs_kg.server.stores import result_cache
from homs_kg.server.stores.result_cache import ENTRY_OVERHEAD, CachingStore, with_result_cache


class KeyedReplies(dict):
    """The same reply for every query."""

    def __init__(self, reply: QueryReply) -> None:
        super().__init__()
        self.reply = reply

    def get(self, key: object, default: object = None) -> QueryReply:
        return self.reply


class CountingStore:
    """A store double that answers every job with its query text and counts evaluations."""

    def __init__(self) -> None:
        self.build_id = "build-1"
        self.built_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        self.evaluated: list[str] = []
        self.reply_for: dict[str, QueryReply] = {}

    def run(self, job: QueryJob) -> QueryReply:
        self.evaluated.append(job.query)
        default = QueryReply(200, body=job.query.encode(), build_id=self.build_id)
        return self.reply_for.get(job.query, default)

    def dump_path(self, name: str) -> Path | None:
        return None

    def close(self) -> None:
        pass


def test_a_repeated_request_is_evaluated_once() -> None:
    inner = CountingStore()
    store = CachingStore(inner, 1024)
    first, second = store.run(QueryJob("ASK {}")), store.run(QueryJob("ASK {}"))
    assert (first.body, second.body, inner.evaluated) == (b"ASK {}", b"ASK {}", ["ASK {}"])


def test_requests_differing_in_format_are_kept_apart() -> None:
    inner = CountingStore()
    store = CachingStore(inner, 1024)
    store.run(QueryJob("ASK {}", format="json"))
    store.run(QueryJob("ASK {}", format="xml"))
    assert len(inner.evaluated) == 2


def test_a_new_build_is_evaluated_afresh() -> None:
    inner = CountingStore()
    store = CachingStore(inner, 1024)
    store.run(QueryJob("ASK {}"))
    inner.build_id = "build-2"
    assert store.run(QueryJob("ASK {}")).build_id == "build-2"
    assert len(inner.evaluated) == 2


def test_an_answer_from_a_build_swapped_in_meanwhile_is_not_kept() -> None:
    inner = CountingStore()
    inner.reply_for["ASK {}"] = QueryReply(200, body=b"true", build_id="build-2")
    store = CachingStore(inner, 1024)
    store.run(QueryJob("ASK {}"))
    store.run(QueryJob("ASK {}"))
    assert len(inner.evaluated) == 2


def test_errors_and_spooled_answers_are_not_kept() -> None:
    inner = CountingStore()
    inner.reply_for["bad"] = QueryReply(400, "malformed query")
    inner.reply_for["large"] = QueryReply(200, path="/nonexistent.result", build_id="build-1")
    store = CachingStore(inner, 1024)
    for query in ("bad", "bad", "large", "large"):
        store.run(QueryJob(query))
    assert inner.evaluated == ["bad", "bad", "large", "large"]


def test_the_least_recently_used_answer_leaves_first_when_the_budget_is_full() -> None:
    inner = CountingStore()
    entry = ENTRY_OVERHEAD + 20  # an answer of 20 bytes with its key and record
    store = CachingStore(inner, 8 * entry)
    queries = [f"SELECT {n:013d}" for n in range(9)]  # 9 entries: one too many
    for query in queries:
        store.run(QueryJob(query))
    store.run(QueryJob(queries[1]))  # still kept
    store.run(QueryJob(queries[0]))  # the oldest, dropped: evaluated again
    assert inner.evaluated[9:] == [queries[0]]
    assert store.size <= 8 * entry


def test_large_queries_do_not_grow_the_cache_past_its_budget() -> None:
    inner = CountingStore()
    inner.reply_for = KeyedReplies(QueryReply(200, body=b"true", build_id="build-1"))
    store = CachingStore(inner, 64 * 1024)
    for number in range(1000):  # a 900 KB query each: 900 MB if the keys held the queries
        store.run(QueryJob(f"ASK {{}} # {number} " + "x" * 900_000))
    assert store.size <= 64 * 1024
    assert max(len(str(key)) for key in store.entries) < 100  # a digest, not the query


def test_an_answer_that_called_a_service_is_reused_only_for_a_while(monkeypatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(result_cache.time, "monotonic", lambda: clock[0])
    inner = CountingStore()
    inner.reply_for["fed"] = QueryReply(200, body=b"x", build_id="build-1", federated=True)
    store = CachingStore(inner, 1024 * 1024, service_seconds=300)
    store.run(QueryJob("fed"))
    clock[0] += 299
    store.run(QueryJob("fed"))
    assert inner.evaluated == ["fed"]
    clock[0] += 2
    store.run(QueryJob("fed"))
    assert inner.evaluated == ["fed", "fed"]


def test_an_answer_whose_service_call_failed_is_not_kept() -> None:
    inner = CountingStore()
    inner.reply_for["silent"] = QueryReply(
        200, body=b"x", build_id="build-1", federated=True, service_failed=True
    )
    store = CachingStore(inner, 1024 * 1024)
    store.run(QueryJob("silent"))
    store.run(QueryJob("silent"))
    assert inner.evaluated == ["silent", "silent"]


def test_an_answer_that_may_differ_each_time_is_not_kept() -> None:
    inner = CountingStore()
    inner.reply_for["now"] = QueryReply(200, body=b"x", build_id="build-1", volatile=True)
    store = CachingStore(inner, 1024 * 1024)
    store.run(QueryJob("now"))
    store.run(QueryJob("now"))
    assert inner.evaluated == ["now", "now"]


def test_a_zero_budget_turns_the_cache_off() -> None:
    inner = CountingStore()
    assert with_result_cache(inner, 0) is inner
