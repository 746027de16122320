"""The ontology's HTML reference: ``/page/ontology`` (every term) and ``/page/ontology/<Term>``.

The ontology graph (``{base}graph/ontology``: the OWL ontology and the SHACL shapes) is read with
three SELECTs into plain structures, once per build (BuildCache keyed by the build id). A term's
page adds one query for its examples from the data: a class's instances, a property's triples, a
concept's uses. The templates only render (ontology.html holds the macros term.html reuses).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import Response, render_template
from werkzeug.exceptions import NotFound

from homs_kg.graph.vocabulary import (
    DCTERMS,
    OWL,
    PREFIXES,
    RDF,
    RDFS,
    SH,
    SKOS,
    WDT,
    sparql_prologue,
)
from homs_kg.server.stores.interface import SparqlStore, select_rows
from homs_kg.server.web.answers import conditional
from homs_kg.server.web.context import build_cached, current_iris, current_store
from homs_kg.server.web.language import ui_language

NAMESPACES = {**PREFIXES, "sh": SH.iri, "wdt": WDT.iri}
# Other vocabularies' terms are shown as CURIEs (prefix: NAMESPACES) and named by vocabulary.
VOCABULARIES = {
    "schema": "schema.org",
    "sem": "SEM",
    "wd": "Wikidata",
    "wdt": "Wikidata",
    "oa": "Web Annotation",
    "prov": "PROV-O",
    "skos": "SKOS",
    "sh": "SHACL",
    "rdf": "RDF",
    "rdfs": "RDF Schema",
    "owl": "OWL",
    "xsd": "XML Schema",
    "dcterms": "DCMI Metadata Terms",
}
# What a term is, by its rdf:type (the first that applies), and the section listing it.
KINDS = {
    OWL.Class.value: "class",
    OWL.ObjectProperty.value: "object property",
    OWL.DatatypeProperty.value: "datatype property",
    SKOS.ConceptScheme.value: "concept scheme",
    SKOS.Concept.value: "concept",
    SH.NodeShape.value: "node shape",
    SH.PropertyShape.value: "property shape",
    OWL.OntologyReference.value: "ontology",
}
SECTIONS = (
    ("section-classes", "Classes", ("class",)),
    ("section-object-properties", "Object properties", ("object property",)),
    ("section-datatype-properties", "Datatype properties", ("datatype property",)),
    ("section-concepts", "Concept schemes", ("concept scheme", "concept")),
    ("section-shapes", "SHACL shapes", ("node shape", "property shape")),
)
# Alignment predicates, named as the page shows them; within hkg the first two give the hierarchy.
HIERARCHY = (RDFS.subClassOf.value, RDFS.subPropertyOf.value)
ALIGNMENTS = {
    RDFS.subClassOf.value: "subclass of",
    RDFS.subPropertyOf.value: "subproperty of",
    OWL.equivalentClass.value: "equivalent class",
    OWL.equivalentProperty.value: "equivalent property",
    OWL.sameAs.value: "same as",
    SKOS.exactMatch.value: "exact match",
    SKOS.closeMatch.value: "close match",
    SKOS.broadMatch.value: "broad match",
    SKOS.narrowMatch.value: "narrow match",
    SKOS.relatedMatch.value: "related match",
}
PROLOGUE = sparql_prologue(NAMESPACES)
FACTS = """SELECT ?s ?p ?o ?lang ?kind WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }}
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ns}")) BIND(LANG(?o) AS ?lang)
  BIND(IF(isIRI(?o), "iri", IF(isBlank(?o), "blank", "literal")) AS ?kind) }}"""
UNIONS = """SELECT ?s ?p ?member WHERE {{ GRAPH <{graph}> {{
  ?s ?p ?b . ?b owl:unionOf/rdf:rest*/rdf:first ?member }} FILTER(isIRI(?s) && isBlank(?b)) }}"""
MESSAGES = """SELECT ?s ?path ?message WHERE {{ GRAPH <{graph}> {{ ?s sh:property ?shape .
  ?shape sh:message ?message OPTIONAL {{ ?shape sh:path ?path FILTER(isIRI(?path)) }} }}
  FILTER(isIRI(?s)) }}"""
EXAMPLES = 10
LANGS = ("en", "ar")
VERSION, LICENSE = OWL.versionInfo.value, DCTERMS.license.value


@dataclass
class Ref:
    """A link to a term: ours (``path`` set: it has a page, and an anchor when ``listed`` on the
    ontology page) or another vocabulary's (``name`` a CURIE, linked by its IRI)."""

    iri: str
    name: str
    path: str | None = None
    vocabulary: str = ""
    label: str = ""
    listed: bool = False
    label_ar: str = ""

    @property
    def labels(self) -> dict[str, str]:
        return {"en": self.label, "ar": self.label_ar}


@dataclass
class Term:
    ref: Ref
    kind: str
    label_en: str = ""
    label_ar: str = ""
    comment: str = ""
    types: list[Ref] = field(default_factory=list)  # a concept's classes (ours)
    parents: list[Ref] = field(default_factory=list)  # superclasses / superproperties in hkg
    children: list[Ref] = field(default_factory=list)
    alignments: list[tuple[str, Ref]] = field(default_factory=list)  # (relation, other vocab)
    domain: list[list[Ref]] = field(default_factory=list)  # each: a union of alternatives
    range: list[list[Ref]] = field(default_factory=list)
    schemes: list[Ref] = field(default_factory=list)
    members: list[Ref] = field(default_factory=list)  # a scheme's concepts, the shapes' shapes
    targets: list[Ref] = field(default_factory=list)  # sh:targetClass
    paths: list[Ref] = field(default_factory=list)  # sh:path
    messages: list[tuple[Ref | None, str]] = field(default_factory=list)  # (sh:path, message)
    related: dict[str, list[Ref]] = field(default_factory=lambda: defaultdict(list))

    @property
    def labels(self) -> dict[str, str]:
        return {"en": self.label_en, "ar": self.label_ar}


@dataclass
class Section:
    id: str
    heading: str
    terms: list[Term]


@dataclass
class OntologyReference:
    about: Term
    title: str
    version: str
    license: str
    terms: dict[str, Term]  # by path: "ontology/Person"
    sections: list[Section]
    class_tree: list[dict]  # {"term": Term, "children": [...]}


@dataclass
class Node:
    """One value in an example: a literal, or an IRI with its labels (a hash IRI without labels
    of its own shows its resource's labels and its fragment as ``part``)."""

    value: str
    literal: bool = False
    lang: str = ""
    en: str = ""
    ar: str = ""
    path: str | None = None  # a page of this dataset
    fragment: str = ""
    part: str = ""
    href: str | None = None  # elsewhere


@dataclass
class Examples:
    total: int
    rows: list[list[Node]]


def read_ontology(store: SparqlStore, base: str) -> OntologyReference:
    graph, ns = f"{base}graph/ontology", f"{base}ontology"
    facts: dict[str, dict[str, list[tuple[str, str, str]]]] = defaultdict(lambda: defaultdict(list))
    for row in select_rows(store, PROLOGUE + FACTS.format(graph=graph, ns=ns)):
        facts[row["s"]][row["p"]].append((row["o"], row.get("lang", ""), row["kind"]))
    unions: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in select_rows(store, PROLOGUE + UNIONS.format(graph=graph)):
        unions[row["s"], row["p"]].append(row["member"])
    kinds = {
        s: next((k for t, k in KINDS.items() if (t, "", "iri") in p[RDF.type.value]), None)
        for s, p in facts.items()
    }

    def text(iri: str, predicate: str, lang: str = "en") -> str:
        return next((o for o, la, _ in facts[iri].get(predicate, []) if la == lang), "")

    def ref(iri: str) -> Ref:
        if iri == ns or iri.startswith(ns + "/"):
            path = iri[len(base) :]
            name = path.split("/", 1)[1] if "/" in path else path
            en, ar = (text(iri, RDFS.label.value, lang) if iri in facts else "" for lang in LANGS)
            listed = kinds.get(iri) not in (None, "ontology")
            return Ref(iri, name, path, "homs-kg", en, listed, ar)
        prefix = next((p for p, n in NAMESPACES.items() if iri.startswith(n)), None)
        if prefix is None:
            return Ref(iri, iri)
        name = f"{prefix}:{iri[len(NAMESPACES[prefix]) :]}"
        return Ref(iri, name, vocabulary=VOCABULARIES.get(prefix, prefix))

    def iris(iri: str, predicate: str) -> list[str]:
        return [o for o, _, kind in facts[iri].get(predicate, []) if kind == "iri"]

    def groups(iri: str, predicate: str) -> list[list[Ref]]:
        return [
            [ref(o)] if kind == "iri" else [ref(m) for m in sorted(unions[iri, predicate])]
            for o, _, kind in facts[iri].get(predicate, [])
        ]

    terms: dict[str, Term] = {}
    for iri, kind in kinds.items():
        if kind is None:
            continue
        term = Term(
            ref(iri),
            kind,
            text(iri, RDFS.label.value),
            text(iri, RDFS.label.value, "ar"),
            text(iri, RDFS.comment.value) or text(iri, SKOS.definition.value),
        )
        term.types = [ref(t) for t in iris(iri, RDF.type.value) if t.startswith(ns)]
        for predicate, relation in ALIGNMENTS.items():
            for other in sorted(iris(iri, predicate)):
                if not other.startswith(ns):
                    term.alignments.append((relation, ref(other)))
                elif predicate in HIERARCHY:
                    term.parents.append(ref(other))
        term.domain, term.range = groups(iri, RDFS.domain.value), groups(iri, RDFS.range.value)
        term.schemes = [ref(s) for s in iris(iri, SKOS.inScheme.value)]
        term.targets = [ref(c) for c in iris(iri, SH.targetClass.value)]
        term.paths = [ref(p) for p in iris(iri, SH.path.value)]
        term.messages = [(None, m) for m, _, _ in facts[iri].get(SH.message.value, [])]
        terms[iri] = term
    for row in select_rows(store, PROLOGUE + MESSAGES.format(graph=graph)):
        if row["s"] in terms:
            path = ref(row["path"]) if "path" in row else None
            terms[row["s"]].messages.append((path, row["message"]))
    return assemble(terms, ref(ns), text(ns, DCTERMS.title.value), facts[ns])


RELATIONS = ("domain of", "range of", "checked by")


def assemble(terms: dict[str, Term], about: Ref, title: str, facts: dict) -> OntologyReference:
    """Link the terms to each other (hierarchy, schemes, domains, shapes) and sort them."""
    for term in terms.values():
        for parent in term.parents:
            if parent.iri in terms:
                terms[parent.iri].children.append(term.ref)
        for scheme in term.schemes:
            if scheme.iri in terms:
                terms[scheme.iri].members.append(term.ref)
        for relation, groups in zip(
            RELATIONS, (term.domain, term.range, [term.targets]), strict=True
        ):
            for target in (r for group in groups for r in group if r.iri in terms):
                terms[target.iri].related[relation].append(term.ref)
    ordered = sorted(terms.values(), key=lambda t: t.ref.name.lower())
    for term in ordered:
        # in this order on every store, not in the order the store's rows came
        related = term.related
        term.related = {r: related[r] for r in RELATIONS if r in related}
        for refs in (
            term.types,
            term.parents,
            term.children,
            term.schemes,
            term.members,
            term.targets,
            *term.related.values(),
        ):
            refs.sort(key=lambda r: r.name.lower())
        term.messages.sort(key=lambda m: (m[0].name if m[0] else "", m[1]))
        if term.ref.path == "ontology/shapes":
            term.members = [t.ref for t in ordered if t.kind.endswith("shape")]
    sections = [
        Section(id_, heading, [t for t in ordered if t.kind in kinds])
        for id_, heading, kinds in SECTIONS
    ]
    concepts = sections[3]
    concepts.terms = [
        t
        for s in concepts.terms
        if s.kind == "concept scheme"
        for t in [s, *(terms[m.iri] for m in s.members)]
    ]
    by_path = {t.ref.path: t for t in ordered if t.ref.path}

    def tree(term: Term, seen: frozenset[str]) -> dict:
        children = [terms[c.iri] for c in term.children if c.iri not in seen]
        return {"term": term, "children": [tree(c, seen | {c.ref.iri}) for c in children]}

    roots = [t for t in ordered if t.kind == "class" and not t.parents]
    version, license_ = (facts.get(p, [("", "", "")])[0][0] for p in (VERSION, LICENSE))
    about_term = terms.get(about.iri) or Term(about, "ontology")
    class_tree = [tree(root, frozenset({root.ref.iri})) for root in roots]
    return OntologyReference(about_term, title, version, license_, by_path, sections, class_tree)


def labelled(var: str) -> str:
    """SPARQL binding ``?var``'s kind, language, and its own and its resource's labels."""
    v = f"?{var}"
    own = f'IF(isIRI({v}) && CONTAINS(STR({v}), "#"), IRI(STRBEFORE(STR({v}), "#")), {v})'
    return (
        f"BIND({own} AS {v}_owner) BIND(LANG({v}) AS {v}_lang) "
        f'BIND(IF(isIRI({v}), "iri", IF(isBlank({v}), "blank", "literal")) AS {v}_kind) '
        + "".join(
            f"OPTIONAL {{ {s} rdfs:label {v}_{tag}{lang} "
            f'FILTER(LANG({v}_{tag}{lang}) = "{lang}") }} '
            for s, tag in ((v, "own_"), (f"{v}_owner", ""))
            for lang in ("en", "ar")
        )
    )


def examples_query(term: Term, graph: str) -> tuple[str, list[str]]:
    """The query of a term's examples from the data (outside the ontology graph, but for a
    class's instances, which may be concepts), and the variables of each example row."""
    iri, data = term.ref.iri, f"FILTER(?g != <{graph}>)"
    if term.kind == "class":
        where, variables = f"?s a ?t . ?t rdfs:subClassOf* <{iri}>", ["s"]
    elif term.kind.endswith("property"):
        where = f"?p rdfs:subPropertyOf* <{iri}> . GRAPH ?g {{ ?s ?p ?o }} {data}"
        variables = ["s", "p", "o"]
    else:
        where, variables = f"GRAPH ?g {{ ?s ?p <{iri}> }} {data}", ["s", "p"]
    chosen, order = " ".join(f"?{v}" for v in variables), " ".join(f"STR(?{v})" for v in variables)
    return PROLOGUE + (
        f"SELECT * WHERE {{ {{ SELECT (COUNT(*) AS ?total) WHERE {{ SELECT DISTINCT {chosen} "
        f"WHERE {{ {where} }} }} }} {{ SELECT DISTINCT {chosen} WHERE {{ {where} }} "
        f"ORDER BY {order} LIMIT {EXAMPLES} }} " + " ".join(map(labelled, variables)) + " }"
    ), variables


def node(row: dict[str, str], var: str, base: str) -> Node:
    value, kind = row[var], row.get(f"{var}_kind", "literal")
    own_en, own_ar = row.get(f"{var}_own_en", ""), row.get(f"{var}_own_ar", "")
    shown = value if len(value) <= 300 else value[:300] + "…"
    en, ar = own_en or row.get(f"{var}_en", ""), own_ar or row.get(f"{var}_ar", "")
    result = Node(shown, kind == "literal", row.get(f"{var}_lang", ""), en, ar)
    if kind == "iri":
        resource, _, fragment = value.partition("#")
        if resource.startswith(base):
            result.path, result.fragment = resource[len(base) :], fragment
            result.part = "" if own_en or own_ar else fragment
        elif value.startswith(("http://", "https://")):  # only web links leave the site
            result.href = value
    return result


def read_examples(store: SparqlStore, base: str, term: Term) -> Examples:
    if term.kind not in ("class", "object property", "datatype property", "concept"):
        return Examples(0, [])
    query, variables = examples_query(term, f"{base}graph/ontology")
    found = select_rows(store, query)
    seen, rows = set(), []
    for row in found:  # a value with two labels in one language would repeat its row
        key = tuple(row[v] for v in variables)
        if key not in seen:
            seen.add(key)
            rows.append([node(row, v, base) for v in variables])
    rows.sort(key=lambda r: [n.value for n in r])
    return Examples(int(found[0]["total"]) if found else 0, rows)


def ontology_page(path: str, iri: str) -> Response:
    """The ontology's reference (``ontology``) or one term's page (``ontology/<Term>``)."""
    store, base = current_store(), current_iris().base
    ontology = build_cached("ontology", (), lambda: read_ontology(store, base))
    if path == "ontology":
        html = render_template("ontology.html", ontology=ontology)
    else:
        term = ontology.terms.get(path)
        if term is None:
            raise NotFound(f"{iri} is not a term the ontology defines")
        found = build_cached("ontology-examples", (path,), lambda: read_examples(store, base, term))
        html = render_template("term.html", ontology=ontology, term=term, examples=found)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Content-Language"] = ui_language()
    return conditional(response)
