"""The entity pages' data: the library's EntityReader (``iraqkg.entities``) run through the
executor, with this server's links, plus the page's own grouping into sections.

The IRI is built from a checked slug (``pages.is_slug``), so it is safe inside ``<...>``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import URIRef

from iraqkg.entities import EntityReader, twin_query
from iraqkg.namespaces import IKG
from iraqkg.web.pages import entity_path, explain_path, run_graph, run_select
from iraqkg.web.tasks import Reply

READER = EntityReader(run_select, entity_path, explain_path)


def entity_summary(iri: URIRef) -> dict[str, Any] | None:
    """The page's content as JSON-ready data, or None when the dataset does not know ``iri``."""
    return READER.summary(iri)


def entity_index() -> list[dict[str, Any]]:
    """Every ``id:`` entity with a label, grouped by its asserted types: [{type, entities}]."""
    return READER.index()


def sections(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The HTML page's statement sections: as subject and as object grouped by relation,
    then what it says (according to it) and, for a document, what was read from it. The name
    statements have their own sections ("Names in the sources", "Names this document uses")."""
    label = summary["label"]
    found = []
    records = [r for r in summary["statements"] if r["predicate"].get("iri") != str(IKG.name)]
    for role, title in (
        ("subject", f"{label}, according to the sources"),
        ("object", f"Others in relation to {label}"),
        ("according_to", f"Statements made according to {label}"),
        ("source", "Statements read from this document"),
    ):
        chosen = [r for r in records if _main_role(r) == role]
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
    """The entity as RDF (``iraqkg.entities.twin_query``), serialised as ``media_type``."""
    return run_graph(twin_query(iri), media_type)
