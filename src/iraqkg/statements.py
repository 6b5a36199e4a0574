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


def derive(authored: Graph) -> Views:
    """Split authored data into the asserted and provenance views."""
    asserted, provenance = new_graph(), new_graph()
    record_nodes = set(authored.subjects(RDF.type, IKG.Statement))
    documents = set(authored.subjects(RDF.type, IKG.SourceDocument))
    for triple in authored:
        subject = triple[0]
        if subject in record_nodes or subject in documents:
            provenance.add(triple)
        else:
            asserted.add(triple)
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
