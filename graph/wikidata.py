"""The verified Wikidata IDs (graph/reference/wikidata-ids.tsv, a copy of shared/reference/)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError

LINK_KINDS = ("sameAs", "closeMatch")


@dataclass(frozen=True)
class WikidataLink:
    qid: str
    kind: str
    entity: str
    evidence: str
    note: str


def load_wikidata_reference(path: Path) -> dict[str, WikidataLink]:
    """The reference rows by QID; a row with an unknown link kind fails the build."""
    try:
        rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    except OSError as error:
        raise BuildError(f"{path}: cannot read the Wikidata reference: {error}") from error
    links = {}
    for number, row in enumerate(rows, start=2):
        if row["link"] not in LINK_KINDS:
            raise BuildError(f"{path}:{number}: link must be one of {LINK_KINDS}")
        links[row["qid"]] = WikidataLink(
            row["qid"], row["link"], row["entity"], row["evidence"], row.get("note") or ""
        )
    return links
