"""The SELECT queries behind the HTML pages, over the store interface (``select_rows``).

What depends only on the build (the ontology's labels and class tree, the dataset's counts, the
class list, the timeline) is computed once per build and kept in a ``BuildCache``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from homs_kg.graph.vocabulary import MintedIris
from homs_kg.server.linked_data.documents import prologue
from homs_kg.server.pages.vocabulary import Label, Vocabulary
from homs_kg.server.sparql.self_description import build_statistics
from homs_kg.server.stores.interface import select_rows
from homs_kg.server.web.context import build_cached, current_iris, current_store

T = TypeVar("T")
TOPS = ("Event", "Situation")  # what the timeline holds


store, iris = current_store, current_iris


def cached(name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per build."""
    return build_cached("pages", (name,), compute)


def rows(query: str) -> list[dict[str, str]]:
    return select_rows(store(), prologue(iris()) + query)


def ontology() -> Vocabulary:
    def load() -> Vocabulary:
        graph = iris().graph("ontology").value
        result = Vocabulary()
        pairs: dict[str, dict[str, str]] = {}
        query = (
            f"SELECT ?term ?label (LANG(?label) AS ?lang) WHERE {{ GRAPH <{graph}> "
            '{ ?term rdfs:label ?label FILTER(LANG(?label) IN ("en", "ar")) } }'
        )
        for row in rows(query):
            pairs.setdefault(row["term"], {}).setdefault(row["lang"], row["label"])
        result.labels = {term: Label(p.get("en"), p.get("ar")) for term, p in pairs.items()}
        query = (
            f"SELECT ?c ?p WHERE {{ GRAPH <{graph}> {{ ?c rdfs:subClassOf ?p FILTER isIRI(?p) }} }}"
        )
        for row in rows(query):
            result.parents.setdefault(row["c"], set()).add(row["p"])
        return result

    return cached("ontology", load)


def labels_of(targets: set[str]) -> dict[str, Label]:
    """The rdfs:label (or dcterms:title) of each of ``targets``, for links the document lacks."""
    if not targets:
        return {}
    values = " ".join(f"<{iri}>" for iri in sorted(targets))
    found: dict[str, dict[str, str]] = {}
    query = f"""SELECT ?s ?l (LANG(?l) AS ?lang) WHERE {{ VALUES ?s {{ {values} }}
      {{ ?s rdfs:label ?l }} UNION {{ ?s dcterms:title ?l }} FILTER(LANG(?l) IN ("en", "ar")) }}"""
    for row in rows(query):
        found.setdefault(row["s"], {}).setdefault(row["lang"], row["l"])
    return {iri: Label(p.get("en"), p.get("ar")) for iri, p in found.items()}


def roles_of(iri: str) -> dict[str, list[str]]:
    """The roles ``iri`` plays in events (event → role IRIs), from hkg:participation nodes."""
    found: dict[str, list[str]] = {}
    query = f"""SELECT DISTINCT ?event ?role WHERE {{ ?event hkg:participation ?p .
      ?p hkg:participant <{iri}> ; hkg:role ?role }} ORDER BY ?role"""
    for row in rows(query):
        found.setdefault(row["event"], []).append(row["role"])
    return found


@dataclass(frozen=True)
class Totals:
    triples: int
    entities: int
    events: int
    evidence: int


def totals() -> Totals:
    """The home page's counts; the triples are VoID's (shared with /.well-known/void)."""

    def count() -> Totals:
        stats = build_statistics()
        resource = iris().base + "resource/"
        tops = " ".join(f"hkg:{top}" for top in TOPS)
        events = {
            row["s"]
            for row in rows(f"""SELECT DISTINCT ?s WHERE {{ ?s a ?t .
          ?t rdfs:subClassOf* ?top VALUES ?top {{ {tops} }} FILTER isIRI(?s) }}""")
        }
        labelled = {
            row["s"]
            for row in rows(f"""SELECT DISTINCT ?s WHERE {{ ?s rdfs:label ?l
          FILTER(STRSTARTS(STR(?s), "{resource}") && !CONTAINS(STR(?s), "#")) }}""")
        }
        evidence = rows("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a hkg:Evidence }")
        return Totals(stats.triples, len(labelled - events), len(events), int(evidence[0]["n"]))

    return cached("totals", count)


def sources() -> list[dict[str, str]]:
    """Each source document with its title in English and in Arabic (where its metadata has
    one), its language and its publication date."""
    query = """SELECT ?source (SAMPLE(?en) AS ?title_en) (SAMPLE(?ar) AS ?title_ar)
      (SAMPLE(?lang) AS ?language) (SAMPLE(?date) AS ?issued) WHERE { ?source a hkg:SourceDocument .
      OPTIONAL { ?source dcterms:title ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
      OPTIONAL { ?source dcterms:title ?ar FILTER(LANGMATCHES(LANG(?ar), "ar")) }
      OPTIONAL { ?source dcterms:language ?lang } OPTIONAL { ?source dcterms:issued ?date }
    } GROUP BY ?source ORDER BY ?issued ?source"""
    return cached("sources", lambda: rows(query))


@dataclass(frozen=True)
class ClassCount:
    iri: str
    name: str
    instances: int
    group: str  # "things" (entities, events), "records" or "vocabulary"


def class_counts() -> dict[str, ClassCount]:
    """Every hkg class with instances (its subclasses' included), by local name."""

    def count() -> dict[str, ClassCount]:
        hkg, resource = iris().hkg.iri, iris().base + "resource/"
        query = f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n)
          (SUM(IF(STRSTARTS(STR(?s), "{resource}") && !CONTAINS(STR(?s), "#"), 1, 0)) AS ?things)
          (SUM(IF(STRSTARTS(STR(?s), "{hkg}"), 1, 0)) AS ?terms)
          WHERE {{ SELECT DISTINCT ?s ?c WHERE {{ ?s a ?t . ?t rdfs:subClassOf* ?c
          FILTER(isIRI(?s) && STRSTARTS(STR(?c), "{hkg}")) }} }} GROUP BY ?c"""
        found = {}
        for row in rows(query):
            n, things, terms = int(row["n"]), int(row["things"]), int(row["terms"])
            group = "things" if things else "vocabulary" if terms == n else "records"
            name = row["c"].removeprefix(hkg)
            found[name] = ClassCount(row["c"], name, n, group)
        return found

    return cached("classes", count)


def instances_query(class_iri: str) -> str:
    """Every instance of a class and its subclasses, with labels in both languages (or, for
    records without a label, the Arabic quote or phrase and the English title). Ordered outside
    the grouping: Virtuoso refuses an ORDER BY on an aggregate's name in the same SELECT."""
    return (
        prologue(iris())
        + f"""SELECT * WHERE {{ SELECT ?s (SAMPLE(?t) AS ?type) (SAMPLE(?en) AS ?english)
  (SAMPLE(?ar) AS ?arabic) WHERE {{
  ?s a ?t . ?t rdfs:subClassOf* <{class_iri}> FILTER isIRI(?s)
  OPTIONAL {{ ?s rdfs:label|dcterms:title ?en FILTER(LANG(?en) = "en") }}
  OPTIONAL {{ ?s rdfs:label|oa:hasTarget/oa:hasSelector/oa:exact|hkg:quantityPhrase ?ar
              FILTER(LANG(?ar) = "ar") }}
}} GROUP BY ?s }} ORDER BY LCASE(STR(?english)) ?s"""
    )


def instances(class_iri: str) -> list[dict[str, str]]:
    """The rows of ``instances_query``, sorted here as its ORDER BY says (an unbound English
    label first): Virtuoso 7 does not sort by the sub-SELECT's sampled label."""

    def key(row: dict[str, str]) -> tuple[bool, str, str]:
        english = row.get("english")
        return english is not None, (english or "").lower(), row["s"]

    return cached(
        f"instances {class_iri}",
        lambda: sorted(select_rows(store(), instances_query(class_iri)), key=key),
    )


TIME_COLUMNS = """?date ?datatype ?phrase ?qualifier ?mode ?earliest ?latest ?relative ?anchor
  ?end ?endPhrase ?approximate"""
TIME_PATTERNS = """
  OPTIONAL { ?e hkg:date ?date BIND(DATATYPE(?date) AS ?datatype) }
  OPTIONAL { ?e hkg:datePhrase ?phrase } OPTIONAL { ?e hkg:timeQualifier ?qualifier }
  OPTIONAL { ?e hkg:timeMode ?mode } OPTIONAL { ?e sem:hasEarliestBeginTimeStamp ?earliest }
  OPTIONAL { ?e sem:hasLatestBeginTimeStamp ?latest } OPTIONAL { ?e hkg:relativeTime ?relative }
  OPTIONAL { ?e hkg:timeAnchor ?anchor } OPTIONAL { ?e sem:hasLatestEndTimeStamp ?end }
  OPTIONAL { ?e hkg:endPhrase ?endPhrase } OPTIONAL { ?e hkg:approximateTime ?approximate }"""


def timeline_query(minted: MintedIris) -> str:
    """Every event and situation with its time, labels and type (one row per type)."""
    tops = " ".join(f"hkg:{top}" for top in TOPS)
    return (
        prologue(minted)
        + f"""SELECT DISTINCT ?e ?type ?english ?arabic {TIME_COLUMNS} WHERE {{
  ?e a ?type . ?type rdfs:subClassOf* ?top . VALUES ?top {{ {tops} }} FILTER isIRI(?e)
  OPTIONAL {{ ?e rdfs:label ?english FILTER(LANG(?english) = "en") }}
  OPTIONAL {{ ?e rdfs:label ?arabic FILTER(LANG(?arabic) = "ar") }}{TIME_PATTERNS}
}} ORDER BY ?latest ?earliest ?english"""
    )


def part_events_query(place: str) -> str:
    """The events that happened in the parts of ``place`` (the places located in it, at any
    depth: hkg:locatedIn+), with their time, labels and types (one row per part and type)."""
    return (
        prologue(iris())
        + f"""SELECT DISTINCT ?e ?part ?type ?english ?arabic ?partEnglish ?partArabic
  {TIME_COLUMNS} WHERE {{
  ?part hkg:locatedIn+ <{place}> . ?e hkg:place ?part . ?e a ?type
  FILTER(isIRI(?e) && !CONTAINS(STR(?e), "#") && isIRI(?type))
  OPTIONAL {{ ?e rdfs:label ?english FILTER(LANG(?english) = "en") }}
  OPTIONAL {{ ?e rdfs:label ?arabic FILTER(LANG(?arabic) = "ar") }}
  OPTIONAL {{ ?part rdfs:label ?partEnglish FILTER(LANG(?partEnglish) = "en") }}
  OPTIONAL {{ ?part rdfs:label ?partArabic FILTER(LANG(?partArabic) = "ar") }}{TIME_PATTERNS}
}}"""
    )


def part_events(place: str) -> list[dict[str, str]]:
    return select_rows(store(), part_events_query(place))


def timeline_rows() -> list[dict[str, str]]:
    return cached("timeline", lambda: select_rows(store(), timeline_query(iris())))


TimeOrder = tuple[str, bool, str]  # where an event begins, whether it follows another, its latest
UNDATED: TimeOrder = ("9999-12-31", False, "9999-12-31")


def time_order() -> dict[str, TimeOrder]:
    """Every event's place in time, by the catalogue's rule (queries/event-timeline.rq): from
    the earliest time the text allows; an event the text places after another and gives no
    bound of its own, at that one's latest bound and right after it; then by its latest bound."""
    return cached("time order", lambda: time_order_of(timeline_rows()))


def time_order_of(rows: list[dict[str, str]]) -> dict[str, TimeOrder]:
    latest = {row["e"]: row["latest"] for row in rows if row.get("latest")}
    order = {}
    for row in rows:
        follows = (row.get("mode") or "").endswith("AfterAnchor") and bool(row.get("anchor"))
        anchor_latest = latest.get(row["anchor"]) if follows else None
        begins = row.get("earliest") or anchor_latest or row.get("latest") or UNDATED[0]
        order[row["e"]] = (begins, follows, row.get("latest") or UNDATED[2])
    return order


def graph_summary(graph: str) -> tuple[dict[str, str], list[dict[str, str]], list[str]]:
    """A named graph's size, its instances by class and the sources it holds statements of."""
    size = rows(f"""SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
      WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}""")[0]
    by_class = rows(f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s a ?c }}
      FILTER isIRI(?c) }} GROUP BY ?c ORDER BY DESC(?n) ?c""")
    described = [row["s"] for row in rows(f"SELECT ?s WHERE {{ ?s hkg:namedGraph <{graph}> }}")]
    return size, by_class, described
