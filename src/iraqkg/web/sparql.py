"""/sparql: the SPARQL 1.1 Protocol query operation, the service description, the page.

GET with ``query`` or POST (form or direct) runs a query; GET without one answers the
service description (RDF by content negotiation) or, for browsers, the query page.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from iraqkg.engines.formats import GRAPH_FORMATS, find_format
from iraqkg.engines.result import serialize_graph
from iraqkg.web.dataset import void_facts
from iraqkg.web.description import description_graph
from iraqkg.web.errors import ApiError
from iraqkg.web.negotiation import best_offer
from iraqkg.web.protocol import read_request
from iraqkg.web.query_operation import HTML, run_query, wants_page
from iraqkg.web.state import current_state
from iraqkg.web.ui import query_page

bp = Blueprint("sparql", __name__)


def _describe(endpoint: str, format_params: tuple[str, ...]) -> Response:
    """The service description in the negotiated RDF format, or the HTML page."""
    if format_params and format_params[0] in ("html", "text/html"):
        return query_page(endpoint)
    if format_params:
        fmt = find_format("graph", format_params[0])
        if fmt is None:
            raise ApiError(406, "not_acceptable", f"format={format_params[0]} is not available")
    else:
        offers = [media for f in GRAPH_FORMATS for media in f.offers] + list(HTML)
        best = best_offer(request.headers.get("Accept"), offers)
        if best is None:
            raise ApiError(406, "not_acceptable", "no acceptable format for the description")
        if best in HTML:
            return query_page(endpoint)
        fmt = next(f for f in GRAPH_FORMATS if best in f.offers)
    state = current_state()
    graph = description_graph(endpoint, state.settings, state.executor.info, void_facts())
    response = Response(serialize_graph(graph, fmt.key), content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


@bp.route("/sparql", methods=["GET", "POST"], endpoint="endpoint")
@bp.route("/sparql/", methods=["GET", "POST"], endpoint="endpoint_slash")
def sparql() -> Response:
    state = current_state()
    settings = state.settings
    wanted = read_request(
        request.environ, settings.max_request_bytes, lambda: request.get_data(cache=True)
    )
    if wanted.query is None:
        return _describe(state.endpoint_url, wanted.formats)
    if request.method == "GET" and wants_page(request.headers.get("Accept"), wanted.formats):
        return query_page(state.endpoint_url, wanted.query)  # a shared link, in a browser
    answer = run_query(state, wanted, request.environ)  # an ApiError: the app's handler
    return Response(answer.body, status=answer.status, headers=answer.headers)
