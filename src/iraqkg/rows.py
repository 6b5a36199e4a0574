"""Query answers for people and notebooks: rows as dicts of plain Python values.

IRIs and blank nodes become strings (``"https://w3id.org/iraqkg/id/badr-organization"``,
``"_:b0"``), literals their Python value (int, float, Decimal, bool, date, datetime) or
their text; the engine's own terms stay reachable (``.oxigraph``, ``.terms`` as rdflib).

    rows = kg.query("SELECT ?who ?label { ?who skos:prefLabel ?label } LIMIT 3")
    rows[0]["label"]            # 'Badr Organization'
    rows.df()                   # a pandas DataFrame (pandas installed: pip install iraqkg[pandas])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, overload

import pyoxigraph as ox
from rdflib.term import Node

from .engines.terms import to_rdflib

XSD = "http://www.w3.org/2001/XMLSchema#"


def _decimal(text: str) -> Decimal | str:
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def _number(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            return kind(text)
        except ValueError:  # an ill-typed literal keeps its text
            return text

    return convert


def _boolean(text: str) -> bool | str:
    return {"true": True, "1": True, "false": False, "0": False}.get(text, text)


_INTEGER = _number(int)
_CONVERTERS: dict[str, Callable[[str], Any]] = {
    XSD + "integer": _INTEGER,
    XSD + "int": _INTEGER,
    XSD + "long": _INTEGER,
    XSD + "short": _INTEGER,
    XSD + "nonNegativeInteger": _INTEGER,
    XSD + "positiveInteger": _INTEGER,
    XSD + "decimal": _decimal,
    XSD + "double": _number(float),
    XSD + "float": _number(float),
    XSD + "boolean": _boolean,
    XSD + "date": _number(dt.date.fromisoformat),
    XSD + "dateTime": _number(dt.datetime.fromisoformat),
}


def plain(term: Any) -> Any:
    """The plain Python value of a pyoxigraph term (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        if term.language:
            return term.value
        convert = _CONVERTERS.get(term.datatype.value)
        return convert(term.value) if convert else term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


class Rows(Sequence[dict[str, Any]]):
    """The rows of a SELECT (or the triples of a CONSTRUCT as subject/predicate/object)."""

    def __init__(self, variables: Sequence[str], solutions: list[tuple[Any, ...]]) -> None:
        self.variables = list(variables)
        self.oxigraph = solutions  # the engine's terms, one tuple per row
        self._dicts: list[dict[str, Any]] | None = None

    def _rows(self) -> list[dict[str, Any]]:
        if self._dicts is None:
            names = self.variables
            self._dicts = [
                {name: plain(term) for name, term in zip(names, row, strict=True)}
                for row in self.oxigraph
            ]
        return self._dicts

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index):
        return self._rows()[index]

    def __len__(self) -> int:
        return len(self.oxigraph)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._rows())

    def __repr__(self) -> str:
        return f"<Rows {len(self)} x {self.variables}>"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return self.variables == other.variables and self._rows() == other._rows()
        if isinstance(other, list):
            return self._rows() == other
        return NotImplemented

    @property
    def terms(self) -> list[tuple[Node | None, ...]]:
        """The rows as rdflib terms (URIRef, Literal, BNode; None when unbound)."""
        return [tuple(to_rdflib(t) for t in row) for row in self.oxigraph]

    def column(self, name: str) -> list[Any]:
        return [row[name] for row in self._rows()]

    def df(self):
        """The rows as a pandas DataFrame (one column per variable, plain values)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(
                "Rows.df() needs pandas: pip install pandas (or iraqkg[pandas])"
            ) from None
        return pd.DataFrame(self._rows(), columns=self.variables)
