"""The library in a few calls, for scripts and notebooks.

    import iraqkg
    result = iraqkg.build()                                  # ./ontology + ./data -> ./build
    rows = iraqkg.query("SELECT * WHERE { ?s ?p ?o } LIMIT 3").rows
    blame = iraqkg.named_query("drone-strike-blame")

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
from .queries import load_named_queries
from .settings import BuildSettings, EndpointSettings, Paths


def _paths(ontology, data, out, sources) -> Paths:
    return Paths(Path(ontology), Path(data), Path(out), Path(sources) if sources else None)


def validate(ontology="ontology", data="data", sources=None) -> None:
    """Raise DataSyntaxError or ValidationFailed if the data breaks the contract."""
    _validate(_paths(ontology, data, "build", sources))


def build(
    ontology="ontology", data="data", out="build", sources=None, force: bool = False
) -> BuildResult:
    """Build (or reuse an identical build) and make it current."""
    return _build(_paths(ontology, data, out, sources), BuildSettings(), force=force)


def current_dataset(ontology="ontology", data="data", out="build") -> Path:
    """The dataset file of the current build, building first when it is missing or stale."""
    # build() reuses an identical build, so it is also the cheap "current build" lookup.
    return _build(_paths(ontology, data, out, None), BuildSettings()).dataset_file


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
    name: str, queries: Path | str = "queries", dataset: Path | str | None = None, **params: str
):
    """Run one of the named queries with its parameters bound (defaults for those not given;
    values read as RDF terms, e.g. ``event="id:drone-attack-on-kadhimi-residence"``)."""
    named = load_named_queries(Path(queries))
    if name not in named:
        raise InputError(f"no named query {name!r} in {queries}")
    bound = named[name].bind(params)
    return query(bound.text, dataset=dataset, bindings=bound.as_dict())
