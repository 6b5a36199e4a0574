"""The affiliation network: actors and the ties between them, as a networkx MultiDiGraph.

Read from a built dataset by SPARQL SELECTs (``select`` runs one and returns its rows as
{variable: rdflib term}), so the same code serves a dataset file (``network_from_file``)
and the web app's query workers. Nodes are the actors (everything typed ``ikg:Actor``,
stated or inferred); edges are the ties of ``NETWORK_PREDICATES`` between two actors:

- one edge per **Reported statement** of an asserted tie (``asserted=True``; statement,
  source, paragraph, time qualifiers), keyed by the statement's id;
- one edge per **inferred** tie (``inferred=True``; the ``ikg:Inference`` record and rule);
- one edge per statement the source presents as **Alleged, Claimed, Denied or Disputed**
  (neither asserted nor inferred; ``status`` says which). They never reach the reasoner.

Every edge carries ``label`` (the predicate's label, which Gephi shows) and ``validity``:
the ``ikg:validDuring`` intervals the build publishes, as ISO 8601 intervals with ``..``
for an unknown bound (``../2020-01-03``), space-separated, or ``never``. ``contested`` is
true when a source disputes or denies the same tie (``CONTESTED_STATUSES``). Attributes
are plain strings, numbers and booleans, so GraphML and GEXF writers take the graph as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from iraqkg.explain import short
from iraqkg.export.lazy_networkx import nx
from iraqkg.export.network_queries import (
    ASSERTED_QUERY,
    CLAIMS_QUERY,
    CONTESTED_QUERY,
    CONTESTED_STATUSES,
    INFERRED_QUERY,
    NODES_QUERY,
    SCHEMA_QUERY,
    Select,
)
from iraqkg.namespaces import IKG
from iraqkg.temporal import as_dates, statement_validity


@dataclass
class Network:
    """The actor graph and what the filters need to know about its edge kinds."""

    graph: nx.MultiDiGraph
    # kind -> every kind it implies through rdfs:subPropertyOf (itself included).
    implies: dict[str, frozenset[str]] = field(default_factory=dict)
    symmetric: frozenset[str] = frozenset()
    labels: dict[str, str] = field(default_factory=dict)  # kind -> its rdfs:label


def local_name(iri: Node | str) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _text(term: Node | None) -> str | None:
    return None if term is None else str(term)


def format_validity(intervals: Iterable[tuple[str | None, str | None]]) -> str:
    """ISO 8601 intervals, ``..`` for an unknown bound; ``never`` when there are none."""
    parts = sorted({f"{lo or '..'}/{hi or '..'}" for lo, hi in intervals})
    return " ".join(parts) if parts else "never"


def parse_validity(text: str) -> list[tuple[str | None, str | None]]:
    """The intervals ``format_validity`` wrote (ISO dates as strings, None when open)."""
    if text == "never" or not text:
        return []
    found = []
    for part in text.split():
        lo, _, hi = part.partition("/")
        found.append((None if lo == ".." else lo, None if hi == ".." else hi))
    return found


def _qualifier_validity(row: dict[str, Node]) -> list[tuple[str | None, str | None]]:
    """A statement's interval from its time qualifiers (for records without validDuring)."""
    graph = Graph()
    record = URIRef("urn:x-statement")
    for var, qualifier in (("start", IKG.start), ("end", IKG.end), ("point", IKG.pointInTime)):
        if isinstance(row.get(var), Literal):
            graph.add((record, qualifier, row[var]))
    return [
        (lo.isoformat() if lo else None, hi.isoformat() if hi else None)
        for lo, hi in as_dates(statement_validity(graph, record))
    ]


def _record_attributes(rows: list[dict[str, Node]]) -> dict[str, object]:
    """Attributes of one statement record from its rows (one row per validity interval)."""
    first = rows[0]
    attrs: dict[str, object] = {"statement": short(first["st"])}
    if first.get("source") is not None:
        attrs["document"] = short(first["source"])
    if first.get("paragraph") is not None:
        attrs["paragraph"] = int(first["paragraph"])
    for var, name in (("start", "start"), ("end", "end"), ("point", "point_in_time")):
        if first.get(var) is not None:
            attrs[name] = str(first[var])
    if first.get("according") is not None:
        attrs["according_to"] = short(first["according"])
    attrs["validity"] = _validity(rows) if _published(rows) else None
    if attrs["validity"] is None:  # no ikg:validDuring (a record the build did not date)
        attrs["validity"] = format_validity(_qualifier_validity(first))
    return attrs


def _published(rows: list[dict[str, Node]]) -> bool:
    return any(r.get("v") is not None for r in rows)


def _validity(rows: list[dict[str, Node]]) -> str:
    """The published ikg:validDuring intervals of one record (``never`` without any)."""
    return format_validity(
        (_text(r.get("from")), _text(r.get("until"))) for r in rows if r.get("v") is not None
    )


def _grouped(rows: Iterable[dict[str, Node]], key: str) -> dict[tuple, list[dict[str, Node]]]:
    groups: dict[tuple, list[dict[str, Node]]] = defaultdict(list)
    for row in rows:
        groups[(row["s"], row["p"], row["o"], row.get(key))].append(row)
    return groups


def build_network(select: Select) -> Network:
    """The network from a dataset that ``select`` queries (a build: four named graphs)."""
    graph = nx.MultiDiGraph()
    nodes: dict[Node, dict[str, object]] = {}
    types: dict[Node, set[str]] = defaultdict(set)
    for row in select(NODES_QUERY):
        x = row["x"]
        attrs = nodes.setdefault(x, {"iri": str(x)})
        if row.get("type") is not None:
            types[x].add(local_name(row["type"]))
        if row.get("label") is not None:
            attrs["label"] = str(row["label"])
        if row.get("description") is not None:
            attrs["description"] = str(row["description"])
        wikidata = row.get("wikidata")
        if wikidata is not None and str(wikidata).startswith("http://www.wikidata.org/entity/"):
            attrs["wikidata"] = local_name(wikidata)
    for x in sorted(nodes, key=str):
        attrs = nodes[x]
        attrs.setdefault("label", local_name(x))
        attrs["types"] = " ".join(sorted(types[x])) or "Actor"
        graph.add_node(short(x), **attrs)

    marked = {row["st"] for row in select(CONTESTED_QUERY)}
    contested: set[tuple[Node, Node, Node]] = set()
    claims = _grouped(select(CLAIMS_QUERY), "st")
    for (s, p, o, _), rows in claims.items():
        if _claim_status(rows[0]) in CONTESTED_STATUSES:
            contested.add((s, p, o))

    def add(s: Node, p: Node, o: Node, key: str, attrs: dict[str, object]) -> None:
        attrs.update(kind=local_name(p), predicate=str(p))
        attrs["contested"] = bool(attrs.get("contested")) or (s, p, o) in contested
        graph.add_edge(short(s), short(o), key=key, **attrs)

    stated = _grouped(select(ASSERTED_QUERY), "st")
    stated_ties = {(s, p, o) for (s, p, o, st) in stated if st is not None}
    for (s, p, o, st), rows in sorted(stated.items(), key=_order):
        in_graph = local_name(rows[0]["tg"])
        if st is None:  # an asserted tie without a statement record: timeless, unsourced
            attrs: dict[str, object] = {"validity": format_validity([(None, None)])}
            key = f"asserted {short(s)} {local_name(p)} {short(o)}"
        else:
            attrs = _record_attributes(rows)
            key = str(attrs["statement"])
        attrs.update(status="Reported", asserted=True, inferred=False, graph=in_graph)
        attrs["contested"] = in_graph == "contested" or st in marked
        add(s, p, o, key, attrs)
    for (s, p, o, record), rows in sorted(
        _grouped(select(INFERRED_QUERY), "record").items(), key=_order
    ):
        if (s, p, o) in stated_ties:
            continue
        in_graph = (
            "inferred" if any(local_name(r["tg"]) == "inferred" for r in rows) else "contested"
        )
        attrs = {"status": "Inferred", "asserted": False, "inferred": True, "graph": in_graph}
        if record is not None:
            attrs["inference"] = str(record)
            if rows[0].get("rule") is not None:
                attrs["rule"] = str(rows[0]["rule"])
        # One row per (graph of the tie, interval): the intervals, once each.
        attrs["validity"] = _validity(rows)
        attrs["contested"] = in_graph == "contested"  # it rests on a contested tie
        add(s, p, o, str(attrs.get("inference", f"inferred {short(s)} {short(o)}")), attrs)
    for (s, p, o, _), rows in sorted(claims.items(), key=_order):
        status = _claim_status(rows[0])
        attrs = {"status": status, "asserted": False, "inferred": False, "graph": "provenance"}
        attrs.update(_record_attributes(rows))
        attrs["contested"] = status in CONTESTED_STATUSES
        add(s, p, o, str(attrs["statement"]), attrs)
    return _with_schema(graph, select)


def _claim_status(row: dict[str, Node]) -> str:
    negated = row.get("negated")
    if isinstance(negated, Literal) and negated.toPython() is True:
        return "Negated"
    return local_name(row["status"])


def _order(item: tuple[tuple, list]) -> tuple[str, ...]:
    return tuple(str(t) for t in item[0])


def _with_schema(graph: nx.MultiDiGraph, select: Select) -> Network:
    supers: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    symmetric = set()
    for row in select(SCHEMA_QUERY):
        kind = local_name(row["p"])
        supers[kind].add(kind)
        if row.get("super") is not None:
            supers[kind].add(local_name(row["super"]))
        if row.get("label") is not None:
            labels[kind] = str(row["label"])
        if row.get("symmetric") is not None and row["symmetric"].toPython() is True:
            symmetric.add(kind)
    implies: dict[str, frozenset[str]] = {}
    for kind in supers:  # the transitive closure, over a dozen properties
        seen, todo = set(), [kind]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(supers.get(current, ()))
        implies[kind] = frozenset(seen)
    for _, _, data in graph.edges(data=True):  # Gephi shows an edge's "label"
        data["label"] = labels.get(str(data["kind"]), str(data["kind"]))
    return Network(graph, implies, frozenset(symmetric), labels)


def oxigraph_select(files: Iterable[Path]) -> Select:
    """A ``select`` over dataset files, in an embedded Oxigraph store."""
    from iraqkg.engines import open_engine
    from iraqkg.settings import EndpointSettings

    engine = open_engine(EndpointSettings(), list(files))

    def select(query: str) -> list[dict[str, Node]]:
        result = engine.query(query)
        return [
            {v: t for v, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.rows
        ]

    return select


@lru_cache(maxsize=4)
def _cached(path: str, mtime_ns: int, size: int) -> Network:
    return build_network(oxigraph_select([Path(path)]))


def network_from_file(dataset: Path) -> Network:
    """The network of a build's dataset file (cached per file version in this process)."""
    stat = dataset.stat()
    return _cached(str(dataset.resolve()), stat.st_mtime_ns, stat.st_size)
