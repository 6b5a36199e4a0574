"""The lexical pieces of SPARQL 1.1 that every scanner here shares, in one place.

Several parts read query text before (or instead of) a parser: the policy screen finds the
query form and update keywords, the depth scan counts brackets, the text editor finds
SERVICE groups, the SERVICE scan reads endpoints. They must agree on what a string, an IRI,
a comment and a word are (a brace inside a string is not a brace), so they build their
token expressions from these pieces rather than each spelling its own.
"""

from __future__ import annotations

import re

SPACE = r"\s+"
COMMENT = r"\#[^\n\r]*"
# Long strings first ("""...""" and '''...'''), then one-line strings; escapes skipped.
STRING = (
    r"""\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r"""|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'"""
)
# IRIREF without escapes (service_scan reads the \u-escaped form itself).
IRI = r"""<[^<>"{}|^`\\\x00-\x20]*>"""
# A keyword or prefixed name; it starts with any letter, so "PREFIX é: <x:>" declares a
# prefix as "PREFIX e: <x:>" does, or with ":" (the empty prefix).
WORD = r"[^\W\d][\w\-.]*:?[\w\-.:%]*|:[\w\-.:%]*"
VAR = r"[?$][A-Za-z_0-9\u00b7\u00c0-\uffff]+"


def token_pattern(*between: tuple[str, str]) -> re.Pattern[str]:
    """space | comment | string | iri | BETWEEN... | word | other, as named groups, where
    BETWEEN are (name, pattern) pairs a scanner needs besides (``var``, ``open``...)."""
    groups = [("space", SPACE), ("comment", COMMENT), ("string", STRING), ("iri", IRI),
              *between, ("word", WORD)]  # fmt: skip
    alternation = "|".join(f"(?P<{name}>{pattern})" for name, pattern in groups)
    return re.compile(alternation + r"|(?P<other>.)", re.DOTALL)
