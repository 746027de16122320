"""Dereferencing the graph's IRIs, following W3C "Cool URIs for the Semantic Web" (section 4.3,
303 URIs forwarding to one generic document... and to per-format documents).

A minted IRI (``/resource/…``, ``/ontology/…``, ``/source/…``, ``/evidence/…``, ``/graph/…``)
names a thing, not a document, so it answers 303 See Other: to its HTML page (``/page/<path>``) or
to its RDF document (``/data/<path>.<ext>``), chosen by the Accept header (q-values honoured),
with ``Vary: Accept``. The documents list each other with ``Link: rel="alternate"``. Hash IRIs
(``/resource/x#killed``) are served by their resource's documents. Unknown IRIs: 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request
from pyoxigraph import RdfFormat
from werkzeug.exceptions import NotAcceptable
from werkzeug.wrappers import Response as WerkzeugResponse

from homs_kg.server.engine.evaluation import QueryJob
from homs_kg.server.engine.formats import negotiate_media
from homs_kg.server.linked_data.documents import document_job, shape
from homs_kg.server.linked_data.things import (
    DOCUMENT_ALIASES,
    DOCUMENTS,
    HTML,
    NOT_A_THING,
    iri_of,
    is_graph,
    link_header,
    representations,
    require,
)
from homs_kg.server.stores.interface import INTERNAL_MAX_ROWS
from homs_kg.server.web.answers import (
    answer,
    cached,
    not_modified,
    result_etag,
    run,
    with_validators,
)
from homs_kg.server.web.api_docs import api_response, documented
from homs_kg.server.web.context import current_iris
from homs_kg.server.web.language import ui_language, with_language

linked_data = Blueprint("linked_data", __name__)


@linked_data.get("/<any(resource, source, evidence, graph):kind>/<path:rest>")
@linked_data.get("/<any(ontology):kind>", defaults={"rest": ""})
@linked_data.get("/<any(ontology):kind>/<path:rest>")
@documented(
    answers={
        303: api_response(
            "See Other (W3C Cool URIs, section 4.3): to `/page/<path>` for text/html, else to "
            "`/data/<path>.<ext>`, chosen by the Accept header (q-values honoured).",
            headers={
                "Location": "The chosen document.",
                "Link": 'Every representation, as rel="alternate".',
                "Vary": "Accept.",
            },
        )
    },
    errors={404: NOT_A_THING, 406: "Neither HTML nor RDF acceptable."},
    path={
        "rest": {
            "description": "The thing's path after its kind: a resource's slug, an ontology "
            "term (`shapes/…` for SHACL shapes), a source's id, `<source>/<slug>` of an "
            "evidence record, a graph's name.",
            "examples": {
                "resource": {"value": "homs"},
                "ontology": {"value": "Person"},
                "source": {"value": "homs-2017-05-21"},
                "evidence": {"value": "homs-2017-05-21/homs-label"},
                "graph": {"value": "ontology"},
            },
        }
    },
)
def thing(kind: str, rest: str) -> WerkzeugResponse:  # flask's redirect() gives werkzeug's
    """303 See Other from the thing's IRI to the document the client prefers."""
    path = f"{kind}/{rest}" if rest else kind
    require(path)
    offered = [HTML, *(fmt.media_type for fmt in DOCUMENTS.values())]
    chosen = negotiate_media(request.headers.get("Accept"), offered, DOCUMENT_ALIASES)
    if chosen is None:
        raise NotAcceptable(f"{iri_of(path)} is described as {', '.join(offered)}")
    if chosen == HTML:
        target = with_language(f"/page/{path}", ui_language())  # ?lang=ar stays Arabic
    else:
        ext = next(e for e, fmt in DOCUMENTS.items() if fmt.media_type == chosen)
        target = f"/data/{path}.{ext}"
    response = redirect(target, code=303)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = link_header(representations(path))
    return response


@linked_data.get("/data/<path:document>")
@documented(
    answers={200: api_response("The document.", *(fmt.media_type for fmt in DOCUMENTS.values()))},
    errors={404: NOT_A_THING, 406: "No acceptable RDF format."},
    conditional=True,
    path={
        "document": {
            "description": "The thing's path under the base IRI, with an optional extension ("
            + ", ".join(DOCUMENTS)
            + ").",
            "example": "resource/homs.ttl",
        }
    },
)
def data(document: str) -> Response:
    """A thing's RDF document: ``/data/<path>.<ext>``, or ``/data/<path>`` by conneg."""
    path, _, ext = document.rpartition(".")
    if ext in DOCUMENTS and path:
        rdf_format = DOCUMENTS[ext]
    else:
        path = document
        offered = [fmt.media_type for fmt in DOCUMENTS.values()]
        chosen = negotiate_media(request.headers.get("Accept"), offered, DOCUMENT_ALIASES)
        if chosen is None:
            raise NotAcceptable("RDF documents are Turtle, JSON-LD, N-Triples or RDF/XML")
        rdf_format = next(fmt for fmt in DOCUMENTS.values() if fmt.media_type == chosen)
    require(path)
    job = (
        graph_job(path, rdf_format)
        if is_graph(path)
        else document_job(iri_of(path), current_iris(), rdf_format)
    )
    etag = result_etag(job)  # the build, the query, the format and the document's shape
    if not_modified(etag):  # RFC 9110 §13.2.2, decided before the document is built
        response = cached(Response(status=304), etag)
    else:
        reply = run(job)
        response = with_validators(answer(reply), job, reply)
    # a 304 carries the headers the 200 would have (RFC 9110 §15.4.5)
    response.headers["Link"] = link_header(representations(path))
    if ext not in DOCUMENTS:
        response.headers["Content-Location"] = f"/data/{path}.{ext_of(rdf_format)}"
    return response


def ext_of(rdf_format: RdfFormat) -> str:
    return next(ext for ext, fmt in DOCUMENTS.items() if fmt == rdf_format)


def graph_job(path: str, rdf_format: RdfFormat) -> QueryJob:
    """A named graph's document is its content (as the Graph Store Protocol would give it)."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri_of(path)}> {{ ?s ?p ?o }} }}"
    return QueryJob(
        query,
        format=rdf_format.media_type,
        max_rows=INTERNAL_MAX_ROWS,
        document=shape(current_iris()),
    )
