"""A CONSTRUCT sent to a remote store as the SELECT of its pattern, its template filled in here.

Virtuoso 7 refuses some CONSTRUCTs whose pattern it answers as a SELECT ("SQ142: Different
number of expected and generated columns in a select", measured on the resource documents'
query, server/linked_data/documents.py, a UNION of seven branches), so every CONSTRUCT is sent
as ``SELECT *`` over the same pattern, and the template is instantiated here as SPARQL 1.1
Query section 16.2 says: per solution, a fresh blank node for each of the template's; a triple
with an unbound variable or an illegal term (a literal subject, a non-IRI predicate) left out;
the graph is the set of the triples.

A CONSTRUCT whose pattern is a UNION of groups and nothing else (no solution modifier) is sent
as one SELECT per group, its graph the union of theirs: the same graph, since each solution
comes from one group. Virtuoso plans such a UNION badly: the resource documents' query of
``res:syrian-army`` ran past 25 s as one query, its seven groups in 0.8 s together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from homs_kg.server.engine.syntax import QueryReader, QuerySyntaxError, Token, tokenize

VARIABLE = "urn:x-homs-kg:variable:"  # a template variable, written as an IRI to be parsed


@dataclass(frozen=True)
class SelectForm:
    """The SELECT sent instead of a CONSTRUCT, and the CONSTRUCT's template (its variables as
    IRIs under ``VARIABLE``, its blank nodes as parsed)."""

    queries: tuple[str, ...]
    template: tuple[Triple, ...]


def as_select(text: str) -> SelectForm:
    """The SELECT form of a CONSTRUCT query; QuerySyntaxError for a text that is not one."""
    tokens = tokenize(text)
    reader = QueryReader(text, tokens)
    reader.read_prologue()
    start = reader.index
    if start >= len(tokens) or tokens[start].keyword != "CONSTRUCT":
        raise QuerySyntaxError("not a CONSTRUCT query")
    if start + 1 < len(tokens) and tokens[start + 1].keyword == "WHERE":
        # CONSTRUCT WHERE { pattern }: the pattern, a basic graph pattern, is the template
        first = start + 2
        end = tokens[start].end
    else:
        first, end = start + 1, 0
    last = closing_brace(tokens, first)
    template = parse_template(tokens[first + 1 : last], reader.prefixes, reader.base)
    prologue = text[: tokens[start].start]
    if end:  # CONSTRUCT WHERE: the pattern is the template's, a basic graph pattern
        return SelectForm((prologue + "SELECT *" + text[end:],), template)
    where = last + 1 + (last + 1 < len(tokens) and tokens[last + 1].keyword == "WHERE")
    groups = union_groups(tokens, where)
    if groups is None:
        return SelectForm((prologue + "SELECT *" + text[tokens[last].end :],), template)
    queries = tuple(
        f"{prologue}SELECT * WHERE {text[tokens[a].start : tokens[b].end]}" for a, b in groups
    )
    return SelectForm(queries, template)


def union_groups(tokens: list[Token], where: int) -> list[tuple[int, int]] | None:
    """The groups (first and last token) of a WHERE clause that is a UNION of groups and
    nothing else, the query ending with it; None for any other WHERE clause."""
    if where >= len(tokens) or tokens[where].text != "{":
        return None
    end = closing_brace(tokens, where)
    if end != len(tokens) - 1:
        return None  # a solution modifier follows
    groups, at = [], where + 1
    while at < end:
        if tokens[at].text != "{":
            return None
        close = closing_brace(tokens, at)
        groups.append((at, close))
        at = close + 1
        if at < end:
            if tokens[at].keyword != "UNION":
                return None
            at += 1
    return groups if len(groups) > 1 else None


def closing_brace(tokens: list[Token], index: int) -> int:
    """The index of the token closing the brace group opening at ``tokens[index]``."""
    if index >= len(tokens) or tokens[index].text != "{":
        raise QuerySyntaxError("a CONSTRUCT template must follow CONSTRUCT")
    depth = 0
    for at in range(index, len(tokens)):
        depth += {"{": 1, "}": -1}.get(tokens[at].text, 0)
        if depth == 0:
            return at
    raise QuerySyntaxError("the CONSTRUCT template is not closed")


def parse_template(
    tokens: list[Token], prefixes: dict[str, str], base: str | None
) -> tuple[Triple, ...]:
    """The template's triples, read as Turtle (its syntax is Turtle's triples, with variables)."""
    while tokens and tokens[-1].text == ".":
        tokens = tokens[:-1]
    if not tokens:
        return ()
    words = [f"<{VARIABLE}{t.text[1:]}>" if t.kind == "var" else t.text for t in tokens]
    declarations = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes.items())
    turtle = declarations + " ".join(words) + " .\n"
    try:
        quads = parse(turtle.encode(), format=RdfFormat.TURTLE, base_iri=base)
        return tuple(quad.triple for quad in quads)
    except (SyntaxError, ValueError) as error:
        raise QuerySyntaxError(f"the CONSTRUCT template cannot be read: {error}") from error


def instantiate(template: Iterable[Triple], solutions: Iterable[object]) -> list[Triple]:
    """The template's triples for every solution (pyoxigraph's solutions), each once."""
    found: dict[Triple, None] = {}
    for solution in solutions:
        fresh: dict[str, BlankNode] = {}
        for pattern in template:
            terms = [
                term(t, solution, fresh)
                for t in (pattern.subject, pattern.predicate, pattern.object)
            ]
            subject, predicate, value = terms
            if not isinstance(subject, (NamedNode, BlankNode, Triple)):
                continue  # unbound, or a literal where a subject goes
            if not isinstance(predicate, NamedNode):
                continue
            if not isinstance(value, (NamedNode, BlankNode, Literal, Triple)):
                continue
            found[Triple(subject, predicate, value)] = None
    return list(found)


def term(value: object, solution: object, fresh: dict[str, BlankNode]) -> object | None:
    """A template term for one solution: a variable's value (None when unbound), a fresh blank
    node for each of the template's, any other term as it is."""
    if isinstance(value, NamedNode) and value.value.startswith(VARIABLE):
        return solution[value.value.removeprefix(VARIABLE)]  # type: ignore[index]
    if isinstance(value, BlankNode):
        return fresh.setdefault(value.value, BlankNode())
    return value
