"""Dates as the sources give them: a period with its precision, read as (earliest, latest).

A time qualifier names a stretch of time within which the thing it dates happened:
``"2014"^^xsd:gYear`` is some day of 2014, ``"2014-06"^^xsd:gYearMonth`` some day of
June 2014, ``"2014-06-10"^^xsd:date`` that day. What XSD cannot type is written as an
``ikg:period`` literal in a small controlled language (the SHACL pattern
``PERIOD_PATTERN`` checks its form, ``parse`` reads it)::

    2014 | 2014-06 | 2014-06-10         as the XSD types
    1990s                               a decade (1990-01-01 .. 1999-12-31)
    20th century                        a century (1901 .. 2000, as centuries are counted)
    early|mid|late <year|decade|century> the first, middle or last third of it
    by <period>                         no later than the end of it (earliest unknown)
    before <period> / after <period>    strictly before its start / after its end
    between <period> and <period>       from the start of the first to the end of the second

Thirds: a year's early / mid / late are January-April / May-August / September-December;
a decade's are its years 0-3 / 3-6 / 6-9 (``early 1980s`` is 1980-1983); a century's
years 1-33 / 34-66 / 67-100. The bounds are the widest the words allow: nothing is
narrowed by guesswork. A bound the words leave open is ``None``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from rdflib import Literal
from rdflib.namespace import XSD

from .namespaces import IKG

PERIOD = IKG.period  # the datatype of period literals

_CORE = r"(\d{4}(-\d{2}(-\d{2})?)?|\d{3}0s|\d{1,2}(st|nd|rd|th) century)"
_BASE = rf"((early|mid|late) )?{_CORE}"
# The whole grammar as one regular expression: the SHACL shape uses the same text.
PERIOD_PATTERN = rf"^((by|before|after) {_BASE}|between {_BASE} and {_BASE}|{_BASE})$"
_PERIOD_RE = re.compile(PERIOD_PATTERN)

PRECISIONS = ("day", "month", "year", "decade", "century")
XSD_PRECISION = {XSD.date: "day", XSD.gYearMonth: "month", XSD.gYear: "year"}


@dataclass(frozen=True)
class Period:
    """A stretch of time the sources name: some day between ``earliest`` and ``latest``."""

    earliest: date | None
    latest: date | None
    precision: str  # day, month, year, decade or century (of the named core)
    qualifier: str | None = None  # early, mid, late, by, before, after, between
    text: str = ""

    def contains(self, day: date) -> bool:
        return (self.earliest is None or self.earliest <= day) and (
            self.latest is None or day <= self.latest
        )


def _core(text: str) -> tuple[date, date, str]:
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        return day, day, "day"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(m[1]), int(m[2])
        last = calendar.monthrange(year, month)[1]
        return date(year, month, 1), date(year, month, last), "month"
    if m := re.fullmatch(r"(\d{4})", text):
        year = int(m[1])
        return date(year, 1, 1), date(year, 12, 31), "year"
    if m := re.fullmatch(r"(\d{3})0s", text):
        start = int(m[1]) * 10
        return date(start, 1, 1), date(start + 9, 12, 31), "decade"
    if m := re.fullmatch(r"(\d{1,2})(st|nd|rd|th) century", text):
        number = int(m[1])
        if number < 1:
            raise ValueError("there is no century 0")
        return date((number - 1) * 100 + 1, 1, 1), date(number * 100, 12, 31), "century"
    raise ValueError(f"not a date, decade or century: {text!r}")


def _third(first: date, last: date, precision: str, which: str) -> tuple[date, date]:
    if precision == "year":
        months = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[which]
        end = calendar.monthrange(first.year, months[1])[1]
        return date(first.year, months[0], 1), date(first.year, months[1], end)
    if precision == "decade":
        years = {"early": (0, 3), "mid": (3, 6), "late": (6, 9)}[which]
        return date(first.year + years[0], 1, 1), date(first.year + years[1], 12, 31)
    if precision == "century":
        years = {"early": (0, 32), "mid": (33, 65), "late": (66, 99)}[which]
        return date(first.year + years[0], 1, 1), date(first.year + years[1], 12, 31)
    raise ValueError(f"'{which}' needs a year, decade or century, not a {precision}")


def _base(text: str) -> tuple[date, date, str, str | None]:
    words = text.split(" ", 1)
    if words[0] in ("early", "mid", "late") and len(words) == 2:
        first, last, precision = _core(words[1])
        first, last = _third(first, last, precision, words[0])
        return first, last, precision, words[0]
    first, last, precision = _core(text)
    return first, last, precision, None


def parse_text(text: str) -> Period:
    """Read a period literal's text (see the module doc); ValueError says what is wrong."""
    text = " ".join(text.split())
    if not _PERIOD_RE.match(text):
        raise ValueError(
            f"{text!r} is not a period: write e.g. 2014, 2014-06, 1990s, early 1980s, "
            "late 2019, 20th century, by 2014, before 2003, between 2014 and 2017"
        )
    head, _, rest = text.partition(" ")
    if head == "between":
        one, _, two = rest.partition(" and ")
        first, _, precision, _ = _base(one)
        _, last, _, _ = _base(two)
        if first > last:
            raise ValueError(f"{text!r}: the first period is after the second")
        return Period(first, last, precision, "between", text)
    if head in ("by", "before", "after"):
        first, last, precision, _ = _base(rest)
        if head == "by":
            return Period(None, last, precision, "by", text)
        if head == "before":
            return Period(None, first - timedelta(days=1), precision, "before", text)
        return Period(last + timedelta(days=1), None, precision, "after", text)
    first, last, precision, qualifier = _base(text)
    return Period(first, last, precision, qualifier, text)


def parse(value: object) -> Period | None:
    """The period a time literal names, or None when it is not one (validation reports it)."""
    if not isinstance(value, Literal):
        return None
    text = str(value).strip()
    try:
        if value.datatype == PERIOD:
            return parse_text(text)
        if value.datatype in XSD_PRECISION:
            # xsd:date may carry a time zone; only the day counts.
            first, last, precision = _core(text[:10] if value.datatype == XSD.date else text)
            if precision != XSD_PRECISION[value.datatype]:
                return None
            return Period(first, last, precision, None, text)
    except ValueError:
        return None
    return None


def problem(value: object) -> str | None:
    """Why a time literal cannot be read (None when it can): for validation messages."""
    if isinstance(value, Literal) and value.datatype == PERIOD:
        try:
            parse_text(str(value))
        except ValueError as error:
            return str(error)
        return None
    if parse(value) is None:
        return f"{value!r} is not a valid xsd:date, xsd:gYearMonth, xsd:gYear or ikg:period"
    return None


TIME_PREDICATES = (IKG.start, IKG.end, IKG.pointInTime, IKG.date, IKG.startDate, IKG.endDate)


def violations(authored, where=lambda node: "") -> list:
    """Time literals the SHACL pattern lets through but that name no period (a month 13,
    a day 31 in April, "between 2017 and 2014"), as contract violations."""
    from .errors import Violation

    found = []
    for predicate in TIME_PREDICATES:
        for node, value in authored.subject_objects(predicate):
            if not isinstance(value, Literal) or value.datatype not in (PERIOD, *XSD_PRECISION):
                continue  # a wrong datatype is the shapes' to report
            if value.datatype != PERIOD and not _PERIOD_RE.match(str(value).strip()[:10]):
                continue  # malformed XSD: the shapes report it
            message = problem(value)
            if message is not None:
                found.append(Violation(str(node), str(predicate), message, where(node)))
    return found
