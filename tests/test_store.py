"""The build's compact store answers every triple pattern as rdflib's own store does,
through any sequence of additions and removals."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef

from iraqkg.store import CompactStore

NODES = [URIRef(f"http://example.org/{i}") for i in range(5)] + [BNode("b0"), BNode("b1")]
PREDICATES = [URIRef(f"http://example.org/p{i}") for i in range(3)]
OBJECTS = [*NODES, Literal("1"), Literal(1), Literal("1", lang="en")]

triples = st.tuples(st.sampled_from(NODES), st.sampled_from(PREDICATES), st.sampled_from(OBJECTS))
patterns = st.tuples(
    st.one_of(st.none(), st.sampled_from(NODES)),
    st.one_of(st.none(), st.sampled_from(PREDICATES)),
    st.one_of(st.none(), st.sampled_from(OBJECTS)),
)
steps = st.lists(st.one_of(triples.map(lambda t: ("add", t)), patterns.map(lambda p: ("rm", p))))


@settings(max_examples=300, deadline=None)
@given(steps)
def test_every_pattern_matches_rdflibs_store(operations):
    ours, theirs = Graph(store=CompactStore()), Graph(store="SimpleMemory")
    for verb, argument in operations:
        for graph in (ours, theirs):
            (graph.add if verb == "add" else graph.remove)(argument)
    assert len(ours) == len(theirs) == len(set(theirs))
    for triple in list(theirs)[:3] or [(NODES[0], PREDICATES[0], OBJECTS[0])]:
        for pattern in itertools.product(*[(None, term) for term in triple]):
            assert sorted(ours.triples(pattern)) == sorted(theirs.triples(pattern)), pattern
    assert set(ours) == set(theirs)


def test_literals_equal_in_text_but_not_in_type_stay_apart():
    graph = Graph(store=CompactStore())
    s, p = NODES[0], PREDICATES[0]
    for value in (Literal("1"), Literal(1), Literal("1", lang="en"), URIRef("1")):
        graph.add((s, p, value))
        graph.add((s, p, value))
    assert len(graph) == 4
    assert set(graph.objects(s, p)) == {
        Literal("1"),
        Literal(1),
        Literal("1", lang="en"),
        URIRef("1"),
    }
