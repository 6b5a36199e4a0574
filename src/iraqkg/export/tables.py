"""The network for Gephi and spreadsheets: GraphML and GEXF (written by networkx) and CSV.

CSV is two tables: ``nodes.csv`` (id, label, types, description, iri, wikidata) and
``edges.csv`` (source, target, key and every edge attribute). Gephi imports GEXF and
GraphML directly and the two CSV files as its nodes and edges tables (the ``id``,
``source`` and ``target`` columns are named as its spreadsheet import expects).
"""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

from iraqkg.export.lazy_networkx import nx
from iraqkg.export.network import parse_validity

NODE_COLUMNS = ("id", "label", "types", "description", "iri", "wikidata")
EDGE_COLUMNS = (
    "source",
    "target",
    "key",
    "kind",
    "label",
    "predicate",
    "status",
    "asserted",
    "inferred",
    "contested",
    "validity",
    "start",
    "end",
    "point_in_time",
    "statement",
    "document",
    "paragraph",
    "according_to",
    "inference",
    "rule",
)


def write_graphml(graph: nx.MultiDiGraph, out: BinaryIO) -> None:
    nx.write_graphml(graph, out, encoding="utf-8", prettyprint=True)


def gexf_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy shaped for GEXF, where ``start`` / ``end`` mean time: an edge's validity
    intervals become its spells (ISO dates, so Gephi's timeline can play the network; an
    undated tie has none and always shows), the statement's own qualifiers are kept as
    ``stated_start`` / ``stated_end``, and the edge id is its key (the statement or
    inference)."""
    shaped = nx.MultiDiGraph()
    shaped.add_nodes_from(graph.nodes(data=True))
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = {k: value for k, value in data.items() if k not in ("start", "end")}
        for name in ("start", "end"):
            if name in data:
                attrs[f"stated_{name}"] = data[name]
        spells = parse_validity(str(data.get("validity", "")))
        if any(lo or hi for lo, hi in spells):
            attrs["spells"] = spells
        shaped.add_edge(u, v, key=key, id=key, **attrs)
    return shaped


def write_gexf(graph: nx.MultiDiGraph, out: BinaryIO) -> None:
    # GEXF 1.2: labels from the "label" attribute; networkx writes the rest as attvalues.
    nx.write_gexf(gexf_graph(graph), out, encoding="utf-8", prettyprint=True, version="1.2draft")


def nodes_csv(graph: nx.MultiDiGraph) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, NODE_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for node, data in sorted(graph.nodes(data=True)):
        writer.writerow({"id": node, **data})
    return buffer.getvalue()


def edges_csv(graph: nx.MultiDiGraph) -> str:
    """One row per edge: ``source`` and ``target`` are its ends (as Gephi reads them)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, EDGE_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        writer.writerow({**data, "source": u, "target": v, "key": key})
    return buffer.getvalue()


def write_edges_csv(graph: nx.MultiDiGraph, out: BinaryIO) -> None:
    out.write(edges_csv(graph).encode("utf-8"))


def write_nodes_csv(graph: nx.MultiDiGraph, out: BinaryIO) -> None:
    out.write(nodes_csv(graph).encode("utf-8"))
