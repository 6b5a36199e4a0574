"""One query, as it travels from a request thread to an engine (maybe in another process).

``run_task`` is the whole life of a query on the engine side: refuse what is not allowed,
negotiate the format (406 before any work), run with the row cap, serialise. Task and
Reply are plain picklable data: named tuples, cheaper to pickle than dataclasses (py-spy on
granian's event loop, which sends every query, put pickling at about a tenth of its time).
"""

from __future__ import annotations

import pickle
import time
from multiprocessing.connection import Connection
from typing import Any, NamedTuple

from rdflib.term import Node

from iraqkg.engines import Engine
from iraqkg.engines.errors import AnswerTooLarge, EngineError, ServiceFailed
from iraqkg.engines.formats import find_format
from iraqkg.engines.policy import DEFAULT_MAX_DEPTH, PREDEFINED, check_query, may_call_service
from iraqkg.web.negotiation import choose_format


class Task(NamedTuple):
    query: str
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    accept: str | None = None  # the request's Accept header
    formats: tuple[str, ...] = ()  # the request's ``format`` parameters
    max_rows: int | None = None
    base_iri: str | None = None  # relative IRIs in the query resolve against the endpoint
    # Terms the engine substitutes for variables ((name, term) pairs, a named query's
    # parameters): part of the task, so part of the cache key.
    bindings: tuple[tuple[str, Node], ...] = ()
    max_bytes: int | None = None  # largest answer body (EndpointSettings.max_answer_bytes)
    max_depth: int = DEFAULT_MAX_DEPTH  # deepest { ( [ nesting (EndpointSettings.max_query_depth)


class Reply(NamedTuple):
    body: bytes
    content_type: str
    kind: str  # "select" | "ask" | "graph"
    size: int  # rows, triples, or 1 for ASK
    truncated: bool = False
    # CPU seconds run_task took on its thread (engine and writing; fast_lane.py remembers
    # the cheap ones): CPU, not wall, so that a loaded machine does not make a query dear
    cpu_seconds: float = 0.0


def send_message(connection: Connection, message: Any) -> None:
    """Write ``message`` as ``Connection.send`` does, pickled by the C pickler rather than
    multiprocessing's ForkingPickler (a new pickler and reducer table per message, for
    sharing handles these messages never hold)."""
    connection.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def run_task(engine: Engine, task: Task, service_allowlist: tuple[str, ...]) -> Reply:
    """Run one task on ``engine``; raises EngineError or NotAcceptable on failure."""
    began = time.thread_time()
    # the same parser as the engine's own check (rdflib reads queries differently)
    parser = "rdflib" if engine.name == "rdflib" else "oxigraph"
    info = check_query(
        task.query, service_allowlist, parser, PREDEFINED, task.base_iri, max_depth=task.max_depth
    )
    chosen = choose_format(info.kind, task.accept, task.formats) if info.kind else None
    options = {
        "default_graph_uris": task.default_graph_uris,
        "named_graph_uris": task.named_graph_uris,
        "max_rows": task.max_rows,
        "base_iri": task.base_iri,
        "bindings": dict(task.bindings),
    }
    native = getattr(engine, "query_native", None)
    try:
        if native is not None:  # answers written from the engine's own terms
            as_json = chosen is not None and chosen.key == "srj"
            if as_json:
                options["as_json"] = True
            result = native(task.query, max_bytes=task.max_bytes, **options)
        else:
            result = engine.query(task.query, **options)
    except EngineError:
        raise
    except Exception as exc:
        if may_call_service(task.query):  # e.g. rdflib parsing a SERVICE's garbage answer
            raise ServiceFailed(f"a SERVICE endpoint failed or answered garbage: {exc}") from None
        raise
    if chosen is None or find_format(result.kind, chosen.media_type) is not chosen:
        chosen = choose_format(result.kind, task.accept, task.formats)
    body = result.serialize(chosen.media_type)
    if task.max_bytes is not None and len(body) > task.max_bytes:
        raise AnswerTooLarge(task.max_bytes)
    return Reply(body, chosen.content_type, result.kind, len(result), result.truncated,
                 time.thread_time() - began)  # fmt: skip
