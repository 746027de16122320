"""A remote store's results as the embedded store gives them: the same terms, public graph names.

What another engine writes differently, and what is done here (measured on Virtuoso 7.2.5,
docs/endpoint.md "Running on Virtuoso"):

- a typed literal's cell has ``"type": "typed-literal"`` (SPARQL 1.0's JSON draft): read as a
  literal with its datatype;
- an ``xsd:boolean`` is written ``"1"`` or ``"0"``: written ``"true"`` and ``"false"``, the
  canonical forms the data holds (the build writes booleans only in that form);
- a blank node is ``nodeID://b10017``, which is not a blank node label: written ``b10017``;
- an ASK answers a SELECT of one variable ``__ASK_RETVAL`` (1, or no row): written as the
  boolean it stands for;
- a value of a type derived from ``xsd:integer`` (``xsd:nonNegativeInteger``, ``xsd:int``…)
  is written as an ``xsd:integer``, as the embedded store (Oxigraph) stores it;
- a stored graph name (server/stores/remote_builds.py) is written as its public name, wherever
  it appears.

Language tags come back lower-cased, as the embedded store writes them too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar, cast

from pyoxigraph import (
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    Triple,
    parse_query_results,
)

from homs_kg.graph.vocabulary import XSD

T = TypeVar("T")

XSD_BOOLEAN = XSD.boolean.value
XSD_INTEGER = XSD.integer.value
INTEGER_TYPES = {
    XSD[name].value
    for name in (
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
BOOLEANS = {"1": "true", "0": "false"}
ASK_VARIABLE = "__ASK_RETVAL"
NODE_ID = "nodeID://"


def solutions(body: bytes, ask: bool, public: Mapping[str, str]) -> QuerySolutions | QueryBoolean:
    """SPARQL JSON results (bytes) read as pyoxigraph's solutions or boolean."""
    results = json.loads(body)
    if ask and "boolean" not in results:
        rows = results.get("results", {}).get("bindings", [])
        answer = bool(rows) and any(cell.get("value") in ("1", "true") for cell in rows[0].values())
        results = {"head": {}, "boolean": answer}
    elif "results" in results:
        for row in results["results"]["bindings"]:
            for name, cell in row.items():
                row[name] = term_cell(cell, public)
    return parse_query_results(json.dumps(results).encode(), format=QueryResultsFormat.JSON)


def term_cell(cell: dict, public: Mapping[str, str]) -> dict:
    kind = cell.get("type")
    if kind == "typed-literal":
        cell = {**cell, "type": "literal"}
    if cell.get("type") == "literal" and cell.get("datatype") == XSD_BOOLEAN:
        return {**cell, "value": BOOLEANS.get(cell["value"], cell["value"])}
    if cell.get("type") == "literal" and cell.get("datatype") in INTEGER_TYPES:
        return {**cell, "datatype": XSD_INTEGER}
    if kind == "bnode":
        return {**cell, "value": cell["value"].removeprefix(NODE_ID)}
    if kind == "uri" and cell["value"] in public:
        return {**cell, "value": public[cell["value"]]}
    return cell


def triples(found: Iterable[Triple], public: Mapping[str, str]) -> Iterator[Triple]:
    """A graph's triples with booleans canonical and stored graph names public."""
    for triple in found:
        yield Triple(term(triple.subject, public), triple.predicate, term(triple.object, public))


def term(value: T, public: Mapping[str, str]) -> T:
    """``value``, a term of the same kind, public and canonical."""
    if isinstance(value, NamedNode) and value.value in public:
        return cast(T, NamedNode(public[value.value]))
    if isinstance(value, Literal) and value.datatype.value == XSD_BOOLEAN:
        return cast(T, Literal(BOOLEANS.get(value.value, value.value), datatype=value.datatype))
    if isinstance(value, Literal) and value.datatype.value in INTEGER_TYPES:
        return cast(T, Literal(value.value, datatype=NamedNode(XSD_INTEGER)))
    return value
