"""Named queries: ``queries/*.rq`` files with a header that says what each answers.

Header lines at the top of a file::

    # title: Armed wings and their parties
    # question: Which party or movement is each armed wing the wing of?
    # param: party = the party's IRI (default: all)

A parameter ``name`` is the query variable ``?name``. Unbound, it is an ordinary
variable (all answers); bound, a ``VALUES ?name { value }`` block is put at the top of the
query's WHERE clause, so the file stays a valid query either way. ``[default: VALUE]`` at
the end of a param line gives the value used when none is given.

A bound parameter is also put at the top of every SERVICE group that uses its variable:
the remote endpoint receives only the group (Oxigraph sends it without the outer
bindings), so without the value there it would be asked for every item it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .sparql_text import service_clauses, splice

_HEADER = re.compile(r"^#\s*(title|question|param)\s*:\s*(.+?)\s*$")
_PARAM = re.compile(r"^(\w+)\s*(?:=\s*(.*))?$")
_DEFAULT = re.compile(r"\[default:\s*([^\]]+?)\s*\]\s*$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.I)
_SUBSELECT = re.compile(r"\s*SELECT\b", re.I)
# What a bound value may be: an IRI, a prefixed name, a number, or a quoted literal with
# an optional language tag or datatype. Anything else is refused, so binding cannot inject.
_VALUE = re.compile(
    r"""^(<[^<>"{}|^`\\\s]*>
       |[A-Za-z][\w-]*:[\w.-]*
       |-?\d+(\.\d+)?
       |"[^"\\\n]*"(@[A-Za-z]+(-[A-Za-z0-9]+)*|\^\^<[^<>"\s]*>|\^\^[A-Za-z][\w-]*:[\w-]+)?)$""",
    re.X,
)


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

    def bind(self, values: dict[str, str] | None = None) -> str:
        """The query text with parameters bound: given values, else defaults, else unbound."""
        values = dict(values or {})
        for name in values:
            if name not in self.parameters:
                raise InputError(f"query {self.name} has no parameter {name!r}")
        for name, description in self.parameters.items():
            default = _DEFAULT.search(description)
            if name not in values and default:
                values[name] = default.group(1)
        blocks = []
        for name, value in values.items():
            if not _VALUE.match(value.strip()):
                raise InputError(
                    f"parameter {name}: {value!r} is not an IRI, prefixed name or literal"
                )
            blocks.append(f"VALUES ?{name} {{ {value.strip()} }}")
        if not blocks:
            return self.text
        where = _WHERE.search(self.text)
        if where is None:
            raise InputError(f"query {self.name} has no WHERE clause to bind parameters in")
        edits = [(where.end(), where.end(), "\n  " + "\n  ".join(blocks))]
        for clause in service_clauses(self.text):
            inner = " ".join(
                f"VALUES ?{n} {{ {v.strip()} }}" for n, v in values.items() if n in clause.variables
            )
            if not inner:
                continue
            if _SUBSELECT.match(self.text, clause.group_start):
                # A sub-select must stand alone in its braces: wrap it in a group of its own.
                edits.append((clause.group_start, clause.group_start, f" {inner} {{"))
                edits.append((clause.group_end, clause.group_end, "} "))
            else:
                edits.append((clause.group_start, clause.group_start, " " + inner))
        return splice(self.text, edits)


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
