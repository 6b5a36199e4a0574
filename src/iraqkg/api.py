"""The library in a few calls, for scripts and notebooks.

    import iraqkg
    kg = iraqkg.open()                                       # loaded once (knowledge_graph)
    kg.question("drone-strike-blame").df()
    result = iraqkg.build()                                  # ./ontology + ./data -> ./build
    rows = iraqkg.query("SELECT * WHERE { ?s ?p ?o } LIMIT 3").rows   # one-off, rdflib terms
    blame = iraqkg.named_query("drone-strike-blame")

Folders default as for the CLI (``iraqkg.project``): the working directory's, else the
installed copy.

Nothing here knows of Flask or the CLI; both are layers over these functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rdflib.term import Node

from .build import BuildResult
from .build import build as _build
from .build import validate as _validate
from .errors import InputError
from .knowledge_graph import KnowledgeGraph, open_graph
from .project import locate
from .queries import load_named_queries
from .settings import BuildSettings, EndpointSettings


def open(path: str | Path | None = None) -> KnowledgeGraph:  # noqa: A001 (iraqkg.open)
    """Open the knowledge graph once for many queries (see ``knowledge_graph.open_graph``)."""
    return open_graph(path)


def validate(ontology=None, data=None, sources=None) -> None:
    """Raise DataSyntaxError or ValidationFailed if the data breaks the contract."""
    _validate(locate(ontology, data, sources=sources).paths)


def build(ontology=None, data=None, out=None, sources=None, force: bool = False) -> BuildResult:
    """Build (or reuse an identical build) and make it current (default out: ./build)."""
    project = locate(ontology, data, out=out, sources=sources)
    if project.packaged_build:  # the installed build is read-only
        project = locate(ontology, data, out="build", sources=sources)
    return _build(project.paths, BuildSettings(), force=force)


def current_dataset(ontology=None, data=None, out=None) -> Path:
    """The dataset file of the current build, building first when it is missing or stale."""
    files, _ = locate(ontology, data, out=out).dataset_files()
    return files[0]


def query(
    sparql: str,
    dataset: Path | str | None = None,
    engine: str = "oxigraph",
    bindings: Mapping[str, Node] | None = None,
):
    """Run a query on a dataset file (default: the current build) with an embedded engine;
    ``bindings`` ({variable: term}) are substituted by the engine."""
    from .engines import open_engine

    files = [Path(dataset)] if dataset else [current_dataset()]
    store = open_engine(EndpointSettings(engine=engine), files)
    try:
        return store.query(sparql, bindings=bindings)
    finally:
        store.close()


def named_query(
    name: str, queries: Path | str | None = None, dataset: Path | str | None = None, **params: str
):
    """Run one of the named queries with its parameters bound (defaults for those not given;
    values read as RDF terms, e.g. ``event="id:drone-attack-on-kadhimi-residence"``)."""
    queries = locate(queries=queries).queries
    named = load_named_queries(Path(queries))
    if name not in named:
        raise InputError(f"no named query {name!r} in {queries}")
    bound = named[name].bind(params)
    return query(bound.text, dataset=dataset, bindings=bound.as_dict())
