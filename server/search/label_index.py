"""The label index, shared by ``GET /search`` and the reconciliation service (their routes:
server/search/labels.py and server/search/reconcile.py).

The index holds every IRI with an ``rdfs:label`` or ``skos:altLabel`` in the dataset's named graphs
except the ontology graph (its classes and roles are vocabulary, described on their own pages, not
things of the article): its labels, its ``rdf:type``s, and the ontology's class labels and
``rdfs:subClassOf`` closure for the type filter. Three SELECTs build it, once per build id.

Matching (docs/conventions.md, "Labels and text"): the query and every label are compared in their
matching form: ``normalise_arabic`` (no diacritics or tatweel; one alef; teh marbuta as heh and
alef maksura as yeh; ASCII digits), then, for non-Arabic letters only, NFKD with the combining
accents dropped, then ``casefold``. So "الأتاسي" finds "الاتاسي", "خالـد" finds "خالد",
"Remi" finds "Rémi". Arabic letters are not decomposed: ؤ and ئ keep their hamza, as in the
convention.

Score of a thing: the best over its labels and alternative labels, of
  100  the label is the query;
   90  the label starts with the query;
   80  every word of the query is a word of the label (any order; words are runs of letters/digits);
   70  the query occurs in the label;
and no match otherwise. Ties are ordered by the matched label's matching form, then by IRI.

Search runs in the HTTP process, so it is bounded there: a query text of at most
``MAX_QUERY_CHARS`` characters, and one of the client's slots of the app's ``ClientLimiter`` (the
one /sparql uses) while it runs; a client with none free gets 429 with Retry-After.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from contextlib import AbstractContextManager
from dataclasses import dataclass

from flask import Response, json, request
from werkzeug.exceptions import BadRequest

from homs_kg.graph.arabic import normalise_arabic
from homs_kg.graph.vocabulary import MintedIris
from homs_kg.server.stores.interface import SparqlStore, select_rows
from homs_kg.server.web.context import build_cached, client_limiter, current_iris, current_store

JSON = "application/json"
TOO_MANY = "Too many requests from this client at once (`--client-concurrency`); see Retry-After."
MAX_QUERY_CHARS = 500
LOWEST_EXACT = 70  # the score of the loosest exact match (substring); similar spellings score less
PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
LABELS = """SELECT DISTINCT ?s ?p ?label (LANG(?label) AS ?lang) WHERE {{
  VALUES ?p {{ rdfs:label skos:altLabel }}
  GRAPH ?g {{ ?s ?p ?label }}
  FILTER(isIRI(?s) && isLiteral(?label) && ?g != <{ontology}>)
}}"""
TYPES = """SELECT DISTINCT ?s ?type WHERE {{
  GRAPH ?g {{ ?s rdfs:label|skos:altLabel ?label }}
  FILTER(isIRI(?s) && ?g != <{ontology}>)
  ?s a ?type . FILTER isIRI(?type)
}}"""
CLASSES = """SELECT ?class ?super ?label (LANG(?label) AS ?lang) WHERE {{
  GRAPH <{ontology}> {{
    {{ ?class rdfs:subClassOf+ ?super . FILTER isIRI(?super) }}
    UNION {{ ?class a owl:Class ; rdfs:label ?label }}
  }}
  FILTER isIRI(?class)
}}"""
ARABIC_BLOCK = range(0x0600, 0x0700)
WORDS = re.compile(r"\w+")


def matching_form(text: str) -> str:
    """The form in which queries and labels are compared (see the module docstring)."""
    letters = []
    for char in normalise_arabic(text):
        if ord(char) in ARABIC_BLOCK:
            letters.append(char)
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            letters.extend(c for c in decomposed if not unicodedata.combining(c))
    return normalise_arabic("".join(letters)).casefold()


@dataclass(frozen=True)
class Name:
    """One label or alternative label of a thing, with its matching form."""

    text: str
    lang: str
    key: str
    words: frozenset[str]

    @classmethod
    def of(cls, text: str, lang: str) -> Name:
        key = matching_form(text)
        return cls(text, lang, key, frozenset(WORDS.findall(key)))

    def score(self, query: str, words: frozenset[str]) -> int:
        if self.key == query:
            return 100
        if self.key.startswith(query):
            return 90
        if words and words <= self.words:
            return 80
        return 70 if query in self.key else 0


@dataclass(frozen=True)
class Entry:
    iri: str
    labels: dict[str, str]  # rdfs:label by language tag ("ar", "en")
    names: tuple[Name, ...]  # the labels first, then the alternative labels
    types: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: int
    name: Name  # the label that matched best


@dataclass(frozen=True)
class LabelIndex:
    base: str
    entries: tuple[Entry, ...]
    class_labels: dict[str, dict[str, str]]  # class -> label by language
    subclasses: dict[str, frozenset[str]]  # class -> all its subclasses, transitively

    def search(self, query: str, classes: frozenset[str] | None = None) -> list[Hit]:
        """Every thing matching ``query`` (of one of ``classes``, if given), best first."""
        key = matching_form(query)
        if not key:
            return []
        words = frozenset(WORDS.findall(key))
        hits = []
        for entry in self.entries:
            if classes is not None and classes.isdisjoint(entry.types):
                continue
            best = max(entry.names, key=lambda name: name.score(key, words))
            if (score := best.score(key, words)) > 0:
                hits.append(Hit(entry, score, best))
        return sorted(hits, key=lambda hit: (-hit.score, hit.name.key, hit.entry.iri))

    def resolve_class(self, value: str) -> str | None:
        """A known class, from its IRI or hkg name (``Person``, ``hkg:Person``, ``person``)."""
        known = self.class_labels.keys() | self.subclasses.keys()
        known |= {t for entry in self.entries for t in entry.types}
        local = value.removeprefix("hkg:")
        candidate = value if value.startswith(("http://", "https://")) else self.hkg + local
        if candidate in known:
            return candidate
        folded = candidate.casefold()
        return next((c for c in sorted(known) if c.casefold() == folded), None)

    def with_subclasses(self, cls: str) -> frozenset[str]:
        return self.subclasses.get(cls, frozenset()) | {cls}

    def type_label(self, cls: str, lang: str = "en") -> str:
        labels = self.class_labels.get(cls, {})
        return labels.get(lang) or labels.get("en") or cls.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def used_classes(self) -> list[str]:
        """The hkg classes with instances here (directly or through a subclass), by label."""
        used = {t for entry in self.entries for t in entry.types}
        classes = {c for c in self.class_labels if c.startswith(self.hkg)}
        return sorted((c for c in classes if not self.with_subclasses(c).isdisjoint(used)),
                      key=self.type_label)  # fmt: skip

    @property
    def hkg(self) -> str:
        return MintedIris(self.base).hkg.iri


def build_index(store: SparqlStore, base: str) -> LabelIndex:
    ontology = MintedIris(base).graph("ontology").value
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    names: dict[str, list[tuple[int, Name]]] = defaultdict(list)
    for row in rows(store, LABELS, ontology):
        lang, alternative = row.get("lang", "").lower(), row["p"].endswith("altLabel")
        names[row["s"]].append((int(alternative), Name.of(row["label"], lang)))
        if not alternative and lang:
            labels[row["s"]].setdefault(lang.split("-")[0], row["label"])
    types: dict[str, set[str]] = defaultdict(set)
    for row in rows(store, TYPES, ontology):
        types[row["s"]].add(row["type"])
    entries = tuple(
        Entry(iri, dict(labels[iri]), tuple(n for _, n in sorted(found, key=name_order)),
              tuple(sorted(types[iri])))
        for iri, found in sorted(names.items())
    )  # fmt: skip
    class_labels, subclasses = ontology_classes(store, ontology)
    return LabelIndex(base, entries, class_labels, subclasses)


def rows(store: SparqlStore, query: str, ontology: str) -> list[dict[str, str]]:
    return select_rows(store, PREFIXES + query.format(ontology=ontology))


def name_order(item: tuple[int, Name]) -> tuple[int, str, str]:
    """Labels before alternative labels, then by language and text: a stable tie-break."""
    return item[0], item[1].lang, item[1].text


def ontology_classes(store: SparqlStore, ontology: str) -> tuple[dict, dict]:
    """The classes' labels by language, and each class with all its (transitive) subclasses."""
    class_labels: dict[str, dict[str, str]] = defaultdict(dict)
    subclasses: dict[str, set[str]] = defaultdict(set)
    for row in rows(store, CLASSES, ontology):
        if "super" in row:
            subclasses[row["super"]].add(row["class"])
        elif "label" in row:
            class_labels[row["class"]].setdefault(row.get("lang") or "en", row["label"])
    return dict(class_labels), {cls: frozenset(subs) for cls, subs in subclasses.items()}


def label_index() -> LabelIndex:
    """The index of the live build, computed once per build id."""
    store, base = current_store(), current_iris().base
    return build_cached("label-index", (), lambda: build_index(store, base))


def client_slot() -> AbstractContextManager[None]:
    """A slot of the client's, from the limiter /sparql uses too; 429 when none is free."""
    return client_limiter().slot(request.remote_addr or "unknown")


def query_text(value: str, name: str) -> str:
    """A search text, stripped; refused when longer than ``MAX_QUERY_CHARS``."""
    text = value.strip()
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(
            f"{name} is {len(text)} characters long; at most {MAX_QUERY_CHARS} are accepted "
            "(the longest label here is far shorter)"
        )
    return text


def json_response(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False) + "\n", status, mimetype=JSON)
