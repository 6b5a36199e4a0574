"""What the entity and explanation pages share: HTML-or-data negotiation, SPARQL through the
executor, HTML answers under the query page's CSP, and links between pages.

Machine clients get data by default (JSON or RDF); HTML only when the client prefers it over
every data format, as browsers do (``Accept: text/html,...,*/*;q=0.8``) or ``?format=html``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from flask import Response, render_template, request, url_for
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from iraqkg.explain import short
from iraqkg.namespaces import ID
from iraqkg.web.errors import ApiError, from_exception
from iraqkg.web.negotiation import best_offer
from iraqkg.web.state import current_state
from iraqkg.web.tasks import Reply, Task
from iraqkg.web.ui import CSP

# The ``offers`` entry for HTML: a format name and the media types browsers send.
HTML_OFFER = ("html", "text/html", "application/xhtml+xml")


def negotiate(offers: dict[str, Sequence[str]], default: str) -> str:
    """The key of ``offers`` ({key: (format names and media types)}) this request wants.

    ``?format=`` wins over Accept; with neither, ``default``. Raises 406 ApiError."""
    wanted = request.args.get("format")
    if wanted is not None:
        wanted = wanted.strip().lower()
        for key, names in offers.items():
            if wanted in names:
                return key
        raise ApiError(
            406,
            "not_acceptable",
            f"format={wanted} is not available here",
            available=[names[0] for names in offers.values()],
        )
    accept = request.headers.get("Accept")
    if accept is None or not accept.strip():
        return default
    media = [(m, key) for key, names in offers.items() for m in names if "/" in m]
    # The default first: ties (e.g. */*) go to it, so only a real preference gets HTML.
    media.sort(key=lambda item: item[1] != default)
    best = best_offer(accept, [m for m, _ in media])
    if best is None:
        raise ApiError(
            406,
            "not_acceptable",
            f"no acceptable format (Accept: {accept})",
            available=[names[0] for names in offers.values()],
        )
    return next(key for m, key in media if m == best)


def html_response(template: str, status: int = 200, **context: Any) -> Response:
    """A page from ``template`` with the query page's content security policy."""
    state = current_state()
    html = render_template(template, build_id=state.info.get("build_id"), **context)
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = CSP
    response.vary.add("Accept")
    return response


def error_page(error: ApiError) -> Response:
    """An error for a browser: the same status and message as the JSON shape, readable."""
    return html_response("error.html", status=error.status, error=error)


def json_response(body: Any, status: int = 200) -> Response:
    response = Response(
        json.dumps(body, ensure_ascii=False, indent=1) + "\n",
        status=status,
        content_type="application/json",
    )
    response.vary.add("Accept")
    return response


def run_select(query: str, complete: bool = False) -> list[dict[str, Node]]:
    """Rows of a SELECT run by the executor (worker pool, timeouts, cache) as rdflib terms.
    ``complete``: every row, not cut at the answer limit (for the app's own queries)."""
    state = current_state()
    cap = None if complete else state.settings.max_rows
    task = Task(query, accept="application/sparql-results+json", max_rows=cap)
    try:
        reply = state.executor.run(task)
    except Exception as exc:
        raise from_exception(exc, state.settings.query_timeout) from exc
    data = json.loads(reply.body)
    return [{k: _term(v) for k, v in row.items()} for row in data["results"]["bindings"]]


def run_graph(query: str, media_type: str) -> Reply:
    """A CONSTRUCT run by the executor, serialised as ``media_type``."""
    state = current_state()
    task = Task(query, accept=media_type)
    try:
        return state.executor.run(task)
    except Exception as exc:
        raise from_exception(exc, state.settings.query_timeout) from exc


def _term(value: dict[str, str]) -> Node:
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    datatype = value.get("datatype")
    return Literal(value["value"], lang=value.get("xml:lang"), datatype=datatype)


def entity_path(iri: Node | str) -> str | None:
    """This server's page for an ``id:`` IRI, else None (other IRIs are not ours to show)."""
    text = str(iri)
    if isinstance(iri, BNode) or not text.startswith(str(ID)):
        return None
    slug = text[len(str(ID)) :]
    return url_for("entities.entity", slug=slug) if is_slug(slug) else None


def is_slug(slug: str) -> bool:
    """Entity slugs are lower-case ASCII words; anything else is not ours (and never reaches
    a query, so nothing needs escaping inside ``<...>``)."""
    return (
        0 < len(slug) <= 200
        and slug[0].isalnum()
        and all(c.isascii() and (c.isalnum() or c in "-_.") for c in slug)
    )


def explain_path(s: Node, p: Node, o: Node) -> str:
    """The /explain link for a triple, its terms as parse_term reads them (``id:x``, N3)."""
    return url_for("explanations.explain", s=short(s), p=short(p), o=short(o))
