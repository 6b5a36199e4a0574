"""Disagreement between sources: contested facts, kept apart from what no source contests.

A statement may say that a relation does *not* hold (``ikg:negated true``: "independent
from the PMF", "not affiliated with"). The build finds every Reported statement that such a
negation contradicts, by itself:

- the negation denies ``S N O``; a Reported ``S P O`` where ``P`` is ``N`` or one of its
  sub-properties (a membership contradicts "not affiliated with"), or ``O Q S`` where ``Q``
  is the inverse of such a ``P``, says the opposite;
- unless the two are dated and their intervals do not meet (joined in 2014, independent in
  2021 is a change, not a contradiction); undated statements are taken to meet.

A Denied statement of the same relation by the actor concerned (not a perpetrator
statement: those are speech acts already) contests it too.

A contested relation leaves the asserted graph: it and everything the reasoner can infer
only through it go to the contested graph (``CONTESTED_GRAPH``), each inference recorded
with ``ikg:restsOnContested`` naming the contested statements it rests on, and a
``ikg:Contest`` record links the statements on both sides. The asserted and inferred graphs
keep only what no source contests, so their closure still equals owlrl's on that input.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from .materialise import Closure, Triple, compile_rules, extend
from .namespaces import BASE, IKG
from .reasoning import Reasoning, is_trivial, reason
from .statements import Statement, Views, statements
from .temporal import ALWAYS, TimeContext, intersect

CONTEST = Namespace(BASE + "contest/")


@dataclass(frozen=True)
class Contest:
    triple: Triple  # the relation one side says holds
    supported_by: tuple[URIRef, ...]  # the Reported statements that say it holds
    contradicted_by: tuple[URIRef, ...]  # the negated or denied statements that say not

    @property
    def iri(self) -> URIRef:
        key = "\n".join(term.n3() for term in self.triple)
        return CONTEST[hashlib.sha256(key.encode()).hexdigest()[:20]]


def _sub_properties(ontology: Graph) -> dict[Node, set[Node]]:
    """Each property with every property below it (itself included)."""
    below: dict[Node, set[Node]] = defaultdict(set)
    for sub, sup in ontology.subject_objects(RDFS.subPropertyOf):
        below[sup].add(sub)
    closed: dict[Node, set[Node]] = {}

    def down(prop: Node) -> set[Node]:
        if prop not in closed:
            closed[prop] = {prop}
            for sub in below.get(prop, ()):
                closed[prop] |= down(sub)
        return closed[prop]

    for prop in list(below):
        down(prop)
    return closed


def _inverses(ontology: Graph) -> dict[Node, set[Node]]:
    found: dict[Node, set[Node]] = defaultdict(set)
    for a, b in ontology.subject_objects(OWL.inverseOf):
        found[a].add(b)
        found[b].add(a)
    return found


def find_contests(ontology: Graph, provenance: Graph, context: TimeContext) -> list[Contest]:
    """Every Reported relation some negated or denied statement contradicts (module doc)."""
    records = list(statements(provenance))
    positive: dict[Triple, list[Statement]] = defaultdict(list)
    for record in records:
        if record.status == IKG.Reported and not record.negated:
            positive[(record.subject, record.predicate, record.object)].append(record)
    below, inverses = _sub_properties(ontology), _inverses(ontology)
    against: dict[Triple, dict[URIRef, list[URIRef]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        denial = record.status == IKG.Denied and record.predicate != IKG.perpetrator
        if not ((record.negated and record.status == IKG.Reported) or denial):
            continue
        s, n, o = record.subject, record.predicate, record.object
        candidates = [(s, p, o) for p in below.get(n, {n})]
        candidates += [(o, q, s) for p in below.get(n, {n}) for q in inverses.get(p, ())]
        for triple in candidates:
            for supporter in positive.get(triple, ()):
                if _meet(context, supporter.iri, record.iri):
                    against[triple][record.iri].append(supporter.iri)
    found = []
    for triple, contrary in sorted(against.items()):
        supporters = sorted({s for sts in contrary.values() for s in sts})
        found.append(Contest(triple, tuple(supporters), tuple(sorted(contrary))))
    return found


def _meet(context: TimeContext, a: URIRef, b: URIRef) -> bool:
    dated = context.statements
    return bool(intersect(dated.get(a, ALWAYS), dated.get(b, ALWAYS)))


def set_aside(views: Views, contests: list[Contest]) -> dict[Triple, list[URIRef]]:
    """Take the contested relations out of the asserted graph; their statements, by triple."""
    aside: dict[Triple, list[URIRef]] = {}
    for contest in contests:
        if contest.triple in views.derived_from:
            aside[contest.triple] = views.derived_from.pop(contest.triple)
            views.asserted.remove(contest.triple)
    return aside


@dataclass
class ContestedView:
    """The contested relations, what follows only through them, and how."""

    contests: list[Contest]
    aside: dict[Triple, list[URIRef]]  # contested relation -> its supporting statements
    reasoning: Reasoning  # the closure with the contested relations added
    only_through: dict[Triple, set[URIRef]]  # inferred only through them -> contested statements

    def graph_triples(self) -> Iterator[Triple]:
        """Everything for the contested graph (see the module doc), records included."""
        yield from self.aside
        yield from self.only_through
        for contest in self.contests:
            record = contest.iri
            yield (record, RDF.type, IKG.Contest)
            yield (record, RDF.subject, contest.triple[0])
            yield (record, RDF.predicate, contest.triple[1])
            yield (record, RDF.object, contest.triple[2])
            for statement in contest.supported_by:
                yield (record, IKG.supportedBy, statement)
            for statement in contest.contradicted_by:
                yield (record, IKG.contradictedBy, statement)


def contested_view(
    ontology: Graph, asserted: Graph, aside: dict, contests: list[Contest], default: Reasoning
) -> ContestedView:
    """Reason again with the contested relations added; keep what only they make follow."""
    if default.closure is not None:  # the rules engine: resume its closure with them
        closure = extend(compile_rules(ontology), default.closure, aside)
        # closure(asserted + aside) minus closure(asserted), as the published view filters
        known = set(ontology)
        only = [t for t in closure.delta or () if t not in known and not is_trivial(t)]
        reasoning = Reasoning(default.inferred, default.engine, closure)
    else:  # owlrl: a second closure, from scratch
        widened = Graph()
        widened += asserted
        for triple in aside:
            widened.add(triple)
        reasoning = reason(ontology, widened)
        closure = reasoning.closure
        settled = set(default.inferred) | set(asserted)
        only = [t for t in reasoning.inferred if t not in settled and t not in aside]
    rests: dict[Triple, set[URIRef]] = {}
    for triple in only:
        rests[triple] = _contested_premises(triple, closure, aside) if closure else set()
    return ContestedView(contests, aside, reasoning, rests)


def _contested_premises(triple: Triple, closure: Closure, aside: dict) -> set[URIRef]:
    """The contested statements a derivation rests on (walking the first derivation)."""
    found: set[URIRef] = set()
    seen, todo = set(), [triple]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in aside:
            found.update(aside[current])
            continue
        step = closure.derived.get(current)
        if step is not None:
            todo.extend(step.premises)
    return found


def contest_marks(contests: list[Contest]) -> Iterator[Triple]:
    """For the provenance graph: which statement contests which."""
    for contest in contests:
        for supporter in contest.supported_by:
            for contrary in contest.contradicted_by:
                yield (supporter, IKG.contestedBy, contrary)
            yield (supporter, IKG.contested, Literal(True))


__all__ = ["Contest", "ContestedView", "contest_marks", "contested_view", "find_contests"]
