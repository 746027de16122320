"""The service's own small endpoints: health."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from homs_kg.server.web.api_docs import JSON, api_response, documented

meta = Blueprint("meta", __name__)


HEALTH = {
    "type": "object",
    "required": ["status", "build"],
    "properties": {"status": {"const": "ok"}, "build": {"type": "string"}},
}


@meta.get("/healthz")
@documented(answers={200: api_response("Alive.", JSON, schema=HEALTH)})
def healthz() -> ResponseReturnValue:
    """Liveness and the live build, for load balancers and the test suite."""
    store = current_app.extensions["homs_kg"]["store"]
    return jsonify(status="ok", build=store.build_id)
