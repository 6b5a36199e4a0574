"""/network: the affiliation network as a server-drawn SVG page, with GraphML, GEXF, CSV,
SVG and JSON twins of the same filtered view; and the neighbourhood picture of entity pages.

Where the graph comes from: the SPARQL SELECTs of ``iraqkg.export.network``, run once per
served build through the executor (worker processes, like every other page), then kept in
memory; each request only filters (a few ms) and draws (cached per view). Building it
costs one round of five queries (~0.3 s on the seed build) on the first request; doing
that per request, or loading the dataset file in the web process, would cost that every
time or a second copy of the store. Filters (all optional, all in the query string):
``date=YYYY-MM-DD`` (ties valid that day), ``entity=<slug>`` and ``depth=1..3`` (its
neighbourhood), ``kind=`` (repeatable), ``status=`` (repeatable; default Reported and
Inferred), ``implied=1`` (keep inferred ties a more specific one already implies).
"""

from __future__ import annotations

import io
import json
import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from markupsafe import Markup

from iraqkg.export import tables
from iraqkg.export.filters import ALL_STATUSES, DEFAULT_STATUSES, MAX_DEPTH, View, view
from iraqkg.export.network import Network, build_network
from iraqkg.export.network_queries import NETWORK_PREDICATES
from iraqkg.export.svg import render_svg
from iraqkg.export.svg_style import kind_colour
from iraqkg.namespaces import ID
from iraqkg.web.errors import ApiError
from iraqkg.web.pages import (
    HTML_OFFER,
    entity_path,
    error_page,
    is_slug,
    negotiate,
    run_select,
)
from iraqkg.web.state import current_state
from iraqkg.web.ui import CSP

bp = Blueprint("network", __name__)

OFFERS = {
    "html": HTML_OFFER,
    "json": ("json", "application/json"),
    "svg": ("svg", "image/svg+xml"),
    "graphml": ("graphml", "application/graphml+xml"),
    "gexf": ("gexf", "application/gexf+xml"),
    "csv": ("csv", "text/csv"),
    "nodes-csv": ("nodes-csv",),
}
LABELS = {
    "html": "HTML",
    "json": "JSON",
    "svg": "SVG",
    "graphml": "GraphML",
    "gexf": "GEXF (Gephi)",
    "csv": "CSV edge list",
    "nodes-csv": "CSV nodes",
}
EXTENSION = "iraqkg.network"
_ANSWERS = 96  # (view, format) answers kept; the largest, the whole network, is ~0.3 MB
_LOCK = threading.Lock()


class _Cache:
    def __init__(self) -> None:
        self.key: tuple | None = None
        self.network: Network | None = None
        self.answers: OrderedDict[tuple, tuple[bytes, str, str | None]] = OrderedDict()


def current_network() -> Network:
    """The served build's network, built on first use through the executor."""
    state = current_state()
    cache: _Cache = current_app.extensions.setdefault(EXTENSION, _Cache())
    key = (state.info.get("build_id"), tuple(state.info.get("dataset_files") or ()))
    with _LOCK:
        if cache.key != key or cache.network is None:
            cache.network = build_network(lambda q: run_select(q, complete=True))
            cache.key, cache.answers = key, OrderedDict()
        return cache.network


def _remember(key: tuple, make):
    """The answer for ``key`` (a view and a format), made once and kept (LRU, bounded)."""
    cache: _Cache = current_app.extensions[EXTENSION]
    with _LOCK:
        if key in cache.answers:
            cache.answers.move_to_end(key)
            return cache.answers[key]
    made = make()  # outside the lock: drawing a big view takes a moment
    with _LOCK:
        cache.answers[key] = made
        while len(cache.answers) > _ANSWERS:
            cache.answers.popitem(last=False)
    return made


def _can_explain() -> bool:
    # The dataset files are what /explain reads; asking available() would load and reason
    # over them here (seconds) just to draw a link.
    return bool(current_state().info.get("dataset_files"))


def _bad(message: str) -> ApiError:
    return ApiError(400, "bad_parameter", message)


def node_id(text: str) -> str:
    """``id:x``, a full ``.../id/x`` IRI or a bare slug -> ``id:x``; 400 otherwise."""
    text = text.strip()
    if text.startswith(str(ID)):
        text = text[len(str(ID)) :]
    elif text.startswith("id:"):
        text = text[3:]
    if not is_slug(text):
        raise _bad(f"entity={text!r} is not an entity name (e.g. badr-organization)")
    return f"id:{text}"


def _by_label(network: Network, text: str) -> str | None:
    """The actor whose preferred label is ``text`` (case and spacing aside), if one is."""
    wanted = " ".join(text.split()).casefold()
    found = [
        n for n, d in network.graph.nodes(data=True) if str(d.get("label", "")).casefold() == wanted
    ]
    return found[0] if len(found) == 1 else None


def requested_view(network: Network) -> View:
    """The View the query string asks for (400 with the reason when it is malformed)."""
    args = request.args
    as_of = None
    if args.get("date", "").strip():
        try:
            as_of = date.fromisoformat(args["date"].strip())
        except ValueError:
            raise _bad(f"date={args['date']!r}: give a day as YYYY-MM-DD") from None
    around = None
    if args.get("entity", "").strip():
        around = _by_label(network, args["entity"]) or node_id(args["entity"])
        if around not in network.graph:
            raise ApiError(404, "not_found", f"{around} is not an actor in the network")
    depth_text = args.get("depth", "1").strip() or "1"
    if not depth_text.isdigit() or not 1 <= int(depth_text) <= MAX_DEPTH:
        raise _bad(f"depth={depth_text!r}: give 1 to {MAX_DEPTH}")
    kinds = [k for k in args.getlist("kind") if k.strip()]
    unknown = sorted(set(kinds) - set(NETWORK_PREDICATES))
    if unknown:
        raise _bad(
            f"kind={unknown[0]!r} is not an edge kind; kinds: {', '.join(NETWORK_PREDICATES)}"
        )
    statuses = [s for s in args.getlist("status") if s.strip()]
    if statuses == ["all"]:
        statuses = sorted(ALL_STATUSES)
    unknown = sorted(set(statuses) - ALL_STATUSES)
    if unknown:
        raise _bad(f"status={unknown[0]!r}: use {', '.join(sorted(ALL_STATUSES))} or all")
    return View(
        as_of=as_of,
        around=around,
        depth=int(depth_text),
        kinds=frozenset(kinds) or None,
        statuses=frozenset(statuses) if statuses else DEFAULT_STATUSES,
        collapse_implied=args.get("implied") not in ("1", "true", "on", "yes"),
        drop_isolated=True,
    )


def node_href(node: str) -> str | None:
    return entity_path(ID[node[3:]]) if node.startswith("id:") else None


def edge_href(u: str, v: str, data: dict[str, Any]) -> str | None:
    """Stated and inferred ties link to their explanation; an allegation (or a server
    without explanations) to the subject's page, where the statement is quoted."""
    if data.get("status") in ("Reported", "Inferred") and _can_explain():
        # Node ids are already prefixed names, and every kind is an ikg: property.
        return url_for("explanations.explain", s=u, p=f"ikg:{data['kind']}", o=v)
    page = node_href(u)
    return f"{page}#subject" if page else None


def _query_args(**changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = {k: request.args.getlist(k) for k in request.args if k != "format"}
    args.update(changes)
    return args


def _formats() -> list[dict[str, str]]:
    return [
        {
            "format": key,
            "label": LABELS[key],
            "media_type": OFFERS[key][-1] if "/" in OFFERS[key][-1] else "text/csv",
            "url": url_for("network.network", **_query_args(format=key)),
        }
        for key in OFFERS
    ]


def _download(body: bytes, content_type: str, name: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.vary.add("Accept")
    return response


def _edges_json(graph) -> list[dict[str, Any]]:
    found = []
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        found.append(
            {
                "source": u,
                "target": v,
                "key": key,
                **data,
                "href": edge_href(u, v, data),
                "source_href": node_href(u),
                "target_href": node_href(v),
            }
        )
    return found


def _nodes_json(graph) -> list[dict[str, Any]]:
    return [{"id": n, **d, "href": node_href(n)} for n, d in sorted(graph.nodes(data=True))]


@bp.get("/network")
@bp.get("/network.<any(json, svg, graphml, gexf, csv):ext>")
def network(ext: str | None = None) -> Response:
    wanted_format = ext or negotiate(OFFERS, default="json")
    try:
        found = current_network()
        wanted = requested_view(found)
    except ApiError as error:
        if wanted_format == "html":
            return error_page(error)
        raise
    body, content_type, filename = _remember(
        (wanted, wanted_format, _can_explain()), lambda: _render(found, wanted, wanted_format)
    )
    response = Response(body, content_type=content_type)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if wanted_format == "html":
        response.headers["Content-Security-Policy"] = CSP
    response.vary.add("Accept")
    return response


def _render(found: Network, wanted: View, fmt: str) -> tuple[bytes, str, str | None]:
    """One view in one format: (body, content type, download file name or None)."""
    graph = view(found, wanted)
    title = _title(found, wanted)
    if fmt == "svg":
        return _svg(found, wanted, graph, title).encode(), "image/svg+xml; charset=utf-8", None
    if fmt == "html":
        html = render_template(
            "network.html",
            build_id=current_state().info.get("build_id"),
            svg=Markup(_svg(found, wanted, graph, title)),
            title=title,
            wanted=wanted,
            counts={"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()},
            kinds=[(k, found.labels.get(k, k), kind_colour(k)) for k in NETWORK_PREDICATES],
            statuses=sorted(ALL_STATUSES),
            actors=sorted((d.get("label", n), n[3:]) for n, d in found.graph.nodes(data=True)),
            edges=_edges_json(graph),
            node_labels={n: d.get("label", n) for n, d in graph.nodes(data=True)},
            formats=_formats(),
            max_depth=MAX_DEPTH,
        )
        return html.encode(), "text/html; charset=utf-8", None
    if fmt in ("graphml", "gexf"):
        out = io.BytesIO()
        (tables.write_graphml if fmt == "graphml" else tables.write_gexf)(graph, out)
        return out.getvalue(), OFFERS[fmt][-1], f"network.{fmt}"
    if fmt == "csv":
        return tables.edges_csv(graph).encode(), "text/csv; charset=utf-8", "edges.csv"
    if fmt == "nodes-csv":
        return tables.nodes_csv(graph).encode(), "text/csv; charset=utf-8", "nodes.csv"
    body = {
        "title": title,
        "filters": {
            "date": wanted.as_of.isoformat() if wanted.as_of else None,
            "entity": wanted.around,
            "depth": wanted.depth if wanted.around else None,
            "kinds": sorted(wanted.kinds) if wanted.kinds else None,
            "statuses": sorted(wanted.statuses or ALL_STATUSES),
            "implied": not wanted.collapse_implied,
        },
        "counts": {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()},
        "nodes": _nodes_json(graph),
        "edges": _edges_json(graph),
        "formats": _formats(),
    }
    text = json.dumps(body, ensure_ascii=False, indent=1) + "\n"
    return text.encode(), "application/json", None


def _svg(found: Network, wanted: View, graph, title: str) -> str:
    return _remember(
        (wanted, "svg", _can_explain()),
        lambda: (
            render_svg(
                graph, node_href, edge_href, found.labels, wanted.around, True, title
            ).encode(),
            "image/svg+xml; charset=utf-8",
            None,
        ),
    )[0].decode()


def _title(found: Network, wanted: View) -> str:
    title = "Affiliation network"
    if wanted.around:
        label = found.graph.nodes[wanted.around].get("label", wanted.around)
        title = f"Ties of {label} (depth {wanted.depth})"
    if wanted.as_of:
        title += f" on {wanted.as_of.isoformat()}"
    return title


def entity_picture(iri: str) -> Markup | None:
    """The depth-1 neighbourhood of an entity as inline SVG (None: not an actor with ties,
    or the network cannot be read; the entity page shows without it)."""
    text = str(iri)
    if not text.startswith(str(ID)):
        return None
    node = f"id:{text[len(str(ID)) :]}"
    try:
        found = current_network()
    except ApiError:
        return None
    if node not in found.graph:
        return None
    wanted = View(
        around=node,
        statuses=DEFAULT_STATUSES,
        collapse_implied=True,
        drop_isolated=True,
        incident_only=True,
    )

    def draw() -> tuple[bytes, str, None]:
        graph = view(found, wanted)
        if graph.number_of_edges() == 0:
            return b"", "", None
        label = found.graph.nodes[node].get("label", node)
        svg = render_svg(graph, node_href, edge_href, found.labels, node, True, f"Ties of {label}")
        return svg.encode(), "image/svg+xml", None

    body = _remember((wanted, "entity-svg", _can_explain()), draw)[0]
    return Markup(body.decode()) if body else None
