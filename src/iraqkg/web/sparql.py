"""/sparql: the SPARQL 1.1 Protocol query operation, the service description, the page.

GET with ``query`` or POST (form or direct) runs a query; GET without one answers the
service description (RDF by content negotiation) or, for browsers, the query page.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from iraqkg.engines.formats import ALL_FORMATS, GRAPH_FORMATS, find_format
from iraqkg.engines.result import serialize_graph
from iraqkg.web.cache import CACHEABLE, cacheable
from iraqkg.web.dataset import void_facts
from iraqkg.web.description import description_graph
from iraqkg.web.errors import ApiError, from_exception
from iraqkg.web.negotiation import best_offer
from iraqkg.web.protocol import read_request
from iraqkg.web.state import current_state
from iraqkg.web.tasks import Task
from iraqkg.web.ui import query_page

bp = Blueprint("sparql", __name__)
_HTML = ("text/html", "application/xhtml+xml")


def _describe(endpoint: str, format_params: tuple[str, ...]) -> Response:
    """The service description in the negotiated RDF format, or the HTML page."""
    if format_params and format_params[0] in ("html", "text/html"):
        return query_page(endpoint)
    if format_params:
        fmt = find_format("graph", format_params[0])
        if fmt is None:
            raise ApiError(406, "not_acceptable", f"format={format_params[0]} is not available")
    else:
        offers = [media for f in GRAPH_FORMATS for media in f.offers] + list(_HTML)
        best = best_offer(request.headers.get("Accept"), offers)
        if best is None:
            raise ApiError(406, "not_acceptable", "no acceptable format for the description")
        if best in _HTML:
            return query_page(endpoint)
        fmt = next(f for f in GRAPH_FORMATS if best in f.offers)
    state = current_state()
    graph = description_graph(endpoint, state.settings, state.executor.info, void_facts())
    response = Response(serialize_graph(graph, fmt.key), content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def _wants_page(format_params: tuple[str, ...]) -> bool:
    """A browser (text/html preferred to every result format) or ``format=html``: the
    editor with the query in it, rather than the results. SPARQL clients never prefer
    HTML, and ``*/*`` alone goes to the results (they are offered first)."""
    if format_params:
        return format_params[0] in _HTML or format_params[0] == "html"
    accept = request.headers.get("Accept")
    if not accept:
        return False
    offers = [media for f in ALL_FORMATS for media in f.offers] + list(_HTML)
    return best_offer(accept, offers) in _HTML


@bp.route("/sparql", methods=["GET", "POST"], endpoint="endpoint")
@bp.route("/sparql/", methods=["GET", "POST"], endpoint="endpoint_slash")
def sparql() -> Response:
    state = current_state()
    settings = state.settings
    wanted = read_request(request, settings.max_request_bytes)
    if wanted.query is None:
        return _describe(state.endpoint_url, wanted.formats)
    if request.method == "GET" and _wants_page(wanted.formats):
        return query_page(state.endpoint_url, wanted.query)  # a shared link, in a browser
    task = Task(
        wanted.query,
        wanted.default_graph_uris,
        wanted.named_graph_uris,
        request.headers.get("Accept"),
        wanted.formats,
        settings.max_rows,
        state.endpoint_url,  # never the Host header: it would flow into answers
        max_bytes=settings.max_answer_bytes,
        max_depth=settings.max_query_depth,
    )
    try:
        # waitress says whether the client went away (channel_request_lookahead > 0).
        reply = state.executor.run(task, request.environ.get("waitress.client_disconnected"))
    except Exception as exc:
        raise from_exception(exc, settings.query_timeout) from exc
    if reply.truncated:
        raise too_many_rows(settings.max_rows)
    response = Response(reply.body, content_type=reply.content_type)
    response.vary.add("Accept")
    if cacheable(task.query):
        request.environ[CACHEABLE] = True
    return response


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
