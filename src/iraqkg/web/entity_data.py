"""What an entity page says, read by SPARQL through the executor: a JSON-ready summary.

Four SELECTs (its own triples, the statement records naming it, labels, and — only when the
first two are empty — whether anything points to it) and one CONSTRUCT for the RDF twin.
The IRI is built from a checked slug (``pages.is_slug``), so it is safe inside ``<...>``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from iraqkg.explain import short
from iraqkg.namespaces import (
    ASSERTED_GRAPH,
    CONTESTED_GRAPH,
    ID,
    IKG,
    INFERRED_GRAPH,
    PROVENANCE_GRAPH,
    WD,
)
from iraqkg.web.pages import entity_path, explain_path, run_graph, run_select
from iraqkg.web.tasks import Reply

STATUSES = ("Reported", "Alleged", "Claimed", "Denied", "Disputed")
# The roles in which a statement record names an entity, in page order.
ROLES = {
    IKG.subject: "subject",
    IKG.object: "object",
    IKG.accordingTo: "according_to",
    IKG.source: "source",
}
_PREFIXES = f"""PREFIX ikg: <{IKG}>
PREFIX skos: <{SKOS}>
PREFIX rdfs: <{RDFS}>
"""
# Description predicates shown in their own places, not as details.
_DESCRIPTION = {SKOS.prefLabel, SKOS.altLabel, IKG.description, IKG.wikidataEvidence}
_QUALIFIERS = {
    IKG.source: "source",
    IKG.paragraph: "paragraph",
    IKG.quote: "quote",
    IKG.start: "start",
    IKG.end: "end",
    IKG.pointInTime: "point_in_time",
    IKG.note: "note",
    IKG.negated: "negated",
    IKG.ended: "ended",
    IKG.contested: "contested",
}


def _own_triples(iri: URIRef) -> list[dict[str, Node]]:
    return run_select(f"SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")


def _records(iri: URIRef) -> list[dict[str, Node]]:
    roles = ", ".join(f"<{r}>" for r in ROLES)
    return run_select(
        _PREFIXES
        + f"""SELECT ?st ?role ?s ?p ?o ?status ?q ?v WHERE {{
  GRAPH <{PROVENANCE_GRAPH}> {{
    ?st ?role <{iri}> . FILTER(?role IN ({roles}))
    ?st a ikg:Statement ; ikg:subject ?s ; ikg:predicate ?p ; ikg:object ?o ;
        ikg:status ?status .
    OPTIONAL {{ ?st ?q ?v . FILTER(?q IN ({", ".join(f"<{q}>" for q in _QUALIFIERS)},
                                         ikg:accordingTo)) }}
  }}
}}"""
    )


def _contests(iri: URIRef) -> list[dict[str, Node]]:
    """Contests naming the entity (either end), with the statements on both sides."""
    return run_select(
        _PREFIXES
        + f"""PREFIX rdf: <{RDF}>
SELECT ?c ?s ?p ?o ?side ?st ?status ?source ?paragraph ?quote WHERE {{
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


def _contested_inferred(iri: URIRef) -> list[dict[str, Node]]:
    """Relations from the entity that follow only through a contested one."""
    return run_select(
        _PREFIXES
        + f"""PREFIX rdf: <{RDF}>
SELECT ?p ?o ?rests WHERE {{
  GRAPH <{CONTESTED_GRAPH}> {{
    ?r a ikg:Inference ; rdf:subject <{iri}> ; rdf:predicate ?p ; rdf:object ?o ;
       ikg:restsOnContested ?rests .
  }}
}}"""
    )


def _shape_contests(rows: list[dict[str, Node]], labels: dict[Node, str]) -> list[dict[str, Any]]:
    found: dict[Node, dict[str, Any]] = {}
    for row in rows:
        contest = found.setdefault(
            row["c"],
            {
                "subject": ref(row["s"], labels),
                "predicate": ref(row["p"], labels),
                "object": ref(row["o"], labels),
                "explain": explain_path(row["s"], row["p"], row["o"]),
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


def _is_pointed_to(iri: URIRef) -> bool:
    return bool(run_select(f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} }} LIMIT 1"))


def _labels(iris: set[Node]) -> dict[Node, str]:
    wanted = " ".join(f"<{i}>" for i in sorted(iris) if isinstance(i, URIRef))
    if not wanted:
        return {}
    rows = run_select(
        _PREFIXES
        + f"""SELECT ?x ?l ?rank WHERE {{
  VALUES ?x {{ {wanted} }}
  {{ GRAPH ?g {{ ?x skos:prefLabel ?l }} BIND(0 AS ?rank) }}
  UNION {{ GRAPH ?g {{ ?x rdfs:label ?l }} BIND(1 AS ?rank) }}
}}"""
    )
    # A preferred label beats rdfs:label; English or untagged beats other languages.
    ranked = sorted(
        rows, key=lambda r: (int(r["rank"]), getattr(r["l"], "language", None) not in (None, "en"))
    )
    labels: dict[Node, str] = {}
    for row in ranked:
        labels.setdefault(row["x"], str(row["l"]))
    return labels


def ref(node: Node, labels: dict[Node, str]) -> dict[str, Any]:
    """A term for the page: label, short name and, for ``id:`` entities, our page's path."""
    if isinstance(node, Literal):
        found = {"term": node.n3(), "value": str(node)}
        if node.datatype is not None:
            found["datatype"] = short(node.datatype)
        return found
    return {
        "term": short(node),
        "iri": str(node),
        "label": labels.get(node, short(node)),
        "href": entity_path(node),
    }


def entity_summary(iri: URIRef) -> dict[str, Any] | None:
    """The page's content as JSON-ready data, or None when the dataset does not know ``iri``."""
    own = _own_triples(iri)
    rows = _records(iri)
    if not own and not rows and not _is_pointed_to(iri):
        return None
    records = _gather_records(rows)
    contest_rows, through = _contests(iri), _contested_inferred(iri)
    needed: set[Node] = {iri}
    for row in contest_rows:
        needed.update((row["s"], row["p"], row["o"], row["source"]))
    for row in through:
        needed.update((row["p"], row["o"]))
    for row in own:
        needed.update((row["p"], row["o"]))
    for record in records.values():
        needed.update(record["nodes"])
    labels = _labels(needed)

    alt = sorted({str(r["o"]) for r in own if r["p"] == SKOS.altLabel})
    descriptions = [str(r["o"]) for r in own if r["p"] == IKG.description]
    # Plain triples derived from a Reported statement shown above are not repeated.
    stated = {
        r["spo"][1:]
        for r in records.values()
        if "subject" in r["roles"] and r["status"] == IKG.Reported
    }
    types = _types(own, labels)
    details, relations, inferred = [], [], []
    for row in sorted(own, key=lambda r: (labels.get(r["p"], str(r["p"])), str(r["o"]))):
        p, o, graph = row["p"], row["o"], row["g"]
        if p in _DESCRIPTION or p == RDF.type or (graph != INFERRED_GRAPH and (p, o) in stated):
            continue
        if isinstance(o, Literal):
            if graph != INFERRED_GRAPH:  # inferred literals restate others (rdfs:comment)
                details.append({"predicate": ref(p, labels), "value": str(o)})
        elif p == SKOS.exactMatch:
            continue
        elif graph == INFERRED_GRAPH:
            inferred.append({"predicate": ref(p, labels), "object": ref(o, labels), "valid": None})
            inferred[-1]["explain"] = explain_path(iri, p, o)
        elif graph == ASSERTED_GRAPH:
            relations.append({"predicate": ref(p, labels), "object": ref(o, labels)})
            relations[-1]["explain"] = explain_path(iri, p, o)
    return {
        "iri": str(iri),
        "term": short(iri),
        "label": labels.get(iri, short(iri)),
        "alt_labels": alt,
        "description": descriptions[0] if descriptions else None,
        "types": types,
        "wikidata": _wikidata(own),
        "details": details,
        "statements": _shape_records(records, labels),
        "relations": relations,
        "inferred": inferred,
        "contests": _shape_contests(contest_rows, labels),
        "contested_inferred": _shape_through(iri, through, labels),
    }


def _shape_through(
    iri: URIRef, rows: list[dict[str, Node]], labels: dict[Node, str]
) -> list[dict[str, Any]]:
    found: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = (row["p"], row["o"])
        item = found.setdefault(
            key,
            {
                "predicate": ref(row["p"], labels),
                "object": ref(row["o"], labels),
                "explain": explain_path(iri, row["p"], row["o"]),
                "rests_on": [],
            },
        )
        item["rests_on"].append(short(row["rests"]))
    return sorted(found.values(), key=lambda r: (r["predicate"]["label"], r["object"]["label"]))


def _types(own: list[dict[str, Node]], labels: dict[Node, str]) -> list[dict[str, Any]]:
    found: dict[Node, bool] = {}
    for row in own:
        if row["p"] == RDF.type:
            inferred = row["g"] == INFERRED_GRAPH
            found[row["o"]] = found.get(row["o"], True) and inferred
    return sorted(
        ({**ref(t, labels), "inferred": inferred} for t, inferred in found.items()),
        key=lambda t: (t["inferred"], t["label"].lower()),
    )


def _wikidata(own: list[dict[str, Node]]) -> list[dict[str, str]]:
    found = []
    for row in own:
        if row["p"] == SKOS.exactMatch and str(row["o"]).startswith(str(WD)):
            qid = str(row["o"])[len(str(WD)) :]
            # Link the human page; the IRI itself is never fetched by this server.
            found.append(
                {"iri": str(row["o"]), "id": qid, "url": f"https://www.wikidata.org/wiki/{qid}"}
            )
    return sorted(found, key=lambda w: w["id"])


def _gather_records(rows: list[dict[str, Node]]) -> dict[Node, dict[str, Any]]:
    """One dict per statement record from the SELECT's rows (one row per qualifier)."""
    records: dict[Node, dict[str, Any]] = {}
    for row in rows:
        record = records.setdefault(
            row["st"],
            {
                "iri": row["st"],
                "roles": set(),
                "spo": (row["s"], row["p"], row["o"]),
                "status": row["status"],
                "according_to": set(),
                "nodes": {row["s"], row["p"], row["o"]},
            },
        )
        record["roles"].add(ROLES[row["role"]])  # type: ignore[index]
        q, v = row.get("q"), row.get("v")
        if q == IKG.accordingTo:
            record["according_to"].add(v)
            record["nodes"].add(v)
        elif q is not None:
            record[_QUALIFIERS[q]] = v  # type: ignore[index]
            if q == IKG.source:
                record["nodes"].add(v)
    return records


def _shape_records(
    records: dict[Node, dict[str, Any]], labels: dict[Node, str]
) -> list[dict[str, Any]]:
    shaped = []
    for record in records.values():
        s, p, o = record["spo"]
        status = str(record["status"]).rsplit("#", 1)[-1]
        item: dict[str, Any] = {
            "statement": short(record["iri"]),
            "iri": str(record["iri"]),
            "roles": [r for r in ROLES.values() if r in record["roles"]],
            "subject": ref(s, labels),
            "predicate": ref(p, labels),
            "object": ref(o, labels),
            "status": status,
            "according_to": sorted(
                (ref(a, labels) for a in record["according_to"]), key=lambda a: a["label"]
            ),
            "source": ref(record["source"], labels) if "source" in record else None,
            "paragraph": int(record["paragraph"]) if "paragraph" in record else None,
            "quote": str(record["quote"]) if "quote" in record else None,
        }
        for key in ("start", "end", "point_in_time", "note"):
            if key in record:
                item[key] = str(record[key])
        for key in ("negated", "ended", "contested"):
            if key in record:
                item[key] = bool(record[key].toPython())
        shaped.append(item)
    order = {status: i for i, status in enumerate(STATUSES)}
    shaped.sort(
        key=lambda r: (
            r["predicate"]["label"].lower(),
            order.get(r["status"], len(order)),
            r["subject"].get("label", r["subject"]["term"]).lower(),
            r["object"].get("label", r["object"]["term"]).lower(),
            r["source"]["term"] if r["source"] else "",
            r["paragraph"] or 0,
        )
    )
    return shaped


def sections(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The HTML page's statement sections: as subject and as object grouped by relation,
    then what it says (according to it) and, for a document, what was read from it."""
    label = summary["label"]
    found = []
    for role, title in (
        ("subject", f"{label}, according to the sources"),
        ("object", f"Others in relation to {label}"),
        ("according_to", f"Statements made according to {label}"),
        ("source", "Statements read from this document"),
    ):
        chosen = [r for r in summary["statements"] if _main_role(r) == role]
        if not chosen:
            continue
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        if role in ("subject", "object"):
            for record in chosen:
                groups[record["predicate"]["label"]].append(record)
        else:
            key = "paragraph" if role == "source" else "statement"
            groups[""] = sorted(chosen, key=lambda r: (r[key] or 0, r["statement"]))
        found.append({"role": role, "title": title, "groups": list(groups.items())})
    return found


def _main_role(record: dict[str, Any]) -> str:
    return record["roles"][0]  # ROLES order: subject, object, according_to, source


def rdf_twin(iri: URIRef, media_type: str) -> Reply:
    """The entity as RDF: its triples (every graph), triples in the asserted and inferred
    graphs pointing to it, and the statement records naming it in any role."""
    roles = ", ".join(f"<{r}>" for r in ROLES)
    query = (
        _PREFIXES
        + f"""CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> . ?st ?sp ?so . }} WHERE {{
  {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}
  UNION {{ GRAPH ?g {{ ?s ?q <{iri}> }} FILTER(?g IN (<{ASSERTED_GRAPH}>, <{INFERRED_GRAPH}>)) }}
  UNION {{ GRAPH <{PROVENANCE_GRAPH}> {{
    ?st ?role <{iri}> ; a ikg:Statement ; ?sp ?so . FILTER(?role IN ({roles})) }} }}
}}"""
    )
    return run_graph(query, media_type)


def entity_index() -> list[dict[str, Any]]:
    """Every ``id:`` entity with a label, grouped by its asserted types: [{type, entities}]."""
    rows = run_select(
        _PREFIXES
        + f"""SELECT DISTINCT ?e ?label ?type WHERE {{
  GRAPH ?g {{ ?e skos:prefLabel ?label ; a ?type }}
  FILTER(?g IN (<{ASSERTED_GRAPH}>, <{PROVENANCE_GRAPH}>) && STRSTARTS(STR(?e), "{ID}"))
}}"""
    )
    labels = _labels({row["type"] for row in rows})
    groups: dict[Node, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["type"]].append(ref(row["e"], {row["e"]: str(row["label"])}))
    return sorted(
        (
            {
                "type": ref(t, labels),
                "entities": sorted(members, key=lambda e: e["label"].lower()),
            }
            for t, members in groups.items()
        ),
        key=lambda g: g["type"]["label"].lower(),
    )
