"""SERVICE clauses evaluated as bound joins, then written into the query as VALUES blocks.

A SERVICE pattern is evaluated bottom-up (SPARQL 1.1 Query, section 18.6; Federated Query,
section 3), so asked as written it returns every match of its pattern at the remote: every
coordinate Wikidata holds, to be joined with a dozen places. A bound join (FedX's, Blazegraph's
vectored SERVICE) asks only for the matches that can join: the rest of the SERVICE's group is
evaluated here first, and the distinct values of the variables it shares with the SERVICE
pattern travel in a VALUES block inside the pattern, a chunk of rows per call.

The remote's answer then replaces the SERVICE clause in the query text as a VALUES block (same
place in the algebra: a join with the group), and the engine evaluates a query without SERVICE.
Rows of the pattern that join with no solution of the rest of the group cannot change the answer,
so the answer is the same as unbound evaluation's. To keep it exactly so:

- only variables every solution of the pattern binds are bound (``certain_variables``): a
  pattern row then equals its row joined with the binding, and is recovered as it was;
- a binding that leaves a variable unbound is sent as UNDEF; since a pattern row may then join
  several bindings, each binding carries its row number and a pattern row is kept as many times
  as the pattern gave it, not once per binding it joins;
- the rest of the group leaves out its FILTERs (they apply to the whole group, SERVICE
  included); a SERVICE alone in an OPTIONAL, MINUS, UNION branch, GRAPH or nested group takes its
  bindings from the group around it (its rows join those or none);
- a SERVICE inside EXISTS (evaluated once per solution) is sent as written, as is one with no
  shared variable or whose group offers no other pattern; the access log says which and why.

Blank nodes in an answer become Skolem IRIs (RDF 1.1 Concepts, section 3.5) under the base IRI's
``/.well-known/genid/``, since a VALUES block cannot hold a blank node.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryResultsFormat,
    QuerySolutions,
    parse_query_results,
)

from homs_kg.server.engine.federation.calls import (
    Caller,
    ServiceAnswer,
    ServicePolicy,
    ServiceRefused,
    ServiceRequest,
)
from homs_kg.server.engine.syntax import (
    Element,
    Group,
    Query,
    certain_variables,
    is_volatile,
    mentions_service,
    parse,
)

JOIN_OPERANDS = {"triples", "group", "union", "graph", "values", "subquery"}
EXTENSIONS = {"filter", "bind", "optional", "minus"}  # rows of these extend the rows before them
ROW_VARIABLE = "homs_kg_row"

LocalSelect = Callable[[str], QuerySolutions]


class ServiceFailed(Exception):
    """A SERVICE call failed and the query did not say SILENT."""


@dataclass
class ServiceUse:
    """How one SERVICE clause was evaluated."""

    endpoint: str
    note: str
    requests: int = 0
    rows: int = 0
    failed: str = ""  # a SILENT call's failure, in words


@dataclass
class Resolution:
    text: str  # the query with every SERVICE replaced by its answer
    uses: list[ServiceUse] = field(default_factory=list)
    volatile: bool = False  # NOW(), RAND(), UUID()…: two evaluations may differ

    @property
    def federated(self) -> bool:
        return bool(self.uses)

    @property
    def failed(self) -> bool:
        return any(use.failed for use in self.uses)


def resolve_services(
    text: str,
    policy: ServicePolicy,
    select_local: LocalSelect,
    call: Caller,
    deadline: float,
    base_iri: str,
) -> Resolution:
    """The query with each SERVICE clause evaluated and written in as VALUES; ServiceRefused
    for a SERVICE that may not be called, ServiceFailed for a failed call (unless SILENT)."""
    if not mentions_service(text):
        return Resolution(text, volatile=is_volatile(text))
    query = parse(text)
    for service in query.services:
        policy.check(service.target)
    resolution = Resolution(text, volatile=query.volatile)
    while (element := next_service(query)) is not None:
        join = BoundJoin(query, element, policy, select_local, call, deadline, base_iri)
        replacement, use = join.evaluate()
        start = query.tokens[element.first].start
        end = query.tokens[element.last].end
        text = text[:start] + replacement + text[end:]
        resolution.uses.append(use)
        query = parse(text)
    resolution.text = text
    return resolution


def next_service(query: Query) -> Element | None:
    """The first SERVICE (in the order written) that is not inside another SERVICE's pattern."""
    for element in query.services:
        if not any(a.kind == "service" for a in ancestors(element)):
            return element
    return None


def ancestors(element: Element) -> Iterable[Element]:
    group = element.owner
    while group is not None and (parent := group.parent) is not None:
        yield parent
        group = parent.owner


def enclosing_groups(element: Element) -> Iterable[Group]:
    group = element.owner
    while group is not None:
        yield group
        group = group.parent.owner if group.parent is not None else None


@dataclass
class Bindings:
    """Where a SERVICE takes its bindings from: elements of one group, or why it cannot."""

    group: Group | None = None
    elements: list[Element] = field(default_factory=list)
    reason: str = ""


def binding_source(element: Element) -> Bindings:
    """The patterns beside a SERVICE whose solutions bind it (section 18.2.2's join)."""
    if any(g.context == "exists" for g in enclosing_groups(element)):
        return Bindings(reason="inside EXISTS, which is evaluated once per solution")
    node = element
    while (group := node.owner) is not None:
        position = group.elements.index(node)
        before = [e for e in group.elements[:position] if e.kind != "filter"]
        if before:
            return Bindings(group, before)
        after = [
            e
            for e in group.elements[position + 1 :]
            if e.kind in JOIN_OPERANDS and not contains_service(e)
        ]
        if after:
            return Bindings(group, after)
        others = [e for e in group.elements if e is not node]
        parent = group.parent
        if any(e.kind not in EXTENSIONS for e in others) or parent is None:
            break
        if parent.kind not in ("optional", "minus", "group", "union", "graph"):
            return Bindings(reason=f"alone in a {parent.kind.upper()} pattern")
        node = parent
    return Bindings(reason="no other pattern of its group to take bindings from")


def contains_service(element: Element) -> bool:
    if element.kind == "service":
        return True
    return any(contains_service(e) for g in element.groups for e in g.elements)


class BoundJoin:
    """One SERVICE clause: its bindings, its calls, and the VALUES block of its answer."""

    def __init__(
        self,
        query: Query,
        element: Element,
        policy: ServicePolicy,
        select_local: LocalSelect,
        call: Caller,
        deadline: float,
        base_iri: str,
    ) -> None:
        self.query = query
        self.element = element
        self.policy = policy
        self.select_local = select_local
        self.call = call
        self.deadline = deadline
        self.base_iri = base_iri
        self.endpoint = element.target or ""
        self.pattern = query.span(element.groups[0])
        self.pattern_variables = sorted(query.variables(element))

    def evaluate(self) -> tuple[str, ServiceUse]:
        source = binding_source(self.element)
        if source.group is None:
            return self.unbound(source.reason)
        shared = certain_variables(self.query, self.element.groups[0]) & set().union(
            *(self.query.variables(e) for e in source.elements)
        )
        if not shared:
            return self.unbound("no variable shared with the rest of its group")
        names, rows = self.local_bindings(source, sorted(shared))
        if rows and not names:
            return self.unbound("the rest of its group binds none of the shared variables")
        if any(all(v is None for v in row) for row in rows):
            return self.unbound("a solution of the rest of its group binds none of them")
        if not rows:
            use = ServiceUse(self.endpoint, "not called: the rest of its group has no solution")
            return values_block(self.pattern_variables, []), use
        return self.bound(names, rows)

    def local_bindings(self, source: Bindings, shared: list[str]) -> tuple[list[str], list[tuple]]:
        """The distinct solutions of the binding patterns over the shared variables; a column
        no solution binds is left out, a blank node counts as unbound (it joins nothing remote)."""
        assert source.group is not None
        body = " .\n".join(self.query.span(e) for e in source.elements) + " ."
        for group in enclosing_groups(source.elements[0]):
            if group.parent is not None and group.parent.kind == "graph":
                body = f"GRAPH {group.parent.graph_term} {{ {body} }}"
        projection = " ".join(f"?{name}" for name in shared)
        dataset = " ".join(self.query.dataset_clauses)
        text = f"{self.query.prologue}\nSELECT DISTINCT {projection} {dataset} WHERE {{\n{body}\n}}"
        solutions = self.select_local(text)
        rows = {tuple(bindable(solution[name]) for name in shared) for solution in solutions}
        kept = [i for i, name in enumerate(shared) if any(row[i] is not None for row in rows)]
        return [shared[i] for i in kept], sorted(
            {tuple(row[i] for i in kept) for row in rows}, key=repr
        )

    def unbound(self, reason: str) -> tuple[str, ServiceUse]:
        note = f"sent as written ({reason})"
        request = ServiceRequest(self.endpoint, self.remote_query(self.pattern), note)
        use = ServiceUse(self.endpoint, note, requests=1)
        answers = self.call([request], self.deadline)
        return self.answer_block(answers, use, row_variable=None)

    def bound(self, names: list[str], rows: list[tuple]) -> tuple[str, ServiceUse]:
        undef = any(v is None for row in rows for v in row)
        row_variable = unused_name(ROW_VARIABLE, self.query) if undef else None
        size = max(self.policy.bind_rows, 1)
        chunks = [rows[i : i + size] for i in range(0, len(rows), size)]
        shown = " ".join(f"?{n}" for n in names)
        note = f"bound join on {shown}: {len(rows)} bindings in {len(chunks)} call(s)"
        requests = []
        for number, chunk in enumerate(chunks):
            start = number * size
            block = values_block(names, chunk, row_variable, start)
            query = self.remote_query(f"{{\n{block}\n{self.pattern}\n}}")
            requests.append(ServiceRequest(self.endpoint, query, note))
        use = ServiceUse(self.endpoint, note, requests=len(requests))
        return self.answer_block(self.call(requests, self.deadline), use, row_variable)

    def remote_query(self, pattern: str) -> str:
        """The query sent to the endpoint; relative IRIs keep the meaning they have here."""
        base = "" if self.query.base else f"BASE <{self.base_iri}>\n"
        return f"{base}{self.query.prologue}\nSELECT * WHERE {pattern}"

    def answer_block(
        self, answers: list[ServiceAnswer], use: ServiceUse, row_variable: str | None
    ) -> tuple[str, ServiceUse]:
        """The VALUES block of the answers; one empty solution for a failed SILENT call
        (Federated Query section 4)."""
        try:
            names, rows = self.merge(answers, row_variable)
        except ServiceFailed as error:
            if not self.element.silent:
                raise
            use.failed = str(error)
            empty = (None,) * len(self.pattern_variables)
            return values_block(self.pattern_variables, [empty]), use
        use.rows = len(rows)
        return values_block(names, rows), use

    def merge(
        self, answers: list[ServiceAnswer], row_variable: str | None
    ) -> tuple[list[str], list[tuple]]:
        names: list[str] = []
        counted: dict[tuple, dict[str, int]] = {}
        for number, answer in enumerate(answers):
            if answer.error:
                raise ServiceFailed(answer.error)
            solutions = self.solutions(answer)
            for name in (v.value for v in solutions.variables):
                if name != row_variable and name not in names:
                    names.append(name)
            for solution in solutions:
                cells = {v.value: solution[v] for v in solutions.variables}
                row_number = cells.pop(row_variable).value if row_variable else "0"
                key = tuple(sorted((k, self.term(v, number)) for k, v in cells.items() if v))
                per_binding = counted.setdefault(key, {})
                per_binding[row_number] = per_binding.get(row_number, 0) + 1
        rows = []
        for key, per_binding in counted.items():
            cells = dict(key)
            rows += [tuple(cells.get(n) for n in names)] * max(per_binding.values())
        return names, rows

    def solutions(self, answer: ServiceAnswer) -> QuerySolutions:
        media = QueryResultsFormat.from_media_type(answer.media_type) or QueryResultsFormat.JSON
        try:
            results = parse_query_results(answer.body, format=media)
        except (SyntaxError, ValueError) as error:
            raise ServiceFailed(
                f"SERVICE <{self.endpoint}> failed: its answer is not SPARQL results ({error})"
            ) from error
        if not isinstance(results, QuerySolutions):
            raise ServiceFailed(f"SERVICE <{self.endpoint}> failed: its answer has no solutions")
        return results

    def term(self, term: object, answer_number: int) -> str:
        """A term as SPARQL text; a blank node as a Skolem IRI unique to its answer."""
        if isinstance(term, BlankNode):
            digest = hashlib.sha256(f"{self.endpoint} {answer_number}".encode()).hexdigest()[:12]
            return str(NamedNode(f"{self.base_iri}.well-known/genid/{digest}-{term.value}"))
        return str(term)


def bindable(term: object) -> str | None:
    """A local value as SPARQL text for a VALUES block; None where it cannot be sent."""
    return str(term) if isinstance(term, (NamedNode, Literal)) else None


def values_block(
    names: list[str], rows: list[tuple], row_variable: str | None = None, first_row: int = 0
) -> str:
    """``VALUES (?a ?b) { (… …) }``, UNDEF for an unbound cell; numbered rows on request."""
    head = ([f"?{row_variable}"] if row_variable else []) + [f"?{n}" for n in names]
    lines = []
    for number, row in enumerate(rows, first_row):
        cells = ([str(number)] if row_variable else []) + [c or "UNDEF" for c in row]
        lines.append(f"  ({' '.join(cells)})")
    return f"VALUES ({' '.join(head)}) {{\n" + "\n".join(lines) + "\n}"


def unused_name(name: str, query: Query) -> str:
    taken = {t.text[1:] for t in query.tokens if t.kind == "var"}
    candidate, number = name, 0
    while candidate in taken:
        number += 1
        candidate = f"{name}{number}"
    return candidate


__all__ = ["Resolution", "ServiceFailed", "ServiceRefused", "resolve_services"]
