"""The ontology's HTML reference (placeholder)."""

from __future__ import annotations

from flask import Response


def ontology_page(path: str, iri: str) -> Response:
    return Response(f"ontology page of {iri}", content_type="text/plain")
