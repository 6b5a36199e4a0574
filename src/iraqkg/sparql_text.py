"""SPARQL text read token by token: just enough to find SERVICE clauses and their groups.

Used where a query must be edited as text without changing its meaning: a named query's
parameter is also bound inside each SERVICE group that uses it (a remote endpoint sees
only the group, not the outer bindings), and a SERVICE IRI can be routed to another URL.
Strings, IRIs and comments are single tokens, so braces or keywords inside them are never
mistaken for syntax.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from iraqkg.sparql_tokens import VAR, token_pattern

_TOKEN = token_pattern(("var", VAR), ("open", r"\{"), ("close", r"\}"))


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


def tokens(query: str) -> Iterator[Token]:
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield Token(kind, match.group(), match.start(), match.end())


@dataclass(frozen=True)
class ServiceClause:
    """One ``SERVICE [SILENT] <iri> { ... }``: where its endpoint and its group are."""

    endpoint: Token  # the IRI, prefixed name or variable after SERVICE [SILENT]
    endpoint_iri: str | None  # the IRI it names, prefixed names expanded (None: a variable)
    group_start: int  # offset just after the group's "{"
    group_end: int  # offset of the group's closing "}"
    variables: frozenset[str]  # variable names (without ? or $) used inside the group


def _expand(token: Token, prefixes: dict[str, str]) -> str | None:
    if token.kind == "iri":
        return token.text[1:-1]
    if token.kind == "word" and ":" in token.text:
        prefix, local = token.text.split(":", 1)
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def service_clauses(query: str) -> list[ServiceClause]:
    """Every SERVICE clause of the query, in order (nested ones included)."""
    toks = list(tokens(query))
    prefixes: dict[str, str] = {}
    clauses = []
    for i, tok in enumerate(toks):
        word = tok.text.upper() if tok.kind == "word" else ""
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text.rstrip(":")] = toks[i + 2].text[1:-1]
            continue
        if word != "SERVICE":
            continue
        j = i + 1
        if j < len(toks) and toks[j].kind == "word" and toks[j].text.upper() == "SILENT":
            j += 1
        if j + 1 >= len(toks) or toks[j + 1].kind != "open":
            continue  # not a SERVICE clause (cannot be in a valid query: leave it alone)
        endpoint = toks[j]
        depth, k, names = 0, j + 1, set()
        while k < len(toks):
            if toks[k].kind == "open":
                depth += 1
            elif toks[k].kind == "close":
                depth -= 1
                if depth == 0:
                    break
            elif toks[k].kind == "var":
                names.add(toks[k].text[1:])
            k += 1
        if k == len(toks):
            continue  # unbalanced: the parser will report it
        clauses.append(
            ServiceClause(
                endpoint,
                _expand(endpoint, prefixes),
                toks[j + 1].end,
                toks[k].start,
                frozenset(names),
            )
        )
    return clauses


def splice(query: str, edits: list[tuple[int, int, str]]) -> str:
    """``query`` with each (start, end, text) range replaced; ranges must not overlap."""
    out, at = [], 0
    for start, end, text in sorted(edits):
        out.append(query[at:start])
        out.append(text)
        at = end
    out.append(query[at:])
    return "".join(out)
