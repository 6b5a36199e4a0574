"""Writers for SPARQL 1.1 query results: JSON, XML, CSV and TSV (W3C Recommendations).

Hand-written rather than rdflib's so they are fast, exact about each format's term
encoding, and need no rdflib Result object. They take rdflib terms (``rdflib_parts``) or,
in the query workers, pyoxigraph terms straight from the store (``oxigraph_parts``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SRX_NS = "http://www.w3.org/2005/sparql-results#"
# ASK results in CSV / TSV are not defined by the W3C; this column name follows Apache Jena.
ASK_COLUMN = "_askResult"

Row = tuple[Any, ...]  # rdflib or pyoxigraph terms, None for unbound


# A term as the writers see it: (kind, value, language, datatype), kind one of "uri",
# "bnode", "literal"; datatype None for simple and language-tagged literals.
Parts = tuple[str, str, str | None, str | None]
_PLAIN = (XSD_STRING, RDF_LANGSTRING)


def rdflib_parts(term: Node) -> Parts:
    if isinstance(term, URIRef):
        return "uri", str(term), None, None
    if isinstance(term, BNode):
        return "bnode", str(term), None, None
    if isinstance(term, Literal):
        if term.language:
            return "literal", str(term), term.language, None
        datatype = None if term.datatype is None else str(term.datatype)
        return "literal", str(term), None, None if datatype in _PLAIN else datatype
    raise TypeError(f"cannot write {term!r} in SPARQL results")


def oxigraph_parts(term: Any) -> Parts:
    """The same for pyoxigraph terms: the worker writes answers without making rdflib terms."""
    kind = type(term)
    if kind is ox.NamedNode:
        return "uri", term.value, None, None
    if kind is ox.BlankNode:
        return "bnode", term.value, None, None
    if kind is ox.Literal:
        if term.language:
            return "literal", term.value, term.language, None
        datatype = term.datatype.value
        return "literal", term.value, None, None if datatype in _PLAIN else datatype
    raise TypeError(f"cannot write {term!r} in SPARQL results")


Describe = Callable[[Any], Parts]


def _json_term(parts: Parts) -> dict[str, str]:
    kind, value, language, datatype = parts
    out = {"type": kind, "value": value}
    if language:
        out["xml:lang"] = language
    elif datatype is not None:
        out["datatype"] = datatype
    return out


def select_json(
    variables: Sequence[str], rows: Sequence[Row], describe: Describe = rdflib_parts
) -> bytes:
    bindings = [
        {
            var: _json_term(describe(value))
            for var, value in zip(variables, row, strict=True)
            if value is not None
        }
        for row in rows
    ]
    doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def ask_json(boolean: bool) -> bytes:
    return json.dumps({"head": {}, "boolean": boolean}).encode("utf-8")


# XML 1.0 cannot carry C0 control characters other than tab, LF and CR, not even as
# character references: they are written as U+FFFD so the document stays well-formed
# (JSON, CSV and TSV carry them exactly).
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    # XML parsers turn a raw CR into LF: keep it as a character reference.
    return _XML_FORBIDDEN.sub("\ufffd", escape(value, {"\r": "&#13;"}))


def _xml_term(parts: Parts) -> str:
    kind, value, language, datatype = parts
    if kind == "uri":
        return f"<uri>{_text(value)}</uri>"
    if kind == "bnode":
        return f"<bnode>{_text(value)}</bnode>"
    if language:
        return f"<literal xml:lang={quoteattr(language)}>{_text(value)}</literal>"
    if datatype is not None:
        return f"<literal datatype={quoteattr(datatype)}>{_text(value)}</literal>"
    return f"<literal>{_text(value)}</literal>"


_XML_HEAD = f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{SRX_NS}">\n'


def select_xml(
    variables: Sequence[str], rows: Sequence[Row], describe: Describe = rdflib_parts
) -> bytes:
    parts = [_XML_HEAD, "<head>"]
    parts += [f"<variable name={quoteattr(var)}/>" for var in variables]
    parts.append("</head>\n<results>\n")
    for row in rows:
        parts.append("<result>")
        for var, value in zip(variables, row, strict=True):
            if value is not None:
                parts.append(
                    f"<binding name={quoteattr(var)}>{_xml_term(describe(value))}</binding>"
                )
        parts.append("</result>\n")
    parts.append("</results>\n</sparql>\n")
    return "".join(parts).encode("utf-8")


def ask_xml(boolean: bool) -> bytes:
    return f"{_XML_HEAD}<head/>\n<boolean>{str(boolean).lower()}</boolean>\n</sparql>\n".encode()


def _csv_value(parts: Parts) -> str:
    kind, value, _, _ = parts
    return f"_:{value}" if kind == "bnode" else value


def select_csv(
    variables: Sequence[str], rows: Sequence[Row], describe: Describe = rdflib_parts
) -> bytes:
    # CSV drops term types: IRIs and literals are written as their plain strings.
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow("" if v is None else _csv_value(describe(v)) for v in row)
    return out.getvalue().encode("utf-8")


def ask_csv(boolean: bool) -> bytes:
    return f"{ASK_COLUMN}\r\n{str(boolean).lower()}\r\n".encode()


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv_term(parts: Parts) -> str:
    # TSV keeps terms in Turtle / N-Triples syntax.
    kind, value, language, datatype = parts
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    text = f'"{value.translate(_TSV_ESCAPES)}"'
    if language:
        return f"{text}@{language}"
    return f"{text}^^<{datatype}>" if datatype else text


def select_tsv(
    variables: Sequence[str], rows: Sequence[Row], describe: Describe = rdflib_parts
) -> bytes:
    lines = ["\t".join(f"?{var}" for var in variables)]
    lines += [
        "\t".join("" if value is None else _tsv_term(describe(value)) for value in row)
        for row in rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def ask_tsv(boolean: bool) -> bytes:
    return f"?{ASK_COLUMN}\n{str(boolean).lower()}\n".encode()


SELECT_WRITERS = {"srj": select_json, "srx": select_xml, "csv": select_csv, "tsv": select_tsv}
ASK_WRITERS = {"srj": ask_json, "srx": ask_xml, "csv": ask_csv, "tsv": ask_tsv}
