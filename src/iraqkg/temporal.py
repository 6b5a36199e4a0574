"""When relations held: validity intervals from statement qualifiers, carried through inference.

A Reported statement holds from its ``ikg:start`` to its ``ikg:end``; a ``ikg:pointInTime``
is read as the period it names (``2020-01`` is the whole month). Partial dates are
widened outward: a start in ``2014`` counts from 1 January, an end in ``2014`` until 31
December. A bound the sources do not give is unknown and stays open (``None``); a
relation stated with no time at all holds at any time as far as we know.

An inferred relation holds while all premises of one of its derivations hold, so its
validity is the union, over every derivation the reasoner found, of the intersection of
its premises' validities; an asserted relation also holds whenever one of its
statements does. ``validities`` computes this as a least fixpoint over the recorded
derivations (it terminates: every bound comes from a finite set of statement dates).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from rdflib import RDF, Graph, Literal
from rdflib.namespace import DCTERMS
from rdflib.term import Node, URIRef

from . import periods
from .materialise import Closure, Triple
from .namespaces import IKG

Day = int  # a date as its proleptic Gregorian ordinal
Interval = tuple[Day | None, Day | None]  # (first day, last day); None is an open bound
Validity = tuple[Interval, ...]  # disjoint, sorted; () means never

ALWAYS: Validity = ((None, None),)
NEVER: Validity = ()


def _period(value: object) -> tuple[date | None, date | None] | None:
    """Earliest and latest day of the period a time literal names (``periods``)."""
    found = periods.parse(value)
    return None if found is None else (found.earliest, found.latest)


def statement_validity(provenance: Graph, statement: Node) -> Validity:
    """The interval a statement's time qualifiers give (ALWAYS when it has none)."""
    values = {q: provenance.value(statement, q) for q in (IKG.start, IKG.end, IKG.pointInTime)}
    return _validity(values)


def statement_validities(provenance: Graph) -> dict[Node, Validity]:
    """``statement_validity`` of every dated statement, in one pass over the qualifiers
    (statements missing from the result have no time: ALWAYS). A statement the source
    says is over (``ikg:ended true``) with no end date ends by its source's date, when the
    source is dated."""
    values: dict[Node, dict] = defaultdict(dict)
    for qualifier in (IKG.start, IKG.end, IKG.pointInTime):
        for statement, value in provenance.subject_objects(qualifier):
            values[statement][qualifier] = value
    for statement in provenance.subjects(IKG.ended, Literal(True)):
        if IKG.end in values.get(statement, {}):
            continue
        source = provenance.value(statement, IKG.source)
        written = provenance.value(source, DCTERMS.date) if source is not None else None
        if written is not None:
            values[statement][IKG.end] = written
    return {statement: _validity(found) for statement, found in values.items()}


def _validity(values: dict) -> Validity:
    bounds = {q: _period(v) for q, v in values.items()}
    start, end = bounds.get(IKG.start), bounds.get(IKG.end)
    point = bounds.get(IKG.pointInTime)
    first = start[0] if start else point[0] if point else None
    last = end[1] if end else point[1] if point else None
    interval = (
        first.toordinal() if first else None,
        last.toordinal() if last else None,
    )
    return NEVER if _empty(interval) else (interval,)


def _empty(interval: Interval) -> bool:
    lo, hi = interval
    return lo is not None and hi is not None and lo > hi


def _lo(day: Day | None) -> float:
    return float("-inf") if day is None else day


def _hi(day: Day | None) -> float:
    return float("inf") if day is None else day


def union(a: Validity, b: Validity) -> Validity:
    """The union of two validities, merging intervals that overlap or touch."""
    merged: list[list] = []
    for lo, hi in sorted(a + b, key=lambda i: _lo(i[0])):
        if merged and _lo(lo) <= _hi(merged[-1][1]) + 1:
            if _hi(hi) > _hi(merged[-1][1]):
                merged[-1][1] = hi
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def intersect(a: Validity, b: Validity) -> Validity:
    """The days in both validities."""
    found = []
    for alo, ahi in a:
        for blo, bhi in b:
            lo = alo if _lo(alo) >= _lo(blo) else blo
            hi = ahi if _hi(ahi) <= _hi(bhi) else bhi
            if not _empty((lo, hi)):
                found.append((lo, hi))
    return union(tuple(found), ())


def holds_on(validity: Validity, day: date) -> bool:
    ordinal = day.toordinal()
    return any(_lo(lo) <= ordinal <= _hi(hi) for lo, hi in validity)


def as_dates(validity: Validity) -> list[tuple[date | None, date | None]]:
    return [
        (
            date.fromordinal(lo) if lo is not None else None,
            date.fromordinal(hi) if hi is not None else None,
        )
        for lo, hi in validity
    ]


@dataclass
class TimeContext:
    """What bounds validities beyond each statement's own qualifiers.

    ``statements``: each statement's interval, ends by succession applied (``tenure``);
    ``existence``: entities with a founding date exist from its earliest day, so nothing
    relates to them before (no membership of the PMF before the PMF was formed);
    ``successions``: the derived ends of terms in single-holder offices, for the records.
    """

    statements: dict[Node, Validity]
    existence: dict[Node, Validity] = field(default_factory=dict)
    successions: list = field(default_factory=list)

    def bound(self, triple: Triple, validity: Validity) -> Validity:
        for end in (triple[0], triple[2]):
            exists = self.existence.get(end)
            if exists is not None:
                validity = intersect(validity, exists)
        return validity


def founding_dates(asserted: Graph, provenance: Graph) -> dict[Node, Validity]:
    """From when each organisation exists, as far as the sources date its founding: a
    Founding event that ``ikg:resultedIn`` it (its date), or a dated ``ikg:founderOf``
    statement. The earliest day any of them allows (sources may differ: the widest wins)."""
    earliest: dict[Node, date | None] = {}

    def note(entity: Node, found: periods.Period | None) -> None:
        if found is None:
            return
        day = found.earliest
        if entity in earliest and (earliest[entity] is None or day is None):
            earliest[entity] = None
        elif entity not in earliest or day < earliest[entity]:  # type: ignore[operator]
            earliest[entity] = day

    for event, made in asserted.subject_objects(IKG.resultedIn):
        if (event, RDF.type, IKG.Founding) in asserted:
            dates = [periods.parse(d) for d in asserted.objects(event, IKG.date)]
            dates += [periods.parse(d) for d in asserted.objects(event, IKG.startDate)]
            for found in dates:
                note(made, found)
    for statement in provenance.subjects(IKG.predicate, IKG.founderOf):
        if provenance.value(statement, IKG.status) != IKG.Reported:
            continue
        if provenance.value(statement, IKG.negated) is not None:
            continue  # "did not found it" dates no founding (as tenure.py's terms)
        made = provenance.value(statement, IKG.object)
        value = provenance.value(statement, IKG.start) or provenance.value(
            statement, IKG.pointInTime
        )
        if made is not None and value is not None:
            note(made, periods.parse(value))
    return {
        entity: ((day.toordinal(), None),) for entity, day in earliest.items() if day is not None
    }


def time_context(provenance: Graph, asserted: Graph | None = None) -> TimeContext:
    """Statement intervals with derived ends, and founding bounds (needs ``asserted``)."""
    from .tenure import successions  # tenure reads statement intervals from here

    dated = statement_validities(provenance)
    if asserted is None:
        return TimeContext(dated)
    ends = successions(asserted, provenance, dated)
    for succession in ends:
        dated[succession.ended] = intersect(
            dated.get(succession.ended, ALWAYS), ((None, succession.until.toordinal()),)
        )
    return TimeContext(dated, founding_dates(asserted, provenance), ends)


def validities(
    closure: Closure,
    derived_from: dict[Triple, list[URIRef]],
    provenance: Graph,
    asserted: Graph | None = None,
    context: TimeContext | None = None,
) -> dict[Triple, Validity]:
    """Validity of every relation in the closure (rdf:type triples are not tracked)."""
    context = context or time_context(provenance, asserted)
    dated = context.statements
    valid: dict[Triple, Validity] = {}
    for triple, records in derived_from.items():
        # An undated statement says the relation held at some time, not at every time:
        # where other statements of the same relation date it, their dates are what is known.
        timed = [record for record in records if record in dated] or records
        found = NEVER
        for record in timed:
            found = union(found, dated.get(record, ALWAYS))
        valid[triple] = context.bound(triple, found)

    def of(triple: Triple) -> Validity:
        if triple in valid:
            return valid[triple]
        return ALWAYS if triple in closure.given else NEVER  # entity descriptions: timeless

    dependants = defaultdict(list)
    for index, step in enumerate(closure.instances):
        for premise in step.premises:
            dependants[premise].append(index)
    pending = list(range(len(closure.instances)))
    queued = set(pending)
    while pending:
        index = pending.pop()
        queued.discard(index)
        step = closure.instances[index]
        held = ALWAYS
        for premise in step.premises:
            held = intersect(held, of(premise))
            if not held:
                break
        held = context.bound(step.conclusion, held)
        before = of(step.conclusion)
        after = union(before, held)
        if after != before or step.conclusion not in valid:
            valid[step.conclusion] = after
            if after != before:
                for dependant in dependants.get(step.conclusion, ()):
                    if dependant not in queued:
                        queued.add(dependant)
                        pending.append(dependant)
    return valid


# Relations between periods, decided where the bounds allow: True, False, or None when
# the sources leave it open. A span is (first day it may have started, last day it may
# have started, first day it may have ended, last day it may have ended); a period the
# sources give for a one-off event is a span that starts and ends within it.
Truth = bool | None


@dataclass(frozen=True)
class Span:
    start_earliest: date | None
    start_latest: date | None
    end_earliest: date | None
    end_latest: date | None

    @classmethod
    def of(cls, start: periods.Period | None, end: periods.Period | None = None) -> Span:
        """A span from a start period and an end period (a one-off event: start only)."""
        end = end or start
        return cls(
            start.earliest if start else None,
            start.latest if start else None,
            end.earliest if end and end is not start else (start.earliest if start else None),
            end.latest if end else None,
        )


def _d(day: date | None, missing: float) -> float:
    return missing if day is None else day.toordinal()


def before(a: Span, b: Span) -> Truth:
    """A ended before B started."""
    if _d(a.end_latest, INF) < _d(b.start_earliest, -INF):
        return True
    if _d(a.end_earliest, -INF) >= _d(b.start_latest, INF):
        return False
    return None


def after(a: Span, b: Span) -> Truth:
    """A started after B ended."""
    return before(b, a)


def overlaps(a: Span, b: Span) -> Truth:
    """A and B share at least one day."""
    if before(a, b) or before(b, a):
        return False
    if during(a, b) or during(b, a):
        return True  # one lies wholly within what the other certainly covers
    latest_start = max(_d(a.start_latest, INF), _d(b.start_latest, INF))
    earliest_end = min(_d(a.end_earliest, -INF), _d(b.end_earliest, -INF))
    return True if latest_start <= earliest_end else None


def during(a: Span, b: Span) -> Truth:
    """A lies within B: it started no earlier and ended no later."""
    if _d(b.start_latest, INF) <= _d(a.start_earliest, -INF) and _d(a.end_latest, INF) <= _d(
        b.end_earliest, -INF
    ):
        return True
    if _d(a.start_latest, INF) < _d(b.start_earliest, -INF) or _d(a.end_earliest, -INF) > _d(
        b.end_latest, INF
    ):
        return False
    return None


INF = float("inf")


def describe_validity(valid: list[dict]) -> str:
    """An explanation's ``valid`` intervals in words (the CLI's tree, the entity pages)."""
    if not valid:
        return "never"
    parts = []
    for interval in valid:
        start, end = interval["from"], interval["until"]
        if start and end:
            parts.append(start if start == end else f"{start} to {end}")
        elif start:
            parts.append(f"from {start}")
        elif end:
            parts.append(f"until {end}")
        else:
            parts.append("any time (undated)")
    return ", ".join(parts)
