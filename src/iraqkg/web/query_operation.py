"""The SPARQL query operation as plain WSGI: no framework on the path of a query.

Measured (bench/results/http.md), Flask's request cycle cost a short lookup more than the
query itself. So ``QueryOperation`` answers a query request to /sparql before Flask sees
it: read the parameters, one round trip to a query worker, one write. Everything else,
the service description, the editor page and every other route, goes to the Flask app,
and so does any request out of the ordinary (no Content-Length, a body over the limit, a
HEAD): Flask's answers to those stay the only ones. The /sparql view runs the same
functions (``run_query``, ``wants_page``), so both paths answer alike.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from iraqkg.engines.formats import ALL_FORMATS
from iraqkg.web.cache import CACHEABLE, cacheable
from iraqkg.web.cors import cors_headers
from iraqkg.web.errors import ApiError, error_body, from_exception, status_line
from iraqkg.web.negotiation import best_offer
from iraqkg.web.protocol import ProtocolRequest, read_request
from iraqkg.web.state import AppState
from iraqkg.web.tasks import Reply, Task

PATHS = ("/sparql", "/sparql/")
# In the environ: a callable, True once the client has gone (rsgi.py under granian; waitress
# has its own key).
CLIENT_GONE = "iraqkg.client_disconnected"
HTML = ("text/html", "application/xhtml+xml")
_OFFERS = [media for f in ALL_FORMATS for media in f.offers] + list(HTML)


@dataclass
class Answer:
    status: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def wants_page(accept: str | None, format_params: tuple[str, ...]) -> bool:
    """A browser (text/html preferred to every result format) or ``format=html``: the
    editor with the query in it, rather than the results. SPARQL clients never prefer
    HTML, and ``*/*`` alone goes to the results (they are offered first)."""
    if format_params:
        return format_params[0] in HTML or format_params[0] == "html"
    if not accept:
        return False
    return best_offer(accept, _OFFERS) in HTML


def too_many_rows(max_rows: int) -> ApiError:
    """No answer is cut: one over the cap is a 422 that says the limit and the ways round it.

    The reason phrase carries the limit too, since that is what urllib-based clients
    (SPARQLWrapper, rdflib's SPARQLStore) put in their exception's message."""
    return ApiError(
        422,
        "too_many_rows",
        f"the answer has more than {max_rows} rows or triples, this endpoint's limit "
        "(max_rows): page through it with LIMIT and OFFSET (with ORDER BY), download the "
        "whole dataset from /dataset.nq, or start the server with --max-rows N (at most "
        "1000000; IRAQKG_SERVE_MAX_ROWS=N)",
        headers={"X-SPARQL-MaxRows": str(max_rows)},
        reason=f"Answer Exceeds max_rows={max_rows}",
        max_rows=max_rows,
    )


def query_task(state: AppState, wanted: ProtocolRequest, accept: str | None) -> Task:
    """The task a query request asks for, with the endpoint's limits."""
    settings = state.settings
    return Task(
        wanted.query or "",
        wanted.default_graph_uris,
        wanted.named_graph_uris,
        accept,
        wanted.formats,
        settings.max_rows,
        state.endpoint_url,  # never the Host header: it would flow into answers
        max_bytes=settings.max_answer_bytes,
        max_depth=settings.max_query_depth,
    )


def reply_answer(state: AppState, reply: Reply) -> Answer:
    """The 200 answer to a reply; ApiError for one over the row cap."""
    if reply.truncated:
        raise too_many_rows(state.settings.max_rows)
    return Answer("200 OK", [("Content-Type", reply.content_type), ("Vary", "Accept")], reply.body)


def run_query(state: AppState, wanted: ProtocolRequest, environ: dict[str, Any]) -> Answer:
    """Run the request's query; raises ApiError. Marks a cacheable answer in ``environ``."""
    task = query_task(state, wanted, environ.get("HTTP_ACCEPT"))
    try:
        # waitress says whether the client went away (channel_request_lookahead > 0).
        gone = environ.get(CLIENT_GONE) or environ.get("waitress.client_disconnected")
        reply = state.executor.run(task, gone)
    except Exception as exc:
        raise from_exception(exc, state.settings.query_timeout) from exc
    answer = reply_answer(state, reply)
    if cacheable(task.query):
        environ[CACHEABLE] = True
    return answer


def error_answer(error: ApiError) -> Answer:
    headers = [("Content-Type", "application/json"), *error.headers.items()]
    return Answer(status_line(error.status, error.reason), headers, error_body(error))


class QueryOperation:
    """WSGI middleware in front of the Flask app; see the module docstring."""

    def __init__(self, app: Callable[..., Iterable[bytes]], state: AppState) -> None:
        self._app = app
        self._state = state
        self._cors = frozenset(state.settings.cors_origins)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if environ.get("PATH_INFO") not in PATHS or method not in ("GET", "POST"):
            return self._app(environ, start_response)
        limit = self._state.settings.max_request_bytes
        body = b""
        if method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or -1)
            except ValueError:
                length = -1
            if not 0 <= length <= limit:
                return self._app(environ, start_response)  # Flask's own 411 / 413
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
        try:
            wanted = read_request(environ, limit, lambda: body)
            if wanted.query is None or (
                method == "GET" and wants_page(environ.get("HTTP_ACCEPT"), wanted.formats)
            ):
                environ["wsgi.input"] = io.BytesIO(body)
                return self._app(environ, start_response)  # the description or the editor
            answer = run_query(self._state, wanted, environ)
        except ApiError as error:
            answer = error_answer(error)
        except Exception as exc:  # a bug: the same logged 500 as the app's handler gives
            answer = error_answer(from_exception(exc))
        start_response(answer.status, self._headers(answer, environ, method))
        return [answer.body]

    def _headers(self, answer: Answer, environ: dict[str, Any], method: str) -> list:
        return answer_headers(answer, self._cors, environ.get("HTTP_ORIGIN"), method,
                              environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"))  # fmt: skip


def answer_headers(answer: Answer, cors: frozenset[str], origin: str | None, method: str,
                   asked: str | None) -> list[tuple[str, str]]:  # fmt: skip
    """The answer's headers as sent: CORS, one Vary, Content-Length, nosniff."""
    headers = [h for h in answer.headers if h[0] != "Vary"]
    vary = [v for k, v in answer.headers if k == "Vary"]
    for name, value in cors_headers(cors, origin, method, asked):
        if name == "Vary":
            vary.append(value)
        else:
            headers.append((name, value))
    headers.append(("Content-Length", str(len(answer.body))))
    if vary:
        headers.append(("Vary", ", ".join(vary)))
    headers.append(("X-Content-Type-Options", "nosniff"))
    return headers
