"""The JSON Schemas (draft 2020-12) of annotation files and source metadata records.

The annotation schema is generated from the ontology: the allowed entity, event and situation
classes, roles, count kinds, groups and units, relation properties, weights and outcomes are the
ontology's (a corpus folder's additions included). The packaged ontology's schemas ship in
``graph/schemas/`` for editors (docs/annotations.md, "Editor set-up"); regenerate them with
``python -m homs_kg.graph.schema`` after changing the ontology (a test checks they are current).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .terms import OntologyTerms

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
ANNOTATION_SCHEMA = SCHEMA_DIR / "annotations.schema.json"
SOURCE_SCHEMA = SCHEMA_DIR / "source.schema.json"

SLUG = {
    "type": "string",
    "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$",
    "description": "a lowercase ASCII slug (a-z, 0-9, single hyphens)",
}
TEXT = {"type": "string", "pattern": "\\S", "description": "a non-empty string"}
QUOTE = {
    "type": "string",
    "pattern": "\\S",
    "description": "words copied from the text (found exactly, or after Arabic normalisation)",
}
EXPECT = {
    "type": ["string", "integer"],
    "description": "the canonical description the builder must arrive at",
}


def _enum(names: tuple[str, ...], what: str) -> dict:
    return {"enum": list(names), "description": what}


def _one_or_more(ref: str, what: str) -> dict:
    item = {"$ref": ref}
    return {
        "anyOf": [item, {"type": "array", "minItems": 1, "items": item}],
        "description": f"{what}, or a list of them",
    }


def _record(required: list[str], properties: dict, description: str) -> dict:
    return {
        "type": "object",
        "description": description,
        "required": required,
        "additionalProperties": False,
        "properties": properties,
    }


def _definitions(terms: OntologyTerms) -> dict:
    return {
        "slug": SLUG,
        "text": TEXT,
        "quote": QUOTE,
        "label": _record(["ar", "en"], {"ar": TEXT, "en": TEXT}, "a label {ar: ..., en: ...}"),
        "qid": {"type": "string", "pattern": "^Q[1-9][0-9]*$", "description": "a Wikidata ID"},
        "entityClass": _enum(terms.entity_classes, "an entity class of the ontology"),
        "eventClass": _enum(terms.event_classes, "an event class of the ontology"),
        "situationClass": _enum(terms.situation_classes, "a situation class of the ontology"),
        "role": _enum(terms.roles, "a participant role"),
        "proposed": {
            "type": "boolean",
            "description": "true while a draft's proposal awaits a reviewer's confirmation",
        },
        "nickname": _description("a nickname {id, ar, en, quote, used_by, formerly, caused_by}"),
        "characterisation": _description(
            "a characterisation {id, ar, en, quote, used_by, formerly, caused_by}"
        ),
        "cause": _cause(),
        "provision": _record(
            ["id", "ar", "en", "quote"],
            {
                "id": SLUG,
                "ar": TEXT,
                "en": TEXT,
                "quote": QUOTE,
                "about": {**SLUG, "description": "the event or situation it is about"},
                "in_exchange_for": _one_or_more("#/$defs/slug", "the id of another term"),
            },
            "a purpose or term {id, ar, en, quote, about, in_exchange_for}",
        ),
        "transport": _record(
            ["means", "quote"],
            {"means": _enum(terms.transport_means, "a means of transport"), "quote": QUOTE},
            "how people travelled {means, quote}",
        ),
        "correction": _record(
            ["id", "about", "quote", "note", "sources"],
            {
                "id": SLUG,
                "about": {**SLUG, "description": "the entity or event whose claim is questioned"},
                "quote": QUOTE,
                "note": TEXT,
                "sources": _one_or_more("#/$defs/text", "a reference the correction rests on"),
            },
            "an editorial correction {id, about, quote, note, sources}",
        ),
        "entity": _entity(),
        "relation": _record(
            ["subject", "property", "object", "quote"],
            {
                "subject": SLUG,
                "property": _enum(terms.relation_properties, "a relation property"),
                "object": SLUG,
                "quote": QUOTE,
                "weight": _enum(terms.weights, "a demographic weight"),
                "proposed": {"$ref": "#/$defs/proposed"},
            },
            "a relation {subject, property, object, quote}",
        ),
        "when": _when(),
        "end": _record(
            ["phrase", "expect"], {"phrase": QUOTE, "expect": EXPECT}, "an end {phrase, expect}"
        ),
        "participant": {
            "type": "array",
            "prefixItems": [SLUG, {"$ref": "#/$defs/role"}, QUOTE],
            "items": False,
            "minItems": 2,
            "description": "[agent, role] or [agent, role, quote]",
        },
        "count": _record(
            ["kind", "group", "phrase", "expect"],
            {
                "kind": _enum(terms.count_kinds, "a count kind"),
                "group": _enum(terms.counted_groups, "a counted group"),
                "unit": _enum(terms.units, "a count unit"),
                "phrase": QUOTE,
                "expect": EXPECT,
            },
            "a count {kind, group, phrase, expect}",
        ),
        "link": {
            "anyOf": [
                SLUG,
                _record(
                    ["event", "quote"],
                    {"event": SLUG, "quote": QUOTE, "connective": QUOTE},
                    "{event, quote, connective}",
                ),
            ],
            "description": "an event id, or {event, quote, connective}",
        },
        "event": _event(terms),
        "candidate": _record(
            ["quote", "note"],
            {"quote": QUOTE, "note": TEXT},
            "a candidate {quote, note}: something a draft found and could not annotate",
        ),
    }


def _description(description: str) -> dict:
    return _record(
        ["id", "ar", "en", "quote"],
        {
            "id": SLUG,
            "ar": TEXT,
            "en": TEXT,
            "quote": QUOTE,
            "used_by": {**SLUG, "description": "the agent the text says uses the wording"},
            "formerly": {"type": "boolean", "description": "true: the text says it was used"},
            "caused_by": {"type": "array", "items": {"$ref": "#/$defs/cause"}},
        },
        description,
    )


def _cause() -> dict:
    target = {"event": SLUG, "entity": SLUG, "statement": TEXT}
    cause = _record(
        ["quote", "connective"],
        {
            **target,
            "of": _enum(("outcome",), "outcome: the cause explains the event's stated outcome"),
            "quote": QUOTE,
            "connective": {**QUOTE, "description": "the text's causal words, inside the quote"},
        },
        "a cause the text states {event | entity | statement, quote, connective}",
    )
    cause["oneOf"] = [{"required": [key]} for key in target]
    return cause


def _entity() -> dict:
    return _record(
        ["id", "type", "label", "mention"],
        {
            "id": SLUG,
            "type": _one_or_more("#/$defs/entityClass", "an entity class"),
            "label": {"$ref": "#/$defs/label"},
            "alt": _one_or_more("#/$defs/text", "another form the text writes"),
            "label_note": TEXT,
            "mention": QUOTE,
            "wikidata": _one_or_more("#/$defs/qid", "a Wikidata ID"),
            "nicknames": {"type": "array", "items": {"$ref": "#/$defs/nickname"}},
            "characterisations": {"type": "array", "items": {"$ref": "#/$defs/characterisation"}},
            "proposed": {"$ref": "#/$defs/proposed"},
        },
        "an entity {id, type, label, mention, ...}",
    )


def _when() -> dict:
    when = _record(
        ["expect"],
        {
            "phrase": QUOTE,
            "anchor": SLUG,
            "same_as": SLUG,
            "after": SLUG,
            "before": SLUG,
            "during": SLUG,
            "expect": EXPECT,
        },
        "a time {phrase, anchor, same_as, after, before, during, expect}",
    )
    when["anyOf"] = [{"required": [key]} for key in ("phrase", "same_as", "after", "during")]
    when["dependentRequired"] = {"anchor": ["phrase"]}
    return when


def _event(terms: OntologyTerms) -> dict:
    places = _one_or_more("#/$defs/slug", "an entity id")
    event = _record(
        ["id", "type", "label", "quote"],
        {
            "id": SLUG,
            "type": {"description": "an event class, or a situation class when situation: true"},
            "situation": {"type": "boolean", "description": "true for a state of affairs"},
            "label": {"$ref": "#/$defs/label"},
            "quote": QUOTE,
            "note": TEXT,
            "when": {"$ref": "#/$defs/when"},
            "end": {"$ref": "#/$defs/end"},
            "places": places,
            "origin": places,
            "destination": places,
            "participants": {"type": "array", "items": {"$ref": "#/$defs/participant"}},
            "counts": {"type": "array", "items": {"$ref": "#/$defs/count"}},
            "part_of": _one_or_more("#/$defs/link", "an event link"),
            "result_of": _one_or_more("#/$defs/link", "an event link"),
            "about": _one_or_more("#/$defs/link", "an event link"),
            "caused_by": {"type": "array", "items": {"$ref": "#/$defs/cause"}},
            "purposes": {"type": "array", "items": {"$ref": "#/$defs/provision"}},
            "terms": {"type": "array", "items": {"$ref": "#/$defs/provision"}},
            "transport": {"$ref": "#/$defs/transport"},
            "characterisations": {"type": "array", "items": {"$ref": "#/$defs/characterisation"}},
            "extent": _enum(terms.extents, "the extent of a condition"),
            "outcome": _enum(terms.outcomes, "an outcome"),
            "wikidata": _one_or_more("#/$defs/qid", "a Wikidata ID"),
            "proposed": {"$ref": "#/$defs/proposed"},
        },
        "an event or situation {id, type, label, quote, ...}",
    )
    event["if"] = {"required": ["situation"], "properties": {"situation": {"const": True}}}
    event["then"] = {
        "properties": {"type": _one_or_more("#/$defs/situationClass", "a situation class")}
    }
    event["else"] = {"properties": {"type": _one_or_more("#/$defs/eventClass", "an event class")}}
    return event


def annotation_schema(terms: OntologyTerms) -> dict:
    """The JSON Schema of an annotation file, with the terms of ``terms``."""
    section = {"type": "array"}
    return {
        "$schema": DIALECT,
        "$id": "urn:homs-kg:schema:annotations",
        "title": "homs-kg annotation file",
        "description": "What a source says, each statement with its quote (docs/annotations.md).",
        "type": "object",
        "required": ["source"],
        "additionalProperties": False,
        "properties": {
            "source": {**SLUG, "description": "the id of the source's metadata record"},
            "entities": {**section, "items": {"$ref": "#/$defs/entity"}},
            "relations": {**section, "items": {"$ref": "#/$defs/relation"}},
            "events": {**section, "items": {"$ref": "#/$defs/event"}},
            "candidates": {**section, "items": {"$ref": "#/$defs/candidate"}},
            "corrections": {**section, "items": {"$ref": "#/$defs/correction"}},
        },
        "$defs": _definitions(terms),
    }


def source_schema() -> dict:
    """The JSON Schema of a source metadata record."""
    return {
        "$schema": DIALECT,
        "$id": "urn:homs-kg:schema:source",
        "title": "homs-kg source metadata record",
        "description": "A source document's metadata (docs/annotations.md).",
        "type": "object",
        "required": ["id", "text", "language", "published", "title"],
        "additionalProperties": False,
        "properties": {
            "id": SLUG,
            "text": {**TEXT, "description": "the file name of the text, beside this record"},
            "language": {
                "type": "string",
                "pattern": "^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$",
                "description": "a BCP 47 language tag such as ar",
            },
            "published": {
                "type": "string",
                "format": "date",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                "description": "the publication date, YYYY-MM-DD",
            },
            "title": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": False,
                "properties": {"ar": TEXT, "en": TEXT},
                "description": "the title {ar: ..., en: ...} (at least one)",
            },
            "publisher_note": TEXT,
        },
    }


def write_schemas(terms: OntologyTerms, folder: Path = SCHEMA_DIR) -> list[Path]:
    """Write both schemas (of ``terms``) as formatted JSON; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path, schema in (
        (folder / ANNOTATION_SCHEMA.name, annotation_schema(terms)),
        (folder / SOURCE_SCHEMA.name, source_schema()),
    ):
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def packaged_terms() -> OntologyTerms:
    """The terms of the packaged ontology alone."""
    from .ontology import ontology_quads
    from .terms import ontology_terms
    from .vocabulary import MintedIris

    iris = MintedIris()
    return ontology_terms(ontology_quads(iris), iris)


if __name__ == "__main__":
    for written in write_schemas(packaged_terms()):
        sys.stdout.write(f"{written}\n")
