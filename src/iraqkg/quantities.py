"""Figures as the sources give them: an ``ikg:amount`` literal read as a typed quantity.

A figure is a statement like any other: its subject is what is measured (an armed group,
an event, a party), its predicate a measure (``ikg:fighters``, ``ikg:killed``,
``ikg:seatsWon``... every ``ikg:MeasureProperty``), its object the amount in the words of
the text, in a small controlled language (``AMOUNT_PATTERN``)::

    [approximation] number [scale] [of total] [per period]

    48 | 2,500 | 2.6 billion | $20 million | seven          exact as stated
    about | around | some | roughly | nearly 10000          approximate: value only
    more than | over 70 ; at least 70                       a lower bound (min 71 / 70)
    fewer than | less than | under 70 ; up to | at most 70  an upper bound (max 69 / 70)
    dozens | hundreds | thousands | tens of thousands | millions | billions | a number
    ... of 329                                              out of a total (seats of 329)
    ... per year | per month | per day                      a rate

A plural of a unit means at least two of it and fewer than the next ("hundreds" is 200 to
999, "tens of thousands" 20,000 to 99,999, "dozens" 24 to 99, "a number" at least 2). A
leading ``$`` makes the unit US dollars; otherwise the measure's own unit applies.

The build turns each Reported figure into ``S P <quantity>`` in the asserted graph, with
the quantity node typed ``ikg:Quantity`` and its value, bounds, approximation, unit, rate,
total and time (``quantity_triples``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rdflib import RDF, Literal, Namespace, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .namespaces import BASE, IKG

AMOUNT = IKG.amount  # the datatype of amount literals
QUANTITY = Namespace(BASE + "quantity/")

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty"
)
_WORDS = {w: i for i, w in enumerate(_NUMBER_WORDS.split(" "))}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_PLURALS = {
    "a number": (2, None),
    "dozens": (24, 99),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
    "millions": (2 * 10**6, 999_999_999),
    "billions": (2 * 10**9, 999_999_999_999),
}
_APPROX = (
    "about|around|some|roughly|nearly|more than|over|at least|fewer than|less than|under"
    "|up to|at most"
)
_NUMBER = r"\$?\d{1,3}(,\d{3})*(\.\d+)?|\$?\d+(\.\d+)?"
_PLURAL = "|".join(sorted(_PLURALS, key=len, reverse=True))
AMOUNT_PATTERN = (
    rf"^(({_APPROX}) )?(\$?({_PLURAL})|({_NUMBER})( (thousand|million|billion))?|"
    rf"({'|'.join(_WORDS)}))( of \d{{1,3}}(,\d{{3}})*)?( per (year|month|day))?$"
)
_AMOUNT_RE = re.compile(AMOUNT_PATTERN)


@dataclass(frozen=True)
class Amount:
    text: str
    value: Decimal | None  # the number stated (None for "hundreds", "a number"...)
    minimum: Decimal | None
    maximum: Decimal | None
    approximation: str  # exact, about, more than, at least, fewer than, up to, or the plural
    unit: str | None  # USD when the text has $, else the measure's unit
    total: int | None  # "of 329"
    per: str | None  # year, month, day


def parse_amount(text: str) -> Amount:
    """Read an amount literal's text (see the module doc); ValueError says what is wrong."""
    text = " ".join(text.split())
    if not _AMOUNT_RE.match(text):
        raise ValueError(
            f"{text!r} is not an amount: write e.g. 48, 2,500, some 10000, more than 70 of 329, "
            "around $20 million per year, tens of thousands, a number"
        )
    rest, per, total = text, None, None
    if m := re.search(r" per (year|month|day)$", rest):
        per, rest = m[1], rest[: m.start()]
    if m := re.search(r" of ([\d,]+)$", rest):
        total, rest = int(m[1].replace(",", "")), rest[: m.start()]
    approximation = "exact"
    if m := re.match(rf"({_APPROX}) ", rest):
        approximation, rest = m[1], rest[m.end() :]
    unit = "USD" if rest.startswith("$") else None
    rest = rest.lstrip("$")
    if rest in _PLURALS:
        if approximation != "exact":
            raise ValueError(f"{text!r}: a plural ({rest}) takes no approximation word")
        low, high = _PLURALS[rest]
        top = None if high is None else Decimal(high)
        return Amount(text, None, Decimal(low), top, rest, unit, total, per)
    if rest in _WORDS:
        value = Decimal(_WORDS[rest])
    else:
        number, _, scale = rest.partition(" ")
        value = Decimal(number.replace(",", "")) * _SCALES.get(scale, 1)
    low = high = None
    kind = {"around": "about", "some": "about", "roughly": "about", "nearly": "about"}
    kind |= {"over": "more than", "less than": "fewer than", "under": "fewer than"}
    kind |= {"at most": "up to"}
    approximation = kind.get(approximation, approximation)
    step = Decimal(1) if value == value.to_integral_value() else Decimal(0)
    if approximation == "exact":
        low = high = value
    elif approximation == "more than":
        low = value + step if step else value
    elif approximation == "at least":
        low = value
    elif approximation == "fewer than":
        high = value - step if step else value
    elif approximation == "up to":
        high = value
    return Amount(text, value, low, high, approximation, unit, total, per)


def canonical_decimal(value: Decimal) -> str:
    """XSD's canonical decimal spelling ("2.0", "0.5"): Turtle writers print decimals that
    way, so any other spelling would not survive a round trip through an export."""
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def quantity_iri(statement: URIRef) -> URIRef:
    return QUANTITY[str(statement).rsplit("/", 1)[-1]]


def is_amount(node: Node) -> bool:
    return isinstance(node, Literal) and node.datatype == AMOUNT


def quantity_triples(statement: URIRef, amount_literal: Literal, provenance) -> list:
    """The quantity node's description (module doc); [] when the literal does not parse."""
    try:
        amount = parse_amount(str(amount_literal))
    except ValueError:
        return []
    node = quantity_iri(statement)
    found = [
        (node, RDF.type, IKG.Quantity),
        (node, IKG.asStated, Literal(amount.text)),
        (node, IKG.approximation, Literal(amount.approximation)),
    ]
    for predicate, value in (
        (IKG.quantityValue, amount.value),
        (IKG.minValue, amount.minimum),
        (IKG.maxValue, amount.maximum),
    ):
        if value is not None:
            found.append((node, predicate, Literal(canonical_decimal(value), datatype=XSD.decimal)))
    if amount.unit:
        found.append((node, IKG.unit, Literal(amount.unit)))
    if amount.total is not None:
        found.append((node, IKG.outOf, Literal(amount.total)))
    if amount.per:
        found.append((node, IKG.per, Literal(amount.per)))
    for qualifier in (IKG.inEvent, IKG.regarding):
        for value in provenance.objects(statement, qualifier):
            found.append((node, qualifier, value))
    for bound in (IKG.earliest, IKG.latest):
        for value in provenance.objects(statement, bound):
            found.append((node, bound, value))
    return found


def amount_violations(authored, ontology, where=lambda node: "") -> list:
    """Figures that do not read: an amount that is not one, a measure without an amount (or
    an amount on another relation), and the retired ikg:quantity / ikg:seats qualifiers."""
    from .errors import Violation

    measures = set(ontology.subjects(RDF.type, IKG.MeasureProperty))
    found = []
    for node, value in authored.subject_objects(IKG.object):
        predicate = authored.value(node, IKG.predicate)
        problem = None
        if is_amount(value):
            try:
                parse_amount(str(value))
            except ValueError as error:
                problem = str(error)
            if problem is None and predicate not in measures:
                problem = (
                    f"an ikg:amount is the object of a measure (ikg:killed...), not {predicate}"
                )
        elif predicate in measures:
            problem = f'a figure needs an ikg:amount object ("about 170"^^ikg:amount): {value}'
        if problem:
            found.append(Violation(str(node), str(IKG.object), problem, where(node)))
    for retired in (IKG.quantity, IKG.seats):
        for node in authored.subjects(retired):
            found.append(
                Violation(
                    str(node),
                    str(retired),
                    f"{retired.fragment} is retired: write a figure statement (a measure such as "
                    'ikg:killed or ikg:seatsWon with an ikg:amount, e.g. "more than 70 of 329")',
                    where(node),
                )
            )
    return found
