"""OWL 2 RL reasoning: the compiled engine the build uses, and owlrl as its reference.

``infer`` is what the build calls. By default it runs ``materialise`` (the ontology's
axioms compiled into lookup tables, each triple processed once) and keeps a record of
every derivation for explanations and validity intervals. owlrl, a naive fixpoint,
is the reference: ``owlrl_infer`` gives its closure of the same input, and
``tests/test_reasoning.py`` checks on the seed graph and on generated graphs that the
two agree on the project's vocabulary (``project_view``). If the ontology or the data
use an OWL construct the engine does not compile, ``infer`` falls back to owlrl.

Only the asserted view reaches the reasoner: Reported statements as plain triples and
the speech acts (blamedFor ...) of the others. Alleged, claimed, denied and disputed
relations never do.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain

import owlrl
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import XSD

from .loading import new_graph
from .materialise import (
    Closure,
    Triple,
    Unsupported,
    check_abox,
    compile_rules,
    is_schema,
    materialise,
    schema_closure,
)

ENGINES = ("auto", "rules", "owlrl")

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


# Looked up once: rdflib's namespace attribute access is slow in a loop over every triple.
_TYPE = RDF.type
_DOMAIN_RANGE = frozenset({RDFS.domain, RDFS.range})
_HIERARCHY = frozenset({RDFS.subClassOf, RDFS.subPropertyOf})


def is_trivial(triple) -> bool:
    """True for owlrl's bookkeeping: reflexive axioms, universal types, datatype axioms."""
    s, p, o = triple
    if isinstance(s, Literal) or _builtin(s):
        return True
    if p in _REFLEXIVE and s == o:
        return True
    if p == _TYPE and (o in _TRIVIAL_TYPES or _builtin(o)):
        return True
    if p in _DOMAIN_RANGE and o in _TRIVIAL_TYPES:
        return True  # scm-dom1 / scm-rng1 through "every class is a subclass of owl:Thing"
    return bool(p in _HIERARCHY and _builtin(o))


def schema_of(ontology: Graph) -> Graph:
    """The ontology's axioms: the triples the rules read, without labels and definitions."""
    schema = Graph()
    for s, p, o in ontology:
        if p in _SCHEMA_PREDICATES or (p == RDF.type and _builtin(o)):
            schema.add((s, p, o))
    return schema


def reasoning_input(ontology: Graph, asserted: Graph) -> Graph:
    """Schema plus the asserted triples some axiom can act on (owlrl's cost grows with both)."""
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


def _published(candidates: Iterable[Triple], ontology: Graph, asserted: Graph) -> Graph:
    known = set(ontology)
    known.update(asserted)  # a set: rdflib's own membership test is far slower
    inferred = new_graph()
    inferred.addN(
        (*triple, inferred)
        for triple in candidates
        if triple not in known and not is_trivial(triple)
    )
    return inferred


def owlrl_infer(ontology: Graph, asserted: Graph, *, whole: bool = False) -> Graph:
    """owlrl's inferences, filtered like ``infer``'s. ``whole`` gives owlrl the whole
    ontology and data instead of only what can fire (slower; the reference in tests)."""
    if whole:
        graph = Graph()
        graph += ontology
        graph += asserted
    else:
        graph = reasoning_input(ontology, asserted)
    return _published(closure(graph), ontology, asserted)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: reasoning allocates millions of small
    acyclic tuples, and each full collection rescans every object alive (the graphs
    too), which made the cost grow faster than the data. Reference counting still frees."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class Reasoning:
    """What follows from ontology + asserted data, and (for the rules engine) how."""

    inferred: Graph
    engine: str
    closure: Closure | None = None  # derivations; None when owlrl did the work


def abox(ontology: Graph, asserted: Graph) -> list[Triple]:
    """The triples the rules run over: the data and the ontology's own non-schema triples."""
    return [t for t in ontology if not is_schema(t)] + list(asserted)


def reason(ontology: Graph, asserted: Graph, *, engine: str = "auto") -> Reasoning:
    """Materialise the OWL 2 RL closure with the chosen engine (see module docstring)."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
    if engine != "owlrl":
        try:
            rules = compile_rules(ontology)
            check_abox(asserted)
        except Unsupported:
            if engine == "rules":
                raise
        else:
            with paused_gc():
                result = materialise(rules, abox(ontology, asserted))
                candidates = chain(result.derived, schema_closure(ontology))
                inferred = _published(candidates, ontology, asserted)
            return Reasoning(inferred, "rules", result)
    return Reasoning(owlrl_infer(ontology, asserted), "owlrl")


def infer(ontology: Graph, asserted: Graph, *, engine: str = "auto") -> Graph:
    """Triples that follow from ontology + asserted data and are worth publishing."""
    return reason(ontology, asserted, engine=engine).inferred


def project_vocabulary(ontology: Graph) -> set:
    """Every IRI the ontology mentions: its terms and the terms it aligns them with."""
    return {node for triple in ontology for node in triple if isinstance(node, URIRef)}


def project_view(graph: Iterable[Triple], vocabulary: set) -> set[Triple]:
    """The non-trivial triples about the project's vocabulary: what the differential test
    compares (owlrl also writes error reports and sameAs bookkeeping, which are not)."""
    return {
        (s, p, o)
        for s, p, o in graph
        if p in vocabulary and (p != RDF.type or o in vocabulary) and not is_trivial((s, p, o))
    }
