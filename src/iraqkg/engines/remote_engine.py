"""A remote SPARQL 1.1 store: the dataset goes up by the Graph Store HTTP Protocol, queries
go to its query endpoint by the SPARQL 1.1 Protocol.

With ``remote_load=upload`` loading mirrors the dataset: the remote store must be dedicated
to it, since graphs it holds that the dataset does not are deleted. The union default graph
is materialised before upload (the remote default graph holds every triple), so any
standard store behaves like the embedded engines. Blank nodes shared between graphs are not
shared remotely: each graph is a separate upload.

With ``remote_load=verify`` the store's owner loaded it (Virtuoso's bulk loader, from
``iraqkg export virtuoso``) and may keep other graphs beside ours: nothing is written, each
of our graphs must hold the build's triple count, and a query naming no dataset is sent
ours explicitly (the union graph as default graph, our graphs as named graphs).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping, Sequence
from http.client import HTTPException
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from iraqkg.engines.errors import EngineUnavailable, QueryRefused, QuerySyntaxError, QueryTimeout
from iraqkg.engines.oxigraph_engine import load_store
from iraqkg.engines.policy import PREDEFINED, check_graph_iris, check_query, names_dataset
from iraqkg.engines.prologue import check_bindings, insert_values, prefix_line
from iraqkg.engines.result import QueryResult
from iraqkg.engines.services import route_services
from iraqkg.engines.syntax import summarise
from iraqkg.engines.terms import to_rdflib
from iraqkg.settings import EndpointSettings

_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_POSITION = re.compile(r"(\d+):(\d+)")
# Uploads can be large: allow more time than one query.
_UPLOAD_TIMEOUT = 300.0
# Seconds between checks that the store still holds its data.
_PROBE_INTERVAL = 5.0


def _lost(why: str) -> str:
    return f"the remote store has lost the dataset ({why}); restart iraqkg serve to upload it"


def graph_store_url(settings: EndpointSettings) -> str:
    """Where the Graph Store Protocol lives for ``settings.endpoint``."""
    if settings.graph_store:
        return settings.graph_store
    endpoint = (settings.endpoint or "").rstrip("/")
    for query_suffix, store_suffix in (("/query", "/store"), ("/sparql", "/data")):
        if endpoint.endswith(query_suffix):
            return endpoint[: -len(query_suffix)] + store_suffix
    raise EngineUnavailable(
        f"cannot guess the Graph Store URL of {settings.endpoint}: set graph_store"
    )


def _term(binding: dict) -> Node:
    kind = binding["type"]
    if kind == "uri":
        return URIRef(binding["value"])
    if kind == "bnode":
        return BNode(binding["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in binding:
            return Literal(binding["value"], lang=binding["xml:lang"])
        datatype = binding.get("datatype")
        if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
            return Literal(binding["value"], datatype=URIRef(datatype), normalize=False)
        return Literal(binding["value"])
    raise QueryRefused(f"the remote store returned an unsupported term type {kind!r}")


class RemoteEngine:
    """Queries answered by a remote SPARQL 1.1 endpoint (``settings.endpoint``)."""

    name = "remote"

    def __init__(
        self,
        settings: EndpointSettings,
        files: Sequence[Path],
        expected: int | None = None,
        graphs: Sequence[str] = (),
    ) -> None:
        """``expected``: the default graph's triple count after the upload (a worker that
        finds another number refuses to start: the store lost or changed its data).
        ``graphs``: with remote_load=verify and no ``files``, the dataset's named graphs."""
        if not settings.endpoint:
            raise EngineUnavailable("engine=remote needs endpoint=URL")
        self._endpoint = settings.endpoint
        self._allowlist = tuple(settings.service_allowlist)
        self._max_depth = settings.max_query_depth
        self._routes = tuple(settings.service_rewrite)
        self._timeout = settings.query_timeout
        self._timeout_param = settings.remote_timeout_param
        self._timeout_scale = 1000 if settings.remote_timeout_unit == "ms" else 1
        self._sentinel: str | None = None
        self._probed = 0.0
        self._dataset: list[tuple[str, str]] = []  # sent with queries that name no dataset
        local = load_store(settings, files) if files else None
        if settings.remote_load == "verify":
            ours = [g.value for g in local.named_graphs()] if local is not None else list(graphs)
            self._dataset = [("default-graph-uri", settings.remote_union_graph)]
            self._dataset += [("named-graph-uri", g) for g in sorted(ours)]
        elif local is not None:
            self._upload(local, graph_store_url(settings))
        self._counts = self._count()
        if settings.remote_load == "verify" and local is not None:
            self._verify(local)
        if expected is not None and self._counts["default"] != expected:
            raise EngineUnavailable(
                _lost(f"it holds {self._counts['default']} triples, not {expected}")
            )
        self._sentinel = self._pick_sentinel()

    def _verify(self, local: ox.Store) -> None:
        """EngineUnavailable unless every graph of ours holds the build's triple count."""
        graphs: list[ox.NamedNode | ox.DefaultGraph] = [*local.named_graphs(), ox.DefaultGraph()]
        wanted = {
            getattr(g, "value", "default"): sum(
                1 for _ in local.quads_for_pattern(None, None, None, g)
            )
            for g in graphs
        }
        wrong = [f"{g}: {self._counts.get(g, 0)} triples, the build has {n}"
                 for g, n in sorted(wanted.items()) if self._counts.get(g, 0) != n]  # fmt: skip
        if wrong:
            raise EngineUnavailable(
                "the remote store does not hold this build (remote_load=verify; reload it from "
                "`iraqkg export virtuoso`): " + "; ".join(wrong)
            )

    def graphs(self) -> tuple[str, ...]:
        """The dataset's named graphs as this engine sends them (remote_load=verify)."""
        return tuple(v for k, v in self._dataset if k == "named-graph-uri")

    def _pick_sentinel(self) -> str | None:
        """An ASK for one triple the store holds now: asked again from time to time, a
        false answer means the store lost its data (e.g. an in-memory store restarted)."""
        rows = self.query(
            "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } LIMIT 1"
        ).rows
        if not rows:
            return None
        terms = " ".join(t.n3() for t in rows[0])  # type: ignore[union-attr]
        return f"ASK {{ {terms} }}"

    def check_data(self) -> None:
        """EngineUnavailable when the store no longer holds the sentinel triple."""
        if self._sentinel is None:
            return
        self._probed = time.monotonic()
        sentinel, self._sentinel = self._sentinel, None  # not probed from inside the probe
        try:
            held = self.query(sentinel).boolean
        finally:
            self._sentinel = sentinel
        if not held:
            raise EngineUnavailable(_lost("a triple it held at start-up is gone"))

    def _send(self, request: Request, timeout: float) -> tuple[bytes, str]:
        try:
            with urlopen(request, timeout=timeout) as response:
                if response.headers.get("X-SQL-State") == "S1TAT":
                    # Virtuoso's "anytime" answer: partial results at its time limit.
                    raise QueryTimeout(
                        f"remote store stopped the query at its time limit ({timeout:g} s) "
                        "and offered partial results, which are not served"
                    )
                return response.read(), response.headers.get("Content-Type", "")
        except HTTPError as exc:
            text = exc.read().decode("utf-8", "replace").strip()
            if exc.code == 400:
                found = _POSITION.search(text)
                line, column = (int(found[1]), int(found[2])) if found else (None, None)
                raise QuerySyntaxError(f"remote store: {text}", line, column) from None
            raise EngineUnavailable(f"remote store answered {exc.code}: {text[:500]}") from None
        except TimeoutError:  # urllib has closed the connection: the store sees it go
            raise QueryTimeout(f"remote store did not answer within {timeout:g} s") from None
        except URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise QueryTimeout(f"remote store did not answer within {timeout:g} s") from None
            raise EngineUnavailable(f"remote store unreachable: {exc.reason}") from None
        except (HTTPException, OSError) as exc:  # the store went away mid-answer
            raise EngineUnavailable(f"remote store connection lost: {exc!r}") from None

    def _upload(self, store: ox.Store, url: str) -> None:
        """Make the remote dataset exactly ours: PUT every graph, DELETE any other graph."""
        ours = {g.value for g in store.named_graphs()}
        theirs = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        for (name,) in theirs:
            if str(name) not in ours:
                stale = Request(f"{url}?{urlencode({'graph': str(name)})}", method="DELETE")
                self._send(stale, _UPLOAD_TIMEOUT)
        graphs: list[tuple[str, ox.DefaultGraph | ox.NamedNode]] = [("default", ox.DefaultGraph())]
        graphs += [(urlencode({"graph": g.value}), g) for g in store.named_graphs()]
        for selector, graph in graphs:
            body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            request = Request(
                f"{url}?{selector}",
                data=body,
                method="PUT",
                headers={"Content-Type": _NTRIPLES},
            )
            self._send(request, _UPLOAD_TIMEOUT)

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
        kind = check_query(
            query,
            self._allowlist,
            prefixes=PREDEFINED,
            base_iri=base_iri,
            max_depth=self._max_depth,
        ).kind
        if self._sentinel is not None and time.monotonic() - self._probed > _PROBE_INTERVAL:
            self.check_data()  # never 200 with empty answers from an emptied store
        check_graph_iris(default_graph_uris, named_graph_uris)
        original = query
        if bindings:  # the protocol has no bindings: a VALUES block of validated terms
            try:
                query = insert_values(query, check_bindings(bindings).items())
            except ValueError as exc:
                raise QueryRefused(f"cannot bind parameters: {exc}", "bad_binding") from None
        query = route_services(query, self._routes)  # after the allowlist check
        # The protocol has no base or prefixes parameter either: one line says both.
        prologue = (f"BASE <{base_iri}> " if base_iri else "") + prefix_line(query)
        added = 1 if prologue else 0
        if prologue:
            query = prologue.rstrip("\n") + "\n" + query
        params = [("query", query)]
        if self._timeout_param:  # so the store stops too (Fuseki: seconds; Virtuoso: ms)
            params.append((self._timeout_param, f"{self._timeout * self._timeout_scale:g}"))
        params += [("default-graph-uri", uri) for uri in default_graph_uris]
        params += [("named-graph-uri", uri) for uri in named_graph_uris]
        if self._dataset and not (default_graph_uris or named_graph_uris or names_dataset(query)):
            params += self._dataset
        accept = {"graph": _NTRIPLES, None: f"{_RESULTS_JSON}, {_NTRIPLES};q=0.9"}.get(
            kind, _RESULTS_JSON
        )
        request = Request(
            self._endpoint,
            data=urlencode(params).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        try:
            body, content_type = self._send(request, self._timeout)
        except QuerySyntaxError as exc:
            line = exc.line - added if exc.line else None  # the client's line, not ours
            message, line, column = summarise(original, exc.message, line, exc.column)
            raise QuerySyntaxError(message, line, column, exc.message) from None
        if content_type.startswith(_NTRIPLES):
            quads = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
            triples = ((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
                       for q in quads)  # fmt: skip
            return QueryResult.from_triples(triples, max_rows)  # type: ignore[arg-type]
        if not content_type.startswith((_RESULTS_JSON, "application/json")):
            raise EngineUnavailable(f"remote store answered an unexpected {content_type!r}")
        try:
            doc = json.loads(body)
        except ValueError:  # cut short: the store died while answering
            raise EngineUnavailable("remote store sent an incomplete or malformed answer") from None
        if "boolean" in doc:
            return QueryResult.from_boolean(doc["boolean"])
        names = doc["head"].get("vars", [])
        if kind == "ask" and names == ["__ASK_RETVAL"]:  # Virtuoso 7 answers ASK as a row
            (row,) = doc["results"]["bindings"] or [{"__ASK_RETVAL": {"value": "0"}}]
            return QueryResult.from_boolean(row["__ASK_RETVAL"]["value"] not in ("0", "false"))
        rows = (
            tuple(_term(b[v]) if v in b else None for v in names)
            for b in doc["results"]["bindings"]
        )
        return QueryResult.from_rows(names, rows, max_rows)

    def _count(self) -> dict[str, int]:
        named = self.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        counts = {str(g): int(n) for g, n in named.rows}  # type: ignore[call-overload]
        total = self.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
        counts["default"] = int(total.rows[0][0])  # type: ignore[call-overload]
        return counts

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def close(self) -> None:
        """Nothing to release: every request opens its own connection."""
