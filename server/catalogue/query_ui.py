"""The browser query page: YASGUI over /sparql, served by the app itself (no CDN, works offline).

YASGUI comes from the npm registry, pinned in ``ui/package.json`` and its lock file, and is served
straight from its build folder under the reserved prefix ``/-/static/yasgui/``. Without it (the npm
install step not run) the page still renders and says how to install it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, send_from_directory, url_for
from werkzeug.exceptions import NotFound as FileNotFound

from homs_kg.graph.vocabulary import MintedIris
from homs_kg.server.catalogue.queries import load_catalogue
from homs_kg.server.sparql.description import public_url
from homs_kg.server.web.api_docs import (
    HTML,
    STATIC_FILES,
    api_response,
    documented,
    query_parameter,
)
from homs_kg.server.web.errors import NotFound

SERVER = Path(__file__).resolve().parent.parent  # the templates, static files and UI build
YASGUI_BUILD = SERVER / "ui/node_modules/@zazuko/yasgui/build"
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css")
INSTALL_STEP = "npm ci --prefix server/ui --no-audit --no-fund --ignore-scripts"

ui = Blueprint(
    "ui",
    __name__,
    static_folder=SERVER / "static",
    static_url_path="/-/static/ui",
)

EVENTS_QUERY = """SELECT ?event ?label ?arabic ?date WHERE {
  ?event a/rdfs:subClassOf* hkg:Event ; rdfs:label ?label ; hkg:date ?date .
  FILTER(LANG(?label) = "en")
  OPTIONAL { ?event rdfs:label ?arabic . FILTER(LANG(?arabic) = "ar") }
}
ORDER BY ?date
"""


def dataset_prefixes() -> dict[str, str]:
    """The graph's prefixes under the configured base IRI, its own (hkg, res, ev, src) first."""
    iris = MintedIris(current_app.extensions["homs_kg"]["config"].base_iri)
    return dict(sorted(iris.prefixes().items(), key=lambda item: not item[1].startswith(iris.base)))


def example_queries(prefixes: dict[str, str]) -> list[dict[str, str]]:
    """The page's tabs: the events with their dates, then one per query of the catalogue."""
    prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())
    examples = [{"name": "Events and their dates", "query": prologue + "\n" + EVENTS_QUERY}]
    base = current_app.extensions["homs_kg"]["config"].base_iri
    examples += [{"name": query.title, "query": query.text} for query in load_catalogue(base)]
    return examples


def query_page() -> Response:
    """The query page (also the answer to a browser asking /sparql for text/html, no query). It
    names the endpoint at the base IRI, the server's public address, not at the request's Host."""
    prefixes = dataset_prefixes()
    endpoint = public_url(url_for("sparql.endpoint"))
    settings = {"endpoint": endpoint, "prefixes": prefixes, "examples": example_queries(prefixes)}
    # Tabs persist in the browser; a changed catalogue, base IRI or endpoint starts afresh.
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]
    settings["persistenceId"] = f"homs-kg-{digest}"
    installed = all((YASGUI_BUILD / name).is_file() for name in YASGUI_FILES)
    html = render_template(
        "query.html", settings=settings, installed=installed, install_step=INSTALL_STEP
    )
    response = Response(html, status=200, mimetype="text/html")
    response.headers["Link"] = f'<{endpoint}>; rel="alternate"; type="text/turtle"'
    return response


@ui.get("/-/query")
@documented(
    parameters=[
        query_parameter("query", "A query to open in a tab."),
        query_parameter("tabTitle", "The tab's title."),
    ],
    answers={200: api_response("The page.", HTML)},
)
def query_ui() -> Response:
    """The query UI at its own address, so share links (?query=…) do not run on /sparql."""
    return query_page()


@ui.get("/-/static/yasgui/<path:filename>")
@documented(
    **STATIC_FILES,
    path={"filename": {"description": "A file of YASGUI's build.", "example": "yasgui.min.js"}},
)
def yasgui_asset(filename: str) -> Response:
    """A file of YASGUI's build folder; nothing outside it (send_from_directory joins safely)."""
    try:
        return send_from_directory(YASGUI_BUILD, filename)
    except FileNotFound as error:
        detail = f"no YASGUI file {filename!r}"
        if not YASGUI_BUILD.is_dir():
            detail += f"; YASGUI is not installed: run {INSTALL_STEP}"
        raise NotFound(detail) from error
