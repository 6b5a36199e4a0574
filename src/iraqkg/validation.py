"""Checking the data contract: authoring rules, SHACL shapes and verbatim quotes."""

from __future__ import annotations

from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal
from rdflib.namespace import SH

from .errors import Violation
from .namespaces import IKG
from .provenance import SourceLibrary
from .statements import undeclared_relations


def authoring_violations(authored: Graph, where=lambda node: "") -> list[Violation]:
    """Relations written as plain triples instead of statement records."""
    return [
        Violation(
            str(s),
            str(p),
            "relation written outside an ikg:Statement: it has no source; write a statement",
            where(s),
        )
        for s, p, _ in sorted(undeclared_relations(authored))
    ]


def shacl_violations(data: Graph, shapes: Graph, ontology: Graph) -> list[Violation]:
    """Run pySHACL; one Violation per result, focus node and path spelled out."""
    conforms, results, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
    )
    if conforms:
        return []
    found = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        text = str(message) if message else "violates a shape"
        if value is not None and value != focus:
            text += f" (value: {value})"
        found.append(Violation(str(focus), str(path) if path else "", text))
    return sorted(found, key=lambda v: (v.focus, v.path, v.message))


def quote_violations(provenance: Graph, sources: Path) -> list[Violation]:
    """Quotes that are too long or not verbatim in the paragraph they cite."""
    library = SourceLibrary(sources)
    file_names = {doc: str(name) for doc, name in provenance.subject_objects(IKG.fileName)}
    found = []
    for statement, quote in provenance.subject_objects(IKG.quote):
        source = provenance.value(statement, IKG.source)
        paragraph = provenance.value(statement, IKG.paragraph)
        if source not in file_names or not isinstance(paragraph, Literal):
            continue  # the shapes report missing sources and paragraphs
        try:
            number = int(paragraph)
        except ValueError:
            continue
        problem = library.check_quote(str(statement), file_names[source], number, str(quote))
        if problem is not None:
            found.append(
                Violation(
                    str(statement),
                    str(IKG.quote),
                    problem.message,
                    f"{problem.file_name} paragraph {number}",
                )
            )
    return sorted(found, key=lambda v: v.focus)
