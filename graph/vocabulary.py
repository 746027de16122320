"""IRIs: the external vocabularies and the IRIs this graph mints under its base."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

DEFAULT_BASE_IRI = "http://127.0.0.1:8000/"


class Namespace:
    """A vocabulary namespace: ``RDFS.label`` or ``RDFS["label"]`` gives the term's NamedNode."""

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getitem__(self, local: str) -> NamedNode:
        return NamedNode(self.iri + local)

    def __getattr__(self, local: str) -> NamedNode:
        if local.startswith("__"):
            raise AttributeError(local)
        return self[local]


RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("http://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES = {
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "owl": OWL.iri,
    "xsd": XSD.iri,
    "skos": SKOS.iri,
    "dcterms": DCTERMS.iri,
    "schema": SCHEMA.iri,
    "sem": SEM.iri,
    "oa": OA.iri,
    "prov": PROV.iri,
    "wd": WD.iri,
}


def sparql_prologue(prefixes: dict[str, str]) -> str:
    """``PREFIX name: <iri>`` lines for a SPARQL query."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())


@dataclass(frozen=True)
class MintedIris:
    """Every IRI the graph mints, under one public base IRI (docs/data-model.md, "IRIs")."""

    base: str = DEFAULT_BASE_IRI

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            object.__setattr__(self, "base", self.base + "/")

    @property
    def ontology(self) -> NamedNode:
        return NamedNode(self.base + "ontology")

    @property
    def hkg(self) -> Namespace:
        return Namespace(self.base + "ontology/")

    def resource(self, slug: str, part: str | None = None) -> NamedNode:
        return NamedNode(f"{self.base}resource/{slug}" + (f"#{part}" if part else ""))

    def evidence(self, slug: str) -> NamedNode:
        return NamedNode(f"{self.base}evidence/{slug}")

    def source(self, source_id: str) -> NamedNode:
        return NamedNode(f"{self.base}source/{source_id}")

    def graph(self, name: str) -> NamedNode:
        return NamedNode(f"{self.base}graph/{name}")

    def prefixes(self) -> dict[str, str]:
        """Prefixes for serialisation and for the SPARQL prologue of the catalogue."""
        return {
            **PREFIXES,
            "hkg": self.hkg.iri,
            "res": self.base + "resource/",
            "ev": self.base + "evidence/",
            "src": self.base + "source/",
        }
