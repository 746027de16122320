"""The query set: every catalogue query (queries/*.rq) that calls no SERVICE."""

from __future__ import annotations

import re

from homs_kg.server.catalogue.queries import load_catalogue

SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def local_queries(only: list[str] | None = None) -> list[tuple[str, str]]:
    """(name, text) of the non-federated catalogue queries; only those named, if any are."""
    found = [(q.name, q.text) for q in load_catalogue() if not SERVICE.search(q.text)]
    if only:
        found = [(name, text) for name, text in found if name in only]
    return found
