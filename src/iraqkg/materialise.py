"""OWL 2 RL materialisation compiled from the ontology, with every derivation recorded.

owlrl re-applies every rule to every triple in every round, so its cost grows with the
square of the graph. Here the ontology's axioms are read once into lookup tables keyed
by predicate or class, and each triple is processed once, from a worklist, joined only
with the triples the rules it can fire need: a triple's cost is what it derives.

Only the axiom kinds this ontology uses are compiled (sub- and equivalent properties
and classes, inverses, symmetric and transitive properties, property chains, domains
and ranges). Anything else raises ``Unsupported`` and ``reasoning.infer`` falls back
to owlrl; ``tests/test_reasoning.py`` checks that both give the same closure.

Rule names are those of the OWL 2 RL profile (prp-spo1, prp-spo2, cax-sco, ...).
"""

from __future__ import annotations

from collections import ChainMap, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain as chained

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

Triple = tuple[Node, Node, Node]

BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))
# Predicates that only annotate: OWL RL gives them no meaning beyond their own typing.
ANNOTATIONS = frozenset(
    {
        RDFS.label,
        RDFS.comment,
        RDFS.seeAlso,
        RDFS.isDefinedBy,
        OWL.deprecated,
        OWL.versionInfo,
        OWL.priorVersion,
        OWL.backwardCompatibleWith,
        OWL.incompatibleWith,
    }
)
# Schema vocabulary this module compiles; any other OWL construct is unsupported.
_COMPILED = frozenset(
    {
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.inverseOf,
        OWL.propertyChainAxiom,
        RDF.first,
        RDF.rest,
        OWL.imports,
    }
)
_DECLARATIONS = frozenset(
    {
        OWL.Class,
        RDFS.Class,
        OWL.Ontology,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        RDF.Property,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        RDFS.Datatype,
        OWL.NamedIndividual,
    }
)


# Axioms that relate a term to itself say nothing (but "p inverseOf p" makes p symmetric).
_REFLEXIVE_NOOP = frozenset(
    {RDFS.subPropertyOf, OWL.equivalentProperty, RDFS.subClassOf, OWL.equivalentClass}
)


class Unsupported(Exception):
    """The input uses an OWL construct this engine does not compile."""


def is_builtin(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(BUILTIN)


def is_schema(triple: Triple) -> bool:
    """True for a triple that says something about the vocabulary rather than the world."""
    _, p, o = triple
    if p == RDF.type:
        return is_builtin(o)
    return is_builtin(p) and p not in ANNOTATIONS


@dataclass(frozen=True)
class Derivation:
    """One application of a rule: the conclusion, the rule, its axiom, and its premises."""

    conclusion: Triple
    rule: str
    axiom: Triple  # the ontology triple that licensed the step
    premises: tuple[Triple, ...]


@dataclass
class Rules:
    """The ontology's axioms as lookup tables, keyed by the predicate or class that fires them."""

    by_property: dict = field(default_factory=lambda: defaultdict(list))  # p -> [(kind, ...)]
    by_class: dict = field(default_factory=lambda: defaultdict(list))  # C -> [(D, rule, axiom)]
    chains: dict = field(default_factory=lambda: defaultdict(list))  # p -> [(i, r, chain, axiom)]


def _n3(node: Node) -> str:
    return node.n3()


def triple_key(triple: Triple) -> tuple[str, str, str]:
    """A total order on triples that is the same in every process."""
    return (triple[0].n3(), triple[1].n3(), triple[2].n3())


def _list(schema: Graph, head: Node) -> tuple[Node, ...]:
    return tuple(schema.items(head))


def compile_rules(ontology: Graph) -> Rules:
    """Read the ontology's axioms into ``Rules``; raise ``Unsupported`` for anything else."""
    rules = Rules()
    unsupported = []
    # Sorted, like everything the run iterates, so that the first derivation of a triple
    # (the one explanations show) does not depend on Python's hash seed.
    for triple in sorted(ontology, key=triple_key):
        s, p, o = triple
        if not is_schema(triple):
            continue
        if p == RDF.type:
            if o == OWL.TransitiveProperty:
                rules.by_property[s].append(("trp", None, triple))
            elif o == OWL.SymmetricProperty:
                rules.by_property[s].append(("symp", None, triple))
            elif o not in _DECLARATIONS:
                unsupported.append(triple)
        elif p not in _COMPILED or isinstance(s, BNode) and p not in (RDF.first, RDF.rest):
            unsupported.append(triple)
        elif isinstance(o, BNode) and p != OWL.propertyChainAxiom and p != RDF.rest:
            unsupported.append(triple)  # a class expression (restriction, union...)
        elif p in (RDF.first, RDF.rest, OWL.imports) or (s == o and p in _REFLEXIVE_NOOP):
            continue
        elif p == RDFS.subPropertyOf:
            rules.by_property[s].append(("prp-spo1", o, triple))
        elif p == OWL.equivalentProperty:
            rules.by_property[s].append(("prp-eqp1", o, triple))
            rules.by_property[o].append(("prp-eqp2", s, triple))
        elif p == OWL.inverseOf:
            rules.by_property[s].append(("prp-inv1", o, triple))
            rules.by_property[o].append(("prp-inv2", s, triple))
        elif p == RDFS.domain:
            rules.by_property[s].append(("prp-dom", o, triple))
        elif p == RDFS.range:
            rules.by_property[s].append(("prp-rng", o, triple))
        elif p == RDFS.subClassOf:
            rules.by_class[s].append((o, "cax-sco", triple))
        elif p == OWL.equivalentClass:
            rules.by_class[s].append((o, "cax-eqc1", triple))
            rules.by_class[o].append((s, "cax-eqc2", triple))
        elif p == OWL.propertyChainAxiom:
            chain = _list(ontology, o)
            for i, link in enumerate(chain):
                rules.chains[link].append((i, s, chain, triple))
    if unsupported:
        shown = ", ".join(f"({s.n3()} {p.n3()} {o.n3()})" for s, p, o in unsupported[:3])
        raise Unsupported(f"{len(unsupported)} axiom(s) outside the compiled subset: {shown}")
    return rules


@dataclass
class Closure:
    """The result of a run: what was given, what follows, and how."""

    given: set[Triple]
    derived: dict[Triple, Derivation]  # each new triple -> its first derivation (well-founded)
    # Every rule application whose conclusion is not an rdf:type, including ones that
    # re-derive a known triple: a relation's validity is the union over all of them.
    instances: list[Derivation]
    # For a closure ``extend`` made: what follows only with the added triples.
    delta: dict[Triple, Derivation] | None = None

    def __contains__(self, triple: Triple) -> bool:
        return triple in self.given or triple in self.derived


class _Run:
    """One materialisation: a worklist over triples and two indexes per predicate."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.known: set[Triple] = set()
        self.out: dict = defaultdict(lambda: defaultdict(set))  # p -> s -> {o}
        self.into: dict = defaultdict(lambda: defaultdict(set))  # p -> o -> {s}
        # Only the predicates a rule joins on (transitive ones, chain links) are indexed:
        # indexing labels and types too held most of the data twice more for nothing.
        self.joined = {
            p for p, fired in rules.by_property.items() if any(f[0] == "trp" for f in fired)
        } | {link for entries in rules.chains.values() for entry in entries for link in entry[2]}
        self.derived: dict[Triple, Derivation] = {}
        self.instances: dict[Derivation, None] = {}  # insertion-ordered set
        self.queue: deque[Triple] = deque()

    def add(self, triple: Triple) -> bool:
        if triple in self.known:
            return False
        s, p, o = triple
        self.known.add(triple)
        if p in self.joined:
            self.out[p][s].add(o)
            self.into[p][o].add(s)
        self.queue.append(triple)
        return True

    def emit(self, conclusion: Triple, rule: str, axiom: Triple, premises: tuple) -> None:
        if isinstance(conclusion[1], Literal):
            return  # owlrl refuses literal predicates too
        step = Derivation(conclusion, rule, axiom, premises)
        if conclusion[1] != RDF.type:
            self.instances[step] = None
        if self.add(conclusion):
            self.derived[conclusion] = step

    def fire(self, triple: Triple) -> None:
        s, p, o = triple
        for kind, other, axiom in self.rules.by_property.get(p, ()):
            if kind in ("prp-spo1", "prp-eqp1", "prp-eqp2"):
                self.emit((s, other, o), kind, axiom, (triple,))
            elif kind in ("prp-inv1", "prp-inv2"):
                self.emit((o, other, s), kind, axiom, (triple,))
            elif kind == "prp-dom":
                self.emit((s, RDF.type, other), kind, axiom, (triple,))
            elif kind == "prp-rng":
                self.emit((o, RDF.type, other), kind, axiom, (triple,))
            elif kind == "symp":
                self.emit((o, p, s), "prp-symp", axiom, (triple,))
            elif kind == "trp":
                for z in sorted(self.out[p].get(o, ()), key=_n3):
                    self.emit((s, p, z), "prp-trp", axiom, (triple, (o, p, z)))
                for w in sorted(self.into[p].get(s, ()), key=_n3):
                    self.emit((w, p, o), "prp-trp", axiom, ((w, p, s), triple))
        if p == RDF.type:
            for superclass, rule, axiom in self.rules.by_class.get(o, ()):
                self.emit((s, RDF.type, superclass), rule, axiom, (triple,))
        for i, result, chain, axiom in self.rules.chains.get(p, ()):
            for path in self._paths(triple, i, chain):
                self.emit((path[0][0], result, path[-1][2]), "prp-spo2", axiom, path)

    def _paths(self, triple: Triple, i: int, chain: tuple) -> list[tuple[Triple, ...]]:
        """Every way to complete ``chain`` with ``triple`` at position ``i``."""
        left: list[tuple[Triple, ...]] = [()]
        for link in reversed(chain[:i]):
            left = [
                ((x, link, path[0][0] if path else triple[0]),) + path
                for path in left
                for x in sorted(self.into[link].get(path[0][0] if path else triple[0], ()), key=_n3)
            ]
        right: list[tuple[Triple, ...]] = [()]
        for link in chain[i + 1 :]:
            right = [
                path + ((path[-1][2] if path else triple[2], link, y),)
                for path in right
                for y in sorted(self.out[link].get(path[-1][2] if path else triple[2], ()), key=_n3)
            ]
        return [lhs + (triple,) + rhs for lhs in left for rhs in right]


def materialise(rules: Rules, triples: Iterable[Triple]) -> Closure:
    """Apply the rules to a set of triples until nothing new follows."""
    run = _Run(rules)
    for triple in sorted(triples, key=triple_key):
        run.add(triple)
    given = set(run.known)
    while run.queue:
        run.fire(run.queue.popleft())
    return Closure(given, run.derived, list(run.instances))


class _Extension(_Run):
    """A run resumed from a finished closure: a triple known there is not new here."""

    def __init__(self, rules: Rules, base: Closure) -> None:
        super().__init__(rules)
        self.base = base
        for triple in chained(base.given, base.derived):
            s, p, o = triple
            if p in self.joined:
                self.out[p][s].add(o)
                self.into[p][o].add(s)

    def add(self, triple: Triple) -> bool:
        if triple in self.base:
            return False
        return super().add(triple)


def extend(rules: Rules, base: Closure, triples: Iterable[Triple]) -> Closure:
    """``base`` (a closure of A) with ``triples`` (B) added: closure(A + B), sharing base's
    sets rather than copying them. The rules are monotonic, so only what B adds is run:
    every rule application with at least one new premise, re-derivations of base's triples
    included (a relation's validity is the union over all of them)."""
    run = _Extension(rules, base)
    for triple in sorted(triples, key=triple_key):
        run.add(triple)
    added = set(run.known)
    while run.queue:
        run.fire(run.queue.popleft())
    return Closure(
        _Union(base.given, added),
        ChainMap(run.derived, base.derived),
        base.instances + list(run.instances),
        delta=run.derived,
    )


class _Union:
    """Two sets read as one (membership and iteration), neither copied."""

    def __init__(self, first: set, second: set) -> None:
        self.first, self.second = first, second

    def __contains__(self, item: object) -> bool:
        return item in self.first or item in self.second

    def __iter__(self):
        yield from self.first
        yield from (item for item in self.second if item not in self.first)


def check_abox(triples: Iterable[Triple]) -> None:
    """Raise ``Unsupported`` if data would change the schema (owlrl reads it as schema)."""
    for triple in triples:
        if is_schema(triple) or triple[1] in (OWL.sameAs, OWL.differentFrom):
            s, p, o = triple
            raise Unsupported(f"data triple ({s.n3()} {p.n3()} {o.n3()}) is schema")


def schema_closure(ontology: Graph) -> set[Triple]:
    """The schema triples OWL 2 RL derives (scm-sco, scm-spo, scm-eqc2, scm-eqp2, scm-dom1/2,
    scm-rng1/2), without the reflexive and owl:Thing ones that are noise."""
    sub: dict[str, dict[Node, set[Node]]] = {"class": defaultdict(set), "prop": defaultdict(set)}
    dom: dict[Node, set[Node]] = defaultdict(set)
    rng: dict[Node, set[Node]] = defaultdict(set)
    for s, p, o in ontology:
        if p in (RDFS.subClassOf, OWL.equivalentClass):
            sub["class"][s].add(o)
        if p in (RDFS.subPropertyOf, OWL.equivalentProperty):
            sub["prop"][s].add(o)
        if p == OWL.equivalentClass:
            sub["class"][o].add(s)
        if p == OWL.equivalentProperty:
            sub["prop"][o].add(s)
        if p == RDFS.domain:
            dom[s].add(o)
        if p == RDFS.range:
            rng[s].add(o)
    closed = {kind: _transitive(edges) for kind, edges in sub.items()}
    found: set[Triple] = set()
    for kind, predicate, equivalent in (
        ("class", RDFS.subClassOf, OWL.equivalentClass),
        ("prop", RDFS.subPropertyOf, OWL.equivalentProperty),
    ):
        for a, supers in closed[kind].items():
            for b in supers - {a}:
                found.add((a, predicate, b))
                if a in closed[kind].get(b, ()):
                    found.add((a, equivalent, b))
    # scm-dom2 / scm-rng2 (sub-properties inherit), then scm-dom1 / scm-rng1 (superclasses).
    props = set(dom) | set(rng) | set(closed["prop"])
    for predicate, axioms in ((RDFS.domain, dom), (RDFS.range, rng)):
        for prop in props:
            direct = set(axioms.get(prop, ()))
            for sup in closed["prop"].get(prop, ()):
                direct |= axioms.get(sup, set())
            for cls in direct:
                for c in {cls} | closed["class"].get(cls, set()):
                    found.add((prop, predicate, c))
    return found


def _transitive(edges: dict[Node, set[Node]]) -> dict[Node, set[Node]]:
    closed: dict[Node, set[Node]] = {}
    for start in edges:
        seen, stack = set(), list(edges[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, ()))
        closed[start] = seen
    return closed
