"""The statement model: authored statement records and the plain triples derived from them.

Data files hold entity descriptions and ``ikg:Statement`` records. The build derives the
plain view from the records, so the two cannot drift:

- a Reported statement ``S P O`` becomes the triple ``S P O``;
- an Alleged / Claimed / Denied perpetrator statement becomes a speech-act triple
  (``O ikg:blamedFor S`` ...), which is true (the blame was laid) without asserting the deed;
- any other non-Reported statement stays a record only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD
from rdflib.term import Node

from . import periods
from .loading import new_graph
from .namespaces import IKG
from .quantities import QUANTITY, is_amount, quantity_iri, quantity_triples

STATUSES = (IKG.Reported, IKG.Alleged, IKG.Claimed, IKG.Denied, IKG.Disputed)

# What a non-Reported perpetrator statement records as a fact about the speech act.
SPEECH_ACTS = {
    IKG.Alleged: IKG.blamedFor,
    IKG.Claimed: IKG.claimedResponsibilityFor,
    IKG.Denied: IKG.deniedResponsibilityFor,
}

# Predicates an entity description may use directly; everything else goes through statements.
DESCRIPTION_PREDICATES = frozenset(
    {
        RDF.type,
        SKOS.prefLabel,
        SKOS.altLabel,
        SKOS.exactMatch,
        IKG.description,
        IKG.wikidataEvidence,
    }
)
# A source document's own bibliographic record (from shared/sources/README.md).
DOCUMENT_PREDICATES = frozenset(
    {IKG.fileName, IKG.publication, DCTERMS.title, DCTERMS.date, DCTERMS.creator}
)

TIME_QUALIFIERS = (IKG.start, IKG.end, IKG.pointInTime)
EVENT_DATES = (IKG.date, IKG.startDate, IKG.endDate)


@dataclass(frozen=True)
class Statement:
    iri: URIRef
    subject: Node
    predicate: Node
    object: Node
    status: Node
    negated: bool = False

    @property
    def derived(self) -> tuple[Node, Node, Node] | None:
        """The plain triple this statement contributes, or None (a negated statement says
        the relation does not hold: it contributes nothing, and contests what says it does)."""
        if self.negated:
            return None
        if self.status == IKG.Reported:
            if is_amount(self.object):  # a figure: the quantity node stands for the amount
                return (self.subject, self.predicate, quantity_iri(self.iri))
            return (self.subject, self.predicate, self.object)
        act = SPEECH_ACTS.get(self.status)
        if act is not None and self.predicate == IKG.perpetrator:
            return (self.object, act, self.subject)
        return None


def statements(graph: Graph) -> Iterator[Statement]:
    """Every complete statement record in a graph (incomplete ones are left to validation)."""
    for node in graph.subjects(RDF.type, IKG.Statement, unique=True):
        parts = [graph.value(node, p) for p in (IKG.subject, IKG.predicate, IKG.object, IKG.status)]
        if all(part is not None for part in parts) and isinstance(node, URIRef):
            negated = graph.value(node, IKG.negated)
            yield Statement(node, *parts, negated=bool(negated is not None and negated.toPython()))


@dataclass
class Views:
    """The authored data split into what the dataset publishes."""

    asserted: Graph  # entity descriptions and the plain triples derived from statements
    provenance: Graph  # statement records and source documents
    derived_from: dict[tuple[Node, Node, Node], list[URIRef]]  # plain triple -> statements


def derive(authored: Graph, *, consume: bool = False) -> Views:
    """Split authored data into the asserted and provenance views. With ``consume`` the
    authored graph itself becomes the provenance view (its other triples are moved out):
    the build does not hold the authored data twice."""
    record_nodes = set(authored.subjects(RDF.type, IKG.Statement))
    documents = set(authored.subjects(RDF.type, IKG.SourceDocument))
    asserted, provenance = _split(authored, record_nodes | documents, consume)
    derived_from: dict[tuple[Node, Node, Node], list[URIRef]] = {}
    for statement in statements(authored):
        triple = statement.derived
        if triple is None:
            continue
        asserted.add(triple)
        derived_from.setdefault(triple, []).append(statement.iri)
    for statement in record_nodes:
        provenance.addN((*t, provenance) for t in statement_time(authored, statement))
    for triple, records in derived_from.items():
        if isinstance(triple[2], URIRef) and str(triple[2]).startswith(str(QUANTITY)):
            amount = authored.value(records[0], IKG.object)
            described = quantity_triples(records[0], amount, provenance)
            asserted.addN((*t, asserted) for t in described)
    for event in {s for p in EVENT_DATES for s in asserted.subjects(p)}:
        asserted.addN((*t, asserted) for t in event_time(asserted, event))
    for document in documents:
        provenance.add((document, RDF.type, IKG.SourceDocument))
    return Views(asserted, provenance, derived_from)


def _split(authored: Graph, records: set, consume: bool) -> tuple[Graph, Graph]:
    """(everything else, the triples about records and documents)."""
    asserted = new_graph()
    if consume:
        subjects = getattr(authored.store, "subjects_list", None)
        for subject in subjects() if subjects else set(authored.subjects()):
            if subject not in records:
                for triple in list(authored.triples((subject, None, None))):
                    asserted.add(triple)
                authored.remove((subject, None, None))
        return asserted, authored
    provenance = new_graph()
    for triple in authored:
        (provenance if triple[0] in records else asserted).add(triple)
    return asserted, provenance


def _bounds(node: Node, began: periods.Period | None) -> list[tuple[Node, Node, Node]]:
    """``ikg:earliest`` / ``ikg:latest``: the first and last day on which it may have begun
    (sort by ``?latest`` then ``DESC(?earliest)``: a year sorts after its own months)."""
    found = []
    if began is not None:
        for predicate, day in ((IKG.earliest, began.earliest), (IKG.latest, began.latest)):
            if day is not None:
                found.append((node, predicate, Literal(day, datatype=XSD.date)))
    return found


def statement_time(authored: Graph, statement: Node) -> list[tuple[Node, Node, Node]]:
    """What the build adds about a statement's time: each qualifier's precision (and
    qualifier word: early, by...), and the sortable bounds of when it began."""
    found = []
    read = {}
    for qualifier in TIME_QUALIFIERS:
        period = periods.parse(authored.value(statement, qualifier))
        read[qualifier] = period
        if period is None:
            continue
        name = qualifier.fragment
        found.append((statement, IKG[f"{name}Precision"], Literal(period.precision)))
        if period.qualifier:
            found.append((statement, IKG[f"{name}Qualifier"], Literal(period.qualifier)))
    began = read[IKG.start] or read[IKG.pointInTime]
    if began is None and read[IKG.end] is not None:
        began = periods.Period(None, read[IKG.end].latest, read[IKG.end].precision, "by")
    return found + _bounds(statement, began) + _certain(statement, read)


def _certain(statement: Node, read: dict) -> list[tuple[Node, Node, Node]]:
    """``ikg:certainlyFrom`` / ``ikg:certainlyUntil``: the days on which the text says it
    held whatever the imprecision: a day it names, or from the last day it may have started
    to the first day it may have ended. Absent when no day is certain."""
    point, start, end = read[IKG.pointInTime], read[IKG.start], read[IKG.end]
    first = last = None
    if point is not None and point.precision == "day":
        first = last = point.earliest
    elif start is not None and end is not None:
        first, last = start.latest, end.earliest
    if first is None or last is None or first > last:
        return []
    return [
        (statement, IKG.certainlyFrom, Literal(first, datatype=XSD.date)),
        (statement, IKG.certainlyUntil, Literal(last, datatype=XSD.date)),
    ]


def event_time(asserted: Graph, event: Node) -> list[tuple[Node, Node, Node]]:
    """Sortable bounds of an event (from its dates and start dates) and precision."""
    # A date ("the protests of 2019") and a start date ("began in October 2019") both bound
    # when the event began: read together, as two sources' dates are.
    values = [*asserted.objects(event, IKG.date), *asserted.objects(event, IKG.startDate)]
    dates = [d for d in (periods.parse(v) for v in values) if d is not None]
    if not dates:
        return []
    # Several sources may date it: it happened in what all their periods allow (the
    # narrowest); if they do not overlap, they disagree, and the widest span is kept.
    first = [d.earliest for d in dates if d.earliest is not None]
    last = [d.latest for d in dates if d.latest is not None]
    lo, hi = (max(first) if first else None), (min(last) if last else None)
    if lo is not None and hi is not None and lo > hi:
        lo, hi = min(first), max(last)
    finest = min(dates, key=lambda d: periods.PRECISIONS.index(d.precision))
    began = periods.Period(lo, hi, finest.precision)
    precision = (event, IKG.datePrecision, Literal(finest.precision))
    return [precision, *_bounds(event, began)]


def undeclared_relations(authored: Graph) -> Iterator[tuple[Node, Node, Node]]:
    """Triples that state a relation outside a statement record (no provenance)."""
    record_nodes = set(authored.subjects(RDF.type, IKG.Statement))
    documents = set(authored.subjects(RDF.type, IKG.SourceDocument))
    for triple in authored:
        subject, predicate, _ = triple
        if subject in record_nodes or predicate in DESCRIPTION_PREDICATES:
            continue
        if subject in documents and predicate in DOCUMENT_PREDICATES:
            continue
        yield triple
