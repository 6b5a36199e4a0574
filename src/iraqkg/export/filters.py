"""Views of the network: the ties valid on a day, around an entity, of some kinds.

``view`` never changes the network it is given; it returns a new MultiDiGraph holding the
nodes and edges that pass. Order: edge filters (kinds, statuses, date), then implied ties
collapsed, then the neighbourhood, then isolated nodes dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from iraqkg.export.lazy_networkx import nx
from iraqkg.export.network import Network, parse_validity

MAX_DEPTH = 3
# What the picture shows unless asked for more: stated and inferred ties, not allegations.
DEFAULT_STATUSES = frozenset({"Reported", "Inferred"})
ALL_STATUSES = frozenset(
    {"Reported", "Inferred", "Alleged", "Claimed", "Denied", "Disputed", "Negated"}
)


@dataclass(frozen=True)
class View:
    """Which part of the network to keep (None: no filter of that kind)."""

    as_of: date | None = None
    around: str | None = None  # a node id (``id:badr-organization``)
    depth: int = 1
    kinds: frozenset[str] | None = None
    statuses: frozenset[str] | None = None
    # Drop an inferred tie implied by a more specific one kept between the same two actors
    # (affiliatedWith beside memberOf; the mirror of a symmetric rivalry).
    collapse_implied: bool = False
    drop_isolated: bool = False
    # With ``around``: keep only the ties that touch it (a star, for entity pages).
    incident_only: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.depth <= MAX_DEPTH:
            raise ValueError(f"depth must be 1..{MAX_DEPTH}, not {self.depth}")


def valid_on(validity: str, day: date) -> bool:
    """Whether a ``validity`` string (network.format_validity) contains ``day``."""
    text = day.isoformat()
    return any(
        (lo is None or lo <= text) and (hi is None or text <= hi)
        for lo, hi in parse_validity(validity)
    )


def view(network: Network, wanted: View) -> nx.MultiDiGraph:
    """The nodes and edges of ``network`` that ``wanted`` keeps."""
    source = network.graph
    if wanted.around is not None and wanted.around not in source:
        raise KeyError(wanted.around)
    kept = nx.MultiDiGraph()
    kept.add_nodes_from(source.nodes(data=True))
    for u, v, key, data in source.edges(keys=True, data=True):
        if wanted.kinds is not None and data["kind"] not in wanted.kinds:
            continue
        if wanted.statuses is not None and data["status"] not in wanted.statuses:
            continue
        if wanted.as_of is not None and not valid_on(str(data.get("validity", "")), wanted.as_of):
            continue
        kept.add_edge(u, v, key=key, **data)
    if wanted.collapse_implied:
        _collapse(kept, network)
    if wanted.around is not None:
        reach = nx.single_source_shortest_path_length(
            kept.to_undirected(as_view=True), wanted.around, cutoff=wanted.depth
        )
        kept = nx.MultiDiGraph(kept.subgraph(sorted(reach)))
        if wanted.incident_only:
            kept.remove_edges_from(
                [
                    (u, v, k)
                    for u, v, k in list(kept.edges(keys=True))
                    if wanted.around not in (u, v)
                ]
            )
    if wanted.drop_isolated:
        kept.remove_nodes_from(
            [n for n in list(kept) if kept.degree(n) == 0 and n != wanted.around]
        )
    return kept


def _collapse(graph: nx.MultiDiGraph, network: Network) -> None:
    """Remove inferred edges that another kept stated or inferred edge between the same
    actors already implies (allegations imply nothing)."""
    doomed: set[tuple[str, str, str]] = set()

    def implied(u: str, v: str, key: str, kind: str, mirror: bool) -> bool:
        for other_key, other in (graph.get_edge_data(u, v) or {}).items():
            if (u, v, other_key) in doomed or other_key == key:
                continue
            if other["status"] not in ("Reported", "Inferred"):
                continue
            if mirror and other["kind"] == kind and not other["inferred"]:
                return True
            if (
                not mirror
                and other["kind"] != kind
                and kind in network.implies.get(other["kind"], frozenset())
            ):
                return True
        return False

    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        if not data["inferred"]:
            continue
        kind = data["kind"]
        if implied(u, v, key, kind, mirror=False) or (
            kind in network.symmetric and implied(v, u, key, kind, mirror=True)
        ):
            doomed.add((u, v, key))
    graph.remove_edges_from(doomed)
