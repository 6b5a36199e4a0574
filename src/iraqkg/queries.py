"""Named queries: ``queries/*.rq`` files with a header that says what each answers.

Header lines at the top of a file::

    # title: Armed wings and their parties
    # question: Which party or movement is each armed wing the wing of?
    # param: party = the party's IRI (default: all)

A parameter ``name`` is the query variable ``?name``. Unbound, it is an ordinary variable
(all answers); bound, the engine substitutes the term for the variable (pyoxigraph's
substitutions, rdflib's initBindings; see engines/), so the query text is never edited
with a user's value. ``[default: VALUE]`` at the end of a param line gives the value used
when none is given. Values are read as RDF terms by ``parameters.parse_value``.

Where a bound variable is used inside a SERVICE group, the engine binds it there too: the
remote endpoint receives only the group (Oxigraph sends it without the outer bindings), so
without the value there it would be asked for every item it holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.term import Node

from .engines.prologue import declared_prefixes, insert_values, short_term
from .errors import InputError
from .namespaces import PREFIXES
from .parameters import ParameterError, parse_value
from .sparql_text import service_clauses

_HEADER = re.compile(r"^#\s*(title|question|param)\s*:\s*(.+?)\s*$")
_PARAM = re.compile(r"^(\w+)\s*(?:=\s*(.*))?$")
_DEFAULT = re.compile(r"\[default:\s*([^\]]+?)\s*\]\s*$")

Bindings = tuple[tuple[str, Node], ...]


@dataclass(frozen=True)
class BoundQuery:
    """A query and the terms its variables are bound to (hashable: a cache key part)."""

    text: str
    bindings: Bindings = ()

    def as_dict(self) -> dict[str, Node]:
        return dict(self.bindings)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    question: str
    text: str
    parameters: dict[str, str] = field(default_factory=dict)  # name -> description

    @property
    def services(self) -> tuple[str, ...]:
        """The SERVICE endpoints the query calls (a federated query needs them reachable)."""
        return tuple(c.endpoint_iri or c.endpoint.text for c in service_clauses(self.text))

    def default(self, name: str) -> str | None:
        """The ``[default: ...]`` value of parameter ``name``, or None (unbound)."""
        found = _DEFAULT.search(self.parameters.get(name, ""))
        return found.group(1) if found else None

    def describe(self, name: str) -> str:
        """The description of parameter ``name`` without its ``[default: ...]`` marker."""
        return _DEFAULT.sub("", self.parameters.get(name, "")).strip()

    def values(self, given: Mapping[str, str] | None = None) -> dict[str, str]:
        """The values in force: those given (blank ones dropped), else the defaults."""
        values = {k: v for k, v in (given or {}).items() if v is not None and v.strip()}
        for name in values:
            if name not in self.parameters:
                raise ParameterError(f"query {self.name} has no parameter {name!r}")
        for name in self.parameters:
            default = self.default(name)
            if name not in values and default:
                values[name] = default
        return values

    def bind(self, values: Mapping[str, str] | None = None) -> BoundQuery:
        """The query with its parameters read as terms: given values, else defaults.

        Raises ParameterError (an InputError) for an unknown parameter or a bad value."""
        terms = {name: parse_value(text, name) for name, text in self.values(values).items()}
        return BoundQuery(self.text, tuple(sorted(terms.items())))

    def spelled_out(self, values: Mapping[str, str] | None = None) -> str:
        """The query as one standalone text with the bound terms written in a VALUES block
        (serialised from the parsed terms): for the editor's examples, never for running."""
        bound = self.bind(values)
        if not bound.bindings:
            return self.text
        try:
            # Prefixed names only with the query's own prefixes: the text runs anywhere.
            declared = {p: ns for p, ns in PREFIXES.items() if p in declared_prefixes(self.text)}
            return insert_values(self.text, bound.bindings, lambda t: short_term(t, declared))
        except ValueError as exc:
            raise InputError(f"query {self.name}: {exc}") from None


def parse_named_query(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    parameters: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            param = _PARAM.match(value)
            if param:
                parameters[param.group(1)] = param.group(2) or ""
        else:
            header[key] = value
    if "title" not in header:
        raise InputError(f"{path}: a named query needs a '# title:' header line")
    return NamedQuery(path.stem, header["title"], header.get("question", ""), text, parameters)


def load_named_queries(folder: Path) -> dict[str, NamedQuery]:
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {p.stem: parse_named_query(p) for p in sorted(folder.glob("*.rq"))}
