"""OWL 2 RL reasoning with owlrl, published without its trivial output.

owlrl is a naive fixpoint that re-applies every rule to every triple each round, so
its cost grows with everything in its input. Labels, descriptions and other literal
annotations fire no rule of this ontology except through sub-property and domain
axioms, so only triples whose predicate the ontology says something about are given
to it (``reasoning_input``); ``tests/test_reasoning.py`` checks that this leaves the
closure unchanged.
"""

from __future__ import annotations

import owlrl
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import XSD

# Vocabulary that owlrl talks about for its own sake: axioms about these are noise.
_BUILTIN_PREFIXES = (str(RDF), str(RDFS), str(OWL), str(XSD))
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, RDFS.Literal, OWL.NamedIndividual}
_REFLEXIVE = {
    OWL.sameAs,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
}
# Predicates that carry schema information the rules read.
_SCHEMA_PREDICATES = {
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.inverseOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.propertyChainAxiom,
    OWL.disjointWith,
    OWL.propertyDisjointWith,
    OWL.intersectionOf,
    OWL.unionOf,
    OWL.someValuesFrom,
    OWL.allValuesFrom,
    OWL.hasValue,
    OWL.onProperty,
    RDF.first,
    RDF.rest,
}


def _builtin(node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(_BUILTIN_PREFIXES)


def is_trivial(triple) -> bool:
    """True for owlrl's bookkeeping: reflexive axioms, universal types, datatype axioms."""
    s, p, o = triple
    if isinstance(s, Literal) or _builtin(s):
        return True
    if p in _REFLEXIVE and s == o:
        return True
    if p == RDF.type and (o in _TRIVIAL_TYPES or _builtin(o)):
        return True
    return bool(p in (RDFS.subClassOf, RDFS.subPropertyOf) and _builtin(o))


def schema_of(ontology: Graph) -> Graph:
    """The ontology's axioms: the triples the rules read, without labels and definitions."""
    schema = Graph()
    for s, p, o in ontology:
        if p in _SCHEMA_PREDICATES or (p == RDF.type and _builtin(o)):
            schema.add((s, p, o))
    return schema


def reasoning_input(ontology: Graph, asserted: Graph) -> Graph:
    """Schema plus the asserted triples some axiom can act on."""
    schema = schema_of(ontology)
    active = {s for s, p, _ in schema if p != RDF.type} | set(schema.objects(None, RDFS.subClassOf))
    graph = Graph()
    graph += schema
    for s, p, o in asserted:
        if p == RDF.type or p in active or not isinstance(o, Literal):
            graph.add((s, p, o))
    return graph


def closure(graph: Graph) -> Graph:
    """owlrl's OWL 2 RL closure of a graph, as a new graph (the input is not touched)."""
    expanded = Graph()
    expanded += graph
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(expanded)
    return expanded


def infer(ontology: Graph, asserted: Graph) -> Graph:
    """Triples that follow from ontology + asserted data and are worth publishing."""
    known = Graph()
    known += ontology
    known += asserted
    inferred = Graph()
    for triple in closure(reasoning_input(ontology, asserted)):
        if triple not in known and not is_trivial(triple):
            inferred.add(triple)
    return inferred
