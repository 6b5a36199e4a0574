"""The HTML query page for browsers: a textarea and a run button, no third-party assets."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from iraqkg.namespaces import PREFIXES
from iraqkg.web.state import current_state

bp = Blueprint("ui", __name__)

# A content security policy that allows only the page's own script and style files.
CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'"

_EXAMPLE = """SELECT ?entity ?label WHERE {
  ?entity skos:prefLabel ?label .
}
ORDER BY ?label
LIMIT 25"""


def default_query() -> str:
    prologue = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())
    return f"{prologue}\n\n{_EXAMPLE}\n"


def query_page(endpoint: str) -> Response:
    """The page, for a browser that asked the endpoint URL for HTML."""
    state = current_state()
    html = render_template(
        "query.html",
        endpoint=endpoint,
        build_id=state.info.get("build_id"),
        union=state.settings.union_default_graph,
        named_queries=state.named_queries,
        default_query=default_query(),
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = CSP
    return response


# GET / is the home page now (``home.py``): it still sends SPARQL clients on to /sparql.
