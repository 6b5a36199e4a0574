"""/healthz: is the endpoint up, which build and engine does it serve, how big is it."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from iraqkg import __version__
from iraqkg.web.state import current_state

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    state = current_state()
    executor = state.executor
    status = executor.status()
    healthy = status.get("alive", 1) > 0
    body = {
        "status": "ok" if healthy else "degraded",
        "build_id": state.info.get("build_id"),
        "engine": executor.info.name,
        "triples": executor.info.counts,
        "union_default_graph": state.settings.union_default_graph,
        "executor": status,
        "response_cache": state.response_cache.status() if state.response_cache else None,
        "version": __version__,
    }
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
