"""The lexical and group structure of a SPARQL query, read as the engine reads it.

Federation rewrites the text of a query (its SERVICE clauses become VALUES blocks), so it must
see every SERVICE the engine would see. This reader follows the lexical rules of Oxigraph's
parser (spargebra 0.5, pyoxigraph's engine), not rdflib's: ``\\u`` escapes are decoded only
inside strings and IRIs (SPARQL 1.1 section 19.2's escape processing over the whole text is the
optional behaviour the engine leaves off), keywords are matched case-insensitively and without a
word boundary (``SERVICESILENT<…>`` is a SERVICE), whitespace is space, tab, CR and LF only.

It does not build an algebra: it finds the group graph patterns (section 18.2.2) and their
elements, with their spans in the text, which is what rewriting one element needs. Any word that
could be a SERVICE keyword but is not read as one is an error, so no SERVICE goes unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_DEPTH = (
    200  # groups, brackets and parentheses nested deeper are refused (no recursion limit hit)
)

PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
PN_CHARS_U = PN_CHARS_BASE + "_"
PN_CHARS = PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
PN_PREFIX = f"[{PN_CHARS_BASE}](?:[{PN_CHARS}.]*[{PN_CHARS}])?"
PN_LOCAL = f"(?:[{PN_CHARS_U}:0-9]|{PLX})(?:(?:[{PN_CHARS}:.]|{PLX})*(?:[{PN_CHARS}:]|{PLX}))?"
VARNAME = f"[{PN_CHARS_U}0-9][{PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
ESCAPE = r"\\(?:[tbnrf\"'\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})"

LEXEMES = [
    ("space", r"[ \t\r\n]+|#[^\r\n]*"),
    ("string", rf"'''(?:(?:''|')?(?:[^'\\]|{ESCAPE}))*'''"),
    ("string", rf'"""(?:(?:""|")?(?:[^"\\]|{ESCAPE}))*"""'),
    ("string", rf"'(?:[^'\\\n\r]|{ESCAPE})*'"),
    ("string", rf'"(?:[^"\\\n\r]|{ESCAPE})*"'),
    ("var", rf"[?$]{VARNAME}"),
    ("bnode", rf"_:[{PN_CHARS_U}0-9](?:[{PN_CHARS}.]*[{PN_CHARS}])?"),
    ("pname", rf"(?:{PN_PREFIX})?:(?:{PN_LOCAL})?"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?"),
    (
        "number",
        r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+"
        r"|[0-9]*\.[0-9]+|[0-9]+",
    ),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;|/^*+?!=<>-]"),
]
LEXER = re.compile(
    "|".join(f"(?P<{kind}{i}>{pattern})" for i, (kind, pattern) in enumerate(LEXEMES))
)
IRIREF = re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")
UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

OPERAND_END = {"var", "iri", "pname", "string", "number", "langtag", "bnode"}
GROUP_KEYWORDS = {"OPTIONAL", "MINUS", "GRAPH", "FILTER", "BIND", "VALUES", "LATERAL"}
VOLATILE_FUNCTIONS = {"NOW", "RAND", "UUID", "STRUUID", "BNODE"}


class QuerySyntaxError(ValueError):
    """The text is not a query this reader can follow (the engine would refuse most of these)."""


class TooDeep(QuerySyntaxError):
    """Brackets nested past MAX_DEPTH: refused before the engine's parser, which recurses once
    per level and overflows its stack a few thousand levels down (the process dies, SIGSEGV)."""

    def __init__(self) -> None:
        super().__init__(f"the query is nested more than {MAX_DEPTH} levels deep")


@dataclass(frozen=True)
class Token:
    kind: str  # iri, string, var, bnode, pname, langtag, number, word, punct
    text: str
    start: int
    end: int

    @property
    def keyword(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def tokenize(text: str, lenient: bool = False) -> list[Token]:
    """The tokens of a query; ``<`` is an IRI where a term may stand, an operator after an
    operand inside an expression, as the grammar's positions decide. ``lenient``: a character
    that starts no token is passed over instead of refused."""
    tokens: list[Token] = []
    modes: list[str] = ["top"]  # per open bracket: top, pattern, list or expression
    position = 0
    while position < len(text):
        if text[position] == "<" and not (modes[-1] == "expression" and after_operand(tokens)):
            match = IRIREF.match(text, position)
            if match:
                tokens.append(Token("iri", match.group(), position, match.end()))
                position = match.end()
                continue
        match = LEXER.match(text, position)
        if match is None:
            if not lenient:
                raise QuerySyntaxError(f"unexpected character {text[position]!r} at {position}")
            position += 1
            continue
        kind = (match.lastgroup or "").rstrip("0123456789")
        if kind != "space":
            token = Token(kind, match.group(), position, match.end())
            track_mode(token, tokens, modes)
            tokens.append(token)
        position = match.end()
    return tokens


def after_operand(tokens: list[Token]) -> bool:
    if not tokens:
        return False
    last = tokens[-1]
    return last.kind in OPERAND_END or last.text in (")", "]") or last.keyword in ("TRUE", "FALSE")


def track_mode(token: Token, tokens: list[Token], modes: list[str]) -> None:
    """Keep the bracket stack that tells an operator ``<`` from an IRI."""
    if token.text in ("{", "["):
        modes.append("pattern")
    elif token.text == "(":
        modes.append(paren_mode(tokens, modes[-1]))
    elif token.text in ("}", "]", ")") and len(modes) > 1:
        modes.pop()
    if len(modes) > MAX_DEPTH:
        raise TooDeep


def paren_mode(tokens: list[Token], mode: str) -> str:
    previous = tokens[-1] if tokens else None
    before = tokens[-2] if len(tokens) > 1 else None
    if mode == "expression":
        return "expression"
    if previous is None:
        return "list"
    if mode == "top":
        return "list" if previous.keyword == "VALUES" else "expression"
    if mode == "list":
        return "list"
    if previous.kind == "word" and previous.keyword not in ("A", "VALUES", "TRUE", "FALSE"):
        return "expression"  # FILTER(, BIND(, or a built-in call after FILTER
    if previous.kind in ("iri", "pname") and before is not None and before.keyword == "FILTER":
        return "expression"
    return "list"


# --- structure ---------------------------------------------------------------------------------


@dataclass(eq=False)
class Group:
    """A group graph pattern ``{ … }``: its elements in order."""

    context: str  # where, group, union, optional, minus, graph, service, lateral, exists, subquery
    first: int  # token index of "{"
    last: int  # token index of "}"
    parent: Element | None = None
    elements: list[Element] = field(default_factory=list)


@dataclass(eq=False)
class Element:
    """One element of a group: a triples block, a nested pattern, a filter, a binding, data."""

    kind: str  # triples, group, union, optional, minus, graph, service, filter, bind, values,
    #            subquery, lateral
    first: int  # token index of the element's first token
    last: int  # token index of its last token
    owner: Group | None = None
    groups: list[Group] = field(default_factory=list)
    target: str | None = None  # service: the endpoint IRI (None: a variable)
    silent: bool = False
    graph_term: str = ""  # graph: the text of its graph term
    keyword_index: int = -1  # service: token index of the SERVICE keyword


@dataclass
class Query:
    text: str
    tokens: list[Token]
    prefixes: dict[str, str]
    base: str | None
    prologue_end: int  # character offset where the prologue ends
    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    dataset_clauses: list[str]  # FROM and FROM NAMED clauses, as written
    where: Group | None
    services: list[Element]  # every SERVICE element, in document order, nested ones included

    def span(self, element: Element | Group) -> str:
        return self.text[self.tokens[element.first].start : self.tokens[element.last].end]

    def variables(self, element: Element) -> set[str]:
        """The names of the variables written inside an element."""
        return {
            t.text[1:] for t in self.tokens[element.first : element.last + 1] if t.kind == "var"
        }

    @property
    def prologue(self) -> str:
        return self.text[: self.prologue_end]

    @property
    def volatile(self) -> bool:
        """Whether an answer can differ between two evaluations on the same data."""
        return any(t.keyword in VOLATILE_FUNCTIONS for t in self.tokens)


PROLOGUE_ITEM = re.compile(
    r"[ \t\r\n]+|#[^\r\n]*|(BASE)[ \t\r\n]*<[^>]*>"
    rf"|PREFIX[ \t\r\n]*(?:{PN_PREFIX})?:[ \t\r\n]*<[^>]*>",
    re.IGNORECASE,
)
QUERY_FORM = re.compile(r"SELECT|CONSTRUCT|DESCRIBE|ASK", re.IGNORECASE)


def read_prologue(text: str) -> tuple[int, bool]:
    """Where the prologue (with its blanks and comments) ends, and whether it declares a BASE;
    read without parsing the query."""
    position, base = 0, False
    while (item := PROLOGUE_ITEM.match(text, position)) and item.end() > position:
        base = base or item.group(1) is not None
        position = item.end()
    return position, base


def with_base(text: str, base: str) -> str:
    """The query with a BASE declaration, when its prologue has none: for an engine that does
    not know the base its relative IRIs are resolved against."""
    return text if read_prologue(text)[1] else f"BASE <{base}>\n{text}"


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK, read past the prologue without parsing the query;
    None when the text does not start like a query."""
    form = QUERY_FORM.match(text, read_prologue(text)[0])
    return form.group().upper() if form else None


# --- nesting depth, for every query ------------------------------------------------------------

# Where the depth scan stops: brackets, "!" (each one in a row a level of the engine's parser),
# and what may hide them (strings, IRIs, comments, escapes).
DEPTH_MARKS = re.compile(r"""[{}()\[\]<"'#\\!]""")
NOTS = re.compile(r"(?:![ \t\r\n]*)+(?!=)")  # a run of logical NOTs, not "!="
STRING = re.compile("|".join(pattern for kind, pattern in LEXEMES if kind == "string"))
LINE_END = re.compile(r"[\r\n]")
# In an IRI-shaped span that may be an operator "<" and what follows, these would be read apart.
READ_APART = re.compile(r"[()\[\]#']")


def refuse_deep_nesting(text: str) -> None:
    """TooDeep when braces, brackets and parentheses (outside strings, IRIs and comments) nest
    MAX_DEPTH deep, as the tokenizer counts them, or MAX_DEPTH logical NOTs follow each other. A
    quick scan; the tokenizer itself only where a ``<`` inside parentheses may be an operator or
    an IRI holding brackets or ``#``."""
    if not scan_nesting(text):
        tokens = tokenize(text, lenient=True)  # raises TooDeep at the limit of brackets
        run = 0
        for token in tokens:
            run = run + 1 if token.text == "!" else 0
            if run >= MAX_DEPTH:
                raise TooDeep


def scan_nesting(text: str) -> bool:
    """TooDeep at MAX_DEPTH open brackets; True when the text nests less deep, False when only
    the tokenizer can tell."""
    brackets: list[str] = []
    position = 0
    while (mark := DEPTH_MARKS.search(text, position)) is not None:
        char, position = mark.group(), mark.end()
        if char in "{[(":
            brackets.append(char)
            if len(brackets) >= MAX_DEPTH:
                raise TooDeep
        elif char in "}])":
            if brackets:
                brackets.pop()
        elif char == "!":
            if (nots := NOTS.match(text, mark.start())) and nots.group().count("!") >= MAX_DEPTH:
                raise TooDeep
            position = nots.end() if nots else position
        elif char == "#":
            end = LINE_END.search(text, position)
            position = end.end() if end else len(text)
        elif char == "\\":
            position += 1  # an escape in a prefixed name: \( or \' is no bracket or quote
        elif char == "<":
            if (iri := IRIREF.match(text, mark.start())) is not None:
                if brackets[-1:] == ["("] and READ_APART.search(iri.group()):
                    return False
                position = iri.end()
        elif (string := STRING.match(text, mark.start())) is not None:
            position = string.end()
    return True


def mentions_service(text: str) -> bool:
    """A cheap test that may say yes wrongly but never no wrongly."""
    return "service" in text.lower()


def has_dataset_clause(text: str) -> bool:
    """Whether the query names its own dataset (FROM or FROM NAMED, SPARQL 1.1 section 13.2)."""
    if re.search("from", text, re.IGNORECASE) is None:
        return False
    try:
        return any(token.keyword == "FROM" for token in tokenize(text))
    except QuerySyntaxError:
        return False  # the engine will say what is wrong


def is_volatile(text: str) -> bool:
    """Whether two evaluations on the same data may answer differently (NOW(), RAND(), UUID(),
    STRUUID(), BNODE(): SPARQL 1.1 section 17.4)."""
    if re.search("now|rand|uuid|bnode", text, re.IGNORECASE) is None:
        return False
    try:
        return any(token.keyword in VOLATILE_FUNCTIONS for token in tokenize(text))
    except QuerySyntaxError:
        return True


MAY_VARY = re.compile(r"service|now|rand|uuid|bnode", re.IGNORECASE)


def may_vary(text: str) -> bool:
    """Whether two evaluations of the query on one build might answer differently (a SERVICE,
    NOW(), RAND(), UUID(), STRUUID(), BNODE()); a cheap test that may say yes wrongly."""
    return MAY_VARY.search(text) is not None


def parse(text: str) -> Query:
    """The structure of a query; QuerySyntaxError where it cannot be followed."""
    tokens = tokenize(text)
    return QueryReader(text, tokens).read()


class QueryReader:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0
        self.depth = 0
        self.prefixes: dict[str, str] = {}
        self.base: str | None = None
        self.services: list[Element] = []

    # --- tokens ---

    def peek(self, offset: int = 0) -> Token | None:
        at = self.index + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("the query ends too early")
        self.index += 1
        return token

    def expect(self, text: str) -> Token:
        token = self.take()
        if token.text != text:
            raise QuerySyntaxError(f"expected {text!r} at {token.start}, found {token.text!r}")
        return token

    # --- the query ---

    def read(self) -> Query:
        prologue_end = self.read_prologue()
        form_token = self.take()
        form = form_token.keyword
        if form not in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            raise QuerySyntaxError(
                f"expected SELECT, CONSTRUCT, DESCRIBE or ASK, not {form_token.text!r}"
            )
        dataset: list[str] = []
        where = self.read_query_body(form, dataset, top=True)
        if (extra := self.peek()) is not None:
            raise QuerySyntaxError(f"unexpected {extra.text!r} after the query")
        self.check_every_service_read()
        return Query(
            self.text,
            self.tokens,
            self.prefixes,
            self.base,
            prologue_end,
            form,
            dataset,
            where,
            self.services,
        )

    def read_prologue(self) -> int:
        end = 0
        while (token := self.peek()) is not None and token.keyword in ("BASE", "PREFIX", "VERSION"):
            self.take()
            if token.keyword == "BASE":
                self.base = resolve(iri_value(self.expect_kind("iri")), self.base)
            elif token.keyword == "PREFIX":
                name = self.expect_kind("pname")
                if not name.text.endswith(":") or name.text.count(":") != 1:
                    raise QuerySyntaxError(f"malformed prefix declaration {name.text!r}")
                self.prefixes[name.text[:-1]] = resolve(
                    iri_value(self.expect_kind("iri")), self.base
                )
            else:
                self.expect_kind("string")
            end = self.tokens[self.index - 1].end
        return end

    def expect_kind(self, kind: str) -> Token:
        token = self.take()
        if token.kind != kind:
            raise QuerySyntaxError(f"expected {kind} at {token.start}, found {token.text!r}")
        return token

    def read_query_body(self, form: str, dataset: list[str], top: bool) -> Group | None:
        """From after the query form's keyword to the end of its solution modifiers."""
        where: Group | None = None
        if form == "CONSTRUCT" and self.at("{"):
            self.skip_braces()  # the template: triples only
        while (token := self.peek()) is not None and not (not top and token.text == "}"):
            if token.keyword == "FROM":
                start = self.take().start
                if (named := self.peek()) is not None and named.keyword == "NAMED":
                    self.take()
                clause_end = self.take().end
                dataset.append(self.text[start:clause_end])
            elif token.text == "{" and where is None:
                where = self.read_group("where" if top else "subquery", None)
            elif token.text == "(":
                self.read_expression(None)
            elif token.keyword == "VALUES":
                self.take()
                self.skip_data_block()
            elif token.text == "{":
                raise QuerySyntaxError(f"unexpected '{{' at {token.start}")
            else:
                self.take()
        return where

    def at(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token.text == text

    # --- groups ---

    def read_group(self, context: str, parent: Element | None) -> Group:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise TooDeep
        first = self.index
        self.expect("{")
        group = Group(context, first, first, parent)
        while not self.at("}"):
            if self.at("."):
                self.take()
                continue
            element = self.read_element(group)
            element.owner = group
            group.elements.append(element)
        group.last = self.index
        self.expect("}")
        self.depth -= 1
        return group

    def read_element(self, group: Group) -> Element:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("a group is not closed")
        keyword = token.keyword
        if token.text == "{":
            return self.read_nested_group()
        if keyword.startswith("SERVICE"):
            return self.read_service()
        if keyword in ("OPTIONAL", "MINUS", "LATERAL"):
            element = Element(keyword.lower(), self.index, self.index)
            self.take()
            element.groups.append(self.read_group(keyword.lower(), element))
            element.last = self.index - 1
            return element
        if keyword == "GRAPH":
            element = Element("graph", self.index, self.index)
            self.take()
            element.graph_term = self.take().text
            element.groups.append(self.read_group("graph", element))
            element.last = self.index - 1
            return element
        if keyword == "FILTER":
            return self.read_filter()
        if keyword == "BIND":
            element = Element("bind", self.index, self.index)
            self.take()
            self.read_expression(element)
            element.last = self.index - 1
            return element
        if keyword == "VALUES":
            element = Element("values", self.index, self.index)
            self.take()
            self.skip_data_block()
            element.last = self.index - 1
            return element
        if token.kind == "word" and keyword not in ("A", "TRUE", "FALSE"):
            raise QuerySyntaxError(f"unexpected {token.text!r} at {token.start}")
        return self.read_triples()

    def read_nested_group(self) -> Element:
        first = self.index
        if (next_token := self.peek(1)) is not None and next_token.keyword == "SELECT":
            element = Element("subquery", first, first)
            self.take()
            self.take()
            where = self.read_query_body("SELECT", [], top=False)
            if where is None:
                raise QuerySyntaxError(
                    f"a subquery at {self.tokens[first].start} has no WHERE group"
                )
            where.parent = element
            element.groups.append(where)
            self.expect("}")
            element.last = self.index - 1
            return element
        branches = [self.read_group("group", None)]
        while (token := self.peek()) is not None and token.keyword == "UNION":
            self.take()
            branches.append(self.read_group("union", None))
        element = Element("union" if len(branches) > 1 else "group", first, self.index - 1)
        for branch in branches:
            branch.parent = element
            if len(branches) > 1:
                branch.context = "union"
        element.groups = branches
        return element

    def read_service(self) -> Element:
        element = Element("service", self.index, self.index, keyword_index=self.index)
        keyword = self.take().keyword
        rest = keyword.removeprefix("SERVICE")
        if rest == "" and (token := self.peek()) is not None and token.keyword == "SILENT":
            self.take()
            rest = "SILENT"
        if rest not in ("", "SILENT"):
            raise QuerySyntaxError(f"unexpected {keyword!r}")
        element.silent = rest == "SILENT"
        element.target = self.service_target(self.take())
        element.groups.append(self.read_group("service", element))
        element.last = self.index - 1
        self.services.append(element)
        return element

    def service_target(self, token: Token) -> str | None:
        if token.kind == "var":
            return None
        if token.kind == "iri":
            return resolve(iri_value(token), self.base)
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            if prefix not in self.prefixes:
                raise QuerySyntaxError(
                    f"SERVICE {token.text}: the prefix {prefix!r} is not declared"
                )
            return self.prefixes[prefix] + local.replace("\\", "")
        raise QuerySyntaxError(f"SERVICE needs an IRI or a variable, not {token.text!r}")

    def read_filter(self) -> Element:
        element = Element("filter", self.index, self.index)
        self.take()
        token = self.peek()
        if token is not None and token.kind in ("word", "iri", "pname"):
            self.take()  # a built-in or function name, or EXISTS / NOT EXISTS
            if token.keyword == "NOT":
                if (exists := self.peek()) is None or exists.keyword != "EXISTS":
                    raise QuerySyntaxError(f"expected EXISTS after NOT at {token.start}")
                self.take()
        if self.at("{"):
            element.groups.append(self.read_group("exists", element))
        else:
            element.groups.extend(self.read_expression(element))
        element.last = self.index - 1
        return element

    def read_expression(self, owner: Element | None) -> list[Group]:
        """A parenthesised expression; the groups of its EXISTS / NOT EXISTS, if any."""
        groups: list[Group] = []
        self.expect("(")
        depth = 1
        while depth:
            token = self.peek()
            if token is None:
                raise QuerySyntaxError("an expression is not closed")
            if token.text == "{":
                groups.append(self.read_group("exists", owner))
                continue
            self.take()
            depth += {"(": 1, ")": -1}.get(token.text, 0)
            if token.text == "}":
                raise QuerySyntaxError(f"unexpected '}}' in an expression at {token.start}")
        return groups

    def read_triples(self) -> Element:
        first = self.index
        last = first
        brackets = 0
        while (token := self.peek()) is not None:
            if token.text in ("{", "}") and brackets == 0:
                break
            if token.kind == "word" and token.keyword not in ("A", "TRUE", "FALSE"):
                if brackets == 0 and (
                    token.keyword in GROUP_KEYWORDS or token.keyword.startswith("SERVICE")
                ):
                    break
                raise QuerySyntaxError(f"unexpected {token.text!r} at {token.start}")
            if token.text in ("[", "("):
                brackets += 1
            elif token.text in ("]", ")"):
                brackets -= 1
            elif token.text in ("{", "}"):
                raise QuerySyntaxError(f"unexpected {token.text!r} at {token.start}")
            if token.text != "." or brackets:
                last = self.index
            self.take()
        if self.index == first:
            raise QuerySyntaxError(f"unexpected {self.tokens[first].text!r}")
        return Element("triples", first, last)

    def skip_braces(self) -> None:
        self.expect("{")
        depth = 1
        while depth:
            text = self.take().text
            depth += {"{": 1, "}": -1}.get(text, 0)

    def skip_data_block(self) -> None:
        if self.at("("):
            while self.take().text != ")":
                pass
        else:
            self.expect_kind("var")
        self.skip_braces()

    def check_every_service_read(self) -> None:
        """No word that could be the SERVICE keyword may be anything else."""
        read = {element.keyword_index for element in self.services}
        for index, token in enumerate(self.tokens):
            if "SERVICE" in token.keyword and index not in read:
                raise QuerySyntaxError(
                    f"{token.text!r} at {token.start} is not where a SERVICE can be"
                )


def iri_value(token: Token) -> str:
    """An IRI token's IRI, its \\u escapes decoded (as the engine decodes them)."""
    return UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), token.text[1:-1])


def resolve(iri: str, base: str | None) -> str:
    """Resolve a relative IRI against the base (RFC 3986 section 5.2); absolute ones unchanged."""
    if base is None or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", iri):
        return iri
    from urllib.parse import urljoin

    return urljoin(base, iri)


# --- what a pattern certainly binds ------------------------------------------------------------


def certain_variables(query: Query, group: Group) -> set[str]:
    """The variables every solution of the group binds (a safe under-estimate)."""
    found: set[str] = set()
    for element in group.elements:
        found |= element_certain_variables(query, element)
    return found


def element_certain_variables(query: Query, element: Element) -> set[str]:
    if element.kind == "triples":
        return query.variables(element)
    if element.kind in ("group", "service"):
        return certain_variables(query, element.groups[0])
    if element.kind == "union":
        sets = [certain_variables(query, branch) for branch in element.groups]
        return set.intersection(*sets)
    if element.kind == "graph":
        inner = certain_variables(query, element.groups[0])
        return inner | ({element.graph_term[1:]} if element.graph_term[:1] in "?$" else set())
    return set()
