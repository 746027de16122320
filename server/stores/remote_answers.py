"""A remote store's HTTP answer: its results, or the reply that refuses it.

Decided before anything is sent to the client (the whole answer is read first). An answer the
store marks incomplete never passes for a complete one:

- a time limit: Virtuoso's ``MaxQueryExecutionTime`` answers 500 ("SR171: Transaction timed
  out"), and an "anytime" query (a ``timeout`` parameter) answers 200 or 206 with what it found
  so far and ``X-SQL-State: S1TAT``: both are 504 here, with the store's words;
- a row limit: Virtuoso's ``ResultSetMaxRows`` cuts an answer at that many rows, still 200, and
  says so only in ``X-SPARQL-MaxRows`` (also when the answer had exactly that many rows): the cut
  is kept with the answer, and server/stores/remote.py decides (server/stores/remote.py's
  ``within_limits``);
- any other partial (206) or failed answer is 502, a refusal of the store's credentials too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import requests
from pyoxigraph import RdfFormat, parse

from homs_kg.server.engine.evaluation import QueryReply
from homs_kg.server.engine.results import QueryResults
from homs_kg.server.stores.remote_results import solutions, triples

SOLUTIONS = "application/sparql-results+json"
GRAPH = "application/n-triples"
TIMED_OUT = ("S1TAT", "S1T00", "SR171", "timed out", "timeout")
CREDENTIALS = "HOMS_KG_STORE_USER and HOMS_KG_STORE_PASSWORD"


class StoreRefused(Exception):
    """The store did not answer a query; the reply says how."""

    def __init__(self, reply: QueryReply) -> None:
        super().__init__(reply.message)
        self.reply = reply


@dataclass(frozen=True)
class StoreAnswer:
    results: QueryResults
    cut_at: int | None = None  # the store's own row limit cut the answer at this many rows


def read_answer(answer: requests.Response, form: str, public: Mapping[str, str]) -> StoreAnswer:
    """The results of a store's answer to a query of ``form`` (SELECT, ASK, CONSTRUCT,
    DESCRIBE); StoreRefused for an answer that is not a whole one."""
    refuse_incomplete(answer)
    media = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
    cut = answer.headers.get("X-SPARQL-MaxRows")
    cut_at = int(cut) if cut and cut.isdigit() else None
    try:
        if media == SOLUTIONS:
            return StoreAnswer(solutions(answer.content, form == "ASK", public), cut_at)
        syntax = RdfFormat.from_media_type(media) or RdfFormat.N_TRIPLES
        found = parse(answer.content, format=syntax)
        return StoreAnswer(list(triples(found, public)), cut_at)
    except (ValueError, SyntaxError) as error:
        raise refused(
            502, f"the store's answer ({media or 'no media type'}) cannot be read: {error}"
        ) from error


def refuse_incomplete(answer: requests.Response) -> None:
    state = answer.headers.get("X-SQL-State", "")
    if state == "S1TAT":
        detail = answer.headers.get("X-SQL-Message", "").split("Activity:")[0]
        raise refused(
            504,
            "the store stopped the query at its own time limit and sent what it "
            f"had found so far (X-SQL-State: S1TAT{': ' + detail if detail else ''}); "
            "an incomplete answer is not passed on",
        )
    status = answer.status_code
    if status == 200 or (status == 206 and "X-SPARQL-MaxRows" in answer.headers):
        return
    words = store_words(answer)
    if status == 400:
        raise refused(400, f"malformed query (the store's words): {words}")
    if status in (401, 403):
        raise refused(
            502,
            f"the store refused access ({status}): give its credentials in "
            f"{CREDENTIALS}, for a user that may read",
        )
    if any(sign in words for sign in TIMED_OUT):
        raise refused(504, f"the store stopped the query at its own time limit: {words}")
    if status == 206:
        raise refused(502, f"the store sent a partial answer (206): {words}")
    raise refused(502, f"the store answered {status}: {words}")


def store_words(answer: requests.Response, characters: int = 1000) -> str:
    """The store's message, without the query it echoes (Virtuoso adds "SPARQL query: …")."""
    text = answer.text.split("SPARQL query:")[0]
    return " ".join(text.split())[:characters] or "(no message)"


def refused(status: int, message: str) -> StoreRefused:
    return StoreRefused(QueryReply(status, message))
