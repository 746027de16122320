"""The corpus: source documents (text plus a metadata record) and their annotation files.

A corpus folder holds ``sources/<id>.yaml`` (metadata naming the text file beside it) and
``annotations/<id>.yaml``, and may hold ``ontology/*.ttl`` (its additions to the ontology). The
packaged corpus is the graph package's own folder; more folders can be given to a build. Every
file is checked against its JSON Schema first, and every problem of every file is reported.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from .errors import AnnotationError, BuildError, Location, Problems
from .located_yaml import LocatedMap, read_located
from .quotes import as_nfc
from .schema_check import SchemaChecker


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
    annotations: LocatedMap
    annotation_path: Path


@dataclass(frozen=True)
class CorpusSchemas:
    """The checkers of the two kinds of file."""

    source: SchemaChecker
    annotations: SchemaChecker


def read_checked(path: Path, checker: SchemaChecker, problems: Problems) -> LocatedMap | None:
    """A YAML file's mapping if it passes the schema; its errors go to ``problems``."""
    try:
        data = read_located(path)
    except AnnotationError as error:
        problems.add(error)
        return None
    except BuildError as error:
        problems.add(AnnotationError(Location(str(path)), str(error).removeprefix(f"{path}: ")))
        return None
    errors = checker.errors(str(path), data)
    for problem in errors:
        problems.add(problem)
    if not isinstance(data, LocatedMap):
        problems.add(AnnotationError(Location(str(path), 1), "expected a mapping"))
        return None
    return None if errors else data


def load_source(metadata_path: Path, meta: LocatedMap) -> SourceDocument:
    """The source document of a checked metadata record, with its NFC text."""
    text_path = metadata_path.parent / meta["text"]
    try:
        text = as_nfc(text_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        where = Location(str(metadata_path), meta.lines["text"], "text")
        raise AnnotationError(where, f"cannot read the source text {text_path}: {error}") from error
    return SourceDocument(
        id=meta["id"],
        text=text,
        language=meta["language"],
        published=datetime.date.fromisoformat(meta["published"]),
        title=dict(meta["title"]),
        publisher_note=meta.get("publisher_note"),
        path=text_path,
    )


def _annotated(
    metadata_path: Path, schemas: CorpusSchemas, problems: Problems
) -> AnnotatedSource | None:
    meta = read_checked(metadata_path, schemas.source, problems)
    annotation_path = metadata_path.parent.parent / "annotations" / metadata_path.name
    if not annotation_path.exists():
        problems.add(
            AnnotationError(Location(str(metadata_path), 1), f"no annotations at {annotation_path}")
        )
        return None
    annotations = read_checked(annotation_path, schemas.annotations, problems)
    if meta is None or annotations is None:
        return None
    source = problems.attempt(load_source, metadata_path, meta)
    if source is None:
        return None
    if annotations["source"] != source.id:
        where = Location(str(annotation_path), annotations.lines["source"], "source")
        problems.add(AnnotationError(where, f"must be {source.id!r}, the id of {metadata_path}"))
    return AnnotatedSource(source, annotations, annotation_path)


def load_corpus(folders: list[Path], schemas: CorpusSchemas) -> list[AnnotatedSource]:
    """Every annotated source of the folders, in order of publication then id."""
    problems = Problems()
    sources: dict[str, AnnotatedSource] = {}
    for folder in folders:
        for metadata_path in sorted((folder / "sources").glob("*.yaml")):
            found = _annotated(metadata_path, schemas, problems)
            if found is None:
                continue
            if found.source.id in sources:
                where = Location(str(metadata_path), found.annotations.line, "id")
                problems.add(AnnotationError(where, f"source id {found.source.id!r} twice"))
            sources[found.source.id] = found
    problems.raise_if_any()
    if not sources:
        raise BuildError(f"no sources found in {', '.join(str(f) for f in folders)}")
    return sorted(sources.values(), key=lambda s: (s.source.published, s.source.id))
