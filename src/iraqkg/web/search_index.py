"""The served dataset's search index, built on first use and kept for the app's life.

The triples it needs (labels, descriptions, types, the class hierarchy and the links between
entities) come from one CONSTRUCT through the executor, so it works on every engine
(embedded, worker pool, remote) and over whatever files are served.
"""

from __future__ import annotations

import threading

from flask import current_app
from rdflib import RDF, RDFS, Graph
from rdflib.namespace import SKOS

from iraqkg.namespaces import ID, IKG
from iraqkg.search import SearchIndex
from iraqkg.web.pages import run_graph

_KEY = "iraqkg.search"
_LOCK = threading.Lock()
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


def current_index() -> SearchIndex:
    """The index of the dataset this app serves (built once, by one thread)."""
    found = current_app.extensions.get(_KEY)
    if found is not None:
        return found
    with _LOCK:
        found = current_app.extensions.get(_KEY)
        if found is None:
            reply = run_graph(QUERY, "application/n-triples")
            graph = Graph().parse(data=reply.body.decode("utf-8"), format="nt")
            found = SearchIndex.from_graph(graph)
            current_app.extensions[_KEY] = found
    return found
