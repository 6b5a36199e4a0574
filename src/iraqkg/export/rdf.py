"""The dataset as RDF: N-Quads, TriG and JSON-LD keep the four named graphs; Turtle is
their union (Turtle has no graphs). Parsed once with rdflib, written by rdflib."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import BinaryIO

from rdflib import Dataset, Graph

from iraqkg.namespaces import PREFIXES


def _bound(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def write_nquads(path: Path, out: BinaryIO) -> None:
    """The build's own file, byte for byte: it is already N-Quads."""
    with path.open("rb") as source:
        shutil.copyfileobj(source, out)


def write_trig(dataset: Dataset, out: BinaryIO) -> None:
    out.write(_bound(dataset).serialize(format="trig", encoding="utf-8"))


def write_turtle(dataset: Dataset, out: BinaryIO) -> None:
    union = _bound(Graph())
    for quad in dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    out.write(union.serialize(format="turtle", encoding="utf-8"))


def write_jsonld(dataset: Dataset, out: BinaryIO) -> None:
    # The project's prefixes as the @context, so keys read as ikg:memberOf, not full IRIs.
    out.write(
        dataset.serialize(format="json-ld", context=dict(PREFIXES), indent=1, encoding="utf-8")
    )
