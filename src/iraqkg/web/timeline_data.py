"""What the timeline says, read by SPARQL through the executor: events, dates, roles, sources.

Four SELECTs: the events with their types and sortable bounds, the statements naming
their participants (with status: an alleged perpetrator is shown as alleged), the
statements dating them (source, paragraph, quote), and the order relations between events.
Filtering and sorting follow ``iraqkg.timeline``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from iraqkg import periods
from iraqkg.explain import short
from iraqkg.namespaces import ASSERTED_GRAPH, IKG, INFERRED_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH
from iraqkg.timeline import arrange, in_period
from iraqkg.web.entity_data import READER
from iraqkg.web.pages import run_select

ref = READER.ref

_PREFIXES = (
    f"PREFIX ikg: <{IKG}>\nPREFIX skos: <{SKOS}>\nPREFIX rdfs: <{RDFS}>\nPREFIX rdf: <{RDF}>\n"
)
_DATES = (IKG.date, IKG.startDate, IKG.endDate)
_ORDER = {
    IKG.inResponseTo: "in response to",
    IKG.resultedIn: "resulted in",
    IKG.partOfEvent: "part of",
}


def _events() -> list[dict[str, Node]]:
    return run_select(
        _PREFIXES
        + f"""SELECT ?e ?label ?type ?earliest ?latest ?precision WHERE {{
  GRAPH ?t {{ ?e a ?type }} FILTER(?t IN (<{ASSERTED_GRAPH}>, <{INFERRED_GRAPH}>))
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?type rdfs:subClassOf* ikg:Event }}
  GRAPH <{ASSERTED_GRAPH}> {{ ?e skos:prefLabel ?label }}
  OPTIONAL {{ GRAPH <{ASSERTED_GRAPH}> {{ ?e ikg:earliest ?earliest }} }}
  OPTIONAL {{ GRAPH <{ASSERTED_GRAPH}> {{ ?e ikg:latest ?latest }} }}
  OPTIONAL {{ GRAPH <{ASSERTED_GRAPH}> {{ ?e ikg:datePrecision ?precision }} }}
}}"""
    )


def _statements() -> list[dict[str, Node]]:
    """Statements whose subject is an event: roles, places, dates (any status)."""
    return run_select(
        _PREFIXES
        + f"""SELECT ?st ?e ?p ?o ?status ?source ?paragraph ?quote WHERE {{
  GRAPH ?t {{ ?e a ikg:Event }} FILTER(?t IN (<{ASSERTED_GRAPH}>, <{INFERRED_GRAPH}>))
  GRAPH <{PROVENANCE_GRAPH}> {{
    ?st a ikg:Statement ; ikg:subject ?e ; ikg:predicate ?p ; ikg:object ?o ;
        ikg:status ?status ; ikg:source ?source ; ikg:paragraph ?paragraph ; ikg:quote ?quote .
    FILTER NOT EXISTS {{ ?st ikg:negated true }}
  }}
}}"""
    )


def _labels() -> dict[Node, str]:
    rows = run_select(
        _PREFIXES
        + """SELECT ?x ?l WHERE { { GRAPH ?g { ?x skos:prefLabel ?l } }
  UNION { GRAPH ?g { ?x rdfs:label ?l } FILTER(LANG(?l) IN ("en", "")) } }"""
    )
    labels: dict[Node, str] = {}
    for row in rows:
        labels.setdefault(row["x"], str(row["l"]))
    return labels


def _day(node: Node | None) -> date | None:
    return node.toPython() if isinstance(node, Literal) else None


def _specific(types: set[Node], parents: dict[Node, set[Node]]) -> list[Node]:
    """The most specific of an event's types (none is a superclass of another)."""
    broader = {p for t in types for p in parents.get(t, ()) if p != t}
    return sorted((t for t in types if t not in broader), key=str)


def _parents() -> dict[Node, set[Node]]:
    rows = run_select(
        _PREFIXES
        + f"""SELECT ?c ?p WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{
  ?c rdfs:subClassOf+ ?p . ?p rdfs:subClassOf* ikg:Event }} }}"""
    )
    found: dict[Node, set[Node]] = defaultdict(set)
    for row in rows:
        found[row["c"]].add(row["p"])
    return found


def timeline(
    actor: URIRef | None = None,
    kind: URIRef | None = None,
    period: periods.Period | None = None,
) -> dict[str, Any]:
    """The timeline as JSON-ready data: {"events", "undated", "types"} (see module doc)."""
    labels, parents = _labels(), _parents()
    events: dict[Node, dict[str, Any]] = {}
    types: dict[Node, set[Node]] = defaultdict(set)
    for row in _events():
        types[row["e"]].add(row["type"])
        events.setdefault(
            row["e"],
            {
                "iri": row["e"],
                "label": str(row["label"]),
                "earliest": _day(row.get("earliest")),
                "latest": _day(row.get("latest")),
                "precision": str(row["precision"]) if row.get("precision") else None,
                "roles": [],
                "dates": [],
                "order": [],
                "actors": set(),
            },
        )
    for row in _statements():
        event = events.get(row["e"])
        if event is None:
            continue
        cite = {
            "statement": short(row["st"]),
            "status": str(row["status"]).rsplit("#", 1)[-1],
            "source": ref(row["source"], labels),
            "paragraph": int(row["paragraph"]),
            "quote": str(row["quote"]),
        }
        p, o = row["p"], row["o"]
        if p in _DATES and isinstance(o, Literal):
            event["dates"].append({**cite, "kind": labels.get(p, short(p)), "as_stated": str(o)})
        elif p in _ORDER and isinstance(o, URIRef):
            event["order"].append({**cite, "relation": _ORDER[p], "event": ref(o, labels)})
        elif isinstance(o, URIRef) and (cite["status"] == "Reported" or p == IKG.perpetrator):
            event["roles"].append({**cite, "role": ref(p, labels), "actor": ref(o, labels)})
            event["actors"].add(o)
    chosen = []
    for iri, event in events.items():
        if actor is not None and actor not in event["actors"]:
            continue
        if kind is not None and kind not in types[iri]:
            continue
        if not in_period(event["earliest"], event["latest"], period):
            continue
        if period is not None and not (event["earliest"] or event["latest"]):
            continue  # an undated event cannot be placed in a period
        chosen.append(event)
    dated, undated = arrange(chosen)
    shaped = [_shape(e, types[e["iri"]], parents, labels) for e in dated]
    apart = [_shape(e, types[e["iri"]], parents, labels) for e in undated]
    present = sorted(
        {t for e in events for t in _specific(types[e], parents)},
        key=lambda t: labels.get(t, str(t)).lower(),
    )
    return {
        "events": shaped,
        "undated": apart,
        "types": [ref(t, labels) for t in present],
    }


def _shape(event: dict, types: set[Node], parents: dict, labels: dict) -> dict[str, Any]:
    # One line per role, actor and status; every statement saying it cited on that line.
    grouped: dict[tuple, dict[str, Any]] = {}
    for r in event["roles"]:
        key = (r["role"]["term"], r["actor"]["term"], r["status"])
        line = grouped.setdefault(
            key, {"role": r["role"], "actor": r["actor"], "status": r["status"], "sources": []}
        )
        line["sources"].append({k: r[k] for k in ("statement", "source", "paragraph", "quote")})
    roles = sorted(grouped.values(), key=lambda r: (r["role"]["label"], r["actor"]["label"]))
    for line in roles:
        line["sources"].sort(key=lambda c: (c["source"]["term"], c["paragraph"]))
    return {
        **ref(event["iri"], labels),
        "types": [ref(t, labels) for t in _specific(types, parents)],
        "earliest": event["earliest"].isoformat() if event["earliest"] else None,
        "latest": event["latest"].isoformat() if event["latest"] else None,
        "precision": event["precision"],
        "when": sorted({d["as_stated"] for d in event["dates"]}),
        "dates": sorted(event["dates"], key=lambda d: (d["source"]["term"], d["paragraph"])),
        "roles": roles,
        "order": event["order"],
    }
