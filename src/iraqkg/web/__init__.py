"""The SPARQL endpoint as a Flask application (application factory, one blueprint per concern).

    from iraqkg.engines import EngineFactory
    from iraqkg.web.server import serve
    factory = EngineFactory(settings, [Path("build/42/dataset.nq")])
    app = create_app(settings, factory, {"build_id": "42"})   # query worker processes
    serve(app, settings)                                        # waitress; blocks

Passing an Engine instance instead of a factory runs queries in the request threads (no
hard timeout): convenient for tests and embedding.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response

from iraqkg.answers import Answers, answers_for_dataset
from iraqkg.engines import Engine
from iraqkg.settings import EndpointSettings
from iraqkg.web.cache import CachingExecutor, ResponseCache
from iraqkg.web.cors import install_cors
from iraqkg.web.errors import install_error_handlers
from iraqkg.web.executor import Executor, InlineExecutor
from iraqkg.web.kept_answers import KeptAnswersExecutor
from iraqkg.web.query_operation import QueryOperation
from iraqkg.web.state import EXTENSION, AppState

__all__ = ["create_app"]


def _executor(
    settings: EndpointSettings, engine_factory: Callable[[], Engine] | Engine
) -> Executor:
    executor: Executor
    if isinstance(engine_factory, Engine):
        executor = InlineExecutor(engine_factory, settings)
    else:
        from iraqkg.web.fast_lane import FastLane, fits
        from iraqkg.web.pool import ProcessPool

        executor = ProcessPool(engine_factory, settings)
        if fits(settings, getattr(engine_factory, "files", None)):
            executor = FastLane(executor, engine_factory, settings)
        atexit.register(executor.close)
    if settings.cache_bytes:  # half here, half for whole responses (ResponseCache)
        executor = CachingExecutor(executor, settings.cache_bytes // 2)
    answers = _kept_answers(settings, engine_factory)
    if answers is not None:
        executor = KeptAnswersExecutor(executor, answers, settings)
    return executor


def _kept_answers(settings: EndpointSettings, engine_factory: Any) -> Answers | None:
    """The answers the build kept, when the engine serves exactly that build's dataset with
    the engine they were computed by (a remote store may hold other data)."""
    from iraqkg.engines import EngineFactory

    if not isinstance(engine_factory, EngineFactory) or settings.engine != "oxigraph":
        return None
    return answers_for_dataset(engine_factory.files)


def create_app(
    settings: EndpointSettings,
    engine_factory: Callable[[], Engine] | Engine,
    info: dict[str, Any],
) -> Flask:
    """The endpoint app. ``engine_factory``: a picklable callable (e.g. EngineFactory) that
    each query worker process calls to open its engine, or an Engine to query in-thread.
    ``info``: {"build_id": str | None, "questions": {name: NamedQuery} optional (the
    /questions pages and the editor's examples), "named_queries": [(name, sparql), ...]
    optional (examples given as text instead)}.
    """
    from iraqkg.engines import EngineFactory
    from iraqkg.web import (
        dataset,
        entities,
        explanations,
        health,
        home,
        limits,
        network,
        ontology,
        reconcile,
        search,
        sparql,
        timeline,
        ui,
    )
    from iraqkg.web import questions as question_pages

    here = Path(__file__).parent
    app = Flask(
        __name__, static_folder=str(here / "static"), template_folder=str(here / "templates")
    )
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    questions = dict(info.get("questions", {}))
    # The examples run as the questions do: with their parameter defaults (not unbound).
    examples = list(info.get("named_queries", [])) or [
        (name, q.spelled_out()) for name, q in questions.items()
    ]
    state = AppState(
        settings,
        _executor(settings, engine_factory),
        {k: v for k, v in info.items() if k != "questions"},
        examples,
        questions,
    )
    if isinstance(engine_factory, EngineFactory):  # what /dataset.* offers when info has none
        state.info.setdefault("dump_files", [str(f) for f in engine_factory.files])
    app.extensions[EXTENSION] = state
    for blueprint in (
        sparql.bp,
        health.bp,
        limits.bp,
        ui.bp,
        entities.bp,
        explanations.bp,
        home.bp,
        search.bp,
        reconcile.bp,
        ontology.bp,
        network.bp,
        timeline.bp,
        question_pages.bp,
        dataset.bp,
    ):
        app.register_blueprint(blueprint)
    install_error_handlers(app)
    install_cors(app, settings.cors_origins)
    # Query requests are answered before Flask (query_operation.py); repeated ones from
    # memory before that.
    app.wsgi_app = QueryOperation(app.wsgi_app, state)  # type: ignore[method-assign]
    if settings.cache_bytes:
        state.response_cache = ResponseCache(
            app.wsgi_app, settings.cache_bytes // 2, settings.max_request_bytes
        )
        app.wsgi_app = state.response_cache  # type: ignore[method-assign]

    @app.after_request
    def _nosniff(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    return app


def close_app(app: Flask) -> None:
    """Stop the app's query workers (the server calls this on shutdown)."""
    app.extensions[EXTENSION].close()
