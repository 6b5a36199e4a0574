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

import calendar
from collections import defaultdict
from datetime import date

from rdflib import Graph, Literal
from rdflib.namespace import XSD
from rdflib.term import Node, URIRef

from .materialise import Closure, Triple
from .namespaces import IKG

Day = int  # a date as its proleptic Gregorian ordinal
Interval = tuple[Day | None, Day | None]  # (first day, last day); None is an open bound
Validity = tuple[Interval, ...]  # disjoint, sorted; () means never

ALWAYS: Validity = ((None, None),)
NEVER: Validity = ()


def _period(value: Literal) -> tuple[date, date] | None:
    """First and last day of the period a year, year-month or date literal names."""
    text = str(value).strip()
    try:
        if value.datatype == XSD.gYear:
            year = int(text[:4])
            return date(year, 1, 1), date(year, 12, 31)
        if value.datatype == XSD.gYearMonth:
            year, month = int(text[:4]), int(text[5:7])
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if value.datatype == XSD.date:
            day = date.fromisoformat(text[:10])
            return day, day
    except ValueError:
        return None
    return None


def statement_validity(provenance: Graph, statement: Node) -> Validity:
    """The interval a statement's time qualifiers give (ALWAYS when it has none)."""
    values = {q: provenance.value(statement, q) for q in (IKG.start, IKG.end, IKG.pointInTime)}
    return _validity(values)


def statement_validities(provenance: Graph) -> dict[Node, Validity]:
    """``statement_validity`` of every dated statement, in one pass over the qualifiers
    (statements missing from the result have no time: ALWAYS)."""
    values: dict[Node, dict] = defaultdict(dict)
    for qualifier in (IKG.start, IKG.end, IKG.pointInTime):
        for statement, value in provenance.subject_objects(qualifier):
            values[statement][qualifier] = value
    return {statement: _validity(found) for statement, found in values.items()}


def _validity(values: dict) -> Validity:
    bounds = {q: _period(v) if isinstance(v, Literal) else None for q, v in values.items()}
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


def validities(
    closure: Closure,
    derived_from: dict[Triple, list[URIRef]],
    provenance: Graph,
) -> dict[Triple, Validity]:
    """Validity of every relation in the closure (rdf:type triples are not tracked)."""
    dated = statement_validities(provenance)
    valid: dict[Triple, Validity] = {}
    for triple, records in derived_from.items():
        found = NEVER
        for record in records:
            found = union(found, dated.get(record, ALWAYS))
        valid[triple] = found

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
