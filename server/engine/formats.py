"""Content negotiation for SPARQL results: the Accept header with q-values (RFC 9110 section 12.5.1)
and the ``format=`` parameter, over the media types pyoxigraph serialises."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat

SOLUTION_FORMATS: list[QueryResultsFormat | RdfFormat] = [
    QueryResultsFormat.JSON,
    QueryResultsFormat.XML,
    QueryResultsFormat.CSV,
    QueryResultsFormat.TSV,
]
GRAPH_FORMATS: list[QueryResultsFormat | RdfFormat] = [
    RdfFormat.TURTLE,
    RdfFormat.N_TRIPLES,
    RdfFormat.RDF_XML,
    RdfFormat.JSON_LD,
    RdfFormat.N_QUADS,
    RdfFormat.TRIG,
    RdfFormat.N3,
]

# Short names accepted by format= (as Fuseki's output= and Virtuoso's format= do).
FORMAT_NAMES: dict[str, QueryResultsFormat | RdfFormat] = {
    "json": QueryResultsFormat.JSON,
    "srj": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "srx": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
    "turtle": RdfFormat.TURTLE,
    "ttl": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nt": RdfFormat.N_TRIPLES,
    "rdfxml": RdfFormat.RDF_XML,
    "rdf": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD,
    "json-ld": RdfFormat.JSON_LD,
    "nquads": RdfFormat.N_QUADS,
    "nq": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "n3": RdfFormat.N3,
}

# For a graph result (CONSTRUCT, DESCRIBE, documents) the generic names and media types mean the
# graph formats, as Fuseki reads output=json and SPARQLWrapper asks for RDF/XML with format=xml.
GRAPH_NAMES = {"json": RdfFormat.JSON_LD, "xml": RdfFormat.RDF_XML}

# Media types some clients send for the same formats: common ones, then by kind of result.
COMMON_ALIASES = {
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",  # rdflib's parse(..., format="nt") asks for it
    "application/json+ld": "application/ld+json",
}
SOLUTION_ALIASES = {
    **COMMON_ALIASES,
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}
GRAPH_ALIASES = {
    **COMMON_ALIASES,
    "application/json": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
}

Format = QueryResultsFormat | RdfFormat


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    order: int

    def matches(self, media_type: str) -> bool:
        main, sub = media_type.split("/", 1)
        return self.type in ("*", main) and self.subtype in ("*", sub)

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for order, item in enumerate(header.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        main, sub = media.split("/", 1)
        ranges.append(MediaRange(main, sub, q, order))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> tuple[float, int]:
    """The q-value the most specific matching range gives, and that range's position."""
    matching = [r for r in ranges if r.matches(media_type)]
    if not matching:
        return 0.0, 0
    best = max(matching, key=lambda r: (r.specificity, -r.order))
    return best.q, best.order


def essence(media_type: str) -> str:
    """The media type without parameters: "text/csv; charset=utf-8" -> "text/csv"."""
    return media_type.split(";", 1)[0].strip().lower()


def negotiate_media(
    accept: str | None, offered: list[str], aliases: dict[str, str] | None = None
) -> str | None:
    """The offered media type the client prefers (ties: the client's order, then ours); a client
    may name an offered type by one of its ``aliases`` (alias -> offered type)."""
    ranges = parse_accept(accept)
    scored = []
    for rank, media_type in enumerate(offered):
        names = [essence(media_type)]
        names += [alias for alias, target in (aliases or {}).items() if target == names[0]]
        q, order = max((quality(ranges, name) for name in names), key=lambda s: (s[0], -s[1]))
        if q > 0:
            scored.append((-q, order, rank, media_type))
    return min(scored)[3] if scored else None


def aliases_for(offered: list[Format]) -> dict[str, str]:
    graph = bool(offered) and all(isinstance(fmt, RdfFormat) for fmt in offered)
    return GRAPH_ALIASES if graph else SOLUTION_ALIASES


def negotiate(accept: str | None, offered: list[Format]) -> Format | None:
    """The offered format the client prefers, aliases such as application/json included (read
    as the kind of result offered: SPARQL results JSON, or JSON-LD for a graph)."""
    by_media = {fmt.media_type: fmt for fmt in offered}
    chosen = negotiate_media(accept, list(by_media), aliases_for(offered))
    return by_media[chosen] if chosen else None


def format_by_name(name: str, kind: str = "solutions") -> Format | None:
    """A format= value, a short name or a media type, read for a result of ``kind``: "json" and
    "xml" name the graph formats JSON-LD and RDF/XML for a graph."""
    name = name.strip().lower()
    if kind == "graph" and name in GRAPH_NAMES:
        return GRAPH_NAMES[name]
    if name in FORMAT_NAMES:
        return FORMAT_NAMES[name]
    aliases = GRAPH_ALIASES if kind == "graph" else SOLUTION_ALIASES
    media = aliases.get(essence(name), essence(name))
    return QueryResultsFormat.from_media_type(media) or RdfFormat.from_media_type(media)


def offered_for(kind: str) -> list[Format]:
    """The formats offered for a result of ``kind``: graph, solutions or boolean."""
    return GRAPH_FORMATS if kind == "graph" else SOLUTION_FORMATS


def kind_of_form(form: str) -> str:
    """The kind of result a query form gives (SPARQL 1.1 Query, section 16)."""
    return "graph" if form in ("CONSTRUCT", "DESCRIBE") else "solutions"


CACHED_HEADER_CHARS = 512  # longer format= or Accept values are negotiated afresh, not kept


def choose_format(name: str | None, accept: str | None, kind: str) -> Format | None:
    """The format a request asks for (``format=`` first, else its Accept header) among those
    offered for ``kind``; None when none of them is acceptable. Asked twice a query (before
    evaluation and by the worker), with the same few headers again and again: the choice for
    short ones is kept."""
    if len(name or "") + len(accept or "") <= CACHED_HEADER_CHARS:
        return remembered_choice(name, accept, kind)
    return choice(name, accept, kind)


def choice(name: str | None, accept: str | None, kind: str) -> Format | None:
    offered = offered_for(kind)
    chosen = format_by_name(name, kind) if name else negotiate(accept, offered)
    return chosen if chosen in offered else None


remembered_choice = functools.lru_cache(maxsize=256)(choice)


def unacceptable(kind: str) -> str:
    """The message of a 406 for a result of ``kind``."""
    names = ", ".join(essence(f.media_type) for f in offered_for(kind))
    return f"no acceptable result format; this query offers {names}"
