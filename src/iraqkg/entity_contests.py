"""What an entity page shows of disagreement: the contests naming the entity, with the
statements on both sides, and the relations from it that follow only through a contested
one (``iraqkg.contest``). Read by SPARQL through the caller's SELECT runner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rdflib import RDF, URIRef
from rdflib.term import Node

from iraqkg.explain import short
from iraqkg.namespaces import CONTESTED_GRAPH, IKG, PROVENANCE_GRAPH

Select = Callable[[str], list[dict[str, Node]]]
Ref = Callable[[Node, dict[Node, str]], dict[str, Any]]
_PREFIXES = f"PREFIX ikg: <{IKG}>\nPREFIX rdf: <{RDF}>\n"


def contest_rows(select: Select, iri: URIRef) -> list[dict[str, Node]]:
    return select(
        _PREFIXES
        + f"""SELECT ?c ?s ?p ?o ?side ?st ?status ?source ?paragraph ?quote WHERE {{
  GRAPH <{CONTESTED_GRAPH}> {{
    ?c a ikg:Contest ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
    FILTER(?s = <{iri}> || ?o = <{iri}>)
    {{ ?c ikg:supportedBy ?st BIND("for" AS ?side) }}
    UNION {{ ?c ikg:contradictedBy ?st BIND("against" AS ?side) }}
  }}
  GRAPH <{PROVENANCE_GRAPH}> {{
    ?st ikg:status ?status ; ikg:source ?source ; ikg:paragraph ?paragraph ; ikg:quote ?quote .
  }}
}}"""
    )


def through_rows(select: Select, iri: URIRef) -> list[dict[str, Node]]:
    return select(
        _PREFIXES
        + f"""SELECT ?p ?o ?rests WHERE {{
  GRAPH <{CONTESTED_GRAPH}> {{
    ?r a ikg:Inference ; rdf:subject <{iri}> ; rdf:predicate ?p ; rdf:object ?o ;
       ikg:restsOnContested ?rests .
  }}
}}"""
    )


def needed(contests: list[dict[str, Node]], through: list[dict[str, Node]]) -> set[Node]:
    """The terms whose labels the two lists show."""
    found: set[Node] = set()
    for row in contests:
        found.update((row["s"], row["p"], row["o"], row["source"]))
    for row in through:
        found.update((row["p"], row["o"]))
    return found


def shape_contests(rows, labels, ref: Ref, explain_link=None) -> list[dict[str, Any]]:
    found: dict[Node, dict[str, Any]] = {}
    for row in rows:
        contest = found.setdefault(
            row["c"],
            {
                "subject": ref(row["s"], labels),
                "predicate": ref(row["p"], labels),
                "object": ref(row["o"], labels),
                "explain": explain_link(row["s"], row["p"], row["o"]) if explain_link else None,
                "for": [],
                "against": [],
            },
        )
        contest[str(row["side"])].append(
            {
                "statement": short(row["st"]),
                "status": str(row["status"]).rsplit("#", 1)[-1],
                "source": ref(row["source"], labels),
                "paragraph": int(row["paragraph"]),
                "quote": str(row["quote"]),
            }
        )
    for contest in found.values():
        for side in ("for", "against"):
            contest[side].sort(key=lambda r: (r["source"]["term"], r["paragraph"]))
    return sorted(found.values(), key=lambda c: (c["predicate"]["label"], c["object"]["label"]))


def shape_through(iri, rows, labels, ref: Ref, explain_link=None) -> list[dict[str, Any]]:
    found: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        item = found.setdefault(
            (row["p"], row["o"]),
            {
                "predicate": ref(row["p"], labels),
                "object": ref(row["o"], labels),
                "explain": explain_link(iri, row["p"], row["o"]) if explain_link else None,
                "rests_on": [],
            },
        )
        item["rests_on"].append(short(row["rests"]))
    return sorted(found.values(), key=lambda r: (r["predicate"]["label"], r["object"]["label"]))
