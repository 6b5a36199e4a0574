"""Figures as the sources give them: an ``ikg:amount`` literal read as a typed quantity.

A figure is a statement like any other: its subject is what is measured (an armed group,
an event, a party), its predicate a measure (``ikg:fighters``, ``ikg:killed``,
``ikg:seatsWon``... every ``ikg:MeasureProperty``), its object the amount in the words of
the text, in a small controlled language (``AMOUNT_PATTERN``). Four kinds of amount:

Counts, ``[approximation] number [scale] [of total] [per period]``::

    48 | 2,500 | 2.6 billion | $20 million | seven          exact as stated
    about | around | some | roughly | nearly 10000          approximate: value only
    more than | over 70 ; at least 70                       a lower bound (min 71 / 70)
    fewer than | less than | under 70 ; up to | at most 70  an upper bound (max 69 / 70)
    dozens | hundreds | thousands | tens of thousands | millions | billions | a number
    ... of 329                                              out of a total (seats of 329)
    ... per year | per month | per day                      a rate

Shares of a whole (unit ``share``, a fraction from 0 to 1; ``ikg:regarding`` names the
whole, "of the country")::

    half | a third | one-third | two-thirds | a quarter | one-quarter | three-quarters
    more than half | nearly a third ...                     with an approximation word
    most | a majority                                       more than half: min 0.5

Vague amounts, no number (the word is the approximation, so a query shows it)::

    several | many | numerous                               at least 2, no upper bound
    considerable                                            no bounds at all

Durations (unit ``year``, ``month``, ``week`` or ``day``; decades are read as ten years)::

    two years | over two decades | 18 months | about 3 weeks

A plural of a unit means at least two of it and fewer than the next ("hundreds" is 200 to
999, "tens of thousands" 20,000 to 99,999, "dozens" 24 to 99, "a number" at least 2). A
leading ``$`` makes the unit US dollars; otherwise the measure's own unit applies. Shares and
durations are not counted in steps ("more than half" is at least 0.5, "over two decades" at
least 20 years); a share that has no finite decimal (a third) has its value rounded to six
places and its bounds rounded outwards, so that they still hold the fraction.

The build turns each Reported figure into ``S P <quantity>`` in the asserted graph, with
the quantity node typed ``ikg:Quantity`` and its value, bounds, approximation, unit, rate,
total and time (``quantity_triples``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction

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
# Words with no number: "several" and its kin say at least two; "considerable" says nothing
# a bound could hold, so it keeps only its word.
_VAGUE = {"several": 2, "many": 2, "numerous": 2, "considerable": None}
_SHARES = {
    "half": Fraction(1, 2),
    "a third": Fraction(1, 3),
    "one-third": Fraction(1, 3),
    "two-thirds": Fraction(2, 3),
    "a quarter": Fraction(1, 4),
    "one-quarter": Fraction(1, 4),
    "three-quarters": Fraction(3, 4),
}
_MORE_THAN_HALF = ("most", "a majority")  # a share word with its own bound, like a plural
_DURATIONS = {
    "day": ("day", 1),
    "week": ("week", 1),
    "month": ("month", 1),
    "year": ("year", 1),
    "decade": ("year", 10),
}
_SHARE_PLACES = Decimal("0.000001")
_APPROX = (
    "about|around|some|roughly|nearly|more than|over|at least|fewer than|less than|under"
    "|up to|at most"
)
_NUMBER = r"\$?\d{1,3}(,\d{3})*(\.\d+)?|\$?\d+(\.\d+)?"
_PLURAL = "|".join(sorted(_PLURALS, key=len, reverse=True))
_WORD = "|".join(_WORDS)
_SHARE = "|".join(sorted(_SHARES, key=len, reverse=True))
_DURATION = "|".join(_DURATIONS)
_COUNT = (
    rf"(({_APPROX}) )?(\$?({_PLURAL})|({_NUMBER})( (thousand|million|billion))?|({_WORD}))"
    rf"( of \d{{1,3}}(,\d{{3}})*)?( per (year|month|day))?"
)
AMOUNT_PATTERN = (
    rf"^({_COUNT}"
    rf"|(({_APPROX}) )?({_SHARE})|{'|'.join(_MORE_THAN_HALF)}"
    rf"|({'|'.join(_VAGUE)})( of \d{{1,3}}(,\d{{3}})*)?( per (year|month|day))?"
    rf"|(({_APPROX}) )?(\d+(\.\d+)?|{_WORD}) ({_DURATION})s?)$"
)
_AMOUNT_RE = re.compile(AMOUNT_PATTERN)
_KINDS = {"around": "about", "some": "about", "roughly": "about", "nearly": "about"}
_KINDS |= {"over": "more than", "less than": "fewer than", "under": "fewer than"}
_KINDS |= {"at most": "up to"}


@dataclass(frozen=True)
class Amount:
    text: str
    value: Decimal | None  # the number stated (None for "hundreds", "several", "most"...)
    minimum: Decimal | None
    maximum: Decimal | None
    # exact, about, more than, at least, fewer than, up to, or the word itself (a plural
    # such as hundreds, a vague word such as numerous, most / a majority)
    approximation: str
    unit: str | None  # USD for $, share, year/month/week/day; else the measure's unit
    total: int | None  # "of 329"
    per: str | None  # year, month, day


def parse_amount(text: str) -> Amount:
    """Read an amount literal's text (see the module doc); ValueError says what is wrong."""
    text = " ".join(text.split())
    if not _AMOUNT_RE.match(text):
        raise ValueError(_refusal(text))
    rest, per, total = text, None, None
    if m := re.search(r" per (year|month|day)$", rest):
        per, rest = m[1], rest[: m.start()]
    if m := re.search(r" of ([\d,]+)$", rest):
        total, rest = int(m[1].replace(",", "")), rest[: m.start()]
    approximation = "exact"
    if m := re.match(rf"({_APPROX}) ", rest):
        approximation, rest = m[1], rest[m.end() :]
    approximation = _KINDS.get(approximation, approximation)
    unit = "USD" if rest.startswith("$") else None
    rest = rest.lstrip("$")
    if rest in _PLURALS:
        if approximation != "exact":
            raise ValueError(f"{text!r}: a plural ({rest}) takes no approximation word")
        low, high = _PLURALS[rest]
        top = None if high is None else Decimal(high)
        return Amount(text, None, Decimal(low), top, rest, unit, total, per)
    if rest in _VAGUE:
        low = _VAGUE[rest]
        return Amount(text, None, _maybe(low), None, rest, None, total, per)
    if rest in _MORE_THAN_HALF:
        return Amount(text, None, Decimal("0.5"), None, rest, "share", None, None)
    if rest in _SHARES:
        return _share(text, _SHARES[rest], approximation)
    number, _, word = rest.partition(" ")
    value = Decimal(_WORDS[number]) if number in _WORDS else Decimal(number.replace(",", ""))
    if word.rstrip("s") in _DURATIONS:
        unit, factor = _DURATIONS[word.rstrip("s")]
        low, high = _bounds(value * factor, approximation, counted=False)
        return Amount(text, value * factor, low, high, approximation, unit, None, None)
    value *= _SCALES.get(word, 1)
    low, high = _bounds(value, approximation, counted=value == value.to_integral_value())
    return Amount(text, value, low, high, approximation, unit, total, per)


def _maybe(number: int | None) -> Decimal | None:
    return None if number is None else Decimal(number)


def _bounds(value: Decimal, approximation: str, counted: bool) -> tuple:
    """(min, max) the words allow; a whole count steps by one ("more than 70" is 71)."""
    step = Decimal(1) if counted else Decimal(0)
    return {
        "exact": (value, value),
        "about": (None, None),
        "more than": (value + step, None),
        "at least": (value, None),
        "fewer than": (None, value - step),
        "up to": (None, value),
    }[approximation]


def _share(text: str, fraction: Fraction, approximation: str) -> Amount:
    """A share as a decimal fraction; one with no finite decimal is rounded to six places,
    its bounds outwards (a third: 0.333333 to 0.333334), so the bounds hold the fraction."""
    exact = Decimal(fraction.numerator) / Decimal(fraction.denominator)
    finite = Fraction(exact) == fraction
    value = exact if finite else exact.quantize(_SHARE_PLACES)
    floor = exact if finite else exact.quantize(_SHARE_PLACES, ROUND_FLOOR)
    ceiling = exact if finite else exact.quantize(_SHARE_PLACES, ROUND_CEILING)
    low, high = _bounds(value, approximation, counted=False)
    low = floor if low is not None else None
    high = ceiling if high is not None else None
    return Amount(text, value, low, high, approximation, "share", None, None)


def _refusal(text: str) -> str:
    """What is wrong with an amount that does not parse, as far as its words show."""
    wordless = [*_VAGUE, *_MORE_THAN_HALF]
    suffix = re.search(r" (of|per) ", text)
    if re.match(rf"({_APPROX}) ({'|'.join(wordless)})\b", text):
        return f"{text!r}: a word with no number ({', '.join(wordless)}) takes no approximation"
    if suffix and re.search(rf"\b({_SHARE}|{'|'.join(_MORE_THAN_HALF)})\b", text):
        return (
            f"{text!r}: a share takes no total or rate: name the whole with ikg:regarding "
            "(one-third, regarding :iraq)"
        )
    if suffix and re.search(rf"\b({_DURATION})s?\b", text):
        return f"{text!r}: a duration takes no total or rate (two years, over two decades)"
    return (
        f"{text!r} is not an amount: write e.g. 48, 2,500, some 10000, more than 70 of 329, "
        "around $20 million per year, tens of thousands, a number, several, considerable, "
        "one-third, more than half, most, over two decades"
    )


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
