"""Candidate Wikidata items for the graph's persons, places and organisations that have no link,
for a person to review: nothing here writes into the graph.

For each unlinked entity, the Wikidata endpoint (through the same allowlist, service map and
User-Agent as every SERVICE call) is asked for items whose label or alias (``rdfs:label``,
``skos:altLabel`` in the Wikibase RDF format) is one of the entity's labels: the English ones as
written, the Arabic ones in the spellings that differ only in hamza and alef forms, alef maksura
and teh marbuta, and kept only where the item's label equals ours after Arabic normalisation. An
item must be of a fitting type: an instance (P31, through subclass of, P279) of a Wikidata class
the ontology aligns to the entity's class or one of its superclasses (with its evidence there:
human Q5, organization Q43229, city Q515…), or, for a place, any item with coordinates (P625).
Each candidate comes with its description, and for persons their date (P569) and place (P19) of
birth, as evidence for the reviewer.

P31 "instance of", P279 "subclass of", P19 "place of birth", P569 "date of birth", P625
"coordinate location": the Wikidata property list in hiropppe/neo4j-js-ng2,
src/app/service/wikidata.service.ts.
"""

from __future__ import annotations

import csv
import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import QueryResultsFormat, QuerySolution, QuerySolutions, Store, parse_query_results

from homs_kg.graph.arabic import normalise_arabic
from homs_kg.server.engine.federation.calls import (
    WIKIDATA,
    ServicePolicy,
    ServiceRequest,
    call_services,
)
from homs_kg.server.engine.results import solutions

WD = "http://www.wikidata.org/entity/"
KINDS = ("Person", "Place", "Organisation")
ENTITIES_PER_CALL = 10
MAX_SPELLINGS = 32
ALEFS = "اأإآ"
ENDINGS = {
    "\u064a": "\u064a\u0649",
    "\u0649": "\u0649\u064a",  # yeh, alef maksura
    "\u0629": "\u0629\u0647",
    "\u0647": "\u0647\u0629",
}  # teh marbuta, heh
COLUMNS = (
    "entity",
    "kind",
    "our_label",
    "item",
    "their_label",
    "matched_as",
    "type_evidence",
    "description",
    "born",
    "birthplace",
    "coordinates",
    "evidence",
    "decision",
)


class LinkingFailed(Exception):
    """The Wikidata endpoint could not be asked."""


@dataclass
class Entity:
    iri: str
    kind: str  # Person, Place or Organisation
    labels: set[tuple[str, str]] = field(default_factory=set)  # (text, language)
    fitting: set[str] = field(default_factory=set)  # Wikidata classes an item may belong to

    @property
    def slug(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


@dataclass(frozen=True, order=True)
class LabelMatch:
    their_label: str
    language: str
    matched_as: str  # label or alias
    our_label: str

    @property
    def evidence(self) -> str:
        said = f"Wikidata {self.matched_as} {self.their_label!r}@{self.language} equals "
        if self.their_label == self.our_label:
            return said + "the entity's label"
        return said + f"the entity's label {self.our_label!r} after Arabic normalisation"


@dataclass
class Candidate:
    entity: Entity
    item: str
    type_evidence: str
    matches: set[LabelMatch] = field(default_factory=set)
    description: str = ""
    born: str = ""
    birthplace: str = ""
    coordinates: str = ""

    def row(self) -> dict[str, str]:
        matches = sorted(self.matches)
        return {
            "entity": self.entity.slug,
            "kind": self.entity.kind,
            "our_label": " | ".join(dict.fromkeys(m.our_label for m in matches)),
            "item": self.item.removeprefix(WD),
            "their_label": " | ".join(m.their_label for m in matches),
            "matched_as": " | ".join(dict.fromkeys(m.matched_as for m in matches)),
            "type_evidence": self.type_evidence,
            "description": self.description,
            "born": self.born,
            "birthplace": self.birthplace.removeprefix(WD),
            "coordinates": self.coordinates,
            "evidence": "; ".join([*(m.evidence for m in matches), self.type_evidence]),
            "decision": "",
        }


def unlinked_entities(store: Store, hkg: str) -> list[Entity]:
    """The persons, places and organisations with no Wikidata link, with their labels and the
    Wikidata classes the ontology aligns to their classes."""
    query = f"""
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX owl: <http://www.w3.org/2002/07/owl#>
    SELECT DISTINCT ?e ?kind ?label ?fit WHERE {{
      VALUES ?kind {{ {" ".join(f"<{hkg}{k}>" for k in KINDS)} }}
      ?e a ?class . ?class rdfs:subClassOf* ?kind .
      FILTER NOT EXISTS {{ ?e owl:sameAs|skos:closeMatch ?item
                           FILTER(STRSTARTS(STR(?item), "{WD}")) }}
      {{ ?e rdfs:label ?label }} UNION {{ ?e skos:altLabel ?label }}
      OPTIONAL {{ ?class rdfs:subClassOf* ?aligned . ?aligned skos:exactMatch|skos:closeMatch ?fit
                 FILTER(STRSTARTS(STR(?fit), "{WD}")) }}
    }}"""
    entities: dict[str, Entity] = {}
    for row in solutions(store.query(query, use_default_graph_as_union=True)):
        iri = row["e"].value
        entity = entities.setdefault(iri, Entity(iri, row["kind"].value[len(hkg) :]))
        entity.labels.add((row["label"].value, row["label"].language or ""))
        if row["fit"] is not None:
            entity.fitting.add(row["fit"].value)
    return sorted(entities.values(), key=lambda e: e.iri)


def spellings(label: str) -> list[str]:
    """Spellings of an Arabic label that differ only in hamza and alef forms at the start of a
    word (after the article), alef maksura or yeh, teh marbuta or heh at its end; ours first."""
    options = [word_spellings(word) for word in label.split(" ")]
    found = [
        " ".join(words) for words in itertools.islice(itertools.product(*options), MAX_SPELLINGS)
    ]
    return [label, *(s for s in found if s != label)]


def word_spellings(word: str) -> list[str]:
    article = "ال" if word.startswith("ال") and len(word) > 3 else ""
    stem = word[len(article) :]
    starts = [a + stem[1:] for a in ALEFS] if stem[:1] in ALEFS else [stem]
    endings = ENDINGS.get(stem[-1:], stem[-1:])
    forms = [s[:-1] + e for s in starts for e in endings] if stem[-1:] in ENDINGS else starts
    return [article + form for form in dict.fromkeys([stem, *forms])]


def candidates_query(entities: list[Entity]) -> str:
    labels = sorted({(text, lang) for e in entities for text, lang in label_forms(e)})
    values = " ".join(f'"{escape(text)}"@{lang}' for text, lang in labels)
    fits = " ".join(sorted({f"<{c}>" for e in entities for c in e.fitting})) or "<urn:none>"
    return f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?label ?via ?item ?fit ?description ?born ?birthplace ?coordinates WHERE {{
  VALUES ?label {{ {values} }}
  {{ ?item rdfs:label ?label BIND("label" AS ?via) }}
  UNION {{ ?item skos:altLabel ?label BIND("alias" AS ?via) }}
  OPTIONAL {{ VALUES ?fit {{ {fits} }} ?item wdt:P31/wdt:P279* ?fit }}
  OPTIONAL {{ ?item schema:description ?description FILTER(LANG(?description) = "en") }}
  OPTIONAL {{ ?item wdt:P569 ?born }}
  OPTIONAL {{ ?item wdt:P19 ?birthplace }}
  OPTIONAL {{ ?item wdt:P625 ?coordinates }}
}}"""


def label_forms(entity: Entity) -> Iterable[tuple[str, str]]:
    for text, lang in entity.labels:
        if lang == "ar":
            yield from ((s, "ar") for s in spellings(text))
        elif lang:
            yield text, lang


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def find_candidates(
    store: Store, hkg: str, policy: ServicePolicy, timeout: float = 60
) -> tuple[list[Entity], list[Candidate]]:
    """The unlinked entities and the candidates of a fitting type found for them."""
    policy.check(WIKIDATA)
    entities = unlinked_entities(store, hkg)
    batches = [
        entities[i : i + ENTITIES_PER_CALL] for i in range(0, len(entities), ENTITIES_PER_CALL)
    ]
    requests = [
        ServiceRequest(WIKIDATA, candidates_query(b), "linking candidates") for b in batches
    ]
    answers = call_services(requests, policy, time.monotonic() + timeout)
    found: list[Candidate] = []
    for batch, answer in zip(batches, answers, strict=True):
        if answer.error:
            raise LinkingFailed(answer.error)
        results = parse_query_results(
            answer.body,
            format=QueryResultsFormat.from_media_type(answer.media_type) or QueryResultsFormat.JSON,
        )
        assert isinstance(results, QuerySolutions)
        found += match(batch, results)
    return entities, found


def match(entities: list[Entity], results: QuerySolutions) -> list[Candidate]:
    """The candidates of the answer, one per entity and item, of a fitting type."""
    by_key: dict[tuple[str, str], Candidate] = {}
    for row in results:
        label = row["label"]
        for entity in entities:
            ours = same_label(entity, label.value, label.language or "")
            evidence = type_evidence(entity, row)
            if ours is None or evidence is None:
                continue
            key = (entity.iri, row["item"].value)
            candidate = by_key.setdefault(key, Candidate(entity, row["item"].value, evidence))
            candidate.matches.add(
                LabelMatch(label.value, label.language or "", row["via"].value, ours)
            )
            for name in ("description", "born", "birthplace", "coordinates"):
                if row[name] is not None and not getattr(candidate, name):
                    setattr(candidate, name, row[name].value)
    return list(by_key.values())


def same_label(entity: Entity, text: str, lang: str) -> str | None:
    """Our label that the item's label equals (after Arabic normalisation), if any."""
    for ours, our_lang in sorted(entity.labels):
        if our_lang != lang:
            continue
        if ours == text or (lang == "ar" and normalise_arabic(ours) == normalise_arabic(text)):
            return ours
    return None


def type_evidence(entity: Entity, row: QuerySolution) -> str | None:
    fit = row["fit"]
    if fit is not None and fit.value in entity.fitting:
        return f"instance of {fit.value.removeprefix(WD)} (a class aligned to {entity.kind})"
    if entity.kind == "Place" and row["coordinates"] is not None:
        return "has coordinates (P625)"
    return None


def write_review(candidates: list[Candidate], path: Path) -> None:
    """One row per candidate, tab-separated, with an empty ``decision`` for the reviewer."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for candidate in sorted(candidates, key=lambda c: (c.entity.slug, c.item)):
            writer.writerow(candidate.row())
