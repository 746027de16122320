"""The service's own small endpoints: health."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

meta = Blueprint("meta", __name__)


@meta.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Liveness and the live build, for load balancers and the test suite."""
    store = current_app.extensions["homs_kg"]["store"]
    return jsonify(status="ok", build=store.build_id)
