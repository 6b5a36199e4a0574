"""Checking the data contract: authoring rules, SHACL shapes and verbatim quotes."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal

from .errors import Violation
from .namespaces import IKG
from .provenance import SourceLibrary
from .shacl import Unsupported, check, compile_shapes, reference_check
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


def shacl_violations(graphs: list[Graph], shapes: Graph) -> list[Violation]:
    """Validate the union of ``graphs`` (data and ontology) against the shapes; one
    Violation per result. Shapes the compiled checks do not cover run on pySHACL."""
    try:
        results = check(compile_shapes(shapes), graphs)
    except Unsupported:
        results = reference_check(shapes, graphs)
    found = []
    for result in results:
        text = result.message or (f"violates {result.component.fragment} of shape {result.shape}")
        if result.value is not None and result.value != result.focus:
            text += f" (value: {result.value})"
        path = str(result.path) if result.path is not None else ""
        found.append(Violation(str(result.focus), path, text))
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
