"""Dereferencing the graph's IRIs, following W3C "Cool URIs for the Semantic Web" (section 4.3,
303 URIs forwarding to one generic document... and to per-format documents).

A minted IRI (``/resource/…``, ``/ontology/…``, ``/source/…``, ``/evidence/…``, ``/graph/…``)
names a thing, not a document, so it answers 303 See Other: to its HTML page (``/page/<path>``) or
to its RDF document (``/data/<path>.<ext>``), chosen by the Accept header (q-values honoured),
with ``Vary: Accept``. The documents list each other with ``Link: rel="alternate"``. Hash IRIs
(``/resource/x#killed``) are served by their resource's documents. Unknown IRIs: 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, request
from pyoxigraph import NamedNode, RdfFormat

from homs_kg.graph.vocabulary import MintedIris
from homs_kg.server.engine.evaluation import QueryJob
from homs_kg.server.engine.formats import negotiate_media
from homs_kg.server.linked_data.documents import document_job, exists
from homs_kg.server.pages.views import LANG, render_page
from homs_kg.server.sparql.protocol import answer, cached
from homs_kg.server.stores.interface import INTERNAL_MAX_ROWS, SparqlStore, select_rows
from homs_kg.server.web.api_docs import api_response, documented
from homs_kg.server.web.errors import NotAcceptable, NotFound

linked_data = Blueprint("linked_data", __name__)

THINGS = ("resource", "ontology", "source", "evidence", "graph")
EXTENSIONS = {"ttl": RdfFormat.TURTLE, "jsonld": RdfFormat.JSON_LD, "nt": RdfFormat.N_TRIPLES,
              "rdf": RdfFormat.RDF_XML}  # fmt: skip
HTML = "text/html"


def service() -> dict:
    return current_app.extensions["homs_kg"]


def store() -> SparqlStore:
    return service()["store"]


def iris() -> MintedIris:
    return MintedIris(service()["config"].base_iri)


def iri_of(path: str) -> str:
    return iris().base + path


def is_graph(path: str) -> bool:
    return path.startswith("graph/")


def is_iri(text: str) -> bool:
    """Whether ``text`` is a valid IRI (RFC 3987, as pyoxigraph checks it): only then may it be
    written into a query as <…>, since no valid IRI holds '>', spaces or quotes."""
    try:
        NamedNode(text)
    except ValueError:
        return False
    return True


def known(path: str) -> bool:
    """Whether the dataset holds the thing ``path`` names (a named graph: holds that graph)."""
    if path.split("/", 1)[0] not in THINGS or "#" in path or not is_iri(iri_of(path)):
        return False
    if is_graph(path):
        return bool(select_rows(store(), f"SELECT ?s WHERE {{ GRAPH <{iri_of(path)}> "
                                         "{ ?s ?p ?o } } LIMIT 1"))  # fmt: skip
    return exists(store(), iri_of(path))


def alternates(path: str) -> str:
    """The ``Link`` header listing a thing's page and its RDF documents."""
    links = [f'</page/{path}>; rel="alternate"; type="{HTML}"']
    links += [f'</data/{path}.{ext}>; rel="alternate"; type="{fmt.media_type}"'
              for ext, fmt in EXTENSIONS.items()]  # fmt: skip
    return ", ".join(links)


def require(path: str) -> None:
    if not known(path):
        raise NotFound(f"{iri_of(path)} is not a resource of this dataset")


NOT_A_THING = "Not a thing of this dataset."


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
def thing(kind: str, rest: str) -> Response:
    """303 See Other from the thing's IRI to the document the client prefers."""
    path = f"{kind}/{rest}" if rest else kind
    require(path)
    offered = [HTML, *(fmt.media_type for fmt in EXTENSIONS.values())]
    chosen = negotiate_media(request.headers.get("Accept"), offered)
    if chosen is None:
        raise NotAcceptable(f"{iri_of(path)} is described as {', '.join(offered)}")
    if chosen == HTML:
        target = f"/page/{path}"
    else:
        ext = next(e for e, fmt in EXTENSIONS.items() if fmt.media_type == chosen)
        target = f"/data/{path}.{ext}"
    response = redirect(target, code=303)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = alternates(path)
    return response


@linked_data.get("/data/<path:document>")
@documented(
    answers={200: api_response("The document.", *(fmt.media_type for fmt in EXTENSIONS.values()))},
    errors={404: NOT_A_THING, 406: "No acceptable RDF format."},
    conditional=True,
    path={
        "document": {
            "description": "The thing's path under the base IRI, with an optional extension ("
            + ", ".join(EXTENSIONS)
            + ").",
            "example": "resource/homs.ttl",
        }
    },
)
def data(document: str) -> Response:
    """A thing's RDF document: ``/data/<path>.<ext>``, or ``/data/<path>`` by conneg."""
    path, _, ext = document.rpartition(".")
    if ext in EXTENSIONS and path:
        rdf_format = EXTENSIONS[ext]
    else:
        path = document
        chosen = negotiate_media(request.headers.get("Accept"),
                                 [fmt.media_type for fmt in EXTENSIONS.values()])  # fmt: skip
        if chosen is None:
            raise NotAcceptable("RDF documents are Turtle, JSON-LD, N-Triples or RDF/XML")
        rdf_format = next(fmt for fmt in EXTENSIONS.values() if fmt.media_type == chosen)
    require(path)
    job = graph_job(path, rdf_format) if is_graph(path) else document_job(
        iri_of(path), iris(), rdf_format)  # fmt: skip
    response = answer(service()["store"].run(job))
    response.headers["Link"] = alternates(path)
    if ext not in EXTENSIONS:
        response.headers["Content-Location"] = f"/data/{path}.{ext_of(rdf_format)}"
        response.headers["Vary"] = "Accept"
    return cached(response, f"{store().build_id}-{document}-{rdf_format.media_type}")


def ext_of(rdf_format: RdfFormat) -> str:
    return next(ext for ext, fmt in EXTENSIONS.items() if fmt == rdf_format)


def graph_job(path: str, rdf_format: RdfFormat) -> QueryJob:
    """A named graph's document is its content (as the Graph Store Protocol would give it)."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri_of(path)}> {{ ?s ?p ?o }} }}"
    return QueryJob(query, format=rdf_format.media_type, max_rows=INTERNAL_MAX_ROWS)


@linked_data.get("/page/<path:path>")
@documented(
    parameters=[LANG],
    answers={200: api_response("The page.", HTML)},
    errors={404: NOT_A_THING},
    path={
        "path": {"description": "The thing's path under the base IRI.", "example": "resource/homs"}
    },
)
def page(path: str) -> Response:
    """A thing's HTML page."""
    require(path)
    response = render_page(path, iri_of(path))
    response.headers["Link"] = alternates(path)
    return response
