"""The compiled shapes report exactly what pySHACL reports, on real and on broken data."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, SKOS

from iraqkg.build import load_inputs
from iraqkg.build.shacl import Unsupported, check, compile_shapes, reference_check
from iraqkg.build.validation import shacl_violations
from iraqkg.namespaces import IKG
from iraqkg.settings import Paths
from iraqkg.statements import derive

XSD = "http://www.w3.org/2001/XMLSchema#"  # rdflib's XSD namespace object upsets pytest
REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "fixtures" / "mini"


def _views(data: Path):
    inputs = load_inputs(Paths(REPO / "ontology", data, REPO / "build", None))
    views = derive(inputs.data.graph)
    return inputs, [views.asserted, views.provenance, inputs.ontology]


MINI_INPUTS, MINI_GRAPHS = _views(MINI / "data")
SHAPES = compile_shapes(MINI_INPUTS.shapes)


def _agree(graphs: list[Graph]) -> Counter:
    ours = Counter(check(SHAPES, graphs))
    theirs = Counter(reference_check(MINI_INPUTS.shapes, graphs))
    assert ours == theirs, (ours - theirs, theirs - ours)
    return ours


def test_seed_data_conforms_by_both():
    inputs, graphs = _views(REPO / "data")
    assert check(compile_shapes(inputs.shapes), graphs) == []
    assert reference_check(inputs.shapes, graphs) == []


# Values a careless author could write: every kind of node, well- and ill-typed literals.
NODES = sorted({n for g in MINI_GRAPHS[:2] for t in g for n in t if isinstance(n, URIRef)}, key=str)
VALUES = [
    *NODES,
    BNode("b1"),
    Literal(""),
    Literal("a quote"),
    Literal("label", lang="en"),
    Literal("label", lang="en-GB"),
    Literal("اسم", lang="ar"),
    Literal(0),
    Literal(1),
    Literal(-3),
    Literal("abc", datatype=URIRef(XSD + "integer")),
    Literal("2014", datatype=URIRef(XSD + "gYear")),
    Literal("2014-06", datatype=URIRef(XSD + "gYearMonth")),
    Literal("2014-06-13", datatype=URIRef(XSD + "date")),
    Literal("2014-13-45", datatype=URIRef(XSD + "date")),
    Literal("2014-06-13T10:00:00", datatype=URIRef(XSD + "dateTime")),
    Literal("true", datatype=URIRef(XSD + "boolean")),
    Literal("early 1980s", datatype=IKG.period),
    Literal("by 2014", datatype=IKG.period),
    Literal("the eighties", datatype=IKG.period),
]
PATHS = sorted(SHAPES.paths() | {RDF.type}, key=str)
# Subjects that already use a path: a second or wrong value there is what shapes must catch.
USING = {
    p: sorted({s for g in MINI_GRAPHS[:2] for s in g.subjects(p)}, key=str) or NODES for p in PATHS
}
CLASSES = [IKG.Statement, IKG.Person, IKG.Event, IKG.Protest, IKG.SourceDocument, SKOS.Concept]


@st.composite
def broken(draw):
    graphs = [Graph() for _ in MINI_GRAPHS]
    for copy, original in zip(graphs, MINI_GRAPHS, strict=True):
        copy += original
    # Remove some of the triples the shapes read, add some the author got wrong.
    targets = sorted((t for t in graphs[0] + graphs[1] if t[1] in PATHS), key=str)
    for triple in draw(st.lists(st.sampled_from(targets), max_size=6)):
        for graph in graphs[:2]:
            graph.remove(triple)
    values = st.sampled_from(VALUES)
    added = st.one_of(
        st.sampled_from(PATHS).flatmap(
            lambda p: st.tuples(st.sampled_from(USING[p]), st.just(p), values)
        ),
        st.tuples(st.sampled_from(NODES), st.sampled_from(PATHS), values),
        st.tuples(st.sampled_from(NODES), st.just(RDF.type), st.sampled_from(CLASSES)),
    )
    for triple in draw(st.lists(added, max_size=6)):
        graphs[draw(st.integers(0, 1))].add(triple)
    return graphs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken())
def test_broken_graphs_get_the_same_results_as_pyshacl(graphs):
    for component in sorted({r.component.fragment for r in _agree(graphs)}):
        event(component)  # --hypothesis-show-statistics: how often each kind was exercised


def test_each_kind_of_mistake_is_found_by_both():
    graphs = [Graph() for _ in MINI_GRAPHS]
    for copy, original in zip(graphs, MINI_GRAPHS, strict=True):
        copy += original
    statement, other = sorted(graphs[1].subjects(RDF.type, IKG.Statement))[:2]
    graphs[1].set((other, IKG.subject, Literal("a name, not an entity")))
    graphs[1].remove((statement, IKG.paragraph, None))
    graphs[1].add((statement, IKG.status, IKG.Rumoured))
    graphs[1].add((statement, IKG.start, Literal("2014-13-45", datatype=URIRef(XSD + "date"))))
    graphs[1].add((statement, IKG.quote, Literal("")))
    person = next(iter(graphs[0].subjects(RDF.type, IKG.Person)))
    graphs[0].add((person, SKOS.prefLabel, Literal("second", lang="ar")))
    results = _agree(graphs)
    components = {r.component.fragment for r in results}
    assert components == {
        "MinCountConstraintComponent",  # the paragraph
        "MaxCountConstraintComponent",  # two statuses, two preferred labels
        "InConstraintComponent",  # ikg:Rumoured is not a status
        "NodeConstraintComponent",  # an impossible date; a subject that is not an entity
        "NodeKindConstraintComponent",  # the subject is a literal
        "MinLengthConstraintComponent",  # the empty quote
        "LanguageInConstraintComponent",  # the Arabic preferred label
    }


def test_shapes_beyond_the_compiled_subset_are_refused():
    shapes = Graph()
    shapes.add((IKG.S, RDF.type, SH.NodeShape))
    shapes.add((IKG.S, SH.targetClass, IKG.Person))
    shapes.add((IKG.S, SH.maxLength, Literal(3)))
    with pytest.raises(Unsupported, match="maxLength"):
        compile_shapes(shapes)


def test_every_shape_that_reports_says_why_in_its_own_words():
    def reporting(shape):
        yield shape
        for prop in shape.properties:
            yield from reporting(prop)

    silent = {
        s.node for t in SHAPES.targeted for s in reporting(t) if s.parameters and s.message is None
    }
    assert not silent


def test_uncompiled_shapes_are_checked_by_pyshacl():
    shapes = Graph()
    prop = BNode()
    shapes.add((IKG.LabelShape, RDF.type, SH.NodeShape))
    shapes.add((IKG.LabelShape, SH.targetClass, IKG.Person))
    shapes.add((IKG.LabelShape, SH.property, prop))
    shapes.add((prop, SH.path, SKOS.prefLabel))
    shapes.add((prop, SH.pattern, Literal("^Z")))
    shapes.add((prop, SH.message, Literal("labels start with Z")))
    people = set(MINI_GRAPHS[0].subjects(RDF.type, IKG.Person))
    found = shacl_violations(MINI_GRAPHS, shapes)
    assert {v.focus for v in found} == {str(p) for p in people}
    assert all(v.message.startswith("labels start with Z (value: ") for v in found)


def test_a_boolean_is_not_a_positive_paragraph_number():
    # regression: True >= 1 in Python, so the compiled check once let "true" pass sh:minInclusive
    graphs = [Graph() for _ in MINI_GRAPHS]
    for copy, original in zip(graphs, MINI_GRAPHS, strict=True):
        copy += original
    statement = next(iter(graphs[1].subjects(RDF.type, IKG.Statement)))
    graphs[1].set((statement, IKG.paragraph, Literal(True)))
    components = {r.component.fragment for r in _agree(graphs)}
    assert components == {"DatatypeConstraintComponent", "MinInclusiveConstraintComponent"}


def test_warnings_from_pyshacl_do_not_break_the_contract():
    # regression: the pySHACL fallback once reported sh:Warning results as violations
    shapes = Graph()
    prop = BNode()
    shapes.add((IKG.LabelShape, RDF.type, SH.NodeShape))
    shapes.add((IKG.LabelShape, SH.targetClass, IKG.Person))
    shapes.add((IKG.LabelShape, SH.property, prop))
    shapes.add((prop, SH.path, SKOS.prefLabel))
    shapes.add((prop, SH.pattern, Literal("^Z")))
    shapes.add((prop, SH.severity, SH.Warning))
    assert shacl_violations(MINI_GRAPHS, shapes) == []


def test_the_checker_frees_its_indexes_without_the_cycle_collector():
    # The build pauses the cycle collector; bound methods kept on the checker made a cycle
    # that held every shape index (a sixth of the build's peak) until the build ended.
    import gc
    import weakref

    from iraqkg.build.shacl import _Checker, _Data

    was = gc.isenabled()
    gc.disable()
    try:
        data = _Data(MINI_GRAPHS, SHAPES.paths())
        checker = _Checker(data)
        for shape in SHAPES.targeted:
            for focus in data.focus_nodes(shape):
                checker.evaluate(focus, shape, [])
        held = weakref.ref(data)
        del data, checker
        assert held() is None
    finally:
        if was:
            gc.enable()
