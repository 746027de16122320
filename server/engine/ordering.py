"""ORDER BY on a variable made a total order before the engine sorts.

pyoxigraph 0.5.13 compares two literals with the SPARQL ``<`` operator where it applies (numbers,
two values of one date, time or duration type, two strings) and by their lexical forms
otherwise. Mixed, that is no order: 9 < 10 as numbers, but "10" < "5x" and "5x" < "9" as text.
Rust's sort (since 1.81) detects such a comparison and panics, and pyoxigraph is built with
``panic = "abort"``: the evaluating process dies (SIGABRT). ``SELECT * WHERE { ?s ?p ?o } ORDER
BY ?o`` over this graph's integers, dates and labels does that on some builds, and VALUES lets any
query bring such a mix.

Each ORDER BY condition on a variable gets a first key, the kind of its value, so that the engine
only compares values it orders consistently: ``0`` IRIs and blank nodes (whose order the engine
keeps), ``1`` numbers, ``2`` strings, language-tagged strings, booleans and other literals (all
ordered by lexical form where not by ``<``, which agrees), and ``3`` with the datatype for dates,
times and durations, apart with and without a timezone (whose comparison may be indeterminate).
An unbound value has no kind and stays first, as SPARQL orders it. Values the spec leaves
unordered against each other (a number and a string) are grouped by kind instead of interleaved.
"""

from __future__ import annotations

import re

from homs_kg.server.engine.syntax import QuerySyntaxError, Token, tokenize

XSD = "http://www.w3.org/2001/XMLSchema#"
TEMPORAL = (
    "dateTime",
    "dateTimeStamp",
    "date",
    "time",
    "gYear",
    "gYearMonth",
    "gMonth",
    "gMonthDay",
    "gDay",
    "duration",
    "dayTimeDuration",
    "yearMonthDuration",
)
TEMPORAL_IRIS = ", ".join(f"<{XSD}{name}>" for name in TEMPORAL)
TIMEZONE = "(Z|[+-][0-9][0-9]:[0-9][0-9])$"
MAY_ORDER = re.compile(r"order", re.IGNORECASE)
CLAUSE_ENDS = ("LIMIT", "OFFSET", "VALUES")


def kind_key(variable: str) -> str:
    """A SPARQL expression: the kind of the variable's value, as described above."""
    temporal = (
        f'CONCAT("3", STR(DATATYPE({variable})), IF(REGEX(STR({variable}), "{TIMEZONE}"), "z", ""))'
    )
    literal = (
        f'IF(isNUMERIC({variable}), "1", '
        f'IF(DATATYPE({variable}) IN ({TEMPORAL_IRIS}), {temporal}, "2"))'
    )
    return f'IF(isLITERAL({variable}), {literal}, "0")'


def with_total_order(text: str) -> str:
    """The query with a kind key before each ORDER BY condition on a variable; unchanged when it
    has none, or when the tokenizer cannot read it (the engine will say what is wrong)."""
    if MAY_ORDER.search(text) is None:
        return text
    try:
        tokens = tokenize(text)
    except QuerySyntaxError:
        return text
    edits = [edit for start in order_by_starts(tokens) for edit in keyed_conditions(tokens, start)]
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def order_by_starts(tokens: list[Token]) -> list[int]:
    """The index of the first condition of each ORDER BY clause."""
    return [
        index + 2
        for index, token in enumerate(tokens[:-1])
        if token.keyword == "ORDER" and tokens[index + 1].keyword == "BY"
    ]


def keyed_conditions(tokens: list[Token], index: int) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for each condition on a variable of the clause at ``index``."""
    edits = []
    while index < len(tokens):
        token = tokens[index]
        if token.keyword in CLAUSE_ENDS:
            break
        if token.kind == "var":
            edits.append((token.start, token.end, f"({kind_key(token.text)}) {token.text}"))
            index += 1
        elif token.keyword in ("ASC", "DESC") and is_bracketed_variable(tokens, index + 1):
            variable, end = tokens[index + 2].text, tokens[index + 3].end
            keyed = f"{token.keyword}({kind_key(variable)}) {token.keyword}({variable})"
            edits.append((token.start, end, keyed))
            index += 4
        elif token.text == "(" or is_call(tokens, index):
            index = after_brackets(tokens, index + (token.text != "("))
        else:
            break  # LIMIT, OFFSET, VALUES, "}" or the end: the clause is over
    return edits


def is_bracketed_variable(tokens: list[Token], index: int) -> bool:
    return [t.kind if t.kind == "var" else t.text for t in tokens[index : index + 3]] == [
        "(",
        "var",
        ")",
    ]


def is_call(tokens: list[Token], index: int) -> bool:
    """A built-in, ASC/DESC or function call: a name and an opening parenthesis."""
    name = tokens[index]
    follows = index + 1 < len(tokens) and tokens[index + 1].text == "("
    return follows and name.kind in ("word", "iri", "pname")


def after_brackets(tokens: list[Token], index: int) -> int:
    """The index after the parenthesised expression opening at ``index``."""
    depth = 0
    for position in range(index, len(tokens)):
        depth += {"(": 1, ")": -1}.get(tokens[position].text, 0)
        if depth == 0:
            return position + 1
    return len(tokens)
