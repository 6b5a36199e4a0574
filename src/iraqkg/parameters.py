"""Parameter values of named queries, read as RDF terms so that engines can bind them.

A value is one RDF term, written as in Turtle with the project's prefixes: a prefixed name
(``id:badr-organization``), an IRI (``<https://...>`` or bare ``https://...``), a literal
(``"2014"``, ``"2021-11-07"^^xsd:date``, ``"text"@en``, ``42``, ``true``), or a bare day
(``2021-11-07``, read as an ``xsd:date``, which is what a date field of a form sends).

The term is read by a real Turtle parser (pyoxigraph) as the object of one triple: a value
that is anything but exactly one IRI or literal (a blank node, a list, two terms, a piece
of query) is refused with ParameterError. Engines then bind the term itself (never text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox
from rdflib.term import Literal, URIRef

from .engines.terms import to_rdflib
from .errors import InputError
from .namespaces import PREFIXES

_BARE_IRI = re.compile(r"^(https?|urn):[^\s<>\"{}|^`\\]+$", re.I)
_BARE_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PROLOGUE = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
_SUBJECT, _PREDICATE = ox.NamedNode("urn:iraqkg:value"), ox.NamedNode("urn:iraqkg:of")
_XSD_DATE = URIRef(PREFIXES["xsd"] + "date")
HINT = 'write id:name, a full IRI, or a literal such as "2014" or "2021-11-07"^^xsd:date'
MAX_LENGTH = 2000  # a parameter is one term; a longer value is a mistake or an attack


class ParameterError(InputError):
    """A parameter value is not one RDF term (or names no parameter of the query)."""


def parse_value(text: str, name: str = "value") -> URIRef | Literal:
    """The RDF term ``text`` spells; raises ParameterError with a clear message."""
    value = text.strip()
    if not value:
        raise ParameterError(f"parameter {name}: the value is empty ({HINT})")
    if len(value) > MAX_LENGTH or _CONTROL.search(value):
        raise ParameterError(f"parameter {name}: not one RDF term ({HINT})")
    prefix = value.split(":", 1)[0]
    if prefix not in PREFIXES and _BARE_IRI.match(value):
        value = f"<{value}>"
    elif _BARE_DAY.match(value):
        return Literal(value, datatype=_XSD_DATE)
    document = f"{_PROLOGUE}<{_SUBJECT.value}> <{_PREDICATE.value}> {value}\n."
    try:
        quads = list(ox.parse(document, format=ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        detail = re.sub(r"\s*\(line \d+\)|^Parser error [^:]*: ", "", str(exc).splitlines()[0])
        raise ParameterError(
            f"parameter {name}: cannot read {text.strip()[:80]!r} as an RDF term: {detail} ({HINT})"
        ) from None
    if len(quads) != 1 or quads[0].subject != _SUBJECT or quads[0].predicate != _PREDICATE:
        raise ParameterError(f"parameter {name}: {text.strip()[:80]!r} is not one term ({HINT})")
    term = quads[0].object
    if not isinstance(term, (ox.NamedNode, ox.Literal)):
        raise ParameterError(
            f"parameter {name}: {text.strip()[:80]!r} is not an IRI or a literal ({HINT})"
        )
    return to_rdflib(term)  # type: ignore[return-value]


def parse_values(values: Mapping[str, str]) -> dict[str, URIRef | Literal]:
    """Every value of ``values`` read as a term, keyed by parameter name."""
    return {name: parse_value(text, name) for name, text in values.items()}
