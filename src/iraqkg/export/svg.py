"""The network as an SVG picture: a deterministic layout, coloured edge kinds, a legend.

Same graph in, same SVG out: nodes and edges are laid out in sorted order by networkx's
``spring_layout`` with a fixed seed, coordinates rounded, then labels pushed apart so they
do not overlap (a few bounded passes). Stated ties are solid lines, inferred ones dashed,
allegations / claims / denials dotted; a tie some source disputes or denies carries a red
"!" at its middle. Styling is in presentation attributes only (no ``style``), so pages
with a strict content security policy show it; the ``viewBox`` lets CSS scale it to a
phone's width. Links come from the caller (``node_href``, ``edge_href``), so this module
knows nothing of the web.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from iraqkg.export.lazy_networkx import nx
from iraqkg.export.svg_style import (
    CHAR,
    CONTESTED,
    DASHES,
    FONT,
    LEGEND_COLUMN,
    SEED,
    kind_colour,
    line_style,
    node_fill,
    short_label,
)

NodeHref = Callable[[str], str | None]
EdgeHref = Callable[[str, str, dict], str | None]


def layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Node positions in pixels, deterministic for a given graph.

    Each connected component is laid out on its own (spring layout, fixed seed, area
    growing with its size), its labels pushed apart, then the components are packed in
    rows under the largest, so small islands do not squeeze the main one.
    """
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph))
    simple.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in graph.edges() if u != v}))
    components = sorted(
        (sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0])
    )
    placed: list[tuple[dict[str, tuple[float, float]], tuple[float, float, float, float]]] = []
    for nodes in components:
        sub = simple.subgraph(nodes)
        if len(nodes) == 1:
            pos = {nodes[0]: (0.0, 0.0)}
        else:
            raw = nx.spring_layout(sub, seed=SEED, iterations=150)
            scale = 115 * math.sqrt(len(nodes)) + 30
            pos = {n: (float(x) * scale, float(y) * scale * 0.8) for n, (x, y) in raw.items()}
            pos = _spread_labels(graph, pos)
        boxes = [_box(graph, n, *pos[n]) for n in nodes]
        bounds = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        placed.append((pos, bounds))
    found: dict[str, tuple[float, float]] = {}
    row_width = max([600.0] + [b[2] - b[0] for _, b in placed[:1]])
    x = y = row_height = 0.0
    gap = 24.0
    for index, (pos, (bx0, by0, bx1, by1)) in enumerate(placed):
        width, height = bx1 - bx0, by1 - by0
        if index > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        for node, (px, py) in pos.items():
            found[node] = (round(px - bx0 + x, 1), round(py - by0 + y, 1))
        x += width + gap
        row_height = max(row_height, height)
        if index == 0:  # the largest component has its own row
            x, y, row_height = 0.0, y + height + gap, 0.0
    return found


def _box(
    graph: nx.MultiDiGraph, node: str, x: float, y: float
) -> tuple[float, float, float, float]:
    width = len(short_label(str(graph.nodes[node].get("label", node)))) * CHAR
    return (x - 8, y - 9, x + 10 + width, y + 9)


def _spread_labels(
    graph: nx.MultiDiGraph, pos: dict[str, tuple[float, float]], passes: int = 80
) -> dict[str, tuple[float, float]]:
    """Push nodes apart where their label boxes overlap (bounded passes, sorted order)."""
    nodes = sorted(pos)
    points = {n: list(pos[n]) for n in nodes}
    for _ in range(passes):
        moved = False
        boxes = {n: _box(graph, n, *points[n]) for n in nodes}
        buckets: dict[tuple[int, int], list[str]] = defaultdict(list)
        for n in nodes:
            x0, y0, x1, y1 = boxes[n]
            for bx in range(int(x0 // 200), int(x1 // 200) + 1):
                for by in range(int(y0 // 40), int(y1 // 40) + 1):
                    buckets[(bx, by)].append(n)
        seen = set()
        for members in buckets.values():
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    if (a, b) in seen:
                        continue
                    seen.add((a, b))
                    ax0, ay0, ax1, ay1 = boxes[a]
                    bx0, by0, bx1, by1 = boxes[b]
                    dx = min(ax1, bx1) - max(ax0, bx0)
                    dy = min(ay1, by1) - max(ay0, by0)
                    if dx <= 0 or dy <= 0:
                        continue
                    moved = True
                    # Separate along the cheaper axis, half each way.
                    if dy < dx:
                        shift = dy / 2 + 1
                        sign = 1 if points[a][1] <= points[b][1] else -1
                        points[a][1] -= sign * shift
                        points[b][1] += sign * shift
                    else:
                        shift = dx / 2 + 1
                        sign = 1 if points[a][0] <= points[b][0] else -1
                        points[a][0] -= sign * shift
                        points[b][0] += sign * shift
        if not moved:
            break
    return {n: (round(points[n][0], 1), round(points[n][1], 1)) for n in nodes}


def _radius(graph: nx.MultiDiGraph, node: str) -> float:
    neighbours = len(set(graph.successors(node)) | set(graph.predecessors(node)))
    return round(4 + min(7.0, 1.6 * math.sqrt(neighbours)), 1)


def render_svg(
    graph: nx.MultiDiGraph,
    node_href: NodeHref = lambda node: None,
    edge_href: EdgeHref = lambda u, v, data: None,
    labels: dict[str, str] | None = None,
    centre: str | None = None,
    legend: bool = True,
    title: str = "Affiliation network",
) -> str:
    """The graph as a standalone SVG document (an ``<svg>`` element, embeddable in HTML)."""
    labels = labels or {}
    pos = layout(graph)
    radius = {n: _radius(graph, n) for n in graph}
    parts: list[str] = []
    kinds_used: set[str] = set()
    styles_used: set[str] = set()
    contested_used = False

    # Edges, grouped by unordered pair so parallel ties curve apart.
    pairs: dict[tuple[str, str], list[tuple[str, str, str, dict]]] = defaultdict(list)
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        pairs[tuple(sorted((u, v)))].append((u, v, key, data))
    edge_parts: list[str] = []
    for _pair, edges in sorted(pairs.items()):
        drawn: dict[tuple, list[dict]] = defaultdict(list)
        for u, v, _key, data in edges:
            drawn[(u, v, data["kind"], line_style(data))].append(data)
        for index, ((u, v, kind, style), datas) in enumerate(sorted(drawn.items())):
            kinds_used.add(kind)
            styles_used.add(style)
            contested = any(d.get("contested") for d in datas)
            contested_used |= contested
            offset = (index - (len(drawn) - 1) / 2) * 14
            edge_parts.append(
                _edge(
                    pos,
                    radius,
                    u,
                    v,
                    kind,
                    style,
                    datas,
                    offset,
                    contested,
                    graph,
                    labels,
                    edge_href,
                )
            )
    node_parts = [_node(graph, n, pos[n], radius[n], n == centre, node_href) for n in sorted(graph)]
    groups_used = {node_fill(str(graph.nodes[n].get("types", ""))) for n in graph}

    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    label_right = max(
        (
            pos[n][0] + 10 + len(short_label(str(graph.nodes[n].get("label", n)))) * CHAR
            for n in graph
        ),
        default=0.0,
    )
    x0, y0 = min(xs) - 20, min(ys) - 20
    x1, y1 = max(max(xs) + 20, label_right + 10), max(ys) + 20
    legend_parts: list[str] = []
    if legend:
        columns = max(2, min(4, int((x1 - x0) // LEGEND_COLUMN)))
        legend_parts, legend_height = _legend(
            x0,
            y1 + 10,
            sorted(kinds_used),
            styles_used,
            contested_used,
            labels,
            groups_used,
            columns,
        )
        x1 = max(x1, x0 + columns * LEGEND_COLUMN)
        y1 += 10 + legend_height
    width, height = round(x1 - x0, 1), round(y1 - y0, 1)
    if not graph:
        width, height, x0, y0 = 320.0, 60.0, 0.0, 0.0
        parts.append(
            f'<text x="10" y="34" font-size="{FONT + 2}">No ties match these filters.</text>'
        )
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'class="network" role="img" viewBox="{x0:.1f} {y0:.1f} {width:.1f} {height:.1f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="sans-serif" '
        f'font-size="{FONT}" aria-label={quoteattr(title)}>'
    )
    defs = "".join(
        f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{kind_colour(kind)}"/></marker>'
        for kind in sorted(kinds_used)
    )
    return (
        head
        + f"<title>{escape(title)}</title><defs>{defs}</defs>"
        + '<g class="edges">'
        + "".join(edge_parts)
        + '</g><g class="nodes">'
        + "".join(node_parts)
        + "</g>"
        + "".join(parts)
        + "".join(legend_parts)
        + "</svg>"
    )


def _edge(
    pos, radius, u, v, kind, style, datas, offset, contested, graph, labels, edge_href
) -> str:
    (x1, y1), (x2, y2) = pos[u], pos[v]
    colour = kind_colour(kind)
    if u == v:  # a loop: a small circle above the node
        r = radius[u]
        d = f"M{x1 - r:.1f},{y1:.1f} a{r + 6:.1f},{r + 6:.1f} 0 1,1 {2 * r:.1f},0"
        mx, my = x1, y1 - 2 * r - 6
    else:
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        nx_, ny_ = -dy / length, dx / length
        # Orient the offset by the sorted pair, so u->v and v->u curve to opposite sides.
        sign = 1 if u <= v else -1
        cx, cy = (x1 + x2) / 2 + nx_ * offset * 2 * sign, (y1 + y2) / 2 + ny_ * offset * 2 * sign
        # Stop at the target node's edge so the arrowhead shows.
        tx, ty = x2 - cx, y2 - cy
        tlen = math.hypot(tx, ty) or 1.0
        ex, ey = x2 - tx / tlen * (radius[v] + 1.5), y2 - ty / tlen * (radius[v] + 1.5)
        d = f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}"
        mx, my = (x1 + 2 * cx + x2) / 4, (y1 + 2 * cy + y2) / 4
    dash = DASHES[style]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    width = "1.8" if style == "stated" else "1.4"
    source = graph.nodes[u].get("label", u)
    target = graph.nodes[v].get("label", v)
    how = ", ".join(sorted({_describe(d) for d in datas}))
    tip = f"{source} — {labels.get(kind, kind)} → {target} ({how})"
    if contested:
        tip += " — contested: a source disputes or denies this"
    body = (
        f"<title>{escape(tip)}</title>"
        f'<path d="{d}" fill="none" stroke="transparent" stroke-width="9"/>'
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}"{dash_attr} '
        f'marker-end="url(#arrow-{kind})"/>'
    )
    if contested:
        body += (
            f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="6" fill="#ffffff" stroke="{CONTESTED}" '
            f'stroke-width="1.5"/><text x="{mx:.1f}" y="{my + 4:.1f}" text-anchor="middle" '
            f'font-weight="bold" fill="{CONTESTED}">!</text>'
        )
    classes = f"edge kind-{kind} {style}" + (" contested" if contested else "")
    href = edge_href(u, v, datas[0])
    if href:
        return f'<a class="{classes}" href={quoteattr(href)}>{body}</a>'
    return f'<g class="{classes}">{body}</g>'


def _describe(data: dict) -> str:
    status = str(data.get("status", ""))
    parts = [status.lower()]
    if data.get("document"):
        parts.append(f"{data['document']} ¶{data.get('paragraph', '?')}")
    validity = data.get("validity")
    if validity and validity != "../..":
        parts.append(f"valid {validity}")
    return " ".join(parts)


def _node(graph, node, point, r, is_centre, node_href) -> str:
    attrs = graph.nodes[node]
    label = str(attrs.get("label", node))
    fill, group = node_fill(str(attrs.get("types", "")))
    x, y = point
    tip = f"{label} ({group})"
    if attrs.get("description"):
        tip += f": {attrs['description']}"
    stroke = (
        ' stroke="#000000" stroke-width="2.5"'
        if is_centre
        else ' stroke="#333333" stroke-width="1"'
    )
    bold = ' font-weight="bold"' if is_centre else ""
    body = (
        f"<title>{escape(tip)}</title>"
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}"{stroke}/>'
        f'<text x="{x + r + 3:.1f}" y="{y + 4:.1f}"'
        f'{bold} fill="#111111" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
        f"{escape(short_label(label))}</text>"
    )
    href = node_href(node)
    cls = "node centre" if is_centre else "node"
    data_id = f" data-id={quoteattr(node)}"
    if href:
        return f'<a class="{cls}"{data_id} href={quoteattr(href)}>{body}</a>'
    return f'<g class="{cls}"{data_id}>{body}</g>'


def _legend(x, y, kinds, styles, contested, labels, groups, per_row) -> tuple[list[str], float]:
    """Legend rows under the picture: edge kinds, line styles, node colours."""
    items: list[str] = []
    for kind in kinds:
        items.append(
            f'<line x1="0" y1="-4" x2="24" y2="-4" stroke="{kind_colour(kind)}" '
            'stroke-width="2.5"/>'
            f'<text x="30" y="0">{escape(labels.get(kind, kind))}</text>'
        )
    names = {
        "stated": "stated by a source",
        "inferred": "inferred",
        "claim": "alleged, claimed, denied, disputed",
    }
    for style in ("stated", "inferred", "claim"):
        if style in styles:
            dash = DASHES[style]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            items.append(
                f'<line x1="0" y1="-4" x2="24" y2="-4" stroke="#333333" '
                f'stroke-width="1.8"{dash_attr}/>'
                f'<text x="30" y="0">{names[style]}</text>'
            )
    if contested:
        items.append(
            f'<circle cx="12" cy="-4" r="6" fill="#ffffff" stroke="{CONTESTED}" '
            'stroke-width="1.5"/><text x="12" y="0" text-anchor="middle" font-weight="bold" '
            f'fill="{CONTESTED}">!</text>'
            '<text x="30" y="0">contested (disputed or denied)</text>'
        )
    for fill, group in sorted(groups, key=lambda g: g[1]):
        items.append(
            f'<circle cx="12" cy="-4" r="6" fill="{fill}" stroke="#333333"/>'
            f'<text x="30" y="0">{escape(group)}</text>'
        )
    column, row_height = LEGEND_COLUMN, 18
    out = ['<g class="legend">']
    for i, item in enumerate(items):
        gx = x + (i % per_row) * column
        gy = y + 14 + (i // per_row) * row_height
        out.append(f'<g transform="translate({gx:.1f},{gy:.1f})">{item}</g>')
    out.append("</g>")
    rows = math.ceil(len(items) / per_row)
    return out, rows * row_height + 10
