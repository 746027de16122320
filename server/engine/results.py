"""Writing query results to a file, at most ``max_rows`` rows or triples, in the chosen format.

Booleans and graphs are serialised by pyoxigraph. SELECT solutions are written here, row by row,
because pyoxigraph's serialiser cannot stop after N rows: the formats follow SPARQL 1.1 Query
Results JSON (section 3), XML (section 2), CSV and TSV (sections 2 and 3 of the CSV/TSV note).

A document (a graph result whose job has a ``DocumentShape``) is written for people and their
clients: its subjects in order (the resource, its parts, its evidence, the rest), its prefixes
declared (Turtle, RDF/XML), and in JSON-LD compacted with the context of those prefixes, which
pyoxigraph's JSON-LD serialiser does not do.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring as json_string  # C: "...", non-ASCII kept
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QuadParser,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
    serialize,
)

from homs_kg.graph.vocabulary import RDF, XSD
from homs_kg.server.engine.formats import Format

XSD_STRING = XSD.string.value
RDF_TYPE = RDF.type.value

# What a query gives: the embedded store's answer, or a remote store's parsed (a graph as quads,
# or as the triples a CONSTRUCT's template gave for a remote store's solutions).
QueryResults = QuerySolutions | QueryBoolean | QueryTriples | QuadParser | list[Triple]


def solutions(results: QueryResults) -> QuerySolutions:
    """The results of a query the caller wrote as a SELECT: the store's answer names no form."""
    if not isinstance(results, QuerySolutions):
        raise TypeError(f"a SELECT gave {type(results).__name__}, not solutions")
    return results


def graph(results: QueryResults) -> QueryTriples | QuadParser:
    """The results of a query the caller wrote as a CONSTRUCT or DESCRIBE."""
    if not isinstance(results, (QueryTriples, QuadParser)):
        raise TypeError(f"a CONSTRUCT gave {type(results).__name__}, not triples")
    return results


def in_memory(serialized: bytes | None) -> bytes:
    """What a pyoxigraph serialiser given no output returns: the bytes (its stubs, without
    overloads, say bytes | None for every call)."""
    assert serialized is not None
    return serialized


class Capped:
    """Yields at most ``limit`` items, then notes whether one more was there."""

    def __init__(self, items: Iterable, limit: int) -> None:
        self.items = iter(items)
        self.limit = limit
        self.count = 0
        self.truncated = False

    def __iter__(self) -> Iterator:
        for item in self.items:
            if self.count == self.limit:
                self.truncated = True
                return
            self.count += 1
            yield item


@dataclass(frozen=True)
class DocumentShape:
    """How a graph result is written as a document: with these prefixes, and its subjects in
    order: ``resource``, its parts (``resource#…`` and blank nodes), those under each namespace
    of ``then`` in turn, then the rest, each group sorted. Part of a job, so hashable."""

    prefixes: tuple[tuple[str, str], ...] = ()
    resource: str = ""
    then: tuple[str, ...] = ()


def write_results(
    results: QueryResults,
    fmt: Format,
    out: BinaryIO,
    max_rows: int,
    shape: DocumentShape | None = None,
) -> Capped | None:
    """Write the results (a graph as a document when it has a ``shape``) in a format offered for
    their kind (formats.offered_for); for solutions and graphs return the counter that says if
    it cut."""
    if isinstance(results, QueryBoolean):
        assert isinstance(fmt, QueryResultsFormat)
        results.serialize(out, format=fmt)
        return None
    if isinstance(results, QuerySolutions):
        assert isinstance(fmt, QueryResultsFormat)
        capped = Capped(results, max_rows)
        WRITERS[fmt](out, [v.value for v in results.variables], capped)
        return capped
    assert isinstance(fmt, RdfFormat)
    capped = Capped(results, max_rows)
    triples: Iterable = capped
    if shape is not None and (fmt == RdfFormat.JSON_LD or not fmt.supports_datasets):
        write_document(ordered(capped, shape), fmt, out, dict(shape.prefixes))
        return capped
    if fmt.supports_datasets:
        triples = (Quad(t.subject, t.predicate, t.object) for t in capped)
    serialize(triples, out, format=fmt)
    return capped


Terms = tuple  # a triple's (subject, predicate, object): pyoxigraph makes a new term per access
Term = NamedNode | BlankNode | Literal  # an object in a document: the build quotes no triples


def write_document(triples: list[Terms], fmt: RdfFormat, out: BinaryIO, prefixes: dict) -> None:
    if fmt == RdfFormat.JSON_LD:
        out.write(compacted_json_ld(triples, prefixes))
    else:  # N-Triples has no prefixes: pyoxigraph ignores them there
        serialize((Triple(*terms) for terms in triples), out, format=fmt, prefixes=prefixes)


def ordered(triples: Iterable, shape: DocumentShape) -> list[Terms]:
    """The triples once each (a CONSTRUCT may repeat one), in the shape's order; within a
    subject rdf:type first, then by predicate and object, so the bytes are the same each time."""
    subjects: dict[object, tuple[int, bool, str]] = {}
    by_key: dict[tuple, Terms] = {}
    for triple in triples:
        terms = subject, predicate, obj = triple.subject, triple.predicate, triple.object
        if subject not in subjects:
            blank = isinstance(subject, BlankNode)
            subjects[subject] = subject_rank(subject, shape), blank, subject.value
        name = predicate.value
        by_key[(*subjects[subject], name != RDF_TYPE, name, str(obj))] = terms
    return [by_key[key] for key in sorted(by_key)]


def subject_rank(subject: NamedNode | BlankNode, shape: DocumentShape) -> int:
    """0: the resource; 1: its parts; 2…: under each namespace of ``then``; last: the rest."""
    rest = 2 + len(shape.then)
    if isinstance(subject, BlankNode):
        return 1 if shape.resource else rest
    iri = subject.value
    if shape.resource and iri == shape.resource:
        return 0
    if shape.resource and iri.startswith(shape.resource + "#"):
        return 1
    return next((2 + n for n, ns in enumerate(shape.then) if iri.startswith(ns)), rest)


# JSON-LD 1.1 API §4.2 (Create Term Definition): a simple term, with neither ":" nor "/", whose
# IRI ends with a gen-delim character of RFC 3986 is a prefix: it may start a compact IRI.
GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")


def is_prefix(name: str, iri: str) -> bool:
    return not any(c in name for c in ":/") and iri.endswith(GEN_DELIMS)


class Compactor:
    """IRIs compacted against a context of prefix term definitions, as the JSON-LD 1.1 API's IRI
    Compaction (§6.2) does: in @id position the shortest compact IRI (ties: the least), else the
    IRI; in a vocabulary position (a property, a type, a datatype) a prefix's own IRI is that
    term. An IRI whose scheme is a prefix's name (``hkg:x``) would read as a compact IRI: it is
    noted in ``confused``, and the document is written again without that prefix."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = {name: iri for name, iri in prefixes.items() if is_prefix(name, iri)}
        # §4.3 Inverse Context Creation: of terms with one IRI, the shortest (then least) wins
        by_preference = sorted(self.prefixes.items(), key=lambda p: (len(p[0]), p[0]))
        self.terms = {iri: name for name, iri in reversed(by_preference)}
        self.confused: set[str] = set()
        self.done: dict[str, str] = {}

    def id(self, iri: str) -> str:
        if iri not in self.done:
            self.done[iri] = self.compact(iri)
        return self.done[iri]

    def vocab(self, iri: str) -> str:
        return self.terms.get(iri) or self.id(iri)

    def compact(self, iri: str) -> str:
        candidates = []
        for name, ns in self.prefixes.items():
            suffix = iri.removeprefix(ns)
            # IRI Expansion (§5.2) reads a suffix starting with // as an absolute IRI
            if iri.startswith(ns) and suffix and not suffix.startswith("//"):
                candidates.append(f"{name}:{suffix}")
        if candidates:
            return min(candidates, key=lambda c: (len(c), c))
        scheme, _, rest = iri.partition(":")
        if scheme in self.prefixes and not rest.startswith("//"):
            self.confused.add(scheme)
        return iri


def compacted_json_ld(triples: list[Terms], prefixes: dict[str, str]) -> bytes:
    """The triples as a compacted JSON-LD 1.1 document, as the API's compact() (§6.1, with
    compactArrays) gives it for their expanded form and a context of the prefixes: one node
    object per subject, a single value unwrapped from its array; one node per line in @graph."""
    compactor = Compactor(prefixes)
    nodes = node_objects(triples, compactor)
    while compactor.confused:
        compactor = Compactor(
            {n: i for n, i in compactor.prefixes.items() if n not in compactor.confused}
        )
        nodes = node_objects(triples, compactor)
    if len(nodes) <= 1:  # compactArrays: a lone node object is the document itself
        document = {"@context": compactor.prefixes, **(nodes[0] if nodes else {})}
        return json.dumps(document, ensure_ascii=False).encode() + b"\n"
    context = json.dumps(compactor.prefixes, ensure_ascii=False)
    lines = ",\n".join(json.dumps(node, ensure_ascii=False) for node in nodes)
    return f'{{"@context": {context},\n"@graph": [\n{lines}\n]}}\n'.encode()


def node_objects(triples: list[Terms], compactor: Compactor) -> list[dict]:
    """One node object per subject, the triples being grouped by subject and predicate."""
    nodes: list[dict] = []
    for subject, predicate, obj in triples:
        node_id = json_ld_id(subject, compactor)
        if not nodes or nodes[-1]["@id"] != node_id:
            nodes.append({"@id": node_id})
        add_value(nodes[-1], predicate.value, obj, compactor)
    return nodes


def add_value(node: dict, predicate: str, obj: Term, compactor: Compactor) -> None:
    """A triple's object in its subject's node object, as JSON-LD 1.1's Serialize RDF as
    JSON-LD (§8.4, useRdfType false) and Value Compaction (§6.3) give it."""
    value: object  # an IRI string for @type, else a JSON-LD value
    if predicate == RDF_TYPE and not isinstance(obj, Literal):
        key, value = "@type", json_ld_id(obj, compactor, vocab=True)
    else:
        key, value = compactor.vocab(predicate), json_ld_value(obj, compactor)
    if key not in node:
        node[key] = value
    elif isinstance(node[key], list):
        node[key].append(value)
    else:
        node[key] = [node[key], value]


def json_ld_id(term: NamedNode | BlankNode, compactor: Compactor, vocab: bool = False) -> str:
    if isinstance(term, BlankNode):
        return "_:" + term.value
    iri = term.value
    return compactor.vocab(iri) if vocab else compactor.id(iri)


def json_ld_value(term: Term, compactor: Compactor) -> object:
    if not isinstance(term, Literal):
        return {"@id": json_ld_id(term, compactor)}
    if term.language:
        value = {"@value": term.value, "@language": term.language}
        if term.direction:
            value["@direction"] = str(term.direction)
        return value
    if term.datatype.value == XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": compactor.vocab(term.datatype.value)}


def json_term(term: object) -> str:
    """A term as a SPARQL JSON RDF term object (section 3.2.2), already encoded."""
    if isinstance(term, NamedNode):
        return '{"type":"uri","value":' + json_string(term.value) + "}"
    if isinstance(term, Literal):
        value = '{"type":"literal","value":' + json_string(term.value)
        if term.language:
            return value + ',"xml:lang":' + json_string(term.language) + "}"
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return value + "}"
        return value + ',"datatype":' + json_string(datatype) + "}"
    if isinstance(term, BlankNode):
        return '{"type":"bnode","value":' + json_string(term.value) + "}"
    if isinstance(term, Triple):
        parts = ",".join(
            f'"{k}":' + json_term(getattr(term, k)) for k in ("subject", "predicate", "object")
        )
        return '{"type":"triple","value":{' + parts + "}}"
    raise TypeError(f"unexpected term {term!r}")


def write_json(out: BinaryIO, names: list[str], rows: Iterable) -> None:
    keys = [json_string(name) + ":" for name in names]
    out.write(b'{"head":{"vars":' + json.dumps(names).encode() + b'},"results":{"bindings":[')
    separator = ""
    for row in rows:
        cells = ",".join(
            key + json_term(term) for key, term in zip(keys, row, strict=True) if term is not None
        )
        out.write(f"{separator}{{{cells}}}".encode())
        separator = ","
    out.write(b"]}}")


def xml_term(term: object) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            datatype = quoteattr(term.datatype.value)
            return f"<literal datatype={datatype}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def write_xml(out: BinaryIO, names: list[str], rows: Iterable) -> None:
    head = "".join(f"<variable name={quoteattr(n)}/>" for n in names)
    out.write(
        (
            '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head>{head}</head><results>"
        ).encode()
    )
    for row in rows:
        bindings = "".join(
            f"<binding name={quoteattr(n)}>{xml_term(row[n])}</binding>"
            for n in names
            if row[n] is not None
        )
        out.write(f"<result>{bindings}</result>".encode())
    out.write(b"</results></sparql>")


def csv_term(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return term.value if isinstance(term, (NamedNode, Literal)) else str(term)


def write_csv(out: BinaryIO, names: list[str], rows: Iterable) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([csv_term(row[n]) for n in names])
    text.detach()


def write_tsv(out: BinaryIO, names: list[str], rows: Iterable) -> None:
    out.write(("\t".join(f"?{n}" for n in names) + "\n").encode())
    for row in rows:
        out.write(("\t".join("" if row[n] is None else str(row[n]) for n in names) + "\n").encode())


WRITERS = {
    QueryResultsFormat.JSON: write_json,
    QueryResultsFormat.XML: write_xml,
    QueryResultsFormat.CSV: write_csv,
    QueryResultsFormat.TSV: write_tsv,
}
