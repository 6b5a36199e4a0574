"""Printing query results for people (aligned table) and programs (CSV, TSV, JSON)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .namespaces import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")
_SHORTEST_FIRST = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def short(node: Node | None) -> str:
    """A compact, readable form of a term: prefixed IRIs, plain literal text."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, namespace in _SHORTEST_FIRST:
            if text.startswith(namespace) and len(text) > len(namespace):
                return f"{prefix}:{text[len(namespace) :]}"
        return f"<{text}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _plain(node: Node | None) -> str:
    return "" if node is None else str(node)


def _json_term(node: Node | None) -> dict | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    assert isinstance(node, Literal)
    term = {"type": "literal", "value": str(node)}
    if node.language:
        term["xml:lang"] = node.language
    elif node.datatype:
        term["datatype"] = str(node.datatype)
    return term


def render(variables: Sequence[str], rows: Sequence[Sequence[Node | None]], fmt: str) -> str:
    """Render a SELECT result in one of FORMATS."""
    if fmt == "json":
        bindings = [
            {v: _json_term(t) for v, t in zip(variables, row, strict=False) if t is not None}
            for row in rows
        ]
        doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(variables)
        writer.writerows([[_plain(t) for t in row] for row in rows])
        return buffer.getvalue()
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    cells = [[short(t) for t in row] for row in rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(variables)]
    lines = [" | ".join(v.ljust(w) for v, w in zip(variables, widths, strict=False))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"
