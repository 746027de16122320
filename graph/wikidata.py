"""The verified Wikidata IDs (graph/reference/wikidata-ids.tsv, the project's verified list).

The file has one column beyond the ID, label and description: ``note`` is what the public pages
show beside the link (it goes into the link's skos:editorialNote), ``curator_note`` a warning for
whoever curates the links ("Q80988 is NOT Homs"), kept here and never put into the graph. A file
without that column, such as the shared one, reads as having no curator notes.
"""

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
    note: str  # public: shown with the link
    curator_note: str = ""  # for curators only: never in the graph


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
            row["qid"],
            row["link"],
            row["entity"],
            row["evidence"],
            row.get("note") or "",
            row.get("curator_note") or "",
        )
    return links
