"""The engine-neutral answer to a query, and how it is written out in each format."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import BNode, Node, URIRef

from iraqkg.engines import sparql_results as srx
from iraqkg.engines.formats import find_format
from iraqkg.engines.jsonld import write_triples
from iraqkg.engines.terms import to_oxigraph
from iraqkg.namespaces import PREFIXES

Triple = tuple[Node, Node, Node]
_OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
}


@dataclass
class QueryResult:
    """What a query returned: rows, a boolean or triples, as rdflib terms (picklable)."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)
    # True when rows or triples were cut at the row cap (EndpointSettings.max_rows).
    truncated: bool = False

    @classmethod
    def from_rows(
        cls, variables: Iterable[str], rows: Iterable[tuple[Node | None, ...]], max_rows: int | None
    ) -> QueryResult:
        kept, truncated = _cap(rows, max_rows)
        return cls("select", variables=list(variables), rows=kept, truncated=truncated)

    @classmethod
    def from_boolean(cls, boolean: bool) -> QueryResult:
        return cls("ask", boolean=bool(boolean))

    @classmethod
    def from_triples(cls, triples: Iterable[Triple], max_rows: int | None) -> QueryResult:
        kept, truncated = _cap(triples, max_rows)
        return cls("graph", triples=kept, truncated=truncated)

    def __len__(self) -> int:
        if self.kind == "ask":
            return 1
        return len(self.rows) if self.kind == "select" else len(self.triples)

    def serialize(self, media_type: str) -> bytes:
        """Write the result as ``media_type`` (a media type, alias or short format name)."""
        fmt = find_format(self.kind, media_type)
        if fmt is None:
            raise ValueError(f"a {self.kind} result cannot be written as {media_type}")
        if self.kind == "select":
            return srx.SELECT_WRITERS[fmt.key](self.variables, self.rows)
        if self.kind == "ask":
            return srx.ASK_WRITERS[fmt.key](bool(self.boolean))
        return serialize_graph(self.triples, fmt.key)


def serialize_graph(triples: Iterable[Triple], key: str) -> bytes:
    """Write triples in the format ``key`` (see formats.GRAPH_FORMATS).

    pyoxigraph's writers are an order of magnitude faster than rdflib's. The triples form
    a set (duplicates dropped); prefixes are the project's, plus a Graph's own bindings,
    and only those the triples use are written.
    """
    namespaces = dict(PREFIXES)
    if isinstance(triples, Graph):
        namespaces.update((p, str(ns)) for p, ns in triples.namespaces() if p)
    unique = list(dict.fromkeys(triples))
    iris = {str(t) for triple in unique for t in triple if isinstance(t, URIRef)}
    used = {p: ns for p, ns in namespaces.items() if any(i.startswith(ns) for i in iris)}
    blank: dict[str, ox.BlankNode] = {}
    converted = [ox.Triple(*(_node(t, blank) for t in triple)) for triple in unique]
    if key == "jsonld":  # compact, under the published @context (engines/jsonld.py)
        return "".join(write_triples(converted)).encode("utf-8")
    return ox.serialize(converted, format=_OX_FORMATS[key], prefixes=used)


def _node(term: Node, blank: dict[str, ox.BlankNode]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, BNode):  # rdflib labels need not be valid N-Triples labels
        return blank.setdefault(str(term), ox.BlankNode())
    return to_oxigraph(term)


def _cap(items: Iterable, max_rows: int | None) -> tuple[list, bool]:
    """At most ``max_rows`` items, and whether any were left out (reads one extra at most)."""
    if max_rows is None:
        return list(items), False
    kept = []
    for item in items:
        if len(kept) == max_rows:
            return kept, True
        kept.append(item)
    return kept, False
