"""Lexical forms of the XSD datatypes the data uses: is ``"2021-13-45"^^xsd:date`` a date?

rdflib checks only some datatypes (not ``xsd:gYear`` or ``xsd:gYearMonth``) and logs a
traceback for the ones it rejects; the loader asks here instead and reports the literal
with its file and line.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable

XSD = "http://www.w3.org/2001/XMLSchema#"

_TZ = r"(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)?"
_YEAR = r"-?([1-9]\d{4,}|\d{4})"
_DATE = re.compile(rf"{_YEAR}-(\d\d)-(\d\d){_TZ}")
_YEAR_MONTH = re.compile(rf"{_YEAR}-(\d\d){_TZ}")
_GYEAR = re.compile(rf"{_YEAR}{_TZ}")
_DATETIME = re.compile(rf"{_YEAR}-(\d\d)-(\d\d)T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?{_TZ}")
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DOUBLE = re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN")
_BOOLEAN = re.compile(r"true|false|1|0")


def _day_ok(match: re.Match) -> bool:
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    if not 1 <= month <= 12:
        return False
    # calendar handles years 1..9999; xsd allows any, where February 29 follows the same rule.
    leap = calendar.isleap(year % 400 or 400)
    days = 29 if month == 2 and leap else calendar.mdays[month]
    return 1 <= day <= days


def _date(text: str) -> bool:
    match = _DATE.fullmatch(text)
    return match is not None and _day_ok(match)


def _date_time(text: str) -> bool:
    match = _DATETIME.fullmatch(text)
    return match is not None and _day_ok(match)


def _year_month(text: str) -> bool:
    match = _YEAR_MONTH.fullmatch(text)
    return match is not None and 1 <= int(match.group(2)) <= 12


def _pattern(regex: re.Pattern) -> Callable[[str], bool]:
    return lambda text: regex.fullmatch(text) is not None


def _bounded(low: int | None, high: int | None) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        if _INTEGER.fullmatch(text) is None:
            return False
        value = int(text)
        return (low is None or value >= low) and (high is None or value <= high)

    return check


VALID: dict[str, Callable[[str], bool]] = {
    XSD + "date": _date,
    XSD + "dateTime": _date_time,
    XSD + "gYear": _pattern(_GYEAR),
    XSD + "gYearMonth": _year_month,
    XSD + "integer": _bounded(None, None),
    XSD + "nonNegativeInteger": _bounded(0, None),
    XSD + "positiveInteger": _bounded(1, None),
    XSD + "int": _bounded(-(2**31), 2**31 - 1),
    XSD + "long": _bounded(-(2**63), 2**63 - 1),
    XSD + "decimal": _pattern(_DECIMAL),
    XSD + "double": _pattern(_DOUBLE),
    XSD + "float": _pattern(_DOUBLE),
    XSD + "boolean": _pattern(_BOOLEAN),
}


def is_valid(lexical: str, datatype: str) -> bool:
    """False when ``lexical`` is not in the lexical space of ``datatype`` (an XSD type we
    know); True for valid forms and for datatypes we do not check."""
    check = VALID.get(datatype)
    # XSD allows surrounding whitespace (collapsed) for these types.
    return check is None or check(lexical.strip(" \t\r\n"))


def datatype_name(datatype: str) -> str:
    return "xsd:" + datatype[len(XSD) :] if datatype.startswith(XSD) else f"<{datatype}>"
