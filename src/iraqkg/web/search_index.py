"""The served dataset's search index, built on first use and kept for the app's life.

Cached per served build: a server that swaps builds (``info["build_id"]``) gets a new
index. The triples it needs (labels, descriptions, types, the class hierarchy and the links between
entities) come from one CONSTRUCT through the executor, so it works on every engine
(embedded, worker pool, remote) and over whatever files are served.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from rdflib import RDF, RDFS, Graph
from rdflib.namespace import SKOS

from iraqkg.namespaces import ID, IKG
from iraqkg.search import SearchIndex
from iraqkg.web.pages import run_graph
from iraqkg.web.state import current_state

_KEY = "iraqkg.search"
_LOCK = threading.RLock()  # re-entrant: the home counts need the index
T = TypeVar("T")
_PREDICATES = (
    RDF.type,
    SKOS.prefLabel,
    SKOS.altLabel,
    IKG.description,
    RDFS.subClassOf,
    RDFS.label,
)
QUERY = f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }}
  FILTER(?p IN ({", ".join(f"<{p}>" for p in _PREDICATES)})
         || (isIRI(?o) && STRSTARTS(STR(?s), "{ID}") && STRSTARTS(STR(?o), "{ID}")))
}}"""


def per_build(name: str, make: Callable[[], T]) -> T:
    """``make()``'s value, computed once per served build (``info["build_id"]``) and app, by
    one thread while the others wait: the index, the home page's counts, the vocabulary."""
    build = current_state().info.get("build_id")
    cache = current_app.extensions.setdefault(_KEY, {})
    found = cache.get(name)
    if found is not None and found[0] == build:
        return found[1]
    with _LOCK:
        found = cache.get(name)
        if found is None or found[0] != build:
            found = (build, make())
            cache[name] = found
    return found[1]


def _build_index() -> SearchIndex:
    reply = run_graph(QUERY, "application/n-triples")
    graph = Graph().parse(data=reply.body.decode("utf-8"), format="nt")
    return SearchIndex.from_graph(graph)


def current_index() -> SearchIndex:
    """The index of the dataset this app serves."""
    return per_build("index", _build_index)
