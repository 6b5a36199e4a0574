"""The SPARQL editor for browsers: YASGUI, vendored in static/yasgui/ (no third-party host)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, url_for

from iraqkg.namespaces import PREFIXES
from iraqkg.web.state import current_state

bp = Blueprint("ui", __name__)

# A content security policy that allows only the page's own script and style files.
CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
# The editor's: YASGUI applies an inline style (Chromium reports one violation under the
# strict policy); scripts stay strict and no other host is allowed.
EDITOR_CSP = CSP + "; style-src 'self' 'unsafe-inline'"

_EXAMPLE = """SELECT ?entity ?label WHERE {
  ?entity skos:prefLabel ?label .
}
ORDER BY ?label
LIMIT 25"""


def default_query() -> str:
    """The editor's first query: no PREFIX lines, the endpoint declares the prefixes."""
    return _EXAMPLE + "\n"


def query_page(endpoint: str, query: str | None = None) -> Response:
    """The editor, for a browser that asked the endpoint URL for HTML; ``query`` (from a
    shared ``/sparql?query=`` link) is loaded and run."""
    state = current_state()
    config = {
        "endpoint": endpoint,
        "prefixes": PREFIXES,
        "prefixesUrl": url_for("ui.prefixes"),
        "defaultQuery": default_query(),
        "query": query,
        "entityBase": url_for("entities.index"),
    }
    html = render_template(
        "query.html",
        endpoint=endpoint,
        build_id=state.info.get("build_id"),
        union=state.settings.union_default_graph,
        named_queries=state.named_queries,
        default_query=default_query(),
        prefixes=PREFIXES,
        query=query,
        config=config,
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = EDITOR_CSP
    response.vary.add("Accept")
    return response


@bp.get("/sparql/prefixes.json")
def prefixes() -> Response:
    """The predefined prefixes as {prefix: namespace}: what the editor completes."""
    return jsonify(PREFIXES)


# GET / is the home page now (``home.py``): it still sends SPARQL clients on to /sparql.
