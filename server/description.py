"""Self-description: the SPARQL 1.1 Service Description at /sparql (placeholder until written)."""

from __future__ import annotations

from flask import Response


def service_description() -> Response:
    return Response("", status=200, content_type="text/turtle")
