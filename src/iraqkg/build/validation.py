"""Checking the data contract: authoring rules, SHACL shapes and verbatim quotes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from ..errors import Violation
from ..namespaces import IKG
from ..provenance import SourceLibrary
from ..statements import undeclared_relations
from .shacl import Unsupported, check, compile_shapes, reference_check


def authoring_violations(
    authored: Graph, where: Callable = lambda node: "", describe: Callable = str
) -> list[Violation]:
    """Relations written as plain triples instead of statement records."""
    found = [
        Violation(
            describe(s),
            str(p),
            "relation written outside an ikg:Statement: it has no source; write a statement",
            where(s),
        )
        for s, p, _ in undeclared_relations(authored)
    ]
    # Sorted as text: comparing rdflib terms is slow with many (blank) nodes.
    return sorted(found, key=lambda v: (v.focus, v.path, v.where))


def undeclared_terms(
    authored: Graph,
    iris: Iterable[URIRef],
    ontology: Graph,
    where: Callable = lambda node: "",
    describe: Callable = str,
    term_where: Callable = lambda iri: "",
) -> list[Violation]:
    """Uses of ``ikg:`` terms the ontology does not declare (``ikg:Wizard``, a statement
    whose ikg:predicate is ``ikg:secretlyControls``): a typo, or a term to add first."""
    namespace = str(IKG)
    declared = set(ontology.subjects())
    unknown = {iri for iri in iris if str(iri).startswith(namespace) and iri not in declared}
    if not unknown:
        return []  # the usual case: no pass over the data
    found = set()
    for s, p, o in authored:
        for term in {s, p, o} & unknown:
            found.add((s, p, term))
    return sorted(
        (
            Violation(
                describe(s),
                str(p),
                f"ikg:{term[len(namespace) :]} is not declared in the ontology "
                "(a typo, or a term to declare in the ontology first)",
                term_where(term) or where(s),
            )
            for s, p, term in found
        ),
        key=lambda v: (v.where, v.focus, v.path, v.message),
    )


def shacl_violations(
    graphs: list[Graph],
    shapes: Graph,
    where: Callable = lambda node: "",
    describe: Callable = str,
) -> list[Violation]:
    """Validate the union of ``graphs`` (data and ontology) against the shapes; one
    Violation per result, placed by ``where(focus)``. Shapes the compiled checks do not
    cover run on pySHACL."""
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
        found.append(Violation(describe(result.focus), path, text, where(result.focus)))
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
