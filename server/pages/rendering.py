"""Rendering a page: in the interface language, with its machine-readable twins named in a
``Link`` header and in the page head."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, render_template

from homs_kg.server.linked_data.documents import Document
from homs_kg.server.linked_data.things import Alternate, link_header
from homs_kg.server.pages import queries
from homs_kg.server.pages.model import Linker
from homs_kg.server.pages.vocabulary import Label
from homs_kg.server.web.answers import conditional
from homs_kg.server.web.context import current_iris
from homs_kg.server.web.language import ui_language

SPARQL_JSON = "application/sparql-results+json"


def linker(document: Document | None = None, extra: dict[str, Label] | None = None) -> Linker:
    return Linker(current_iris(), ui_language(), document, queries.ontology(), extra)


def render(template: str, alternates: list[Alternate], **context: object) -> Response:
    """A page in the interface language, with its twins in ``Link`` and in the page head."""
    language = ui_language()
    html = render_template(template, alternates=alternates, **context)
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = link_header(alternates)
    response.headers["Content-Language"] = language
    return conditional(response)


def query_twin(query: str) -> Alternate:
    """The page's rows as SPARQL JSON results: the same query on the endpoint."""
    return Alternate("/sparql?" + urlencode({"query": query, "format": "json"}), SPARQL_JSON)
