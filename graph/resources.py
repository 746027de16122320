"""Where the packaged data lives: the ontology, the corpus (sources and annotations), the reference.

Installed, ``ontology/`` and ``queries/`` sit beside ``graph/`` under ``homs_kg/``; in a checkout
(editable install) they sit beside ``graph/`` at the top of the repository. Either way they are
siblings of this package's folder.
"""

from __future__ import annotations

from pathlib import Path

_GRAPH_DIR = Path(__file__).resolve().parent


def ontology_dir() -> Path:
    return _GRAPH_DIR.parent / "ontology"


def queries_dir() -> Path:
    return _GRAPH_DIR.parent / "queries"


def corpus_dir() -> Path:
    """The folder holding ``sources/`` and ``annotations/`` (the graph package itself)."""
    return _GRAPH_DIR


def wikidata_reference() -> Path:
    return _GRAPH_DIR / "reference" / "wikidata-ids.tsv"


def corpus_folders(names: tuple[str, ...] | list[str]) -> list[Path]:
    """The corpus folders named by --corpus, 'packaged' standing for the packaged corpus."""
    return [corpus_dir() if name == "packaged" else Path(name) for name in names]
