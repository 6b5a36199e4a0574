"""rdflib's own SPARQL engine over an in-memory Dataset: slow, but a second opinion.

rdflib would fetch FROM / FROM NAMED IRIs it does not hold: this engine never hands rdflib
a dataset clause. It takes the clause (or the protocol's graphs) itself and evaluates the
query against a dataset built from graphs already loaded; unknown graphs are empty.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path

import rdflib.plugins.sparql
from rdflib import Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from iraqkg.engines.errors import DatasetError, QueryRefused, QuerySyntaxError, ServiceFailed
from iraqkg.engines.loading import check_files, file_kind
from iraqkg.engines.policy import (
    check_graph_iris,
    check_query,
    may_call_service,
    parse_with_rdflib,
)
from iraqkg.engines.prologue import check_bindings, insert_values
from iraqkg.engines.result import QueryResult
from iraqkg.engines.services import route_services
from iraqkg.settings import EndpointSettings
from iraqkg.sparql_text import service_clauses

_VIEWS_KEPT = 16  # datasets built for FROM / protocol graphs, reused (the data is immutable)


class RdflibEngine:
    """Queries answered by rdflib's SPARQL evaluator over the dataset files."""

    name = "rdflib"

    def __init__(self, settings: EndpointSettings, files: Sequence[Path]) -> None:
        # Belt and braces: even if a dataset clause reached rdflib, it must not fetch it.
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        self._allowlist = tuple(settings.service_allowlist)
        self._max_depth = settings.max_query_depth
        self._routes = tuple(settings.service_rewrite)
        self._dataset = Dataset()
        for path in check_files(files):
            kind = file_kind(path)
            target = (
                self._dataset if kind.has_graphs else self._dataset.graph(DATASET_DEFAULT_GRAPH_ID)
            )
            try:
                target.parse(str(path), format=kind.rdflib_format)
            except Exception as exc:  # rdflib parsers raise many unrelated types
                raise DatasetError(f"{path}: {exc}") from None
        self._names = {
            str(g.identifier)
            for g in self._dataset.graphs()
            if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)
        }
        if settings.union_default_graph:  # materialised, as in every engine
            default = self._dataset.graph(DATASET_DEFAULT_GRAPH_ID)
            for name in self._names:
                for triple in self._dataset.graph(URIRef(name)):
                    default.add(triple)
        self._views: OrderedDict[tuple, Dataset] = OrderedDict()
        self._lock = threading.Lock()

    def _view(self, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...]) -> Dataset:
        """A dataset with the given graphs of ours as default and named graphs."""
        key = (default_graphs, named_graphs)
        with self._lock:
            if key in self._views:
                self._views.move_to_end(key)
                return self._views[key]
        view = Dataset()
        for name in default_graphs:
            if name in self._names:
                for triple in self._dataset.graph(URIRef(name)):
                    view.graph(DATASET_DEFAULT_GRAPH_ID).add(triple)
        for name in named_graphs:
            if name in self._names:
                target = view.graph(URIRef(name))
                for triple in self._dataset.graph(URIRef(name)):
                    target.add(triple)
        with self._lock:
            self._views[key] = view
            while len(self._views) > _VIEWS_KEPT:
                self._views.popitem(last=False)
        return view

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
        check_query(query, self._allowlist, "rdflib", max_depth=self._max_depth)
        check_graph_iris(default_graph_uris, named_graph_uris)
        initial = check_bindings(bindings)
        if initial and service_clauses(query):
            # rdflib would send every variable bound so far (the initBindings' whole solution)
            # to the SERVICE endpoint: there, the validated terms go in VALUES blocks instead,
            # at the top of the WHERE group and of each SERVICE group that uses them.
            try:
                query = insert_values(query, initial.items())
            except ValueError as exc:
                raise QueryRefused(f"cannot bind parameters: {exc}", "bad_binding") from None
            initial = {}
        query = route_services(query, self._routes)  # after the allowlist check
        parsed = parse_with_rdflib(query, base_iri)
        algebra = CompValue(parsed.algebra.name, **parsed.algebra)
        clause = algebra.get("datasetClause") or []
        algebra["datasetClause"] = None  # rdflib must never see it (it would fetch)
        if default_graph_uris or named_graph_uris:
            dataset = self._view(tuple(default_graph_uris), tuple(named_graph_uris))
        elif clause:
            dataset = self._view(
                tuple(str(d.default) for d in clause if d.get("default") is not None),
                tuple(str(d.named) for d in clause if d.get("named") is not None),
            )
        else:
            dataset = self._dataset
        try:
            answer = evalQuery(dataset, Query(parsed.prologue, algebra), initBindings=initial)
            kind = answer["type_"]
            if kind == "ASK":
                return QueryResult.from_boolean(answer["askAnswer"])
            if kind == "SELECT":
                names = list(answer["vars_"])
                rows = (tuple(b.get(v) for v in names) for b in answer["bindings"])
                return QueryResult.from_rows([str(v) for v in names], rows, max_rows)
            return QueryResult.from_triples(iter(answer["graph"]), max_rows)
        except (QueryRefused, QuerySyntaxError):
            raise
        except Exception as exc:  # rdflib evaluation errors have no common base class
            if may_call_service(query):  # e.g. the SERVICE answered something unparsable
                raise ServiceFailed(
                    f"a SERVICE endpoint failed or answered garbage: {exc}"
                ) from None
            message = f"rdflib could not evaluate the query: {exc}"
            raise QueryRefused(message, "evaluation_error") from None

    def counts(self) -> dict[str, int]:
        counts = {name: len(self._dataset.graph(URIRef(name))) for name in sorted(self._names)}
        counts["default"] = len(self._dataset.graph(DATASET_DEFAULT_GRAPH_ID))
        return counts

    def close(self) -> None:
        self._views.clear()
