"""Syntax errors said in one line: "line 3, column 12: prefix foo is not declared".

The parsers' own messages list grammar alternatives ("expected one of ['%'], ['-' | '0'
..= '9' ..."), which tell a person little. ``summarise`` reads the position and the kind
of failure from the parser's message and the query text, and says what went wrong at
which token; the parser's message stays available as the error's detail.
"""

from __future__ import annotations

import re

from iraqkg.engines.policy import tokens

_UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix\s*:\s*([\w.-]*)")
_EXPECTED = re.compile(r"expected (?:one of )?(.*)$", re.S | re.I)
_SHORT_EXPECTATION = 60
_RULE_NAME = re.compile(r"[A-Z][a-z]+[A-Z]")  # rdflib names grammar rules: SelectQuery
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def _offset(query: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column (clamped to the text)."""
    lines = query.split("\n")
    if line > len(lines):
        return len(query)
    start = sum(len(text) + 1 for text in lines[: line - 1])
    return min(start + max(column - 1, 0), len(query))


def _position(query: str, offset: int) -> tuple[int, int]:
    before = query[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _token_at(query: str, offset: int) -> re.Match[str] | None:
    """The token that covers ``offset``, or ends just before it (parsers point either)."""
    last = None
    for match in tokens(query):
        if match.lastgroup in ("space", "comment"):
            if match.start() >= offset:
                break
            continue
        if match.start() <= offset < match.end():
            return match
        if match.start() >= offset:
            break
        last = match
    return last


def _prefix_use(query: str, prefix: str) -> re.Match[str] | None:
    for match in tokens(query):
        if match.lastgroup == "word" and match.group().startswith(f"{prefix}:"):
            return match
    return None


def _where(line: int | None, column: int | None) -> str:
    return f"line {line}, column {column}: " if line and column else ""


def _opening(query: str) -> re.Match[str] | None:
    """The first keyword after the prologue, when it is not one that starts a query."""
    skip = 0
    for match in tokens(query):
        kind, word = match.lastgroup, match.group().upper()
        if kind in ("space", "comment"):
            continue
        if skip:
            skip -= 1
        elif word in ("BASE", "PREFIX"):
            skip = 1 if word == "BASE" else 2
        elif word in _FORMS:
            return None
        else:
            return match
    return None


def summarise(
    query: str, detail: str, line: int | None, column: int | None
) -> tuple[str, int | None, int | None]:
    """One line saying where the query breaks and why, from a parser's ``detail``; and the
    line and column it names (the start of the offending token where one is found)."""
    first_line = detail.strip().splitlines()[0] if detail.strip() else "syntax error"
    offset = _offset(query, line, column) if line and column else None
    unknown = _UNKNOWN_PREFIX.search(detail)
    if unknown or "Prefix not found" in detail:
        token = _prefix_use(query, unknown.group(1)) if unknown else None
        if token is None and offset is not None:
            token = _token_at(query, offset)
        name = unknown.group(1) if unknown else None
        if token is not None and ":" in token.group():
            name = token.group().split(":", 1)[0]
            line, column = _position(query, token.start())
        if name is not None:
            return f"{_where(line, column)}prefix {name} is not declared", line, column
    opening = _opening(query)
    if opening is not None:
        line, column = _position(query, opening.start())
        message = (
            f"a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE, not {opening.group()[:40]!r}"
        )
        return f"{_where(line, column)}{message}", line, column
    if "IRI parsing failed" in detail or "Invalid IRI" in detail:
        opened = query.rfind("<", 0, offset) if offset is not None else -1
        if opened >= 0:  # the parser points past the IRI: name where it starts
            line, column = _position(query, opened)
        return f"{_where(line, column)}not a valid IRI", line, column
    if offset is not None and (offset >= len(query.rstrip()) or "end of text" in detail):
        return f"{_where(line, column)}the query ends too soon (a missing }} or )?)", line, column
    if offset is not None:
        token = _token_at(query, offset)
        near = f"unexpected {token.group()[:40]!r}" if token is not None else "syntax error"
        expected = _EXPECTED.search(first_line.split(", found")[0])
        wanted = expected.group(1).strip() if expected else ""
        if wanted and len(wanted) <= _SHORT_EXPECTATION and not _RULE_NAME.search(wanted):
            near += f" (expected {wanted})"
        return f"{_where(line, column)}{near}", line, column
    return first_line[:200], line, column
