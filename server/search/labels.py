"""Label search: one label index, shared by ``GET /search`` and the reconciliation service.

The index holds every IRI with an ``rdfs:label`` or ``skos:altLabel`` in the dataset's named graphs
except the ontology graph (its classes and roles are vocabulary, described on their own pages, not
things of the article): its labels, its ``rdf:type``s, and the ontology's class labels and
``rdfs:subClassOf`` closure for the type filter. Three SELECTs build it, once per build id.

Matching (CONVENTIONS.md, "Labels and text"): the query and every label are compared in their
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
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, json, render_template, request
from werkzeug.exceptions import BadRequest, NotAcceptable

from homs_kg.graph.arabic import normalise_arabic
from homs_kg.graph.vocabulary import MintedIris
from homs_kg.server.engine.formats import negotiate_media
from homs_kg.server.stores.interface import SparqlStore, select_rows
from homs_kg.server.web.api_docs import LANG, api_response, documented, query_parameter
from homs_kg.server.web.context import build_cached, client_limiter, current_iris

search_blueprint = Blueprint("search", __name__)

HTML, JSON, JSON_ALIAS = "text/html", "application/json", "application/sparql-results+json"
FORMATS = {"html": HTML, "json": JSON, HTML: HTML, JSON: JSON}
DEFAULT_LIMIT, MAX_LIMIT = 20, 100
# The longest label of the graph has 91 characters; a longer query can match a label only by its
# words, so this bound refuses nothing useful and caps the work per query.
MAX_QUERY_CHARS = 500
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


def build_index(base: str) -> LabelIndex:
    store = current_app.extensions["homs_kg"]["store"]
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
    base = current_iris().base
    return build_cached("label-index", (), lambda: build_index(base))


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


def page_of(iri: str, base: str) -> str | None:
    """The thing's HTML page, ``/page/<path>`` (a hash IRI: its resource's page, at the hash)."""
    if not iri.startswith(base):
        return None
    return f"{request.script_root}/page/{iri.removeprefix(base)}"


def json_response(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False) + "\n", status, mimetype=JSON)


def chosen_media() -> str:
    """``format=json|html`` first, then the Accept header; HTML when the client does not mind."""
    name = request.args.get("format")
    if name is not None:
        if name.strip().lower() not in FORMATS:
            raise BadRequest(f"unknown format {name!r}; use json or html")
        return FORMATS[name.strip().lower()]
    # negotiation.ALIASES reads "application/json" in an Accept header as the SPARQL results
    # media type, so that one is offered too, as a name of the same JSON answer.
    chosen = negotiate_media(request.headers.get("Accept"), [HTML, JSON, JSON_ALIAS])
    if chosen is None:
        raise NotAcceptable("search results are offered as text/html and application/json")
    return JSON if chosen == JSON_ALIAS else chosen


def class_filter(index: LabelIndex, value: str | None) -> frozenset[str] | None:
    if value is None or not value.strip():
        return None
    cls = index.resolve_class(value.strip())
    if cls is None:
        raise BadRequest(f"unknown type {value!r}: give a class IRI or an hkg class name")
    return index.with_subclasses(cls)


def limit_parameter(value: str | None) -> int:
    if value is None or not value.strip():
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        raise BadRequest(f"limit must be a positive integer, not {value!r}") from None
    if limit < 1:
        raise BadRequest(f"limit must be a positive integer, not {value!r}")
    return min(limit, MAX_LIMIT)


def result(hit: Hit, index: LabelIndex) -> dict:
    entry = hit.entry
    return {
        "iri": entry.iri,
        "label": {lang: entry.labels[lang] for lang in ("ar", "en") if lang in entry.labels},
        "types": [{"iri": t, "label": index.class_labels.get(t, {})} for t in entry.types],
        "score": hit.score,
        "page": page_of(entry.iri, index.base),
        "matched": {"label": hit.name.text, "lang": hit.name.lang},
    }


TOO_MANY = "Too many requests from this client at once (`--client-concurrency`); see Retry-After."


@search_blueprint.get("/search")
@documented(
    parameters=[
        query_parameter(
            "q",
            f"The text to search for (needed for JSON; at most {MAX_QUERY_CHARS} characters).",
            {"type": "string", "maxLength": MAX_QUERY_CHARS},
            "حمص",
        ),
        query_parameter(
            "type", "A class IRI or hkg class name (subclasses included).", example="Person"
        ),
        query_parameter(
            "limit",
            f"At most this many results (a positive integer; at most {MAX_LIMIT}).",
            example="5",
        ),
        query_parameter(
            "format",
            f"{' or '.join(f'`{f}`' for f in FORMATS if '/' not in f)}, overriding Accept.",
            example="json",
        ),
        LANG,
    ],
    answers={
        200: api_response(
            "The results.",
            JSON,
            HTML,
            schemas={
                JSON: {
                    "type": "object",
                    "required": ["query", "results"],
                    "properties": {"query": {"type": "string"}, "results": {"type": "array"}},
                }
            },
        )
    },
    errors={
        400: "An unknown format or type, a bad limit, no q for JSON, or a q that is too long.",
        406: "Neither HTML nor JSON acceptable.",
        429: TOO_MANY,
    },
)
def search() -> Response:
    """Label search; the JSON answer is ``{"query", "results": [...]}``, the HTML one a list."""
    with client_slot():
        return search_answer()


def search_answer() -> Response:
    media = chosen_media()
    query = query_text(request.args.get("q", ""), "q")
    index = label_index()
    classes = class_filter(index, request.args.get("type"))
    limit = limit_parameter(request.args.get("limit"))
    if media == JSON and not query:
        raise BadRequest("give the text to search for as q=, e.g. /search?q=حمص&format=json")
    results = [result(hit, index) for hit in index.search(query, classes)[:limit]]
    if media == JSON:
        response = json_response({"query": query, "results": results})
    else:
        response = html_answer(query, results, index)
    response.vary.add("Accept")
    return response


def html_answer(query: str, results: list[dict], index: LabelIndex) -> Response:
    twin = request.script_root + "/search?" + urlencode({**request.args, "format": "json"})
    lang = "ar" if request.args.get("lang") == "ar" else "en"
    body = render_template(
        "search.html",
        query=query,
        results=results,
        json_url=twin if query else None,
        lang=lang,
        type_label=lambda cls: index.type_label(cls, lang),
        type_param=request.args.get("type", ""),
        type_choices=[(cls.removeprefix(index.hkg), index.type_label(cls, lang))
                      for cls in index.used_classes()],
    )  # fmt: skip
    response = Response(body, mimetype=HTML)
    if query:
        response.headers["Link"] = f'<{twin}>; rel="alternate"; type="{JSON}"'
    return response
