"""The researchers' query catalogue (``queries/*.rq``), read by name (views: catalogue_views.py).

Each file opens with comment lines ``# title:``, ``# title@ar:``, ``# question:``, ``# shows:``
(continuation lines are indented). The files are written against the default base IRI; served
under another base, its occurrences are replaced by the configured one, so the queries keep working.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from homs_kg.graph.resources import queries_dir
from homs_kg.graph.vocabulary import DEFAULT_BASE_IRI

HEADER_KEYS = ("title", "title@ar", "question", "shows")
NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_NAME = 100  # a longer name is none of ours (and would overflow a file name)


@dataclass(frozen=True)
class CatalogueQuery:
    name: str
    title: str
    title_ar: str
    question: str
    shows: str
    text: str


def read_header(text: str) -> dict[str, str]:
    """The header fields, continuation lines joined to the field before them."""
    fields: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:]
        name, colon, value = body.partition(":")
        if colon and name.strip() in HEADER_KEYS and not body.startswith("  "):
            key = name.strip()
            fields[key] = value.strip()
        elif key:
            fields[key] += " " + body.strip()
    return fields


def read_query(path: Path, base_iri: str = DEFAULT_BASE_IRI) -> CatalogueQuery:
    text = path.read_text(encoding="utf-8")
    if base_iri != DEFAULT_BASE_IRI:
        text = text.replace(DEFAULT_BASE_IRI, base_iri)
    header = read_header(text)
    return CatalogueQuery(
        path.stem,
        header.get("title", path.stem),
        header.get("title@ar", ""),
        header.get("question", ""),
        header.get("shows", ""),
        text,
    )


def load_catalogue(
    base_iri: str = DEFAULT_BASE_IRI, folder: Path | None = None
) -> list[CatalogueQuery]:
    """Every catalogue query, by name."""
    return [read_query(path, base_iri) for path in sorted((folder or queries_dir()).glob("*.rq"))]


def find_query(name: str, base_iri: str = DEFAULT_BASE_IRI) -> CatalogueQuery | None:
    """The named query, or None (a name is a slug: no path can be smuggled in)."""
    if len(name) > MAX_NAME or not NAME.match(name):
        return None
    path = queries_dir() / f"{name}.rq"
    return read_query(path, base_iri) if path.is_file() else None
