"""The query UI's routes: the page at /-/query, and YASGUI's files from its build folder."""

from __future__ import annotations

from flask import Blueprint, Response, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.exceptions import NotFound as FileNotFound

from homs_kg.server.catalogue import query_page as page
from homs_kg.server.catalogue.query_page import INSTALL_STEP, SERVER
from homs_kg.server.web.api_docs import (
    HTML,
    STATIC_FILES,
    api_response,
    documented,
    query_parameter,
)

ui = Blueprint(
    "ui",
    __name__,
    static_folder=SERVER / "static",
    static_url_path="/-/static/ui",
)


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
    return page.query_page()


@ui.get("/-/static/yasgui/<path:filename>")
@documented(
    **STATIC_FILES,
    path={"filename": {"description": "A file of YASGUI's build.", "example": "yasgui.min.js"}},
)
def yasgui_asset(filename: str) -> Response:
    """A file of YASGUI's build folder; nothing outside it (send_from_directory joins safely)."""
    try:
        return send_from_directory(page.YASGUI_BUILD, filename)
    except FileNotFound as error:
        detail = f"no YASGUI file {filename!r}"
        if not page.YASGUI_BUILD.is_dir():
            detail += f"; YASGUI is not installed: run {INSTALL_STEP}"
        raise NotFound(detail) from error
