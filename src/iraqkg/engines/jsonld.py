"""JSON-LD that reads as plain JSON: compact IRIs under the project's published ``@context``.

    {"@context": {...the context...},
     "@graph": [{"@id": "id:badr-organization", "@type": "ikg:ArmedGroup",
                 "skos:prefLabel": {"@value": "Badr Organization", "@language": "en"},
                 "ikg:armedWingOf": {"@id": "id:sciri"}, "ikg:paragraph": 26}]}

The context (``CONTEXT``, served at ``/context.jsonld``) declares the project's prefixes, so
keys and ids are short and any JSON-LD processor expands them back; it is written inline,
so reading an answer fetches nothing. Plain strings are JSON strings, canonical integers
and booleans JSON numbers and booleans; every other literal keeps its lexical form with
``@type`` or ``@language``. Named graphs (dumps) are nodes with their own ``@graph``.
Writing streams: one node at a time, for subjects that come grouped (as a build's sorted
N-Quads do; a subject seen again later is simply a second node with the same ``@id``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

import pyoxigraph as ox

from iraqkg.namespaces import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CONTEXT: dict[str, Any] = {"@version": 1.1, **PREFIXES}
# Longest namespace first, so the most specific prefix wins.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
_SAFE_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*\Z")
_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)\Z")


def compact(iri: str) -> str:
    """``prefix:local`` when a project prefix covers ``iri`` with a plain local name."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and _SAFE_LOCAL.match(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _id(term: Any) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return compact(term.value)


def _value(term: Any) -> Any:
    if not isinstance(term, ox.Literal):
        return {"@id": _id(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    datatype = term.datatype.value
    if datatype == XSD + "string":
        return term.value
    if datatype == XSD + "integer" and _CANONICAL_INTEGER.match(term.value):
        return int(term.value)
    if datatype == XSD + "boolean" and term.value in ("true", "false"):
        return term.value == "true"
    return {"@value": term.value, "@type": compact(datatype)}


def _node(subject: Any, triples: Iterable[Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": _id(subject)}
    for triple in triples:
        if triple.predicate.value == RDF_TYPE and not isinstance(triple.object, ox.Literal):
            key, value = "@type", _id(triple.object)
        else:
            key, value = compact(triple.predicate.value), _value(triple.object)
        if key not in node:
            node[key] = value
        elif isinstance(node[key], list):
            node[key].append(value)
        else:
            node[key] = [node[key], value]
    return node


def _nodes(triples: Iterable[Any], grouped: bool = True) -> Iterator[dict[str, Any]]:
    """One node per run of a subject (``grouped``), or per subject (gathered first)."""
    if grouped:
        for subject, group in groupby(triples, key=lambda t: t.subject):
            yield _node(subject, group)
        return
    by_subject: dict[Any, list[Any]] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    for subject, group in by_subject.items():
        yield _node(subject, group)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_triples(triples: Iterable[Any], grouped: bool = False) -> Iterator[str]:
    """JSON-LD text, in chunks, for pyoxigraph triples (a CONSTRUCT's answer); ``grouped``
    when each subject's triples come together (then nothing is held in memory)."""
    yield '{"@context": ' + _dump(CONTEXT) + ', "@graph": ['
    for i, node in enumerate(_nodes(triples, grouped)):
        yield ("," if i else "") + "\n  " + _dump(node)
    yield "\n]}\n"


def write_quads(quads: Iterable[Any]) -> Iterator[str]:
    """JSON-LD text, in chunks, for pyoxigraph quads: the default graph's nodes at the top,
    each named graph as a node with its own ``@graph``."""
    yield '{"@context": ' + _dump(CONTEXT) + ', "@graph": ['
    first = True
    for graph, group in groupby(quads, key=lambda q: q.graph_name):
        sep = "" if first else ","
        first = False
        if isinstance(graph, ox.DefaultGraph):
            nodes = list(_nodes(q.triple for q in group))
            yield sep + ",".join("\n  " + _dump(node) for node in nodes)
            continue
        yield sep + '\n  {"@id": ' + _dump(_id(graph)) + ', "@graph": ['
        for i, node in enumerate(_nodes(q.triple for q in group)):
            yield ("," if i else "") + "\n    " + _dump(node)
        yield "\n  ]}"
    yield "\n]}\n"
