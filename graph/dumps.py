"""Compressed dumps of a build: the dataset as N-Quads, and the union of its graphs as Turtle."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import IO, cast

from pyoxigraph import Quad, RdfFormat, Triple, serialize

DUMPS = {"homs-kg.nq.gz": RdfFormat.N_QUADS, "homs-kg.ttl.gz": RdfFormat.TURTLE}


def write_dumps(quads: list[Quad], folder: Path, prefixes: dict[str, str]) -> list[Path]:
    """Write every dump into ``folder``; the gzip streams carry no timestamp (reproducible)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rdf_format in DUMPS.items():
        path = folder / name
        with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped:
            out = cast(IO[bytes], zipped)  # pyoxigraph's stub names typing.IO; it only calls write
            if rdf_format.supports_datasets:
                serialize(quads, out, format=rdf_format)
            else:
                triples = dict.fromkeys(Triple(q.subject, q.predicate, q.object) for q in quads)
                serialize(triples, out, format=rdf_format, prefixes=prefixes)
        written.append(path)
    return written
