"""The build: corpus to checked dataset to SHACL-validated quads to a freshly swapped-in store."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode

from .dataset import Dataset, build_dataset
from .errors import BuildError
from .store import StoreInfo, write_store
from .validation import ShaclReport, validate_quads
from .vocabulary import RDF


@dataclass(frozen=True)
class BuildReport:
    dataset: Dataset
    shacl: ShaclReport
    seconds: float
    store: StoreInfo | None = None

    @property
    def triples(self) -> int:
        return len(self.dataset.quads)

    def class_counts(self) -> dict[str, int]:
        """Instances per ``hkg:`` class in the source graphs (the ontology graph excluded)."""
        namespace = self.dataset.iris.hkg.iri
        ontology = self.dataset.iris.graph("ontology")
        counts = Counter(
            q.object.value[len(namespace) :]
            for q in self.dataset.quads
            if q.predicate == RDF.type
            and q.graph_name != ontology
            and isinstance(q.object, NamedNode)
            and q.object.value.startswith(namespace)
        )
        return dict(sorted(counts.items()))

    def graph_counts(self) -> dict[str, int]:
        names = (q.graph_name for q in self.dataset.quads)  # the dataset's graphs are all named
        return dict(sorted(Counter(n.value for n in names if isinstance(n, NamedNode)).items()))

    def lines(self) -> list[str]:
        lines = [f"quads: {self.triples} in {len(self.graph_counts())} named graphs"]
        lines += [f"  {graph}: {count}" for graph, count in self.graph_counts().items()]
        lines += ["instances per class:"]
        lines += [f"  hkg:{name}: {count}" for name, count in self.class_counts().items()]
        lines += [self.shacl.summary(), f"time: {self.seconds:.2f} s"]
        if self.store:
            lines.append(f"store: {self.store.path} (build {self.store.build_id})")
        return lines


def check(base_iri: str, corpus: list[Path] | None = None) -> BuildReport:
    """Build the dataset in memory and validate it, without touching any store."""
    started = time.perf_counter()
    dataset = build_dataset(base_iri, corpus)
    shacl = validate_quads(dataset.quads, dataset.iris)
    return BuildReport(dataset, shacl, time.perf_counter() - started)


def build(data_dir: Path, base_iri: str, corpus: list[Path] | None = None) -> BuildReport:
    """Check, validate and store; a dataset that fails SHACL never reaches the store."""
    started = time.perf_counter()
    report = check(base_iri, corpus)
    if not report.shacl.conforms:
        raise BuildError(report.shacl.summary())
    metadata = {
        "base_iri": report.dataset.iris.base,
        "quads": report.triples,
        "sources": [source.id for source in report.dataset.sources],
        "classes": report.class_counts(),
    }
    info = write_store(data_dir, report.dataset.quads, metadata, report.dataset.iris.prefixes())
    return BuildReport(report.dataset, report.shacl, time.perf_counter() - started, info)
