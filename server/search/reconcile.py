"""A W3C Reconciliation Service (Reconciliation Service API v0.2, Final Community Group Report,
https://www.w3.org/community/reports/reconciliation/CG-FINAL-specs-0.2-20230410/) at /reconcile,
over the label index of server/search/label_index.py (same matching form, same scores: 100/90/
80/70 for exact matches, below 70 for close spellings, server/search/spelling.py).

Identifiers (§2.1 Entities, §2.5 Identifier and Schema Spaces): the identifier space is
``{base}resource/`` and an entity's id is its IRI without that prefix (``homs``), as Wikidata's ids
are ``Q42`` under ``http://www.wikidata.org/entity/``. A full IRI as id would not survive the view
template: §2.1 has clients percent-encode the id as a URI component before putting it in
``{{id}}``, which turns ``http://…`` into ``http%3A%2F%2F…``. So the view template is
``{base}resource/{{id}}``, the entity's own IRI, which dereferences (303) to its page. Only those
resources are candidates: parts of a resource (hash IRIs: nicknames, characterisations) are not.

Types (§2.2): ids are the ontology's class IRIs (the schema space is ``{base}ontology/``); a query
may name one by IRI or by hkg local name, and the restriction is a hard one that takes subclasses
in (§4.1 leaves hard or soft to the service). ``properties`` and ``type_strict`` are accepted and
ignored: candidates are found by name only, so a query with properties but no ``query`` has no
candidates. ``match`` is true for a candidate only when it is the single one scoring 100 (so
never for a close spelling: "بابا عمرو" proposes باب عمرو, for a person to confirm).

Bounds, since matching runs in the HTTP process: at most ``BATCH_SIZE`` queries in a batch, the
manifest's ``batchSize`` (Reconciliation Service API 1.0 draft, §3.1 Service Manifest: a larger
batch MAY be answered 413), 10 being what OpenRefine sends when a manifest names none; each
``query`` at most ``MAX_QUERY_CHARS`` characters (as for /search) and at most ``MAX_TYPES`` types
(OpenRefine sends one; each is looked up among all the classes). A batch holds one of the client's
slots of the limiter /sparql uses (429 with Retry-After when none is free). The manifest's URLs
are under the base IRI, never the request's Host: the manifest is the same for every client.
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version

from flask import Blueprint, Response, request, url_for
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from homs_kg.server.search.label_index import (
    MAX_QUERY_CHARS,
    TOO_MANY,
    Hit,
    LabelIndex,
    client_slot,
    json_response,
    label_index,
    query_text,
)
from homs_kg.server.web.api_docs import FORM, JSON, api_response, documented, form, query_parameter
from homs_kg.server.web.context import public_url

reconcile = Blueprint("reconcile", __name__)

SERVICE_NAME = "homs-kg: the entities and events of an Arabic news profile of Homs (2017)"
DEFAULT_TYPES = ("Person", "Organisation", "PopulationGroup", "Place", "Event", "Situation")
DEFAULT_LIMIT, MAX_LIMIT = 10, 100
BATCH_SIZE = 10  # OpenRefine's default batch (StandardReconConfig.DEFAULT_BATCH_SIZE)
MAX_TYPES = 10
Query = tuple[str, frozenset[str] | None, int]  # text, accepted classes (None: any), limit


def identifier_space(index: LabelIndex) -> str:
    return index.base + "resource/"


def manifest(index: LabelIndex) -> dict:
    """§3.1 Service Manifest (required: versions, name, identifierSpace, schemaSpace)."""
    try:
        service_version = version("homs-kg")
    except PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        service_version = "unknown"
    return {
        "versions": ["0.2"],
        "name": SERVICE_NAME,
        "identifierSpace": identifier_space(index),
        "schemaSpace": index.hkg,
        "serviceVersion": service_version,
        "logo": public_url(url_for("ui.static", filename="icon.svg")),
        "defaultTypes": [type_object(index, index.hkg + name) for name in DEFAULT_TYPES],
        "view": {"url": identifier_space(index) + "{{id}}"},
        "batchSize": BATCH_SIZE,
    }


def type_object(index: LabelIndex, cls: str) -> dict[str, str]:
    """§2.2 Types: the class IRI and its English label."""
    return {"id": cls, "name": index.type_label(cls)}


QUERIES = query_parameter(
    "queries",
    'A batch of queries as a JSON object, e.g. {"q0": {"query": "Homs", "type": "Place", '
    '"limit": 3}}; without it, the manifest. '
    f"At most {BATCH_SIZE} queries (the manifest's batchSize), each `query` at most "
    f"{MAX_QUERY_CHARS} characters with at most {MAX_TYPES} types.",
    example='{"q0": {"query": "Homs", "limit": 3}}',
)
RECONCILED = {
    "answers": {
        200: api_response(
            "The service manifest (no `queries`), or the candidates of each query.",
            JSON,
            schema={"type": "object"},
        )
    },
    "errors": {
        400: "`queries` is not a JSON object of valid queries, or a query is too long or has too "
        "many types.",
        413: "More queries than the manifest's batchSize.",
        429: TOO_MANY,
    },
}


@reconcile.route("/reconcile", methods=["GET", "POST"])
@documented("GET", parameters=[QUERIES], **RECONCILED)
@documented("POST", body={FORM: form(QUERIES, required=["queries"])}, **RECONCILED)
def endpoint() -> Response:
    """The reconciliation service: its manifest, or the candidates of a batch of queries.

    §3.1 Service Manifest: a GET without parameters answers with the manifest. §4.3 Sending
    Reconciliation Queries to a Service: a batch comes as the form field ``queries`` of a POST
    (application/x-www-form-urlencoded) or as the GET parameter ``queries``; the answer is the
    result batch. §3.3 Cross-Origin Access: the app adds CORS to every answer (JSONP, optional,
    is not offered). §3.4 Error Handling: errors are problem+json documents with their status."""
    with client_slot():
        return answer(request.values.get("queries"))


def answer(raw: str | None) -> Response:
    """The manifest (no batch), or the result batch."""
    if raw is None:
        if request.method == "POST":
            raise BadRequest("a reconciliation POST needs a form field 'queries' (a JSON object)")
        return json_response(manifest(label_index()))
    index = label_index()
    batch = parse_batch(raw, index)
    return json_response({key: {"result": candidates(index, query)} for key, query in batch})


def parse_batch(raw: str, index: LabelIndex) -> list[tuple[str, Query]]:
    """§4.1 Structure of a Reconciliation Query: a batch is a JSON object of queries under string
    keys. Batches over the manifest's ``batchSize`` are answered 413 (1.0 draft, §3.1)."""
    try:
        batch = json.loads(raw)
    except ValueError as error:
        raise BadRequest(f"'queries' is not valid JSON: {error}") from None
    except RecursionError:
        raise BadRequest("'queries' is nested too deeply") from None
    if not isinstance(batch, dict):
        raise BadRequest('\'queries\' must be a JSON object of queries, e.g. {"q0": {"query": …}}')
    if len(batch) > BATCH_SIZE:
        raise RequestEntityTooLarge(
            f"this batch has {len(batch)} queries; at most {BATCH_SIZE} are accepted in one batch "
            "(the manifest's batchSize): send them in several batches"
        )
    return [(key, parse_query(key, value, index)) for key, value in batch.items()]


def parse_query(key: str, value: object, index: LabelIndex) -> Query:
    """§4.1 Structure of a Reconciliation Query: at least one of query and properties."""
    if not isinstance(value, dict):
        raise BadRequest(f"query {key!r} must be a JSON object")
    text, properties = value.get("query"), value.get("properties")
    if text is not None and not isinstance(text, str):
        raise BadRequest(f"query {key!r}: 'query' must be a string")
    if properties is not None and not isinstance(properties, list):
        raise BadRequest(f"query {key!r}: 'properties' must be an array")
    text = query_text(text or "", f"query {key!r}: 'query'")
    if not text and not properties:
        raise BadRequest(f"query {key!r} needs a non-empty 'query' (or 'properties')")
    return (
        text,
        accepted_classes(key, value.get("type"), index),
        limit_of(key, value),
    )


def limit_of(key: str, value: dict) -> int:
    limit = value.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise BadRequest(f"query {key!r}: 'limit' must be a positive integer")
    return min(limit, MAX_LIMIT)


def accepted_classes(key: str, types: object, index: LabelIndex) -> frozenset[str] | None:
    """The classes a candidate may have: the given types with their subclasses. ``type`` is an
    array of types in 0.2 (§4.1), a single type id in what clients such as OpenRefine send; a type
    is an id or an object with an ``id``. Unknown types accept nothing."""
    if types is None or types == [] or types == "":
        return None
    items = types if isinstance(types, list) else [types]
    if len(items) > MAX_TYPES:
        raise BadRequest(f"query {key!r} has {len(items)} types; at most {MAX_TYPES} are accepted")
    classes: set[str] = set()
    for item in items:
        type_id = item.get("id") if isinstance(item, dict) else item
        if not isinstance(type_id, str):
            raise BadRequest(f"query {key!r}: a type is a string id or an object with an 'id'")
        if (cls := index.resolve_class(type_id.strip())) is not None:
            classes |= index.with_subclasses(cls)
    return frozenset(classes)


def candidates(index: LabelIndex, query: Query) -> list[dict]:
    """§4.2 Reconciliation Query Responses: candidates by decreasing score, ``match`` true only for
    a single candidate scoring 100. §4.4: an entity's id (or IRI) as query finds that entity."""
    text, classes, limit = query
    space = identifier_space(index)
    hits = [
        hit
        for hit in identified(index, text, classes) + index.search(text, classes)
        if hit.entry.iri.startswith(space) and "#" not in hit.entry.iri
    ]
    unique = once_each(hits)
    exact = sum(hit.score == 100 for hit in unique)
    return [candidate(index, hit, exact == 1 and hit.score == 100) for hit in unique[:limit]]


def once_each(hits: list[Hit]) -> list[Hit]:
    """Each entity once, at its first (best) hit."""
    seen: set[str] = set()
    unique = []
    for hit in hits:
        if hit.entry.iri not in seen:
            seen.add(hit.entry.iri)
            unique.append(hit)
    return unique


def identified(index: LabelIndex, text: str, classes: frozenset[str] | None) -> list[Hit]:
    iri = text if text.startswith(("http://", "https://")) else identifier_space(index) + text
    accepted = [e for e in index.entries if classes is None or not classes.isdisjoint(e.types)]
    return [Hit(entry, 100, entry.names[0]) for entry in accepted if entry.iri == iri]


def candidate(index: LabelIndex, hit: Hit, match: bool) -> dict:
    """A candidate is named in the language of the label that matched; the other language's label
    is its description."""
    labels, lang = hit.entry.labels, "ar" if hit.name.lang == "ar" else "en"
    other = "en" if lang == "ar" else "ar"
    result = {
        "id": hit.entry.iri.removeprefix(identifier_space(index)),
        "name": labels.get(lang) or labels.get(other) or hit.name.text,
        "type": [type_object(index, cls) for cls in hit.entry.types],
        "score": hit.score,
        "match": match,
    }
    if labels.get(other) and labels.get(other) != result["name"]:
        result["description"] = labels[other]
    return result
