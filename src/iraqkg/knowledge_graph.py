"""One open knowledge graph for scripts and notebooks: loaded once, queried many times.

    import iraqkg
    kg = iraqkg.open()                       # the installed build (or ./ a clone's, built)
    rows = kg.question("pmf-members")        # a named query: rows as dicts
    rows.df()                                # a pandas DataFrame
    kg.query("ASK { id:badr-organization ikg:armedWingOf id:sciri }")   # True
    kg.explain("id:hadi-al-ameri", "ikg:affiliatedWith", "id:badr-organization")
    kg.entity("badr-organization")["label"]  # 'Badr Organization'

The store is loaded into memory when the handle is opened, so a query costs the engine's
time plus the conversion of its rows (bench/api_bench.py measures the overhead). The
project's prefixes (``id:``, ``ikg:``, ``skos:``...) are declared for every query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from .answers import answers_for_dataset
from .engines.errors import QueryRefused
from .engines.oxigraph_engine import load_store, syntax_error
from .engines.policy import check_query
from .engines.prologue import check_bindings, insert_values
from .engines.terms import to_rdflib
from .entities import EntityReader, entity_iri
from .errors import InputError
from .namespaces import PREFIXES
from .project import locate
from .queries import NamedQuery, load_named_queries
from .rows import Rows
from .settings import EndpointSettings

_PREFIX_ITEMS = tuple(PREFIXES.items())


class KnowledgeGraph:
    """A dataset loaded into an embedded pyoxigraph store, with the named queries."""

    def __init__(
        self,
        files: Sequence[Path],
        queries: Path | None = None,
        build_id: str | None = None,
        settings: EndpointSettings | None = None,
    ) -> None:
        self.settings = settings or EndpointSettings()
        self.files = [Path(f) for f in files]
        self.build_id = build_id
        self._store = load_store(self.settings, self.files)
        self._allowlist = tuple(self.settings.service_allowlist)
        self.questions: dict[str, NamedQuery] = load_named_queries(queries) if queries else {}
        self._entities = EntityReader(self._select_terms)
        self._search_index: Any = None  # built on the first search
        # The named queries' default answers the build kept, when this is a build's dataset.
        self._answers = answers_for_dataset(self.files)

    def __repr__(self) -> str:
        names = ", ".join(str(f) for f in self.files)
        return f"<KnowledgeGraph {self.build_id or names}: {len(self.questions)} named queries>"

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> Rows | bool:
        """Run a SPARQL query: Rows for SELECT (and CONSTRUCT / DESCRIBE, as subject,
        predicate, object rows with ``.graph()``), a bool for ASK. ``bindings``
        ({variable: IRI or literal}) are bound as the embedded engine binds them.

        Raises QuerySyntaxError (with line and column) or QueryRefused (an update, or a
        SERVICE outside the allowlist)."""
        check_query(sparql, self._allowlist, prefixes=_PREFIX_ITEMS)
        if bindings:  # as OxigraphEngine.query: a VALUES block of the validated terms
            try:
                sparql = insert_values(sparql, check_bindings(bindings).items())
            except ValueError as exc:
                raise QueryRefused(f"cannot bind parameters: {exc}", "bad_binding") from None
        try:
            return _rows(self._store.query(sparql, prefixes=PREFIXES))
        except SyntaxError as exc:
            raise syntax_error(exc, sparql) from None

    def question(self, name: str, **params: Any) -> Rows | bool:
        """Run the named query ``name`` with its parameters bound: strings are SPARQL terms
        (``org="id:badr-organization"``, ``date='"2021-11-07"'``); numbers, booleans, dates
        (``datetime.date(2021, 11, 7)`` is ``"2021-11-07"^^xsd:date``) are converted."""
        named = self.questions.get(name)
        if named is None:
            known = ", ".join(sorted(self.questions)) or "none"
            raise InputError(f"no named query {name!r} (known: {known})")
        bound = named.bind({k: _sparql_value(v) for k, v in params.items()})
        kept = self._answers.find(bound.text, bound.bindings) if self._answers else None
        if kept is not None:  # the build ran it already (iraqkg.answers)
            try:
                body = kept.body()
            except OSError:  # the build was pruned since: ask the store
                pass
            else:
                return _rows(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))
        return self.query(bound.text, bindings=bound.as_dict())

    def explain(self, subject: str | Node, predicate: str | Node, object: str | Node) -> dict:
        """How ``subject predicate object`` follows, down to the quoted statements, and when
        it held: the tree ``iraqkg explain`` prints (see ``iraqkg.explain``)."""
        from .explain import explain_triple

        if len(self.files) != 1:
            raise InputError("explanations need one build's dataset file")
        return explain_triple(self.files[0], subject, predicate, object)

    def entity(self, name: str) -> dict[str, Any] | None:
        """What the dataset says about an entity (``badr-organization``, ``id:...`` or an
        IRI): labels, types, statements with their sources and quotes, relations; the data
        of its page at ``/id/<name>``. None when the dataset does not know it."""
        return self._entities.summary(entity_iri(name))

    def search(
        self, text: str, limit: int = 10, types: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """Entities whose names match ``text`` (typos, variants, acronyms: ``iraqkg.search``),
        best first: IRI, id, label, types, description, the name that matched, how, and the
        score (0-100). ``types``: class IRIs or prefixed names (``ikg:Person``); subclasses
        count. The index is built on the first search and kept with the handle."""
        from .search import index_for_file
        from .search import search as find

        if self._search_index is None:
            self._search_index = index_for_file(*self.files)
        index = self._search_index
        wanted = [_expand(t) for t in types] if types else None
        return [hit.as_dict(index) for hit in find(index, text, types=wanted, limit=limit)]

    def _select_terms(self, sparql: str) -> list[dict[str, Node]]:
        """A SELECT's rows as rdflib terms, unbound variables left out (EntityReader's form)."""
        rows = self.query(sparql)
        assert isinstance(rows, Rows)
        return [
            {name: to_rdflib(term) for name, term in zip(rows.variables, row, strict=True) if term}
            for row in rows.oxigraph
        ]

    def close(self) -> None:
        self._store = None  # type: ignore[assignment]

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _rows(answer: Any) -> Rows | bool:
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        width = range(len(names))
        return Rows(names, [tuple(s[i] for i in width) for s in answer])
    triples = [(t.subject, t.predicate, t.object) for t in answer]
    return GraphRows(["subject", "predicate", "object"], triples)


class GraphRows(Rows):
    """The triples of a CONSTRUCT or DESCRIBE, as rows; ``.graph()`` gives an rdflib Graph."""

    def graph(self) -> Graph:
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        graph.addN((s, p, o, graph) for s, p, o in self.terms)  # type: ignore[misc]
        return graph


def _expand(name: str) -> str:
    prefix, sep, local = name.partition(":")
    return PREFIXES[prefix] + local if sep and prefix in PREFIXES else name


def _sparql_value(value: Any) -> str:
    """A Python value as a named query parameter (strings are taken as SPARQL terms)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return f'"{value.isoformat()}"^^xsd:dateTime'
    if isinstance(value, dt.date):
        return f'"{value.isoformat()}"^^xsd:date'
    return str(value)


def open_graph(
    path: str | Path | None = None, settings: EndpointSettings | None = None
) -> KnowledgeGraph:
    """Open a knowledge graph: ``path`` is a dataset file (.nq, .trig, ...), a build folder
    (with CURRENT), a build (with dataset.nq) or a clone / project folder (with ontology/ and
    data/: built first if needed); without one, the working directory's clone if it is
    one, else the installed package's build."""
    if path is None:
        project = locate()
        files, build_id = project.dataset_files()
        return KnowledgeGraph(files, project.queries, build_id, settings)
    path = Path(path)
    default_queries = locate().queries
    if path.is_file():
        return KnowledgeGraph([path], default_queries, None, settings)
    if (path / "dataset.nq").is_file():
        return KnowledgeGraph([path / "dataset.nq"], default_queries, path.name, settings)
    if (path / "CURRENT").is_file():
        from .build import read_build

        found = read_build(path)
        if found is None:
            raise InputError(f"{path}: CURRENT names no complete build")
        return KnowledgeGraph([found.dataset_file], default_queries, found.build_id, settings)
    if (path / "ontology").is_dir() and (path / "data").is_dir():
        project = locate(cwd=path)
        files, build_id = project.dataset_files()
        return KnowledgeGraph(files, project.queries, build_id, settings)
    raise InputError(
        f"{path}: not a dataset file, a build, a build folder or a folder with ontology/ and data/"
    )
