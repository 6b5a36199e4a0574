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

from .loading import new_graph
from .namespaces import IKG

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

PRECISION = {XSD.gYear: "year", XSD.gYearMonth: "month", XSD.date: "day"}
TIME_QUALIFIERS = (IKG.start, IKG.end, IKG.pointInTime)


@dataclass(frozen=True)
class Statement:
    iri: URIRef
    subject: Node
    predicate: Node
    object: Node
    status: Node

    @property
    def derived(self) -> tuple[Node, Node, Node] | None:
        """The plain triple this statement contributes, or None."""
        if self.status == IKG.Reported:
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
            yield Statement(node, *parts)


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
        for qualifier in TIME_QUALIFIERS:
            value = authored.value(statement.iri, qualifier)
            if isinstance(value, Literal) and value.datatype in PRECISION:
                precision = IKG[f"{qualifier.fragment}Precision"]
                provenance.add((statement.iri, precision, Literal(PRECISION[value.datatype])))
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
