"""Coverage at a glance: entities per class, statements per source and status, time share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import RDF, Graph

from .namespaces import IKG
from .statements import TIME_QUALIFIERS, statements


@dataclass
class Coverage:
    entities_per_class: dict[str, int]
    statements_per_source: dict[str, int]
    statements_per_status: dict[str, int]
    statements: int
    with_time: int
    entities: int

    @property
    def time_share(self) -> float:
        return self.with_time / self.statements if self.statements else 0.0

    def as_dict(self) -> dict:
        return {
            "entities": self.entities,
            "entities_per_class": self.entities_per_class,
            "statements": self.statements,
            "statements_per_source": self.statements_per_source,
            "statements_per_status": self.statements_per_status,
            "statements_with_time_qualifier": self.with_time,
            "time_share": round(self.time_share, 4),
        }


def coverage(authored: Graph) -> Coverage:
    """Count what the authored data holds (direct, asserted types only)."""
    per_class: Counter[str] = Counter()
    entities = set()
    for subject, cls in authored.subject_objects(RDF.type):
        if cls in (IKG.Statement, IKG.SourceDocument) or not str(cls).startswith(str(IKG)):
            continue
        per_class[cls.fragment] += 1
        entities.add(subject)
    per_source: Counter[str] = Counter()
    per_status: Counter[str] = Counter()
    total = timed = 0
    for statement in statements(authored):
        total += 1
        source = authored.value(statement.iri, IKG.source)
        per_source[source.split("/")[-1] if source else "(none)"] += 1
        per_status[statement.status.fragment] += 1
        has_time = any(authored.value(statement.iri, q) is not None for q in TIME_QUALIFIERS)
        if has_time or statement.predicate in (IKG.date, IKG.startDate, IKG.endDate):
            timed += 1
    return Coverage(
        dict(sorted(per_class.items())),
        dict(sorted(per_source.items())),
        dict(sorted(per_status.items())),
        total,
        timed,
        len(entities),
    )
