"""Writing query results to a file, at most ``max_rows`` rows or triples, in the chosen format.

Booleans and graphs are serialised by pyoxigraph. SELECT solutions are written here, row by row,
because pyoxigraph's serialiser cannot stop after N rows: the formats follow SPARQL 1.1 Query
Results JSON (section 3), XML (section 2), CSV and TSV (sections 2 and 3 of the CSV/TSV note).

A document (a graph result whose job has a ``DocumentShape``) is written for people and their
clients: its subjects in order (the resource, its parts, its evidence, the rest) and its prefixes
declared (Turtle, RDF/XML).
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
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    Triple,
    serialize,
)

from homs_kg.graph.vocabulary import RDF, XSD

XSD_STRING = XSD.string.value
RDF_TYPE = RDF.type.value


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
    results: object, fmt: object, out: BinaryIO, max_rows: int, shape: DocumentShape | None = None
) -> Capped | None:
    """Write the results (a graph as a document when it has a ``shape``); for solutions and
    graphs return the counter that says if it cut."""
    if isinstance(results, QueryBoolean):
        out.write(results.serialize(format=fmt))
        return None
    if isinstance(results, QuerySolutions):
        capped = Capped(results, max_rows)
        WRITERS[fmt](out, [v.value for v in results.variables], capped)
        return capped
    capped = Capped(results, max_rows)
    triples: Iterable = capped
    if shape is not None and not fmt.supports_datasets:
        write_document(ordered(capped, shape), fmt, out, dict(shape.prefixes))
        return capped
    if fmt.supports_datasets:
        triples = (Quad(t.subject, t.predicate, t.object) for t in capped)
    serialize(triples, out, format=fmt)
    return capped


Terms = tuple  # a triple's (subject, predicate, object): pyoxigraph makes a new term per access


def write_document(triples: list[Terms], fmt: object, out: BinaryIO, prefixes: dict) -> None:
    # N-Triples has no prefixes: pyoxigraph ignores them there
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


def subject_rank(subject: object, shape: DocumentShape) -> int:
    """0: the resource; 1: its parts; 2…: under each namespace of ``then``; last: the rest."""
    rest = 2 + len(shape.then)
    if isinstance(subject, BlankNode):
        return 1 if shape.resource else rest
    iri = subject.value  # type: ignore[attr-defined]
    if shape.resource and iri == shape.resource:
        return 0
    if shape.resource and iri.startswith(shape.resource + "#"):
        return 1
    return next((2 + n for n, ns in enumerate(shape.then) if iri.startswith(ns)), rest)


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
