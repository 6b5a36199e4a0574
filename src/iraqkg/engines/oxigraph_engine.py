"""The default engine: a pyoxigraph store (in memory, or on disk read-only), in the calling
process."""

from __future__ import annotations

import json as json_module
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.term import Node

from iraqkg.engines import sparql_results as srx
from iraqkg.engines.errors import (
    AnswerTooLarge,
    DatasetError,
    EngineError,
    EngineUnavailable,
    QueryRefused,
    QuerySyntaxError,
    ServiceFailed,
)
from iraqkg.engines.formats import find_format
from iraqkg.engines.loading import check_files, file_kind
from iraqkg.engines.policy import PREDEFINED, check_graph_iris, check_query, may_call_service
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


def _failure(query: str, exc: Exception) -> EngineError:
    """ServiceFailed (502) when a SERVICE call may be the cause, else EngineUnavailable."""
    if may_call_service(query):
        return ServiceFailed(f"a SERVICE endpoint failed or answered garbage: {exc}")
    if isinstance(exc, RuntimeError):
        raise exc
    return EngineUnavailable(f"query failed: {exc}")


def _capped_rows(
    solutions: ox.QuerySolutions, width: int, max_rows: int | None, max_bytes: int | None
) -> tuple[list[tuple], bool]:
    """At most ``max_rows`` rows (and whether more were left out); AnswerTooLarge once the
    rows' term text passes ``max_bytes``."""
    rows: list[tuple] = []
    size = 0
    for solution in solutions:
        if max_rows is not None and len(rows) == max_rows:
            return rows, True
        row = tuple(solution[i] for i in range(width))
        if max_bytes is not None:
            size += sum(len(t.value) + 16 for t in row if t is not None and hasattr(t, "value"))
            if size > max_bytes:
                raise AnswerTooLarge(max_bytes)
        rows.append(row)
    return rows, False


class _CappedSink:
    """Where pyoxigraph writes an answer: AnswerTooLarge past ``max_bytes`` (raised from
    write(), it stops the serialiser), so a huge answer is never all in memory."""

    def __init__(self, max_bytes: int | None) -> None:
        self._max_bytes = max_bytes
        self._size = 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._size += len(data)
        if self._max_bytes is not None and self._size > self._max_bytes:
            raise AnswerTooLarge(self._max_bytes)
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _written_json(
    solutions: ox.QuerySolutions, max_rows: int | None, max_bytes: int | None
) -> NativeResult | None:
    """The answer as pyoxigraph writes it in JSON, None when it has over ``max_rows`` rows
    (the caller then gives the capped rows)."""
    names = [v.value for v in solutions.variables]
    sink = _CappedSink(max_bytes)
    solutions.serialize(sink, format=ox.QueryResultsFormat.JSON)
    body = b"".join(sink.parts)
    count = len(json_module.loads(body)["results"]["bindings"])
    if max_rows is not None and count > max_rows:
        return None
    return NativeResult("select", names, body=body, count=count)


@dataclass
class NativeResult:
    """A SELECT or ASK answer in pyoxigraph's own terms, written without rdflib; or a
    SELECT answer pyoxigraph already wrote as SPARQL results JSON (``body``)."""

    kind: str  # "select" | "ask"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False
    body: bytes | None = None  # the JSON answer, when pyoxigraph wrote it
    count: int = 0  # its rows

    def __len__(self) -> int:
        if self.body is not None:
            return self.count
        return 1 if self.kind == "ask" else len(self.rows)

    def serialize(self, media_type: str) -> bytes:
        fmt = find_format(self.kind, media_type)
        if fmt is None:
            raise ValueError(f"a {self.kind} result cannot be written as {media_type}")
        if self.body is not None and fmt.key == "srj":
            return self.body
        if self.kind == "ask":
            return srx.ASK_WRITERS[fmt.key](bool(self.boolean))
        return srx.SELECT_WRITERS[fmt.key](self.variables, self.rows, srx.oxigraph_parts)


def fill_store(
    settings: EndpointSettings, files: Sequence[Path], store: ox.Store, on_disk: bool = False
) -> None:
    """Load ``files`` into ``store``, with the union default graph if configured."""
    named = []
    for path in check_files(files):
        kind = file_kind(path)
        extra = {} if kind.has_graphs else {"to_graph": ox.DefaultGraph()}
        rdf_format = ox.RdfFormat.from_media_type(kind.media_type)
        try:
            store.bulk_load(path=str(path), format=rdf_format, **extra)
        except (SyntaxError, ValueError, OSError) as exc:
            raise DatasetError(f"{path}: {exc}") from None
        if kind.has_graphs:
            named.append((path, rdf_format))
    if not settings.union_default_graph:
        return
    if not on_disk:
        store.update(_MATERIALISE_UNION)  # in memory the fastest way
        return
    # on disk an update is one transaction, 2.6x the CPU of a bulk copy (measured): copy
    # each named-graph quad into the default graph, which as a set keeps each triple once
    for path, rdf_format in named:
        store.bulk_extend(
            ox.Quad(q.subject, q.predicate, q.object)
            for q in ox.parse(path=str(path), format=rdf_format)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        )


def count_triples(store: ox.Store) -> dict[str, int]:
    """Triples per named graph, and in the default graph ("default")."""
    counts = {str(row["g"].value): int(row["n"].value) for row in store.query(_COUNT_NAMED)}
    counts["default"] = int(next(iter(store.query(_COUNT_DEFAULT)))["n"].value)
    return counts


def prepare_disk_store(settings: EndpointSettings, files: Sequence[Path]) -> Path:
    """The on-disk store for ``files`` (written now if there is none): disk_store.py."""
    from iraqkg.engines.disk_store import ensure_store

    return ensure_store(
        check_files(files),
        settings.union_default_graph,
        lambda store: fill_store(settings, files, store, on_disk=True),
        count_triples,
    )


def open_disk_store(
    settings: EndpointSettings, files: Sequence[Path]
) -> tuple[ox.Store, dict[str, int] | None]:
    """The on-disk store for ``files`` opened read-only, and the counts kept beside it."""
    from iraqkg.engines.disk_store import open_read_only, stored_counts

    path = prepare_disk_store(settings, files)
    return open_read_only(path), stored_counts(path)


def load_store(settings: EndpointSettings, files: Sequence[Path]) -> ox.Store:
    """The store holding ``files``: in memory, or (store="disk") the on-disk store opened
    read-only."""
    if settings.store == "disk":
        return open_disk_store(settings, files)[0]
    store = ox.Store()
    fill_store(settings, files, store)
    return store


class OxigraphEngine:
    """Queries answered by pyoxigraph over the dataset files, loaded into memory."""

    name = "oxigraph"

    def __init__(self, settings: EndpointSettings, files: Sequence[Path]) -> None:
        self._allowlist = tuple(settings.service_allowlist)
        self._max_depth = settings.max_query_depth
        self._routes = tuple(settings.service_rewrite)
        found = None
        if settings.store == "disk":
            self._store, found = open_disk_store(settings, files)
        else:
            self._store = load_store(settings, files)
        self._counts = found or count_triples(self._store)

    def _answer(
        self,
        query: str,
        default_graph_uris: Sequence[str],
        named_graph_uris: Sequence[str],
        base_iri: str | None,
        bindings: Mapping[str, Node] | None,
    ):
        """Check, bind and route the query, then run it: pyoxigraph's own answer."""
        # called exactly as run_task calls it, so that its check, just made, is a cache hit
        check_query(query, self._allowlist, "oxigraph", PREDEFINED, base_iri,
                    max_depth=self._max_depth)  # fmt: skip
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
            return query, self._store.query(query, base_iri=base_iri, prefixes=PREFIXES, **dataset)
        except SyntaxError as exc:
            raise syntax_error(exc, query) from None
        except (OSError, RuntimeError) as exc:  # a SERVICE call failed, or storage did
            raise _failure(query, exc) from None

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
        query, answer = self._answer(
            query, default_graph_uris, named_graph_uris, base_iri, bindings
        )
        try:
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
        except (OSError, RuntimeError) as exc:  # answers are computed as they are read
            raise _failure(query, exc) from None

    def query_native(
        self,
        query: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        max_rows: int | None = None,
        base_iri: str | None = None,
        bindings: Mapping[str, Node] | None = None,
        max_bytes: int | None = None,
        as_json: bool = False,
    ) -> QueryResult | NativeResult:
        """Like ``query``, but SELECT and ASK answers keep pyoxigraph's terms (no rdflib
        terms are made: the query workers only write them out), and SELECT rows stop at
        ``max_bytes`` of term text (AnswerTooLarge) before the answer is held in memory.
        ``as_json``: the answer is wanted as SPARQL results JSON, so pyoxigraph writes a
        SELECT answer itself (measured: a short lookup's Python rows and JSON cost more
        than its query)."""
        text = query
        query, answer = self._answer(
            query, default_graph_uris, named_graph_uris, base_iri, bindings
        )
        try:
            if isinstance(answer, ox.QueryBoolean):
                return NativeResult("ask", boolean=bool(answer))
            if isinstance(answer, ox.QuerySolutions) and as_json:
                written = _written_json(answer, max_rows, max_bytes)
                if written is not None:
                    return written
                # over the row cap: the capped rows, from the query run again
                query, answer = self._answer(
                    text, default_graph_uris, named_graph_uris, base_iri, bindings
                )
            if isinstance(answer, ox.QuerySolutions):
                names = [v.value for v in answer.variables]
                rows, truncated = _capped_rows(answer, len(names), max_rows, max_bytes)
                return NativeResult("select", names, rows, truncated=truncated)
            triples = (
                (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in answer
            )
            return QueryResult.from_triples(triples, max_rows)  # type: ignore[arg-type]
        except (OSError, RuntimeError) as exc:  # answers are computed as they are read
            raise _failure(query, exc) from None

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def close(self) -> None:
        self._store = None  # type: ignore[assignment]
