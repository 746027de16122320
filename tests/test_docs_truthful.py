"""The documentation names only files the repository has (a moved module leaves no stale path)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted([ROOT / "README.md", ROOT / "CHANGES.md", *(ROOT / "docs").glob("*.md")])
PATH = re.compile(
    r"(?<![\w/.-])((?:server|graph|tests|docs|bench|ontology|queries)/[\w./-]*\.(?:py|md|ttl|rq|yaml|tsv|txt|json|html|css|js))"
)
GENERATED = ("bench/results/",)  # written by the benchmark, not kept in git


def named_paths(doc: Path) -> list[str]:
    return sorted(set(PATH.findall(doc.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_file_a_doc_names_exists(doc: Path) -> None:
    missing = [
        p for p in named_paths(doc) if not p.startswith(GENERATED) and not (ROOT / p).exists()
    ]
    assert missing == []
