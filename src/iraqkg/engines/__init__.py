"""SPARQL engines behind one interface: embedded Oxigraph, rdflib, or a remote SPARQL store.

    engine = open_engine(EndpointSettings(), [Path("build/1/dataset.nq")])
    result = engine.query("SELECT ?s { ?s a ?type } LIMIT 5")
    print(result.serialize("text/csv").decode())

Every engine refuses updates and SERVICE calls outside ``settings.service_allowlist``
before anything runs, never fetches FROM / FROM NAMED IRIs (graphs not in the dataset are
empty), and materialises the union default graph at load time when
``settings.union_default_graph`` is set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from rdflib.term import Node

from iraqkg.engines.errors import (
    DatasetError,
    EngineError,
    EngineUnavailable,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
)
from iraqkg.engines.result import QueryResult
from iraqkg.settings import EndpointSettings

__all__ = [
    "DatasetError",
    "Engine",
    "EngineError",
    "EngineFactory",
    "EngineUnavailable",
    "QueryRefused",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "open_engine",
]


@runtime_checkable
class Engine(Protocol):
    """A read-only SPARQL 1.1 query engine over one immutable dataset.

    ``query`` refuses updates and disallowed SERVICE calls (QueryRefused), reports syntax
    errors (QuerySyntaxError), cuts rows / triples at ``max_rows`` (result.truncated), and
    resolves relative IRIs against ``base_iri`` (the endpoint URL, over HTTP). The project's
    prefixes (namespaces.PREFIXES) are predefined: a query need not declare them.
    ``bindings`` ({variable name: IRI or literal}) are substituted for the variables by the
    engine itself, never pasted into the text by the caller.
    """

    name: str

    def query(
        self,
        query: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        max_rows: int | None = None,
        base_iri: str | None = None,
        bindings: Mapping[str, Node] | None = None,
    ) -> QueryResult: ...

    def counts(self) -> dict[str, int]: ...

    def close(self) -> None: ...


def open_engine(settings: EndpointSettings, files: Sequence[Path]) -> Engine:
    """Load ``files`` into the engine ``settings.engine`` names (for "remote": upload them)."""
    if settings.engine == "oxigraph":
        from iraqkg.engines.oxigraph_engine import OxigraphEngine

        return OxigraphEngine(settings, files)
    if settings.engine == "rdflib":
        from iraqkg.engines.rdflib_engine import RdflibEngine

        return RdflibEngine(settings, files)
    if settings.engine == "remote":
        from iraqkg.engines.remote_engine import RemoteEngine

        return RemoteEngine(settings, files)
    raise ValueError(f"unknown engine {settings.engine!r}")


@dataclass(frozen=True)
class EngineFactory:
    """A picklable recipe for an engine, so each query worker process can open its own.

    ``prepare()`` runs once in the parent: for a remote store it uploads the dataset there,
    so that the workers only connect.
    """

    settings: EndpointSettings
    files: tuple[Path, ...] = field(default=())
    # Where to find files when ``files`` are gone (a build pruned or deleted under a
    # running server): a picklable callable returning the newest good dataset files.
    fallback: Callable[[], Sequence[Path]] | None = field(default=None, compare=False)
    # Set once prepare() ran, so calling it again (CLI, then the pool) uploads only once.
    prepared: bool = field(default=False, compare=False, repr=False)
    # engine=remote: the default graph's triple count right after the upload.
    uploaded_triples: int | None = field(default=None, compare=False, repr=False)
    # engine=remote, remote_load=verify: the dataset's named graphs, read once from files.
    remote_graphs: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "files", tuple(Path(f) for f in self.files))

    def prepare(self) -> None:
        if self.prepared:
            return
        if self.settings.engine == "oxigraph" and self.settings.store == "disk" and self.files:
            from iraqkg.engines.oxigraph_engine import prepare_disk_store

            prepare_disk_store(self.settings, self.files)  # once, before workers open it
        if self.settings.engine == "remote" and self.files:
            engine = open_engine(self.settings, self.files)
            object.__setattr__(self, "uploaded_triples", engine.counts()["default"])
            object.__setattr__(self, "remote_graphs", tuple(getattr(engine, "graphs", tuple)()))
            engine.close()
        object.__setattr__(self, "prepared", True)

    def __call__(self) -> Engine:
        if self.settings.engine == "remote":  # uploaded once by prepare()
            from iraqkg.engines.remote_engine import RemoteEngine

            return RemoteEngine(
                self.settings, (), expected=self.uploaded_triples, graphs=self.remote_graphs
            )
        files: Sequence[Path] = self.files
        if self.fallback is not None and not all(f.is_file() for f in files):
            files = self.fallback()
        return open_engine(self.settings, files)
