"""What an engine that takes only text (a remote store) must spell out in the query itself:
the project's predefined prefixes, and bound parameters as a VALUES block.

Both are written from parsed, validated terms (pyoxigraph's own N-Triples spelling of each),
never from a user's text; the embedded engines need neither (they take ``prefixes=`` /
``initNs`` and ``substitutions=`` / ``initBindings``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rdflib.term import Node

from iraqkg.engines.policy import tokens
from iraqkg.engines.terms import to_oxigraph
from iraqkg.namespaces import PREFIXES
from iraqkg.sparql_text import service_clauses, splice

_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_SUBSELECT = re.compile(r"\s*SELECT\b", re.I)


def declared_prefixes(query: str) -> set[str]:
    """The prefixes the query's prologue declares (``PREFIX p: <...>`` lines)."""
    declared: set[str] = set()
    expect_name = False
    for match in tokens(query):
        kind, text = match.lastgroup, match.group()
        if kind in ("space", "comment"):
            continue
        if expect_name:
            declared.add(text.split(":", 1)[0])
            expect_name = False
        elif kind == "word" and text.upper() == "PREFIX":
            expect_name = True
        elif kind == "word" and text.upper() == "BASE" or kind == "iri":
            continue
        else:
            break
    return declared


def prefix_line(query: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """One line declaring each of ``prefixes`` the query does not declare ("" if none)."""
    declared = declared_prefixes(query)
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in prefixes.items() if p not in declared]
    return " ".join(missing) + "\n" if missing else ""


def spell_term(term: Node) -> str:
    """The N-Triples spelling of one IRI or literal (validated by pyoxigraph)."""
    try:
        return str(to_oxigraph(term))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"cannot bind {term!r}: {exc}") from None


def short_term(term: Node, declared: Mapping[str, str] = PREFIXES) -> str:
    """A validated term, as a prefixed name where one of ``declared`` fits."""
    spelled = spell_term(term)
    if spelled.startswith("<"):
        iri = spelled[1:-1]
        for prefix, ns in declared.items():
            if iri.startswith(ns) and _LOCAL.fullmatch(iri[len(ns) :]):
                return f"{prefix}:{iri[len(ns) :]}"
    return spelled


def values_block(bindings: Iterable[tuple[str, Node]], spell=spell_term) -> str:
    """``VALUES ?a { t }`` or ``VALUES (?a ?b) { (t1 t2) }`` for the bound variables."""
    pairs = list(bindings)
    for name, term in pairs:
        if not name.isidentifier():
            raise ValueError(f"not a variable name: {name!r}")
        if not hasattr(term, "n3") or term.__class__.__name__ == "BNode":
            raise ValueError(f"parameter {name}: only an IRI or a literal can be bound")
    names = " ".join(f"?{name}" for name, _ in pairs)
    terms = " ".join(spell(term) for _, term in pairs)
    if len(pairs) == 1:
        return f"VALUES {names} {{ {terms} }}"
    return f"VALUES ({names}) {{ ({terms}) }}"


def _group_start(query: str) -> int:
    """Where the query's WHERE group opens: just after the first ``{`` outside parentheses
    and braces that is not a CONSTRUCT template's."""
    braces = parens = 0
    before: list[str] = ["", ""]  # the two previous tokens, upper-cased
    for match in tokens(query):
        kind, text = match.lastgroup, match.group()
        if kind in ("space", "comment"):
            continue
        if text == "(":
            parens += 1
        elif text == ")":
            parens -= 1
        elif text == "}":
            braces -= 1
        elif text == "{":
            if braces == 0 and parens == 0:
                if before[-1] == "CONSTRUCT":
                    braces += 1  # the template, not the pattern
                elif before[-1] == "WHERE" and before[-2] == "CONSTRUCT":
                    raise ValueError("CONSTRUCT WHERE {...} cannot take bound parameters")
                else:
                    return match.end()
            else:
                braces += 1
        before = [before[-1], text.upper() if kind == "word" else text]
    raise ValueError("the query has no WHERE clause to bind parameters in")


def service_edits(query: str, pairs: list[tuple[str, Node]], spell=spell_term) -> list:
    """A VALUES block at the top of every SERVICE group that uses a bound variable: the
    remote endpoint receives only the group (Oxigraph sends it without the outer bindings),
    so without the value there it would be asked for every item it holds."""
    edits = []
    for clause in service_clauses(query):
        inner = [(name, term) for name, term in pairs if name in clause.variables]
        if not inner:
            continue
        at, block = clause.group_start, values_block(inner, spell)
        if _SUBSELECT.match(query, at):
            # A sub-select must stand alone in its braces: wrap it in a group of its own.
            edits.append((at, at, f" {block} {{"))
            edits.append((clause.group_end, clause.group_end, "} "))
        else:
            edits.append((at, at, " " + block))
    return edits


def insert_values(query: str, bindings: Iterable[tuple[str, Node]], spell=spell_term) -> str:
    """The query with a VALUES block for ``bindings`` at the top of its WHERE group (and of
    each SERVICE group using them). Line numbers stay: each block goes on its group's line."""
    pairs = list(bindings)
    if not pairs:
        return query
    at = _group_start(query)
    edits = [(at, at, " " + values_block(pairs, spell)), *service_edits(query, pairs, spell)]
    return splice(query, edits)


def check_bindings(bindings: Mapping[str, Node] | None) -> dict[str, Node]:
    """``bindings`` checked: variable names, and each term one valid IRI or literal.

    Raises QueryRefused, so every engine refuses the same bindings the same way."""
    from iraqkg.engines.errors import QueryRefused

    checked = dict(bindings or {})
    try:
        values_block(checked.items())
    except ValueError as exc:
        raise QueryRefused(f"cannot bind parameters: {exc}", "bad_binding") from None
    return checked
