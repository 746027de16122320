"""The corpus: source documents (text plus a metadata record) and their annotation files.

A corpus folder holds ``sources/<id>.yaml`` (metadata naming the text file beside it) and
``annotations/<id>.yaml``. The packaged corpus is the graph package's own folder; more folders can
be given to a build.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import AnnotationError, BuildError
from .quotes import as_nfc

REQUIRED_METADATA = ("id", "text", "language", "published", "title")


@dataclass(frozen=True)
class SourceDocument:
    id: str
    text: str
    language: str
    published: datetime.date
    title: dict[str, str]
    publisher_note: str | None
    path: Path


@dataclass(frozen=True)
class AnnotatedSource:
    source: SourceDocument
    annotations: dict
    annotation_path: Path


def read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise BuildError(f"{path}: cannot read: {error}") from error
    if not isinstance(data, dict):
        raise AnnotationError(str(path), "expected a mapping at the top level")
    return data


def load_source(metadata_path: Path) -> SourceDocument:
    meta = read_yaml(metadata_path)
    missing = [key for key in REQUIRED_METADATA if key not in meta]
    if missing:
        raise AnnotationError(str(metadata_path), f"missing {', '.join(missing)}")
    if not isinstance(meta["published"], datetime.date):
        raise AnnotationError(f"{metadata_path}: published", "expected a date YYYY-MM-DD")
    text_path = metadata_path.parent / meta["text"]
    try:
        text = as_nfc(text_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise BuildError(f"{text_path}: cannot read the source text: {error}") from error
    return SourceDocument(
        id=str(meta["id"]),
        text=text,
        language=str(meta["language"]),
        published=meta["published"],
        title=dict(meta["title"]),
        publisher_note=meta.get("publisher_note"),
        path=text_path,
    )


def load_corpus(folders: list[Path]) -> list[AnnotatedSource]:
    """Every annotated source of the folders, in order of publication then id."""
    sources: dict[str, AnnotatedSource] = {}
    for folder in folders:
        for metadata_path in sorted((folder / "sources").glob("*.yaml")):
            source = load_source(metadata_path)
            if source.id in sources:
                raise AnnotationError(str(metadata_path), f"source id {source.id!r} twice")
            annotation_path = folder / "annotations" / f"{source.id}.yaml"
            if not annotation_path.exists():
                raise BuildError(f"{metadata_path}: no annotations at {annotation_path}")
            annotations = read_yaml(annotation_path)
            if annotations.get("source") != source.id:
                raise AnnotationError(str(annotation_path), f"'source' must be {source.id!r}")
            sources[source.id] = AnnotatedSource(source, annotations, annotation_path)
    if not sources:
        raise BuildError(f"no sources found in {', '.join(str(f) for f in folders)}")
    return sorted(sources.values(), key=lambda s: (s.source.published, s.source.id))
