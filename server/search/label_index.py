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
and, for a thing none of whose labels matches so, a spelling close to one (server/search/
spelling.py: "بابا عمرو" for "باب عمرو", "Bab Amr" for "Baba Amr"), always below 70:
54-60  the whole label is close to the query (60 less one for each half-edit of distance);
40-50  every word of the query is close to a word of the label (likewise);
and no match otherwise. Ties are ordered by the matched label's matching form, then by IRI.
A close spelling never ranks above an exact match, and a query of more than ``FUZZY_CHARS``
characters or ``FUZZY_WORDS`` words is matched exactly only.

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
from homs_kg.server.search.spelling import CHEAP, distance, loose_form
from homs_kg.server.stores.interface import SparqlStore, select_rows
from homs_kg.server.web.context import build_cached, client_limiter, current_iris, current_store

JSON = "application/json"
TOO_MANY = "Too many requests from this client at once (`--client-concurrency`); see Retry-After."
MAX_QUERY_CHARS = 500
LOWEST_EXACT = 70  # the score of the loosest exact match (substring); similar spellings score less
CLOSE_NAME, CLOSE_WORDS, LOWEST_CLOSE = 60, 50, 40
FUZZY_CHARS, FUZZY_WORDS = 100, 16  # the longest label: 91 characters, 15 words
CLOSE_WORD_CHARS = 4
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
# ``?class rdfs:subClassOf ?direct`` binds the start of the path first: Virtuoso cannot follow a
# path with neither end bound ("transitive start not given").
CLASSES = """SELECT DISTINCT ?class ?super ?label (LANG(?label) AS ?lang) WHERE {{
  GRAPH <{ontology}> {{
    {{ ?class rdfs:subClassOf ?direct . ?class rdfs:subClassOf+ ?super . FILTER isIRI(?super) }}
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
    """One label or alternative label of a thing, with its matching form and loose form."""

    text: str
    lang: str
    key: str
    words: frozenset[str]
    loose: str = ""
    loose_words: tuple[str, ...] = ()

    @classmethod
    def of(cls, text: str, lang: str) -> Name:
        key = matching_form(text)
        loose = loose_form(key)
        return cls(text, lang, key, frozenset(WORDS.findall(key)), loose, tuple(loose.split()))

    def score(self, query: str, words: frozenset[str]) -> int:
        if self.key == query:
            return 100
        if self.key.startswith(query):
            return 90
        if words and words <= self.words:
            return 80
        return 70 if query in self.key else 0


class CloseSpelling:
    """The tolerant side of one query: its loose form, each of its words' close words among
    the index's words (computed once, not once per label), and its scores against names."""

    def __init__(self, key: str, vocabulary: frozenset[str]) -> None:
        self.loose = loose_form(key)
        words = self.loose.split()
        self.usable = len(self.loose) >= 3 and len(key) <= FUZZY_CHARS
        self.usable &= len(words) <= FUZZY_WORDS
        found = {word: close_words(word, vocabulary) for word in set(words) if self.usable}
        self.near = [found[word] for word in words] if self.usable else []

    def score(self, name: Name) -> int:
        """60-54 for a whole name close to the query, 50-40 for close words, else 0."""
        whole = distance(self.loose, name.loose)
        if whole is not None:
            return CLOSE_NAME - int(whole / CHEAP)
        words = self.word_distance(name.loose_words)
        if words is not None:
            return max(LOWEST_CLOSE, CLOSE_WORDS - int(words / CHEAP))
        return 0

    def word_distance(self, label_words: tuple[str, ...]) -> float | None:
        """The sum over the query's words of the distance to their closest word of the label
        (each label word used once, by the first query word it fits), or None."""
        free, total = list(label_words), 0.0
        for near in self.near:
            found = [(near[w], w) for w in free if w in near]
            if not found:
                return None
            best, matched = min(found)
            free.remove(matched)
            total += best
        return total


def close_words(word: str, vocabulary: frozenset[str]) -> dict[str, float]:
    """The words of the index close to ``word``, with their distance; a word shorter than
    ``CLOSE_WORD_CHARS`` only matches itself (a short word with a long vowel more or less is
    mostly another word: "نار", "نور"; a whole short name is still compared as a whole)."""
    if len(word) < CLOSE_WORD_CHARS:
        return {word: 0.0} if word in vocabulary else {}
    return {other: d for other in vocabulary if (d := distance(word, other)) is not None}


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
    vocabulary: frozenset[str] = frozenset()  # every word of the names' loose forms

    def search(self, query: str, classes: frozenset[str] | None = None) -> list[Hit]:
        """Every thing matching ``query`` (of one of ``classes``, if given), best first."""
        key = matching_form(query)
        if not key:
            return []
        words = frozenset(WORDS.findall(key))
        close = CloseSpelling(key, self.vocabulary)
        hits = []
        for entry in self.entries:
            if classes is not None and classes.isdisjoint(entry.types):
                continue
            best = max(entry.names, key=lambda name: name.score(key, words))
            if (score := best.score(key, words)) > 0:
                hits.append(Hit(entry, score, best))
            elif close.usable and (hit := close_hit(entry, close)) is not None:
                hits.append(hit)
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
        return sorted(
            (c for c in classes if not self.with_subclasses(c).isdisjoint(used)),
            key=self.type_label,
        )

    @property
    def hkg(self) -> str:
        return MintedIris(self.base).hkg.iri


def close_hit(entry: Entry, close: CloseSpelling) -> Hit | None:
    """The entry's name closest to the query's spelling, if any is close (always below an exact
    match: see the module docstring)."""
    score, best = max(((close.score(name), name) for name in entry.names), key=lambda s: s[0])
    return Hit(entry, score, best) if score > 0 else None


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
        Entry(
            iri,
            dict(labels[iri]),
            tuple(n for _, n in sorted(found, key=name_order)),
            tuple(sorted(types[iri])),
        )
        for iri, found in sorted(names.items())
    )
    class_labels, subclasses = ontology_classes(store, ontology)
    vocabulary = frozenset(w for entry in entries for name in entry.names for w in name.loose_words)
    return LabelIndex(base, entries, class_labels, subclasses, vocabulary)


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
