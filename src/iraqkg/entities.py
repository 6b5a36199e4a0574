"""What the dataset says about one entity, as JSON-ready data (the entity page's content,
``kg.entity(name)`` in the Python API), read by SPARQL through whatever runs queries.

Four SELECTs (its own triples, the statement records naming it, labels, and — only when the
first two are empty — whether anything points to it); ``twin_query`` is the CONSTRUCT of
its RDF twin. The caller gives the SELECT runner and, for pages, how to link an entity and
an explanation; IRIs reach queries only through ``<...>`` after ``is_safe_iri``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from iraqkg.entity_contests import contest_rows, shape_contests, shape_through, through_rows
from iraqkg.entity_contests import needed as contested_terms
from iraqkg.explain import short
from iraqkg.namespaces import ASSERTED_GRAPH, ID, IKG, INFERRED_GRAPH, PROVENANCE_GRAPH, WD

Select = Callable[[str], list[dict[str, Node]]]
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
_UNSAFE_IN_IRI = set('<>"{}|^`\\ ')


def is_safe_iri(iri: str) -> bool:
    """True when ``iri`` can be written inside ``<...>`` in a query as it is."""
    return bool(iri) and not any(c in _UNSAFE_IN_IRI or ord(c) < 0x21 for c in iri)


def entity_iri(name: str) -> URIRef:
    """The IRI for ``name``: a full IRI, ``id:slug`` or a bare slug (``badr-organization``)."""
    name = name.strip()
    if name.startswith(("http://", "https://")):
        iri = name
    elif name.startswith("<") and name.endswith(">"):
        iri = name[1:-1]
    else:
        iri = str(ID) + name.removeprefix("id:")
    if not is_safe_iri(iri):
        raise ValueError(f"not an IRI or entity name: {name!r}")
    return URIRef(iri)


@dataclass(frozen=True)
class EntityReader:
    """Reads entity summaries with ``select``; ``entity_link(iri)`` (None for IRIs that are
    not ours) and ``explain_link(s, p, o)`` add page links when given."""

    select: Select
    entity_link: Callable[[Node], str | None] | None = None
    explain_link: Callable[[Node, Node, Node], str] | None = None

    def _own_triples(self, iri: URIRef) -> list[dict[str, Node]]:
        return self.select(f"SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")

    def _records(self, iri: URIRef) -> list[dict[str, Node]]:
        roles = ", ".join(f"<{r}>" for r in ROLES)
        return self.select(
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

    def _is_pointed_to(self, iri: URIRef) -> bool:
        return bool(self.select(f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} }} LIMIT 1"))

    def _labels(self, iris: set[Node]) -> dict[Node, str]:
        wanted = " ".join(f"<{i}>" for i in sorted(iris) if isinstance(i, URIRef))
        if not wanted:
            return {}
        rows = self.select(
            _PREFIXES
            + f"""SELECT ?x ?l ?rank WHERE {{
      VALUES ?x {{ {wanted} }}
      {{ GRAPH ?g {{ ?x skos:prefLabel ?l }} BIND(0 AS ?rank) }}
      UNION {{ GRAPH ?g {{ ?x rdfs:label ?l }} BIND(1 AS ?rank) }}
    }}"""
        )
        # A preferred label beats rdfs:label; English or untagged beats other languages.
        ranked = sorted(
            rows,
            key=lambda r: (int(r["rank"]), getattr(r["l"], "language", None) not in (None, "en")),
        )
        labels: dict[Node, str] = {}
        for row in ranked:
            labels.setdefault(row["x"], str(row["l"]))
        return labels

    def ref(self, node: Node, labels: dict[Node, str]) -> dict[str, Any]:
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
            "href": (self.entity_link(node) if self.entity_link else None),
        }

    def summary(self, iri: URIRef) -> dict[str, Any] | None:
        """The page's content as JSON-ready data, or None when the dataset does not know ``iri``."""
        own = self._own_triples(iri)
        rows = self._records(iri)
        if not own and not rows and not self._is_pointed_to(iri):
            return None
        records = self._gather_records(rows)
        contests, through = contest_rows(self.select, iri), through_rows(self.select, iri)
        needed: set[Node] = {iri} | contested_terms(contests, through)
        for row in own:
            needed.update((row["p"], row["o"]))
        for record in records.values():
            needed.update(record["nodes"])
        labels = self._labels(needed)

        alt = sorted({str(r["o"]) for r in own if r["p"] == SKOS.altLabel})
        descriptions = [str(r["o"]) for r in own if r["p"] == IKG.description]
        # Plain triples derived from a Reported statement shown above are not repeated.
        stated = {
            r["spo"][1:]
            for r in records.values()
            if "subject" in r["roles"] and r["status"] == IKG.Reported
        }
        types = self._types(own, labels)
        details, relations, inferred = [], [], []
        for row in sorted(own, key=lambda r: (labels.get(r["p"], str(r["p"])), str(r["o"]))):
            p, o, graph = row["p"], row["o"], row["g"]
            if p in _DESCRIPTION or p == RDF.type or (graph != INFERRED_GRAPH and (p, o) in stated):
                continue
            if isinstance(o, Literal):
                if graph != INFERRED_GRAPH:  # inferred literals restate others (rdfs:comment)
                    details.append({"predicate": self.ref(p, labels), "value": str(o)})
            elif p == SKOS.exactMatch:
                continue
            elif graph == INFERRED_GRAPH:
                inferred.append(
                    {"predicate": self.ref(p, labels), "object": self.ref(o, labels), "valid": None}
                )
                inferred[-1]["explain"] = (
                    self.explain_link(iri, p, o) if self.explain_link else None
                )
            elif graph == ASSERTED_GRAPH:
                relations.append({"predicate": self.ref(p, labels), "object": self.ref(o, labels)})
                relations[-1]["explain"] = (
                    self.explain_link(iri, p, o) if self.explain_link else None
                )
        statements = self._shape_records(records, labels)
        return {
            "iri": str(iri),
            "term": short(iri),
            "label": labels.get(iri, short(iri)),
            "alt_labels": alt,
            "names": names_in_sources(statements, str(iri)),
            "names_used": names_used(statements, str(iri)),
            "description": descriptions[0] if descriptions else None,
            "types": types,
            "wikidata": _wikidata(own),
            "details": details,
            "statements": statements,
            "relations": relations,
            "inferred": inferred,
            "contests": shape_contests(contests, labels, self.ref, self.explain_link),
            "contested_inferred": shape_through(iri, through, labels, self.ref, self.explain_link),
        }

    def _types(self, own: list[dict[str, Node]], labels: dict[Node, str]) -> list[dict[str, Any]]:
        found: dict[Node, bool] = {}
        for row in own:
            if row["p"] == RDF.type:
                inferred = row["g"] == INFERRED_GRAPH
                found[row["o"]] = found.get(row["o"], True) and inferred
        return sorted(
            ({**self.ref(t, labels), "inferred": inferred} for t, inferred in found.items()),
            key=lambda t: (t["inferred"], t["label"].lower()),
        )

    def _gather_records(self, rows: list[dict[str, Node]]) -> dict[Node, dict[str, Any]]:
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
        self, records: dict[Node, dict[str, Any]], labels: dict[Node, str]
    ) -> list[dict[str, Any]]:
        shaped = []
        for record in records.values():
            s, p, o = record["spo"]
            status = str(record["status"]).rsplit("#", 1)[-1]
            item: dict[str, Any] = {
                "statement": short(record["iri"]),
                "iri": str(record["iri"]),
                "roles": [r for r in ROLES.values() if r in record["roles"]],
                "subject": self.ref(s, labels),
                "predicate": self.ref(p, labels),
                "object": self.ref(o, labels),
                "status": status,
                "according_to": sorted(
                    (self.ref(a, labels) for a in record["according_to"]), key=lambda a: a["label"]
                ),
                "source": self.ref(record["source"], labels) if "source" in record else None,
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

    def index(self) -> list[dict[str, Any]]:
        """Every ``id:`` entity with a label, grouped by its asserted types: [{type, entities}]."""
        rows = self.select(
            _PREFIXES
            + f"""SELECT DISTINCT ?e ?label ?type WHERE {{
      GRAPH ?g {{ ?e skos:prefLabel ?label ; a ?type }}
      FILTER(?g IN (<{ASSERTED_GRAPH}>, <{PROVENANCE_GRAPH}>) && STRSTARTS(STR(?e), "{ID}"))
    }}"""
        )
        labels = self._labels({row["type"] for row in rows})
        groups: dict[Node, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            groups[row["type"]].append(self.ref(row["e"], {row["e"]: str(row["label"])}))
        return sorted(
            (
                {
                    "type": self.ref(t, labels),
                    "entities": sorted(members, key=lambda e: e["label"].lower()),
                }
                for t, members in groups.items()
            ),
            key=lambda g: g["type"]["label"].lower(),
        )


def names_in_sources(statements: list[dict[str, Any]], iri: str) -> list[dict[str, Any]]:
    """Each name the sources use for ``iri`` (its ``ikg:name`` statements), with the sources
    that use it: [{name, sources: [{source, paragraph, quote, statement, iri}]}], the names
    most sources use first."""
    names: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in statements:
        if record["predicate"].get("iri") != str(IKG.name):
            continue
        if record["subject"].get("iri") != iri or "value" not in record["object"]:
            continue
        names[record["object"]["value"]].append(
            {key: record[key] for key in ("source", "paragraph", "quote", "statement", "iri")}
        )
    return [
        {
            "name": name,
            "sources": sorted(uses, key=lambda u: u["source"]["term"] if u["source"] else ""),
        }
        for name, uses in sorted(names.items(), key=lambda item: (-len(item[1]), item[0].lower()))
    ]


def names_used(statements: list[dict[str, Any]], iri: str) -> list[dict[str, Any]]:
    """For a source document: the names it uses, each with the entity and where it is first
    written: [{name, entity, paragraph, quote, statement, iri}] in paragraph order."""
    found = [
        {
            "name": r["object"]["value"],
            "entity": r["subject"],
            **{key: r[key] for key in ("paragraph", "quote", "statement", "iri")},
        }
        for r in statements
        if r["predicate"].get("iri") == str(IKG.name)
        and (r["source"] or {}).get("iri") == iri
        and "value" in r["object"]
    ]
    return sorted(found, key=lambda u: (u["paragraph"] or 0, u["name"].lower(), u["statement"]))


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


def twin_query(iri: URIRef) -> str:
    """The CONSTRUCT of an entity as RDF: its triples (every graph), triples in the asserted
    and inferred graphs pointing to it, and the statement records naming it in any role."""
    roles = ", ".join(f"<{r}>" for r in ROLES)
    return (
        _PREFIXES
        + f"""CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> . ?st ?sp ?so . }} WHERE {{
  {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}
  UNION {{ GRAPH ?g {{ ?s ?q <{iri}> }} FILTER(?g IN (<{ASSERTED_GRAPH}>, <{INFERRED_GRAPH}>)) }}
  UNION {{ GRAPH <{PROVENANCE_GRAPH}> {{
    ?st ?role <{iri}> ; a ikg:Statement ; ?sp ?so . FILTER(?role IN ({roles})) }} }}
}}"""
    )
