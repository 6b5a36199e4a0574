"""/healthz: is the endpoint up, which build and engine does it serve, how big is it."""

from __future__ import annotations

import os

from flask import Blueprint, Response, jsonify

from iraqkg import __version__
from iraqkg.engines.errors import EngineError
from iraqkg.web.state import current_state
from iraqkg.web.tasks import Task

bp = Blueprint("health", __name__)


def _probe_remote(state) -> str | None:
    """Ask the remote store, through a worker, whether it still holds the dataset."""
    runner = getattr(state.executor, "uncached", state.executor)
    try:
        reply = runner.run(Task("ASK { ?s ?p ?o }", accept="application/sparql-results+json"))
    except EngineError as exc:
        return exc.message
    if state.executor.info.counts.get("default") and b"true" not in reply.body:
        return "the remote store is empty: it has lost the dataset"
    return None


@bp.get("/healthz")
def healthz() -> Response:
    state = current_state()
    executor = state.executor
    status = executor.status()
    healthy = status.get("alive", 1) > 0
    problem = None
    if healthy and executor.info.name == "remote":
        problem = _probe_remote(state)
        healthy = problem is None
    body = {
        "status": "ok" if healthy else "degraded",
        "problem": problem,
        "build_id": state.info.get("build_id"),
        "engine": executor.info.name,
        "triples": executor.info.counts,
        "union_default_graph": state.settings.union_default_graph,
        "executor": status,
        # which of the server's processes answered (http_processes over 1: replicas.py)
        "process": {"pid": os.getpid(), "of": state.settings.http_processes},
        "response_cache": state.response_cache.status() if state.response_cache else None,
        "version": __version__,
    }
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
