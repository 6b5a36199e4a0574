"""The dataset as RDF: N-Quads, TriG and JSON-LD keep the named graphs; Turtle is
their union (Turtle has no graphs).

N-Quads is the build's file itself. TriG and Turtle are parsed and written by pyoxigraph
without a store, which keeps every literal's lexical form as the build wrote it
("48"^^xsd:decimal stays "48": rdflib's writers print 48.0, and a store keeps only the
value, so "2600000000.0" would become "2600000000" — other RDF terms). JSON-LD is written by
rdflib, which can compact it with the project's prefixes as its @context.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset

from iraqkg.namespaces import PREFIXES


def write_nquads(path: Path, out: BinaryIO) -> None:
    """The build's own file, byte for byte: it is already N-Quads."""
    with path.open("rb") as source:
        shutil.copyfileobj(source, out)


def _quads(path: Path) -> list[ox.Quad]:
    from iraqkg.engines.loading import file_kind

    kind = ox.RdfFormat.from_media_type(file_kind(path).media_type)
    # Sorted by graph, then subject: one block per graph, the same file for the same build.
    return sorted(ox.parse(path=path, format=kind), key=lambda q: (str(q.graph_name), str(q)))


def write_trig(path: Path, out: BinaryIO) -> None:
    ox.serialize(_quads(path), out, ox.RdfFormat.TRIG, prefixes=dict(PREFIXES))


def write_turtle(path: Path, out: BinaryIO) -> None:
    union = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in _quads(path)}, key=str)
    ox.serialize(union, out, ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))


def write_jsonld(dataset: Dataset, out: BinaryIO) -> None:
    # The project's prefixes as the @context, so keys read as ikg:memberOf, not full IRIs.
    out.write(
        dataset.serialize(format="json-ld", context=dict(PREFIXES), indent=1, encoding="utf-8")
    )
