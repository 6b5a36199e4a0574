"""Every SERVICE a query could call, as Oxigraph reads it, found without running anything.

pyoxigraph exposes no parser or algebra (``Store.query`` parses *and evaluates*, calling
SERVICE endpoints at once), so the check is in two parts:

1. **A scan** of the query text with SPARQL's lexical rules (strings, comments, IRIs,
   variables, prefixed names with their escapes). Every occurrence of the letters
   ``service`` (any case) in a bare word (outside strings, comments, IRIs, variables and
   prefixed names) is taken as the keyword, even glued to other letters (``trueSERVICE``
   and ``SERVICESILENT<...>`` parse as SERVICE in Oxigraph), and what follows
   must be an IRI or a prefixed name (after an optional SILENT) that resolves, through every
   PREFIX declaration of it, to an absolute IRI. A ``service`` in a prefixed name's prefix
   (``service:x``, glued ``SERVICE:x``) is left to part 2. The text is scanned as written and with
   its ``\\u`` escapes decoded, and both readings must pass.
2. **Oxigraph's own parser confirms the scan's reading**: the query is rewritten with every
   keyword the scan found turned into ``GRAPH`` (same syntax: an IRI or variable and a
   group) and every other ``service`` spelled ``sxrvice``, and that text is parsed by
   pyoxigraph on an empty store. It has no ``service`` left in it, so nothing can be
   called; and if the scan had taken a real SERVICE keyword for text inside a string or a
   name, the rewritten ``sxrvice`` is a bare word there, which SPARQL never allows, so the
   parse fails and the query is refused. The rewrite keeps every position, so a genuine
   syntax error is reported where Oxigraph finds it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from iraqkg.sparql_tokens import STRING

_SERVICE = re.compile(r"service", re.I)
_SILENT = re.compile(r"silent", re.I)
_SPACE = re.compile(r"(?:\s+|#[^\n\r]*)*")
_STRING = re.compile(STRING, re.S)
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*(?:\\[uU][0-9A-Fa-f]+[^<>\"{}|^`\\\x00-\x20]*)*>")
_VARIABLE = re.compile(r"[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*")
# PN_PREFIX? ':' PN_LOCAL?, local parts with %hh and \-escapes, never ending in a dot.
_PN_CHARS = r"[\w\-\u00b7\u0300-\u036f\u203f-\u2040]"
_PN_PREFIX = rf"[^\W\d_](?:(?:{_PN_CHARS}|\.)*{_PN_CHARS})?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = rf"(?:{_PN_CHARS}|:|{_PLX})(?:(?:{_PN_CHARS}|[.:]|{_PLX})*(?:{_PN_CHARS}|:|{_PLX}))?"
_PNAME = re.compile(rf"(?P<prefix>{_PN_PREFIX})?:(?P<local>{_PN_LOCAL})?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[0-9]+")
_PREFIX_DECL = re.compile(
    rf"PREFIX(?:\s|#[^\n\r]*)*(?P<prefix>{_PN_PREFIX})?:(?:\s|#[^\n\r]*)*(?P<iri>{_IRI.pattern})",
    re.I,
)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")


@dataclass(frozen=True)
class Target:
    """What one SERVICE keyword names: an IRI, a variable, or something unreadable."""

    text: str  # as written
    iris: tuple[str, ...] = ()  # resolved (one per PREFIX declaration of its prefix)
    variable: bool = False


@dataclass
class Scan:
    targets: list[Target] = field(default_factory=list)
    # (start, end, replacement) spans for the text the parser confirms the scan with
    rewrites: list[tuple[int, int, str]] = field(default_factory=list)
    # True when some ``service`` was read as inert (inside a string, a name, a comment...)
    inert: bool = False

    def rewritten(self, query: str) -> str:
        parts, at = [], 0
        for start, end, text in sorted(self.rewrites):
            parts += [query[at:start], text]
            at = end
        return "".join(parts) + query[at:]


def decode_escapes(text: str) -> str:
    """``\\uXXXX`` and ``\\UXXXXXXXX`` decoded (SPARQL's codepoint escapes)."""

    def one(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _UNICODE_ESCAPE.sub(one, text)


def _declarations(query: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for match in _PREFIX_DECL.finditer(query):
        iri = decode_escapes(match.group("iri")[1:-1])
        found.setdefault(match.group("prefix") or "", []).append(iri)
    return found


def _target(
    query: str, at: int, declared: dict[str, list[str]], defaults: Mapping[str, str]
) -> tuple[Target, int | None]:
    """The target after a SERVICE keyword ending at ``at``; and where a SILENT starts."""
    at = _SPACE.match(query, at).end()
    silent = None
    if _SILENT.match(query, at):
        silent = at
        at = _SPACE.match(query, at + 6).end()
    iri = _IRI.match(query, at)
    if iri:
        return Target(iri.group(), (decode_escapes(iri.group()[1:-1]),)), silent
    if query.startswith(("?", "$"), at):
        return Target(_VARIABLE.match(query, at).group(), variable=True), silent
    name = _PNAME.match(query, at)
    if name:
        prefix = name.group("prefix") or ""
        local = _LOCAL_ESCAPE.sub(r"\1", name.group("local") or "")
        namespaces = declared.get(prefix) or ([defaults[prefix]] if prefix in defaults else [])
        return Target(name.group(), tuple(ns + local for ns in namespaces)), silent
    return Target(query[at : at + 40].split("{", 1)[0].strip() or "(nothing)"), silent


def scan(query: str, defaults: Mapping[str, str] | None = None) -> Scan:
    """Every SERVICE keyword of ``query`` with its target, read as module doc 1. says."""
    defaults = defaults or {}
    declared = _declarations(query)
    found = Scan()
    at, size = 0, len(query)
    while at < size:
        char = query[at]
        if char.isspace() or char == "#":
            at = _SPACE.match(query, at).end() or at + 1
            continue
        token = None
        inert_kind = True
        if char in "\"'":
            token = _STRING.match(query, at)
        elif char == "<":
            token = _IRI.match(query, at)
        elif char in "?$":
            token = _VARIABLE.match(query, at)
        if token is None and (char.isalpha() or char in "_:"):
            token = _PNAME.match(query, at)
            if token is not None:
                # A prefixed name: Oxigraph reads "service:x" as one in a triple, and as the
                # keyword before ":x {" (SERVICE:x {...}). Either way its "service" is spelled
                # "sxrvice" for the parse that confirms the scan: as a name it still parses
                # (the PREFIX declaration is renamed alike); as the keyword, a prefixed name
                # before "{" parses nowhere but after GRAPH or SERVICE, so the parse fails.
                for hit in _SERVICE.finditer(query, at, token.end()):
                    found.rewrites.append((hit.start(), hit.end(), "sxrvice"))
                    found.inert = True
                at = token.end()
                continue
            token = _WORD.match(query, at)
            inert_kind = False
        if token is None:
            token = _NUMBER.match(query, at)
        if token is None:
            at += 1
            continue
        if inert_kind:
            for hit in _SERVICE.finditer(query, token.start(), token.end()):
                found.rewrites.append((hit.start(), hit.end(), "sxrvice"))
                found.inert = True
            at = token.end()
            continue
        # A bare word: every "service" in it is the keyword (Oxigraph needs no boundary).
        hits = list(_SERVICE.finditer(query, token.start(), token.end()))
        for hit in hits:
            _keyword(query, hit, found, declared, defaults)
        # the target may be glued to the word: carry on right after the last keyword
        at = hits[-1].end() if hits else token.end()
    return found


def _keyword(
    query: str,
    hit: re.Match,
    found: Scan,
    declared: dict[str, list[str]],
    defaults: Mapping[str, str],
) -> None:
    target, silent = _target(query, hit.end(), declared, defaults)
    found.targets.append(target)
    found.rewrites.append((hit.start(), hit.end(), "GRAPH  "))
    if silent is not None:
        found.rewrites.append((silent, silent + 6, "      "))


_EMPTY: ox.Store | None = None


def confirm(query: str, found: Scan, base_iri: str | None, prefixes: Mapping[str, str]) -> None:
    """Parse the rewritten query with pyoxigraph (module doc 2.); raises SyntaxError."""
    global _EMPTY
    if _EMPTY is None:
        _EMPTY = ox.Store()
    # Whatever "service" the scan left (in comments) goes too: nothing left can call out.
    rewritten, left = _SERVICE.subn("sxrvice", found.rewritten(query))
    found.inert = found.inert or bool(left)
    _EMPTY.query(rewritten, base_iri=base_iri or "http://localhost/", prefixes=dict(prefixes))
