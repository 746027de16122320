"""The browser query page: YASGUI over /sparql, served by the app itself (no CDN, works offline).

YASGUI comes from the npm registry, pinned in ``server/ui/package.json`` and its lock file, and is
served straight from its build folder under the reserved prefix ``/-/static/yasgui/``
(server/catalogue/query_ui.py). Without it (the npm install step not run) the page still renders
and says how to install it. The page is the answer of /-/query, and of /sparql to a browser
asking without a query.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Response, render_template, url_for

from homs_kg.graph.vocabulary import sparql_prologue
from homs_kg.server.catalogue.queries import load_catalogue
from homs_kg.server.web.context import current_config, current_iris, public_url

SERVER = Path(__file__).resolve().parent.parent  # the templates, static files and UI build
YASGUI_BUILD = SERVER / "ui/node_modules/@zazuko/yasgui/build"
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css")
INSTALL_STEP = "npm ci --prefix server/ui --no-audit --no-fund --ignore-scripts"

EVENTS_QUERY = """SELECT ?event ?label ?arabic ?date WHERE {
  ?event a/rdfs:subClassOf* hkg:Event ; rdfs:label ?label ; hkg:date ?date .
  FILTER(LANG(?label) = "en")
  OPTIONAL { ?event rdfs:label ?arabic . FILTER(LANG(?arabic) = "ar") }
}
ORDER BY ?date
"""


def dataset_prefixes() -> dict[str, str]:
    """The graph's prefixes under the configured base IRI, its own (hkg, res, ev, src) first."""
    iris = current_iris()
    return dict(sorted(iris.prefixes().items(), key=lambda item: not item[1].startswith(iris.base)))


def example_queries(prefixes: dict[str, str]) -> list[dict[str, str]]:
    """The page's tabs: the events with their dates, then one per query of the catalogue."""
    prologue = sparql_prologue(prefixes)
    examples = [{"name": "Events and their dates", "query": prologue + "\n" + EVENTS_QUERY}]
    catalogue = load_catalogue(current_config().base_iri)
    examples += [{"name": query.title, "query": query.text} for query in catalogue]
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
