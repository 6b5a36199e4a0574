"""Terms in offices held by one person at a time: the next holder's start ends a term.

An office typed ``ikg:SingleHolderOffice`` (prime minister of Iraq, speaker of parliament,
commander of a named force) has one holder at a time. So when a source dates the start of
a term and another dates a later start of someone else's term, the first term ended no
later than that later start, even if no source gives its end. The build derives such ends
(``successions``) and publishes each as an ``ikg:Inference`` record (rule
``single-holder-succession``, premises: the two statements), never written by hand.

A later start counts only when it is certainly later: its earliest day is after the last
day the first term may have begun. When the sources leave the order of two starts open,
nothing is derived.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from . import periods
from .namespaces import IKG
from .temporal import ALWAYS, Validity, as_dates

RULE = "single-holder-succession"


@dataclass(frozen=True)
class Succession:
    office: Node
    holder: Node
    ended: URIRef  # the statement of the term that ended
    successor: Node
    by: URIRef  # the statement of the successor's start
    until: date  # the last day the ended term can have lasted


@dataclass(frozen=True)
class _Term:
    statement: URIRef
    holder: Node
    began: periods.Period | None  # start, or the point in time
    start: periods.Period | None  # only a dated start can end someone else's term
    validity: Validity


def single_holder_offices(asserted: Graph) -> set[Node]:
    return set(asserted.subjects(RDF.type, IKG.SingleHolderOffice))


def _terms(asserted: Graph, provenance: Graph, dated: dict) -> dict[Node, list[_Term]]:
    offices = single_holder_offices(asserted)
    terms: dict[Node, list[_Term]] = defaultdict(list)
    for statement in provenance.subjects(IKG.predicate, IKG.holdsOffice):
        office = provenance.value(statement, IKG.object)
        if office not in offices or provenance.value(statement, IKG.status) != IKG.Reported:
            continue
        if provenance.value(statement, IKG.negated) is not None:
            continue  # "was never prime minister" starts no term
        start = periods.parse(provenance.value(statement, IKG.start))
        point = periods.parse(provenance.value(statement, IKG.pointInTime))
        holder = provenance.value(statement, IKG.subject)
        terms[office].append(
            _Term(statement, holder, start or point, start, dated.get(statement, ALWAYS))
        )
    return terms


def successions(asserted: Graph, provenance: Graph, dated: dict) -> list[Succession]:
    """The derived ends of terms (see the module doc), in a stable order."""
    found = []
    for office, terms in sorted(_terms(asserted, provenance, dated).items()):
        for term in terms:
            if term.began is None or term.began.latest is None or not term.validity:
                continue
            current_end = as_dates(term.validity)[-1][1]
            best: tuple[date, _Term] | None = None
            for other in terms:
                if other.holder == term.holder or other.start is None:
                    continue
                first, last = other.start.earliest, other.start.latest
                if first is None or last is None or first <= term.began.latest:
                    continue  # not certainly later
                if best is None or last < best[0]:
                    best = (last, other)
            if best is None or (current_end is not None and current_end <= best[0]):
                continue  # no later holder, or the term already ends by then
            until, successor = best
            found.append(
                Succession(
                    office,
                    term.holder,
                    term.statement,
                    successor.holder,
                    successor.statement,
                    until,
                )
            )
    return sorted(found, key=lambda s: (str(s.office), str(s.ended)))
