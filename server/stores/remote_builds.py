"""How builds live side by side in a remote store, and which one a server reads.

A build never overwrites the graphs a server reads. Its graphs are stored under names of its
own, below the reserved ``{base}graph/build/``: the public graph ``{base}graph/<name>`` of build
``<id>`` is stored as ``{base}graph/build/<id>/<name>``, their union (each triple once) as
``{base}graph/build/<id>/``, and an IRI of a public graph written in
the data (a source's ``hkg:namedGraph``) is stored as that name too, so that the stored dataset
is the public one with each graph IRI renamed. The build's description graph
``{base}graph/build/<id>`` lists its stored graphs (``dcterms:hasPart``), each with its public
name (``prov:specializationOf``). The build becomes complete, and the newest complete build the
live one, with one more triple added after everything else is in the store:
``prov:generatedAtTime``. A single added triple is the switch: before it a reader sees the
previous build whole, after it the new one whole.

A server reads the complete builds at most every ``STATE_SECONDS`` (server/stores/remote.py),
sends each query over the live build's stored graphs, and maps the stored names in the answer
back to the public ones. ``homs-kg build --store`` (server/stores/remote_load.py) keeps the live
build and the one before it, as the embedded store keeps its previous store, and removes older
ones: their description first, then, ``SWITCH_SECONDS`` later (when every server has read the
new state), their graphs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad

from homs_kg.graph.vocabulary import DCTERMS, PROV, XSD, MintedIris

STATE_SECONDS = 1.0  # a server reads the store's builds at most this often
SWITCH_SECONDS = STATE_SECONDS + 1.0  # after a switch, every server has read it within this
UNBUILT = "unbuilt"


@dataclass(frozen=True)
class BuildState:
    """The complete builds of a store, and the graphs of the newest (the live one)."""

    build_id: str = UNBUILT
    graphs: Mapping[str, str] = field(default_factory=dict)  # public name: stored name
    kept: frozenset[str] = frozenset()  # the ids of every complete build in the store

    @property
    def public_names(self) -> dict[str, str]:
        """Stored name: public name."""
        return {stored: public for public, stored in self.graphs.items()}


class BuildLayout:
    """The names of a store's builds under a base IRI."""

    def __init__(self, iris: MintedIris) -> None:
        self.public_prefix = iris.graph("").value
        self.prefix = iris.graph("build/").value
        self.empty = self.prefix + "empty"  # a graph never written: an empty default graph

    def description(self, build_id: str) -> str:
        return self.prefix + build_id

    def union(self, build_id: str) -> str:
        """The build's union graph: every triple of its graphs, each once. A query without a
        dataset reads it as its default graph, since a store given the graphs one by one
        may give a triple held by two of them twice (Virtuoso does), where the embedded store's
        union default graph holds it once."""
        return f"{self.prefix}{build_id}/"

    def stored(self, public: str, build_id: str) -> str:
        """The stored name of a public graph in a build."""
        return f"{self.prefix}{build_id}/{public.removeprefix(self.public_prefix)}"

    def build_of(self, stored: str) -> str | None:
        """The build id a stored graph (or a description) belongs to; None for another IRI."""
        if not stored.startswith(self.prefix) or stored == self.empty:
            return None
        return stored.removeprefix(self.prefix).split("/", 1)[0] or None

    def reserved(self, iri: str) -> bool:
        """An IRI of the builds' own space, which no query may name."""
        return iri.startswith(self.prefix) or iri == self.prefix.rstrip("/")

    def check_public(self, public: str) -> None:
        """A graph a build may hold: under ``{base}graph/``, outside the builds' space."""
        if (
            not public.startswith(self.public_prefix)
            or self.reserved(public)
            or public == self.public_prefix
        ):
            raise ValueError(
                f"the graph {public} cannot be stored by build: a remote store "
                f"holds graphs under {self.public_prefix}, except "
                f"{self.prefix}"
            )

    def state_query(self) -> str:
        return (
            f"SELECT ?d ?stored ?public WHERE {{ GRAPH ?d {{ ?d <{PROV.generatedAtTime.value}> "
            f"?t ; <{DCTERMS.hasPart.value}> ?stored . ?stored "
            f"<{PROV.specializationOf.value}> ?public }} "
            f'FILTER(STRSTARTS(STR(?d), "{self.prefix}")) }}'
        )

    def state(self, rows: Iterable[Mapping[str, str]]) -> BuildState:
        """The state the rows of ``state_query`` describe."""
        builds: dict[str, dict[str, str]] = {}
        for row in rows:
            build_id = self.build_of(row["d"])
            if build_id is not None and row["d"] == self.description(build_id):
                builds.setdefault(build_id, {})[row["public"]] = row["stored"]
        if not builds:
            return BuildState()
        live = max(builds)  # a build id is its UTC time (graph/store.py)
        return BuildState(live, builds[live], frozenset(builds))

    def description_quads(self, build_id: str, publics: Iterable[str]) -> list[Quad]:
        """The build's description, without the triple that completes it."""
        node = NamedNode(self.description(build_id))
        quads = [Quad(node, DCTERMS.identifier, Literal(build_id), node)]
        for public in sorted(publics):
            stored = NamedNode(self.stored(public, build_id))
            quads += [
                Quad(node, DCTERMS.hasPart, stored, node),
                Quad(stored, PROV.specializationOf, NamedNode(public), node),
            ]
        return quads

    def completion(self, build_id: str, generated: str) -> Quad:
        """The triple that makes a build complete (and live, when it is the newest)."""
        node = NamedNode(self.description(build_id))
        return Quad(node, PROV.generatedAtTime, Literal(generated, datatype=XSD.dateTime), node)
