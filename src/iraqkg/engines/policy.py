"""What a query is and whether this endpoint will run it, decided before any engine sees it.

A small lexer finds the query form cheaply (needed to negotiate the response format). When
a query may call SERVICE, every SERVICE target is found before anything is fetched, with
the parser of the engine that will run it: for Oxigraph (and remote stores) the scan of
``service_scan`` confirmed by pyoxigraph's own parser; for rdflib, rdflib's parser. The
screen is conservative: any query whose text mentions "service" (or uses \\u escapes, which
could spell it) is checked, and one that cannot be read is refused rather than passed on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from rdflib.term import URIRef, Variable

from iraqkg.engines.errors import QueryRefused, QuerySyntaxError
from iraqkg.namespaces import PREFIXES as _PREFIXES
from iraqkg.settings import EndpointSettings
from iraqkg.sparql_tokens import COMMENT, IRI, STRING, token_pattern

DEFAULT_MAX_DEPTH = EndpointSettings.max_query_depth
QUERY_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "describe"}
UPDATE_KEYWORDS = {
    "INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH",
}  # fmt: skip

# Tokens per the SPARQL 1.1 grammar, only as precisely as finding the first keyword needs.
_TOKEN = token_pattern()


@dataclass(frozen=True)
class QueryInfo:
    """The form of a query: "select", "ask", "construct", "describe", or None if unknown."""

    form: str | None

    @property
    def kind(self) -> str | None:
        """The result kind: "select", "ask" or "graph"."""
        if self.form in ("construct", "describe"):
            return "graph"
        return self.form


def tokens(query: str) -> Iterator[re.Match[str]]:
    """The query's tokens (space and comments included); ``lastgroup`` is the kind."""
    return _TOKEN.finditer(query)


def names_dataset(query: str) -> bool:
    """Whether the query has a FROM or FROM NAMED clause (the keyword, not ?from or a
    prefixed name: the lexer reads those as other tokens)."""
    previous = ""
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind in ("space", "comment"):
            continue
        if kind == "word" and match.group().upper() == "FROM" and previous not in ("?", "$"):
            return True
        previous = match.group()
    return False


def _first_keyword(query: str) -> str | None:
    """The first keyword after the prologue (BASE / PREFIX declarations), upper-cased."""
    skip = 0
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind in ("space", "comment"):
            continue
        if skip:
            skip -= 1
            continue
        if kind != "word":
            return None
        word = match.group().upper()
        if word == "BASE":
            skip = 1
        elif word == "PREFIX":
            skip = 2
        else:
            return word
    return None


# One token of the depth scan: a bracket, or something whose brackets do not nest (a
# comment, a string, an IRI) or that holds none (a run of other characters).
_NESTING_TOKEN = re.compile(
    rf"(?P<open>[{{(\[])|(?P<close>[}})\]])|{COMMENT}|{STRING}|{IRI}|[^{{}}()\[\]#\"'<]+|.",
    re.DOTALL,
)


def nesting_depth(query: str, stop_above: int | None = None) -> int:
    """The deepest nesting of braces, parentheses and brackets outside strings, comments
    and IRIs: a linear scan, nothing recursive whatever the input; it stops early once
    the depth passes ``stop_above``."""
    depth = deepest = 0
    for match in _NESTING_TOKEN.finditer(query):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_above is not None and deepest > stop_above:
                    break
        elif kind == "close" and depth:
            depth -= 1
    return deepest


def check_depth(query: str, limit: int) -> None:
    """Refuse a query nested deeper than ``limit`` before any parser sees it."""
    opened = query.count("{") + query.count("(") + query.count("[")
    if opened > limit and nesting_depth(query, stop_above=limit) > limit:
        raise QueryRefused(
            f"the query nests {{ ( [ more than {limit} levels deep: this endpoint accepts "
            f"at most {limit} (setting max_query_depth)",
            "too_deeply_nested",
        )


def sniff(query: str) -> QueryInfo:
    """Guess the query form from its first keyword, without parsing the whole query."""
    return QueryInfo(QUERY_FORMS.get(_first_keyword(query) or ""))


def is_update(query: str) -> bool:
    """True when the text starts like a SPARQL Update request."""
    return _first_keyword(query) in UPDATE_KEYWORDS


@lru_cache(maxsize=256)
def parse_with_rdflib(query: str, base_iri: str | None = None) -> Any:
    """rdflib's algebra for a query (cached: the dataset is immutable, queries repeat)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    from iraqkg.engines.syntax import summarise
    from iraqkg.namespaces import PREFIXES

    try:
        return translateQuery(parseQuery(query), base=base_iri, initNs=PREFIXES)
    except ParseException as exc:
        detail = f"syntax error: {exc}"
        message, line, column = summarise(query, detail, exc.lineno, exc.col)
        raise QuerySyntaxError(message, line, column, detail) from None
    except Exception as exc:  # rdflib raises bare Exceptions (unknown prefix, bad IRI...)
        detail = f"syntax error: {exc}"
        message, line, column = summarise(query, detail, None, None)
        raise QuerySyntaxError(message, line, column, detail) from None


def _walk(node: Any, seen: set[int]) -> Any:
    """Every node of an rdflib algebra tree, expressions included (FILTER EXISTS...)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value, seen)
    elif isinstance(node, (list, tuple, set)):
        for value in node:
            yield from _walk(value, seen)


# rdflib calls the URL it finds with this regex in the clause's ``service_string``, which its
# parser takes from the first SERVICE text anywhere in the query (even in a comment): so
# that URL is checked as well as the parsed IRI.
_RDFLIB_SERVICE_STRING = re.compile(r"^service <(.*)>[ \n]*{(.*)}[ \n]*$", re.DOTALL | re.I)


def service_targets(parsed: Any) -> list[Any]:
    """Every endpoint a SERVICE clause of a parsed query names (IRI or variable), including
    the URL rdflib's evaluator would really call."""
    targets = []
    for node in _walk(parsed.algebra, set()):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            targets.append(node["term"])
            called = _RDFLIB_SERVICE_STRING.match(node.get("service_string") or "")
            if called:
                targets.append(URIRef(called.group(1)))
    return targets


def _check_service(term: Any, allowlist: tuple[str, ...]) -> None:
    if isinstance(term, Variable):
        raise QueryRefused(
            f"SERVICE ?{term} is not allowed: the endpoint must be an IRI in the allowlist",
            "service_refused",
        )
    iri = str(term)
    if urlsplit(iri).scheme.lower() not in ("http", "https"):
        raise QueryRefused(f"SERVICE <{iri}> is not allowed: only http(s)", "service_refused")
    if iri not in allowlist:
        allowed = ", ".join(f"<{a}>" for a in allowlist) or "none"
        raise QueryRefused(
            f"SERVICE <{iri}> is not in this endpoint's allowlist (allowed: {allowed})",
            "service_refused",
        )


def may_call_service(query: str) -> bool:
    """Conservative: False only when no SERVICE keyword can possibly be in the query."""
    lowered = query.lower()
    return "service" in lowered or "\\u" in lowered


# What may turn a line that reads as a comment into query text: a triple-quoted string
# around it, a lone carriage return (it ends a comment too), a \u escape (the SPARQL
# grammar unescapes \u before it parses; pyoxigraph does not, other engines may).
def without_trailing_comments(query: str) -> str:
    """The query without its trailing comment lines (what a client appends to defeat
    caches changes nothing an engine does), cheaply: no tokenising. With a triple-quoted
    string, a carriage return or a \\u escape in it, the text is returned as it is."""
    # the marks above, as plain tests: any() over a tuple of them cost more than the tests
    # (this runs up to three times per request on the fast lane)
    if '"""' in query or "'''" in query or "\\u" in query or "\\U" in query:
        return query
    text = query
    if "\r" in text:  # CRLF (a browser's form) is a newline; a lone CR is not stripped
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return query
    text = text.rstrip()
    while True:
        head, _, last = text.rpartition("\n")
        if not head or not last.lstrip().startswith("#"):
            return text
        text = head.rstrip()


_VOLATILE = re.compile(r"\b(now|rand|uuid|struuid|bnode)\s*\(", re.IGNORECASE)


def stable_answer(query: str) -> bool:
    """True when the answer depends on the data alone, so it may be kept while the data does
    not change: no SERVICE call (the remote data moves) and no NOW(), RAND(), UUID(),
    STRUUID() or BNODE() (a new value each time)."""
    return not may_call_service(query) and not _VOLATILE.search(query)


# The prefixes every engine declares for a query (namespaces.PREFIXES), as check_query takes
# them: a query may use ikg:, id:, wd: ... without PREFIX lines.
PREDEFINED: tuple[tuple[str, str], ...] = tuple(_PREFIXES.items())


@lru_cache(maxsize=1024)
def check_query(
    query: str,
    service_allowlist: tuple[str, ...],
    parser: str = "oxigraph",
    prefixes: tuple[tuple[str, str], ...] = (),
    base_iri: str | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> QueryInfo:
    """Refuse updates, queries nested deeper than ``max_depth`` and SERVICE calls outside
    the allowlist; return the query's form.

    ``parser`` is the engine's: "oxigraph" (also for remote stores) or "rdflib";
    ``prefixes`` are declared for the query by its caller (pyoxigraph's ``prefixes``).
    Raises QueryRefused or QuerySyntaxError; never fetches anything.
    """
    check_depth(query, max_depth)  # first: every parser after this one recurses
    keyword = _first_keyword(query) or ""  # once: the lexer is the screen's main cost
    if keyword in UPDATE_KEYWORDS:
        raise QueryRefused("SPARQL Update is not allowed: this endpoint is read-only", "read_only")
    info = QueryInfo(QUERY_FORMS.get(keyword))
    if not may_call_service(query):
        return info
    if parser == "rdflib":
        parsed = parse_with_rdflib(query)
        for term in service_targets(parsed):
            _check_service(term, service_allowlist)
        if info.form is None:
            info = QueryInfo(_form_of_parsed(parsed))
        return info
    _check_with_oxigraph(query, service_allowlist, dict(prefixes), base_iri)
    return info


def _check_with_oxigraph(
    query: str, allowlist: tuple[str, ...], prefixes: dict[str, str], base_iri: str | None
) -> None:
    from iraqkg.engines.service_scan import confirm, decode_escapes, scan

    # As written and with \u escapes decoded: both readings must pass.
    readings = [scan(query, prefixes)]
    decoded = decode_escapes(query)
    if decoded != query:
        # SPARQL 1.1 decodes them before parsing (Oxigraph does not, outside IRIs and strings)
        readings.append(scan(decoded, prefixes))
        for target in readings[-1].targets:
            _check_target(target, allowlist)
    try:
        confirm(query, readings[0], base_iri, prefixes)
    except SyntaxError as exc:
        from iraqkg.engines.oxigraph_engine import syntax_error

        # With every "service" read as the keyword (now GRAPH, the same grammar), a failed
        # parse is the query's own syntax error; otherwise the scan may have misread it.
        if readings[0].inert:
            raise QueryRefused(
                "SERVICE could not be checked: this query does not parse once its SERVICE "
                f"clauses are set aside ({exc})",
                "service_refused",
            ) from None
        raise syntax_error(exc, query) from None
    for target in readings[0].targets:
        _check_target(target, allowlist)


def _check_target(target: Any, allowlist: tuple[str, ...]) -> None:
    if target.variable:
        _check_service(Variable(target.text[1:]), allowlist)
    if not target.iris:
        raise QueryRefused(
            f"SERVICE {target.text} is not allowed: the endpoint must be an absolute IRI in "
            "the allowlist",
            "service_refused",
        )
    for iri in target.iris:
        _check_service(URIRef(iri), allowlist)


_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*")


def check_graph_iris(*groups: Sequence[str]) -> None:
    """Refuse protocol graph IRIs that are not absolute IRIs (every engine, same answer)."""
    for iri in (iri for group in groups for iri in group):
        if not _ABSOLUTE_IRI.fullmatch(iri):
            raise QueryRefused(f"not an absolute IRI: {iri!r}", "bad_graph_iri")


def _form_of_parsed(parsed: Any) -> str | None:
    name = getattr(parsed.algebra, "name", "")
    return {
        "SelectQuery": "select",
        "AskQuery": "ask",
        "ConstructQuery": "construct",
        "DescribeQuery": "describe",
    }.get(name)
