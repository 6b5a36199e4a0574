"""A build as a folder for Virtuoso's bulk loader: one N-Triples file per named graph with
its ``.graph`` file, the union of the graphs as one more graph, and the isql script that
loads them (``iraqkg export virtuoso -o DIR``).

Virtuoso answers a query that names no dataset from every graph it holds, its own system
graphs included, so the union is loaded as a graph of its own: iraqkg's remote engine
(``--remote-load verify``) names it as the default graph of every query that names none,
and names our graphs as the named graphs. Loading this way, not over the Graph Store
Protocol, is what Virtuoso recommends for data of any size.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from iraqkg.settings import EndpointSettings

UNION_FILE = "union.nt"
SCRIPT = "load.isql"


def _slug(graph: str) -> str:
    name = graph.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name) or "graph"


def _write(path: Path, data: bytes) -> None:
    from iraqkg.export import _atomic  # this module is loaded lazily by iraqkg.export

    _atomic(path, lambda out: out.write(data), mode=0o644)  # read by Virtuoso, often another user


def load_script(folder: Path, graphs: list[str], union_graph: str) -> str:
    """The isql script loading ``folder``: clears our graphs first, so a reload replaces."""
    where = str(folder.resolve()).replace("'", "''")
    lines = [
        "-- Load an iraqkg build with Virtuoso's bulk loader: isql-vt PORT dba PASSWORD load.isql",
        "-- This folder must be listed in DirsAllowed (virtuoso.ini), and [SPARQL]",
        "-- ResultSetMaxRows must exceed iraqkg's max_rows: Virtuoso cuts answers there silently.",
    ]
    lines += [f"SPARQL CLEAR GRAPH <{g}>;" for g in [*graphs, union_graph]]
    lines += [
        f"DELETE FROM DB.DBA.load_list WHERE ll_file LIKE '{where}/%';",
        f"ld_dir('{where}', '*.nt', NULL);",
        "rdf_loader_run();",
        "checkpoint;",
        "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;",
    ]
    return "\n".join(lines) + "\n"


def write_folder(dataset: Path, folder: Path, union_graph: str | None = None) -> list[Path]:
    """Write the loader folder for ``dataset`` (N-Quads or TriG); returns the files."""
    from iraqkg.engines.loading import file_kind

    union_graph = union_graph or EndpointSettings.remote_union_graph
    folder.mkdir(parents=True, exist_ok=True)
    # Parsed, not loaded into a store: a store keeps values, not the lexical forms the
    # build wrote ("48"^^xsd:decimal), and the export must be the build's own terms.
    kind = ox.RdfFormat.from_media_type(file_kind(dataset).media_type)
    per_graph: dict[str, list[ox.Triple]] = defaultdict(list)
    union: dict[ox.Triple, None] = {}
    for quad in ox.parse(path=dataset, format=kind):
        triple = ox.Triple(quad.subject, quad.predicate, quad.object)
        if isinstance(quad.graph_name, ox.NamedNode):
            per_graph[quad.graph_name.value].append(triple)
        union[triple] = None
    graphs = sorted(per_graph)
    targets = [(f"{_slug(g)}.nt", g, per_graph[g]) for g in graphs]
    targets.append((UNION_FILE, union_graph, list(union)))
    written: list[Path] = []
    for file_name, iri, triples in targets:
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        graph_file = (folder / f"{file_name}.graph", iri.encode("utf-8") + b"\n")
        for path, content in ((folder / file_name, data), graph_file):
            _write(path, content)
            written.append(path)
    script = folder / SCRIPT
    _write(script, load_script(folder, graphs, union_graph).encode("utf-8"))
    written.append(script)
    return written
