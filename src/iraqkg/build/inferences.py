"""Inference records: how and when each inferred relation holds, published for SPARQL.

For every relation in the inferred graph the build writes, into the provenance graph::

    <https://w3id.org/iraqkg/inference/…> a ikg:Inference ;
        rdf:subject id:hadi-al-ameri ; rdf:predicate ikg:affiliatedWith ;
        rdf:object id:popular-mobilization-forces ;
        ikg:rule "prp-spo2" ; ikg:axiom ikg:affiliatedWith ;
        ikg:premise <…/inference/…> , st:000-23-badr-in-pmu ;
        ikg:validDuring <…/inference/interval/2014-01-01/open> .

and gives every statement record the interval its time qualifiers name
(``ikg:validDuring``). An interval node carries ``ikg:validFrom`` / ``ikg:validUntil``
(xsd:date; a missing bound is open). Interval IRIs are built from their bounds, so the
same interval is one node however many records share it. An inference with no
``ikg:validDuring`` never held: its premises were never true at the same time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from ..materialise import Triple
from ..namespaces import BASE, IKG
from ..reasoning import Reasoning
from ..statements import Views
from ..temporal import ALWAYS, TimeContext, Validity, as_dates, time_context, validities
from ..tenure import RULE as SUCCESSION_RULE

INF = Namespace(BASE + "inference/")


def inference_iri(triple: Triple) -> URIRef:
    """A stable IRI for the inference record of a triple."""
    key = "\n".join(term.n3() for term in triple)
    return INF[hashlib.sha256(key.encode()).hexdigest()[:20]]


def interval_iri(start: date | None, end: date | None) -> URIRef:
    bounds = [day.isoformat() if day else "open" for day in (start, end)]
    return INF[f"interval/{bounds[0]}/{bounds[1]}"]


def is_relation(triple: Triple) -> bool:
    """A link between two entities (not a type, a label or a schema axiom)."""
    s, p, o = triple
    return (
        p != RDF.type
        and isinstance(s, URIRef)
        and isinstance(o, URIRef)
        and not str(p).startswith(("http://www.w3.org/2000/01/rdf-schema#", str(RDF)))
        and not str(p).startswith("http://www.w3.org/2002/07/owl#")
    )


# Looked up once: rdflib's namespace attribute access is slow for every record.
_TYPE, _SUBJECT, _PREDICATE, _OBJECT = RDF.type, RDF.subject, RDF.predicate, RDF.object
_INFERENCE, _RULE, _AXIOM, _PREMISE = IKG.Inference, IKG.rule, IKG.axiom, IKG.premise
_VALID_DURING = IKG.validDuring


@lru_cache(maxsize=4096)
def _interval(start: date | None, end: date | None) -> tuple[URIRef, tuple[Triple, ...]]:
    """An interval's IRI and description (thousands of records share a few intervals)."""
    interval = interval_iri(start, end)
    described = [(interval, RDF.type, IKG.ValidityInterval)]
    if start:
        described.append((interval, IKG.validFrom, Literal(start, datatype=XSD.date)))
    if end:
        described.append((interval, IKG.validUntil, Literal(end, datatype=XSD.date)))
    return interval, tuple(described)


def _validity_triples(record: URIRef, validity: Validity) -> Iterator[Triple]:
    for start, end in as_dates(validity):
        interval, described = _interval(start, end)
        yield (record, _VALID_DURING, interval)
        yield from described


def inference_records(
    reasoning: Reasoning, views: Views, context: TimeContext | None = None
) -> Iterator[Triple]:
    """Inference records and statement intervals, for the provenance graph (see module doc).

    Only statement intervals when owlrl did the reasoning (it keeps no derivations). The
    build adds them with ``views.provenance.addN`` (one pass; no intermediate graph)."""
    context = context or time_context(views.provenance, views.asserted)
    dated = context.statements
    for statement in {s for sts in views.derived_from.values() for s in sts}:
        yield from _validity_triples(statement, dated.get(statement, ALWAYS))
    yield from succession_records(context)
    closure = reasoning.closure
    if closure is None:
        return
    valid = validities(closure, views.derived_from, views.provenance, context=context)
    for triple in reasoning.inferred:
        step = closure.derived.get(triple)
        if step is None or not is_relation(triple):
            continue
        record = inference_iri(triple)
        yield from _record_head(record, triple, step)
        for premise in step.premises:
            for source in _premise_records(premise, views, closure.derived):
                yield (record, _PREMISE, source)
        yield from _validity_triples(record, valid.get(triple, ()))


def _record_head(record: URIRef, triple: Triple, step) -> Iterator[Triple]:
    """What every inference record says first: the relation, and the rule and axiom."""
    s, p, o = triple
    yield (record, _TYPE, _INFERENCE)
    yield (record, _SUBJECT, s)
    yield (record, _PREDICATE, p)
    yield (record, _OBJECT, o)
    yield (record, _RULE, Literal(step.rule))
    yield (record, _AXIOM, step.axiom[0])


def aside_intervals(aside: dict, context: TimeContext) -> Iterator[Triple]:
    """For the provenance graph: the intervals of the contested statements (set aside from
    the asserted graph, they are statements like any other)."""
    for statements in aside.values():
        for statement in statements:
            yield from _validity_triples(statement, context.statements.get(statement, ALWAYS))


def contested_records(view, views: Views, context: TimeContext) -> Iterator[Triple]:
    """For the contested graph: an ``ikg:Inference`` record for each relation that follows
    only through a contested one, with ``ikg:restsOnContested`` naming the contested
    statements it rests on, its premises and validity (over the widened closure)."""
    closure = view.reasoning.closure
    if closure is None:
        return
    derived_from = dict(views.derived_from)
    derived_from.update(view.aside)
    valid = validities(closure, derived_from, views.provenance, context=context)
    for triple, contested in view.only_through.items():
        step = closure.derived.get(triple)
        if step is None or not is_relation(triple):
            continue
        record = inference_iri(triple)
        yield from _record_head(record, triple, step)
        for premise in step.premises:
            if premise in view.aside:
                sources = list(view.aside[premise])
            else:
                sources = _premise_records(premise, views, closure.derived)
            for source in sources:
                yield (record, _PREMISE, source)
        for statement in sorted(contested):
            yield (record, IKG.restsOnContested, statement)
        yield from _validity_triples(record, valid.get(triple, ()))


def succession_records(context: TimeContext) -> Iterator[Triple]:
    """One ``ikg:Inference`` per term ended by the next holder's start (``tenure``): the
    term's triple, rule, both statements as premises, and ``ikg:endsStatement`` /
    ``ikg:endedBy`` / ``ikg:validUntil`` naming which statement ends and by when."""
    for succession in context.successions:
        triple = (succession.holder, IKG.holdsOffice, succession.office)
        record = INF["succession/" + inference_iri(triple).rsplit("/", 1)[-1]]
        record = URIRef(f"{record}-{succession.ended.rsplit('/', 1)[-1]}")
        yield (record, _TYPE, _INFERENCE)
        yield (record, _SUBJECT, succession.holder)
        yield (record, _PREDICATE, IKG.holdsOffice)
        yield (record, _OBJECT, succession.office)
        yield (record, _RULE, Literal(SUCCESSION_RULE))
        yield (record, _AXIOM, IKG.SingleHolderOffice)
        yield (record, _PREMISE, succession.ended)
        yield (record, _PREMISE, succession.by)
        yield (record, IKG.endsStatement, succession.ended)
        yield (record, IKG.endedBy, succession.by)
        yield (record, IKG.validUntil, Literal(succession.until, datatype=XSD.date))


def records_graph(reasoning: Reasoning, views: Views) -> Graph:
    """``inference_records`` as a graph of its own."""
    graph = Graph()
    graph.addN((*triple, graph) for triple in inference_records(reasoning, views))
    return graph


def _premise_records(premise: Triple, views: Views, derived: dict) -> list[URIRef]:
    if premise in views.derived_from:
        return list(views.derived_from[premise])
    if premise in derived and is_relation(premise):
        return [inference_iri(premise)]
    return []  # an entity description: no record to point to
