"""Writers for SPARQL 1.1 query results: JSON, XML, CSV and TSV (W3C Recommendations).

Hand-written rather than rdflib's so they are fast, exact about each format's term
encoding, and need no rdflib Result object.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from rdflib.term import BNode, Literal, Node, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SRX_NS = "http://www.w3.org/2005/sparql-results#"
# ASK results in CSV / TSV are not defined by the W3C; this column name follows Apache Jena.
ASK_COLUMN = "_askResult"

Row = tuple[Node | None, ...]


def _datatype(term: Literal) -> str | None:
    """The datatype to write, or None for simple and language-tagged literals."""
    if term.language or term.datatype is None:
        return None
    datatype = str(term.datatype)
    return None if datatype in (XSD_STRING, RDF_LANGSTRING) else datatype


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif (datatype := _datatype(term)) is not None:
            out["datatype"] = datatype
        return out
    raise TypeError(f"cannot write {term!r} in SPARQL results")


def select_json(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    bindings = [
        {
            var: _json_term(value)
            for var, value in zip(variables, row, strict=True)
            if value is not None
        }
        for row in rows
    ]
    doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def ask_json(boolean: bool) -> bytes:
    return json.dumps({"head": {}, "boolean": boolean}).encode("utf-8")


def _text(value: str) -> str:
    # XML parsers turn a raw CR into LF: keep it as a character reference.
    return escape(value, {"\r": "&#13;"})


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{_text(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{_text(str(term))}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_text(str(term))}</literal>"
        if (datatype := _datatype(term)) is not None:
            return f"<literal datatype={quoteattr(datatype)}>{_text(str(term))}</literal>"
        return f"<literal>{_text(str(term))}</literal>"
    raise TypeError(f"cannot write {term!r} in SPARQL results")


_XML_HEAD = f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{SRX_NS}">\n'


def select_xml(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    parts = [_XML_HEAD, "<head>"]
    parts += [f"<variable name={quoteattr(var)}/>" for var in variables]
    parts.append("</head>\n<results>\n")
    for row in rows:
        parts.append("<result>")
        for var, value in zip(variables, row, strict=True):
            if value is not None:
                parts.append(f"<binding name={quoteattr(var)}>{_xml_term(value)}</binding>")
        parts.append("</result>\n")
    parts.append("</results>\n</sparql>\n")
    return "".join(parts).encode("utf-8")


def ask_xml(boolean: bool) -> bytes:
    return f"{_XML_HEAD}<head/>\n<boolean>{str(boolean).lower()}</boolean>\n</sparql>\n".encode()


def select_csv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    # CSV drops term types: IRIs and literals are written as their plain strings.
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(
            "" if v is None else f"_:{v}" if isinstance(v, BNode) else str(v) for v in row
        )
    return out.getvalue().encode("utf-8")


def ask_csv(boolean: bool) -> bytes:
    return f"{ASK_COLUMN}\r\n{str(boolean).lower()}\r\n".encode()


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv_term(term: Node | None) -> str:
    # TSV keeps terms in Turtle / N-Triples syntax.
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = f'"{str(term).translate(_TSV_ESCAPES)}"'
        if term.language:
            return f"{text}@{term.language}"
        datatype = _datatype(term)
        return f"{text}^^<{datatype}>" if datatype else text
    raise TypeError(f"cannot write {term!r} in SPARQL results")


def select_tsv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    lines = ["\t".join(f"?{var}" for var in variables)]
    lines += ["\t".join(_tsv_term(value) for value in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def ask_tsv(boolean: bool) -> bytes:
    return f"?{ASK_COLUMN}\n{str(boolean).lower()}\n".encode()


SELECT_WRITERS = {"srj": select_json, "srx": select_xml, "csv": select_csv, "tsv": select_tsv}
ASK_WRITERS = {"srj": ask_json, "srx": ask_xml, "csv": ask_csv, "tsv": ask_tsv}
