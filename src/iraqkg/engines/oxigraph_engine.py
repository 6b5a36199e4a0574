"""The default engine: an in-memory pyoxigraph store, in the calling process."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib.term import Node

from iraqkg.engines.errors import DatasetError, EngineUnavailable, QueryRefused, QuerySyntaxError
from iraqkg.engines.loading import check_files, file_kind
from iraqkg.engines.policy import PREDEFINED, check_graph_iris, check_query
from iraqkg.engines.prologue import check_bindings, insert_values
from iraqkg.engines.result import QueryResult
from iraqkg.engines.services import route_services
from iraqkg.engines.syntax import summarise
from iraqkg.engines.terms import to_rdflib
from iraqkg.namespaces import PREFIXES
from iraqkg.settings import EndpointSettings

_POSITION = re.compile(r"error at (\d+):(\d+)")
# The union default graph is materialised at load time: the store's default graph then holds
# every triple once (a set, as SPARQL wants), and FROM / protocol datasets work unchanged.
_MATERIALISE_UNION = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
_COUNT_NAMED = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_COUNT_DEFAULT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


def syntax_error(exc: SyntaxError, query: str = "") -> QuerySyntaxError:
    """A QuerySyntaxError with the line and column Oxigraph's message gives, summed up in
    one line (the parser's own message kept as the detail)."""
    message = str(exc)
    found = _POSITION.search(message)
    line, column = (int(found[1]), int(found[2])) if found else (None, None)
    detail = f"syntax {message}" if found else message
    message, line, column = summarise(query, detail, line, column)
    return QuerySyntaxError(message, line, column, detail)


def graph_nodes(iris: Sequence[str]) -> list[ox.NamedNode]:
    try:
        return [ox.NamedNode(iri) for iri in iris]
    except ValueError as exc:
        raise QueryRefused(f"invalid graph IRI: {exc}", "bad_graph_iri") from None


def load_store(settings: EndpointSettings, files: Sequence[Path]) -> ox.Store:
    """An in-memory store holding ``files``, with the union default graph if configured."""
    store = ox.Store()
    for path in check_files(files):
        kind = file_kind(path)
        extra = {} if kind.has_graphs else {"to_graph": ox.DefaultGraph()}
        try:
            store.bulk_load(
                path=str(path), format=ox.RdfFormat.from_media_type(kind.media_type), **extra
            )
        except (SyntaxError, ValueError, OSError) as exc:
            raise DatasetError(f"{path}: {exc}") from None
    if settings.union_default_graph:
        store.update(_MATERIALISE_UNION)
    return store


class OxigraphEngine:
    """Queries answered by pyoxigraph over the dataset files, loaded into memory."""

    name = "oxigraph"

    def __init__(self, settings: EndpointSettings, files: Sequence[Path]) -> None:
        self._allowlist = tuple(settings.service_allowlist)
        self._routes = tuple(settings.service_rewrite)
        self._store = load_store(settings, files)
        self._counts = self._count()

    def query(
        self,
        query: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        max_rows: int | None = None,
        base_iri: str | None = None,
        bindings: Mapping[str, Node] | None = None,
    ) -> QueryResult:
        check_query(query, self._allowlist, prefixes=PREDEFINED, base_iri=base_iri)
        if bindings:
            # Not Store.query(substitutions=...): pyoxigraph 0.5 loses a substituted value
            # in BIND(?x AS ?y) and COALESCE(?x), and BOUND(?x) is false, so named queries
            # would answer wrongly (tests/test_named_queries.py shows it). The terms go in
            # a VALUES block, spelled by pyoxigraph from the parsed terms, never user text.
            try:
                query = insert_values(query, check_bindings(bindings).items())
            except ValueError as exc:
                raise QueryRefused(f"cannot bind parameters: {exc}", "bad_binding") from None
        check_graph_iris(default_graph_uris, named_graph_uris)
        query = route_services(query, self._routes)  # after the allowlist check
        dataset = {}
        if default_graph_uris or named_graph_uris:
            # The protocol's dataset replaces the query's FROM / FROM NAMED entirely.
            dataset = {
                "default_graph": graph_nodes(default_graph_uris),
                "named_graphs": graph_nodes(named_graph_uris),
            }
        try:
            answer = self._store.query(
                query,
                base_iri=base_iri,
                prefixes=PREFIXES,
                **dataset,
            )
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult.from_boolean(bool(answer))
            if isinstance(answer, ox.QuerySolutions):
                names = [v.value for v in answer.variables]
                rows = (tuple(to_rdflib(s[i]) for i in range(len(names))) for s in answer)
                return QueryResult.from_rows(names, rows, max_rows)
            triples = (
                (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in answer
            )
            return QueryResult.from_triples(triples, max_rows)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise syntax_error(exc, query) from None
        except OSError as exc:  # a SERVICE call that failed, or a storage error
            raise EngineUnavailable(f"query failed: {exc}") from None

    def _count(self) -> dict[str, int]:
        counts = {
            str(row["g"].value): int(row["n"].value) for row in self._store.query(_COUNT_NAMED)
        }
        counts["default"] = int(next(iter(self._store.query(_COUNT_DEFAULT)))["n"].value)
        return counts

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def close(self) -> None:
        self._store = None  # type: ignore[assignment]
