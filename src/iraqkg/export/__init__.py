"""Exports of a built dataset: RDF (N-Quads, TriG, Turtle, JSON-LD) and the affiliation
network (GraphML, GEXF, CSV, SVG). No Flask, no click: the CLI and the web call these.

    from iraqkg.export import FORMATS, export_file, network_of
    export_file("gexf", Path("build/<id>/dataset.nq"), Path("network.gexf"))
    graph = network_of(Path("build/<id>/dataset.nq")).graph     # a networkx MultiDiGraph

``FORMATS`` is the registry (name -> ExportFormat). A writer takes an ``ExportSource``
(the dataset file, parsed once on demand as an rdflib Dataset or as the Network) and a
binary stream. Adding a format is one entry; a writer that lives in another subpackage
is registered lazily, so importing this module does not import it (see QuickStatements).
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from rdflib import Dataset
from rdflib.util import guess_format

from iraqkg.export import rdf, tables
from iraqkg.export.network import Network, network_from_file
from iraqkg.export.svg import render_svg

__all__ = [
    "FORMATS",
    "ExportFormat",
    "ExportSource",
    "export_file",
    "export_stream",
    "network_of",
]


@dataclass
class ExportSource:
    """What writers read: a build's dataset file, parsed at most once per form."""

    path: Path
    _dataset: Dataset | None = field(default=None, repr=False)

    def dataset(self) -> Dataset:
        if self._dataset is None:
            self._dataset = Dataset()
            self._dataset.parse(self.path, format=guess_format(str(self.path)) or "nquads")
        return self._dataset

    def network(self) -> Network:
        return network_from_file(self.path)


Writer = Callable[[ExportSource, BinaryIO], None]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str
    extension: str
    description: str
    write: Writer  # to one stream (for csv: the edges table)
    # Formats of several files (csv): file name -> writer, written into a folder.
    files: dict[str, Writer] | None = None
    # Formats that are a folder whose files depend on the data (virtuoso): writes it.
    folder: Callable[[Path, Path], list[Path]] | None = None


def _lazy(module: str, attribute: str) -> Writer:
    """A writer imported when first used (formats that live in other subpackages)."""

    def write(source: ExportSource, out: BinaryIO) -> None:
        getattr(importlib.import_module(module), attribute)(source, out)

    return write


def _svg(source: ExportSource, out: BinaryIO) -> None:
    network = source.network()
    from iraqkg.export.filters import DEFAULT_STATUSES, View, view

    shown = view(
        network, View(statuses=DEFAULT_STATUSES, collapse_implied=True, drop_isolated=True)
    )
    out.write(render_svg(shown, labels=network.labels).encode("utf-8"))


def _net(writer: Callable) -> Writer:
    return lambda source, out: writer(source.network().graph, out)


def _rdf(writer: Callable) -> Writer:
    return lambda source, out: writer(source.dataset(), out)


FORMATS: dict[str, ExportFormat] = {
    "nquads": ExportFormat(
        "nquads",
        "application/n-quads",
        ".nq",
        "the dataset, its named graphs",
        lambda source, out: rdf.write_nquads(source.path, out),
    ),
    "trig": ExportFormat(
        "trig",
        "application/trig",
        ".trig",
        "the dataset, its named graphs",
        lambda source, out: rdf.write_trig(source.path, out),
    ),
    "turtle": ExportFormat(
        "turtle",
        "text/turtle",
        ".ttl",
        "the union of the named graphs (Turtle has no graphs)",
        lambda source, out: rdf.write_turtle(source.path, out),
    ),
    "jsonld": ExportFormat(
        "jsonld",
        "application/ld+json",
        ".jsonld",
        "the dataset, named graphs as @graph",
        _rdf(rdf.write_jsonld),
    ),
    "graphml": ExportFormat(
        "graphml",
        "application/graphml+xml",
        ".graphml",
        "the actor network (networkx)",
        _net(tables.write_graphml),
    ),
    "gexf": ExportFormat(
        "gexf",
        "application/gexf+xml",
        ".gexf",
        "the actor network, GEXF 1.2 (Gephi)",
        _net(tables.write_gexf),
    ),
    "csv": ExportFormat(
        "csv",
        "text/csv",
        ".csv",
        "the actor network as nodes.csv and edges.csv",
        _net(tables.write_edges_csv),
        files={
            "nodes.csv": _net(tables.write_nodes_csv),
            "edges.csv": _net(tables.write_edges_csv),
        },
    ),
    "svg": ExportFormat(
        "svg",
        "image/svg+xml",
        ".svg",
        "a picture of the network (stated and inferred ties)",
        _svg,
    ),
    # Lives in iraqkg.linking, with the Wikidata mappings it reads.
    "quickstatements": ExportFormat(
        "quickstatements",
        "text/plain",
        ".qs",
        "QuickStatements V1 lines for Wikidata (Reported statements between linked entities)",
        _lazy("iraqkg.linking.quickstatements", "write"),
    ),
    "virtuoso": ExportFormat(
        "virtuoso",
        "text/plain",
        "",
        "a folder for Virtuoso's bulk loader (a file per graph, the union, load.isql)",
        lambda source, out: _needs_folder("virtuoso"),
        folder=lambda dataset, target: importlib.import_module(
            "iraqkg.export.virtuoso"
        ).write_folder(dataset, target),
    ),
}


def _needs_folder(name: str) -> None:
    from iraqkg.errors import InputError

    raise InputError(f"{name} is a folder of files: give -o DIR")


def network_of(dataset: Path) -> Network:
    """The actor network of a build's dataset file (cached per file version)."""
    return network_from_file(dataset)


def export_stream(name: str, dataset: Path | ExportSource, out: BinaryIO) -> None:
    """Write format ``name`` to a binary stream (csv: the edges table only)."""
    source = dataset if isinstance(dataset, ExportSource) else ExportSource(Path(dataset))
    FORMATS[name].write(source, out)


def export_file(name: str, dataset: Path | ExportSource, target: Path) -> list[Path]:
    """Write format ``name`` to ``target``, replacing it only once complete; for a format of
    several files (csv) ``target`` is a folder that receives each. Returns the files."""
    source = dataset if isinstance(dataset, ExportSource) else ExportSource(Path(dataset))
    fmt = FORMATS[name]
    if fmt.folder is not None:
        return fmt.folder(source.path, target)
    if fmt.files is None:
        _atomic(target, lambda out: fmt.write(source, out))
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, writer in fmt.files.items():
        path = target / file_name
        _atomic(path, lambda out, writer=writer: writer(source, out))
        written.append(path)
    return written


def _atomic(path: Path, write: Callable[[BinaryIO], None], mode: int | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
