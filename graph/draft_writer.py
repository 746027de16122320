"""Writing a draft as a corpus folder: ``sources/ID.yaml``, ``sources/ID.ar.txt`` (a copy of the
text) and ``annotations/ID.yaml``, which ``homs-kg validate`` accepts unchanged."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .dataset import build_dataset
from .draft import Draft, Drafter
from .errors import BuildError
from .quotes import as_nfc
from .schema import ANNOTATION_SCHEMA, SLUG, SOURCE_SCHEMA

ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
ANNOTATION_HEADER = """\
# yaml-language-server: $schema={schema}
# A DRAFT written by `homs-kg draft` from {text}: nothing here is reviewed yet.
# Every entry marked `proposed: true` is a proposal: confirm it (delete the mark), correct it
# or delete it. Name each event (id, label), give it its class, the participants' roles, and
# each count's kind and group; `candidates` lists what was found but not annotated.
"""
SOURCE_HEADER = "# yaml-language-server: $schema={schema}\n"


@dataclass(frozen=True)
class DraftRequest:
    """What ``homs-kg draft`` was asked for."""

    text_path: Path
    source_id: str
    published: datetime.date
    title: str
    out: Path


def _dump(data: dict) -> str:
    return yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=None
    )


def metadata(request: DraftRequest) -> dict:
    language = "ar" if ARABIC_LETTER.search(request.title) else "en"
    return {
        "id": request.source_id,
        "text": f"{request.source_id}.ar.txt",
        "language": "ar",
        "published": request.published.isoformat(),
        "title": {language: request.title},
    }


def _paths(request: DraftRequest) -> tuple[Path, Path, Path]:
    sources = request.out / "sources"
    return (
        sources / f"{request.source_id}.yaml",
        sources / f"{request.source_id}.ar.txt",
        request.out / "annotations" / f"{request.source_id}.yaml",
    )


def write_draft(request: DraftRequest, base_iri: str, corpus: list[Path]) -> Draft:
    """Draft the text against the corpus's entities and write the three files."""
    try:
        raw = request.text_path.read_bytes()
        text = as_nfc(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise BuildError(f"cannot read the text {request.text_path}: {error}") from error
    if not re.fullmatch(SLUG["pattern"], request.source_id):
        raise BuildError(f"--source-id must be {SLUG['description']}, not {request.source_id!r}")
    paths = _paths(request)
    if existing := [str(path) for path in paths if path.exists()]:
        raise BuildError(f"{', '.join(existing)} already exist: choose another --out or id")
    dataset = build_dataset(base_iri, corpus)
    if request.source_id in {source.id for source in dataset.sources}:
        raise BuildError(f"the corpus already has a source {request.source_id!r}")
    draft = Drafter(dataset).draft(request.source_id, text, request.published)
    meta_path, text_path, annotation_path = paths
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
    meta_path.write_text(
        SOURCE_HEADER.format(schema=SOURCE_SCHEMA) + _dump(metadata(request)), encoding="utf-8"
    )
    text_path.write_bytes(raw)
    header = ANNOTATION_HEADER.format(schema=ANNOTATION_SCHEMA, text=request.text_path.name)
    annotation_path.write_text(header + _dump(draft.annotations()), encoding="utf-8")
    return draft


def written_summary(request: DraftRequest, draft: Draft) -> list[str]:
    """What ``homs-kg draft`` tells its user: the files, the proposals, the next command."""
    meta_path, text_path, annotation_path = _paths(request)
    return [
        f"wrote {meta_path}, {text_path} and {annotation_path}",
        f"proposed: {len(draft.entities)} entities ({len(draft.mentions)} mentions), "
        f"{len(draft.events)} events ({len(draft.times)} time phrases, {len(draft.counts)} "
        f"counts); {len(draft.candidates)} candidates to review",
        f"next: homs-kg validate --corpus packaged --corpus {request.out}",
    ]
