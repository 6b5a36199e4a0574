"""Which RDF files an engine can load, and in which syntax.

TriG, N-Quads and JSON-LD keep their named graphs; Turtle, N-Triples and RDF/XML carry
triples only and go to the default graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from iraqkg.engines.errors import DatasetError


@dataclass(frozen=True)
class FileKind:
    name: str
    rdflib_format: str
    media_type: str  # for the Graph Store Protocol and pyoxigraph
    has_graphs: bool  # True when the syntax can name graphs


_KINDS = {
    ".nq": FileKind("N-Quads", "nquads", "application/n-quads", True),
    ".trig": FileKind("TriG", "trig", "application/trig", True),
    ".jsonld": FileKind("JSON-LD", "json-ld", "application/ld+json", True),
    ".ttl": FileKind("Turtle", "turtle", "text/turtle", False),
    ".nt": FileKind("N-Triples", "nt", "application/n-triples", False),
    ".rdf": FileKind("RDF/XML", "xml", "application/rdf+xml", False),
    ".owl": FileKind("RDF/XML", "xml", "application/rdf+xml", False),
    ".xml": FileKind("RDF/XML", "xml", "application/rdf+xml", False),
}

SUPPORTED_SUFFIXES = tuple(_KINDS)


def file_kind(path: Path) -> FileKind:
    """The syntax of a dataset file, from its suffix; DatasetError if unknown."""
    kind = _KINDS.get(Path(path).suffix.lower())
    if kind is None:
        known = ", ".join(SUPPORTED_SUFFIXES)
        raise DatasetError(f"{path}: unknown RDF file kind (use one of {known})")
    return kind


def check_files(files: Sequence[Path]) -> list[Path]:
    """The files as Paths, each existing and of a known kind (DatasetError otherwise)."""
    paths = [Path(f) for f in files]
    for path in paths:
        file_kind(path)
        if not path.is_file():
            raise DatasetError(f"{path}: no such file")
    return paths
