"""/ontology: the vocabulary page (HTML with an anchor per term, or JSON), from the served
dataset's ontology graph, each term with one example from the data.

The ontology graph comes by CONSTRUCT through the executor; examples by two grouped SELECTs
(the smallest subject of each property and its smallest object; the smallest member of each
class), so they are the same on every engine and every reload.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, url_for
from rdflib import RDF, Graph, Literal
from rdflib.term import Node

from iraqkg.explain import short
from iraqkg.namespaces import IKG, INFERRED_GRAPH, ONTOLOGY_GRAPH
from iraqkg.vocabulary import describe
from iraqkg.web.errors import ApiError
from iraqkg.web.pages import (
    HTML_OFFER,
    entity_path,
    error_page,
    html_response,
    json_response,
    negotiate,
    run_graph,
    run_select,
)
from iraqkg.web.search_index import per_build

bp = Blueprint("ontology", __name__)

_OFFERS = {"json": ("json", "application/json"), "html": HTML_OFFER}

_GRAPH = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"
# Examples from the data, not the ontology itself; asserted and provenance before inferred.
_PROPERTY_EXAMPLES = f"""SELECT ?p ?s (MIN(?o) AS ?example) WHERE {{
  {{ SELECT ?p (MIN(?s0) AS ?s) WHERE {{
       GRAPH ?g {{ ?s0 ?p ?o0 }}
       FILTER(STRSTARTS(STR(?p), "{IKG}") && ?g NOT IN (<{ONTOLOGY_GRAPH}>, <{INFERRED_GRAPH}>)
              && isIRI(?s0))
     }} GROUP BY ?p }}
  GRAPH ?h {{ ?s ?p ?o }} FILTER(?h != <{ONTOLOGY_GRAPH}>)
}} GROUP BY ?p ?s"""
_INFERRED_EXAMPLES = f"""SELECT ?p ?s (MIN(?o) AS ?example) WHERE {{
  {{ SELECT ?p (MIN(?s0) AS ?s) WHERE {{
       GRAPH <{INFERRED_GRAPH}> {{ ?s0 ?p ?o0 }} FILTER(STRSTARTS(STR(?p), "{IKG}") && isIRI(?s0))
     }} GROUP BY ?p }}
  GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}
}} GROUP BY ?p ?s"""
_CLASS_EXAMPLES = f"""SELECT ?c (MIN(?e) AS ?example) WHERE {{
  GRAPH ?g {{ ?e a ?c }}
  FILTER(STRSTARTS(STR(?c), "{IKG}") && ?g NOT IN (<{ONTOLOGY_GRAPH}>, <{INFERRED_GRAPH}>)
         && isIRI(?e))
}} GROUP BY ?c"""
_INFERRED_CLASS_EXAMPLES = f"""SELECT ?c (MIN(?e) AS ?example) WHERE {{
  GRAPH <{INFERRED_GRAPH}> {{ ?e a ?c }} FILTER(STRSTARTS(STR(?c), "{IKG}") && isIRI(?e))
}} GROUP BY ?c"""


def _term(node: Node) -> dict[str, Any]:
    if isinstance(node, Literal):
        text = str(node)
        return {"term": node.n3() if len(text) <= 120 else None, "value": text[:120]}
    return {"term": short(node), "iri": str(node), "href": entity_path(node)}


def _examples() -> tuple[dict[str, dict[str, Any]], dict[str, tuple[dict[str, Any], bool]]]:
    properties: dict[str, dict[str, Any]] = {}
    for query, inferred in ((_PROPERTY_EXAMPLES, False), (_INFERRED_EXAMPLES, True)):
        for row in run_select(query):
            p = str(row["p"])
            if p in properties or "example" not in row:
                continue
            properties[p] = {
                "subject": _term(row["s"]),
                "predicate": {"term": short(row["p"]), "iri": p},
                "object": _term(row["example"]),
                "inferred": inferred,
            }
    classes: dict[str, tuple[dict[str, Any], bool]] = {}
    for query, inferred in ((_CLASS_EXAMPLES, False), (_INFERRED_CLASS_EXAMPLES, True)):
        for row in run_select(query):
            if "example" in row and str(row["c"]) not in classes:
                classes[str(row["c"])] = (_term(row["example"]), inferred)
    return properties, classes


def vocabulary_data() -> dict[str, Any]:
    """The described ontology with examples, built once per served build."""
    return per_build("vocabulary", _describe)


def _describe() -> dict[str, Any]:
    reply = run_graph(_GRAPH, "application/n-triples")
    graph = Graph().parse(data=reply.body.decode("utf-8"), format="nt")
    if not len(graph):
        raise ApiError(
            501,
            "ontology_unavailable",
            f"the served dataset has no ontology graph <{ONTOLOGY_GRAPH}>",
        )
    found = describe(graph)
    properties, classes = _examples()
    for prop in found["properties"]:
        prop["example"] = properties.get(prop["iri"])
    for cls in found["classes"]:
        member = classes.get(cls["iri"])
        cls["example"] = (
            None
            if member is None
            else {
                "subject": member[0],
                "predicate": {"term": "a", "iri": str(RDF.type)},
                "object": {"term": cls["term"], "iri": cls["iri"], "href": None},
                "inferred": member[1],
            }
        )
    return found


@bp.get("/ontology")
def vocabulary() -> Response:
    wanted = negotiate(_OFFERS, default="json")
    try:
        data = vocabulary_data()
    except ApiError as error:
        if wanted == "html":
            return error_page(error)
        raise
    if wanted == "html":
        return html_response(
            "ontology.html", vocab=data, json_url=url_for("ontology.vocabulary", format="json")
        )
    return json_response(data)
