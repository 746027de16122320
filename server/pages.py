"""HTML pages of the graph's things (placeholder: the generic page is being written)."""

from __future__ import annotations

from flask import Response

from .ontology_pages import ontology_page


def render_page(path: str, iri: str) -> Response:
    """The HTML page of the thing at ``path`` (``resource/homs``, ``ontology/Person``, …)."""
    if path == "ontology" or path.startswith("ontology/"):
        return ontology_page(path, iri)
    return Response(f"page of {iri}", content_type="text/plain")
