"""A query rewritten to read one build of a remote store, over the dataset the embedded store
would give it.

The RDF dataset is decided here, as server/engine/evaluation.py's ``dataset_of`` decides it for
the embedded store, and always sent to the store as ``default-graph-uri`` and
``named-graph-uri`` (a store left to choose reads more: Virtuoso's default graph then includes
its system graphs, and ``GRAPH ?g`` ranges over every graph it holds):

- graphs the request names override the query's ``FROM`` and ``FROM NAMED`` (SPARQL 1.1
  Protocol section 2.1.4); without ``named-graph-uri`` the named graphs are all the build's
  graphs, without ``default-graph-uri`` the default graph is their union;
- else the query's ``FROM`` and ``FROM NAMED`` clauses give it, each list empty when the query has
  none of that kind (Virtuoso adds the request's graphs to the clauses', so the clauses are
  removed from the text and sent as parameters);
- else the default graph is the union of the build's graphs, and they are the named graphs.

The union default graph is sent as the build's union graph, one graph with each triple once
(server/stores/remote_builds.py): Virtuoso given the graphs one by one answers a triple held
by two graphs twice, and its property paths (``rdfs:subClassOf*``) joined to a pattern find
nothing over several default graphs.

Each graph is the build's stored graph (server/stores/remote_builds.py); a graph the build does
not hold reads as empty. In the text, every IRI of a public graph becomes its stored name, an
IRI of the builds' own space becomes an empty graph's, and so does the graph of ``GRAPH <iri>``
when it is not a named graph of the dataset (Virtuoso would read it anyway).
"""

from __future__ import annotations

from dataclasses import dataclass

from homs_kg.server.engine.syntax import QueryReader, Token, iri_value, resolve, tokenize
from homs_kg.server.stores.remote_builds import BuildLayout, BuildState


@dataclass(frozen=True)
class StoreRequest:
    """What is sent to the store: the rewritten text and the dataset's stored graphs."""

    query: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


@dataclass(frozen=True)
class Clauses:
    """The query's FROM and FROM NAMED clauses: their IRIs and the token indexes they span."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()
    tokens: frozenset[int] = frozenset()

    @property
    def present(self) -> bool:
        return bool(self.tokens)


def for_build(
    text: str,
    default_graphs: tuple[str, ...],
    named_graphs: tuple[str, ...],
    state: BuildState,
    layout: BuildLayout,
) -> StoreRequest:
    """The query and dataset that read the live build as the embedded store reads its store;
    QuerySyntaxError for a text the reader cannot follow."""
    tokens = tokenize(text)
    reader = QueryReader(text, tokens)
    reader.read_prologue()
    terms = Terms(reader.prefixes, reader.base)
    clauses = dataset_clauses(tokens, reader.index, terms)
    every = tuple(state.graphs)
    if default_graphs or named_graphs:
        default, named = default_graphs or every, named_graphs or every
    elif clauses.present:
        default, named = clauses.default, clauses.named
    else:
        default, named = every, every
    stored_named = stored(named, state, layout)
    if default is every and state.graphs:  # the union default graph: the build's union graph
        stored_default: tuple[str, ...] = (layout.union(state.build_id),)
    else:
        stored_default = stored(default, state, layout)
    parts, position = [], 0
    for index in range(reader.index, len(tokens)):
        token = tokens[index]
        if index in clauses.tokens:
            replacement = ""
        elif token.kind in ("iri", "pname"):
            in_graph = index > 0 and tokens[index - 1].keyword == "GRAPH"
            replacement = rewritten(token, terms, state, layout, stored_named if in_graph else None)
        else:
            continue
        parts += [text[position : token.start], replacement]
        position = token.end
    parts.append(text[position:])
    return StoreRequest("".join(parts), stored_default, stored_named)


class Terms:
    """The IRI an IRI or prefixed-name token stands for, under the query's prologue."""

    def __init__(self, prefixes: dict[str, str], base: str | None) -> None:
        self.prefixes = prefixes
        self.base = base

    def iri(self, token: Token) -> str | None:
        if token.kind == "iri":
            return resolve(iri_value(token), self.base)
        prefix, _, local = token.text.partition(":")
        if prefix not in self.prefixes:
            return None  # the store says what is wrong
        return self.prefixes[prefix] + local.replace("\\", "")


def dataset_clauses(tokens: list[Token], start: int, terms: Terms) -> Clauses:
    default: list[str] = []
    named: list[str] = []
    spans: set[int] = set()
    index = start
    while index < len(tokens):
        if tokens[index].keyword != "FROM":
            index += 1
            continue
        first = index
        is_named = index + 1 < len(tokens) and tokens[index + 1].keyword == "NAMED"
        index += 2 if is_named else 1
        iri = terms.iri(tokens[index]) if index < len(tokens) else None
        if iri is not None:
            (named if is_named else default).append(iri)
        spans.update(range(first, index + 1))
        index += 1
    return Clauses(tuple(default), tuple(named), frozenset(spans))


def stored(graphs: tuple[str, ...], state: BuildState, layout: BuildLayout) -> tuple[str, ...]:
    """The stored names of the graphs the build holds (duplicates once); an empty graph's name
    when it holds none of them, since an empty list would leave the store to choose."""
    names = tuple(dict.fromkeys(state.graphs[g] for g in graphs if g in state.graphs))
    return names or (layout.empty,)


def rewritten(
    token: Token,
    terms: Terms,
    state: BuildState,
    layout: BuildLayout,
    named: tuple[str, ...] | None,
) -> str:
    """An IRI token as sent: a graph's stored name, an empty graph's, or as written. ``named``:
    the dataset's named graphs, when the token is the graph of ``GRAPH``."""
    iri = terms.iri(token)
    if iri is None:
        return token.text
    target = state.graphs.get(iri)
    if named is not None and target not in named:
        return f"<{layout.empty}>"
    if target is not None:
        return f"<{target}>"
    return f"<{layout.empty}>" if layout.reserved(iri) else token.text
