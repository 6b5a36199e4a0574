"""Reasoning: what the sources imply, what they must not, and the engine equals owlrl's closure.

Expected inferences are read from the reasoning fixture (tests/fixtures/reasoning), whose
statements quote the shared sources; each test names the passages it relies on.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace

from iraqkg.build import load_inputs
from iraqkg.materialise import Unsupported
from iraqkg.namespaces import ID, IKG, ORG
from iraqkg.reasoning import (
    infer,
    owlrl_infer,
    project_view,
    project_vocabulary,
    reason,
    schema_of,
)
from iraqkg.settings import Paths
from iraqkg.statements import derive, statements

from .conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "reasoning" / "data"
EX = Namespace("http://example.org/synthetic/")  # generated graphs only


def _inputs(data):
    inputs = load_inputs(Paths(REPO / "ontology", data, REPO / "build", None))
    return inputs.ontology, derive(inputs.data.graph)


@pytest.fixture(scope="module")
def fixture_graphs():
    ontology, views = _inputs(FIXTURE)
    return ontology, views, reason(ontology, views.asserted)


@pytest.fixture(scope="module")
def closure(fixture_graphs):
    return fixture_graphs[2].closure


# --- what follows from the sources ---------------------------------------------------------


def test_faction_commander_is_affiliated_with_the_pmf(closure):
    # Source 003 para 10: "Qais al-Khazali, who leads the Asaib Ahl al-Haq group";
    # source 000 para 23: AAH is one of the original seven PMU groups.
    assert (ID["qais-al-khazali"], IKG.affiliatedWith, ID["popular-mobilization-forces"]) in closure
    # Source 000 para 29: Khalesi "commanded Badr's fifth brigade (the al-Mustafa Brigade)";
    # para 23: Badr is a PMU group. The brigade is part of the PMF through Badr (transitive).
    assert (ID["al-mustafa-brigade"], IKG.partOf, ID["popular-mobilization-forces"]) in closure
    assert (ID["kadhim-al-khalesi"], IKG.affiliatedWith, ID["badr-organization"]) in closure
    assert (ID["kadhim-al-khalesi"], IKG.affiliatedWith, ID["popular-mobilization-forces"]) in (
        closure
    )


def test_leading_an_armed_wing_ties_the_leader_to_the_party(closure):
    # Source 000 para 26: Badr is SCIRI's armed wing; para 27: Ameri is Badr's chief of
    # staff and Muhandis its assistant commander.
    for person in ("hadi-al-ameri", "abu-mahdi-al-muhandis"):
        assert (ID[person], IKG.affiliatedWith, ID["sciri"]) in closure
        assert (ID[person], IKG.leadershipRoleIn, ID["badr-organization"]) in closure
    # ... and a unit of the armed wing is tied to the party too (para 29).
    assert (ID["al-mustafa-brigade"], IKG.affiliatedWith, ID["sciri"]) in closure


def test_inverses_symmetry_and_alignment(closure):
    # Source 000 para 17: the Sadrists formed a tripartite alliance with the KDP and Siyada.
    assert (ID["tripartite-alliance"], IKG.hasMember, ID["kurdistan-democratic-party"]) in closure
    assert (ID["kurdistan-democratic-party"], IKG.alliedWith, ID["sadrist-movement"]) in closure
    # Source 000 para 1: Fatah lost seats "to its Shia rival, the Sadrist movement".
    assert (ID["sadrist-movement"], IKG.rivalOf, ID["fatah-alliance"]) in closure
    # Source 000 para 26: SCIRI formed its own armed wing, the Badr Corps.
    assert (ID["sciri"], IKG.hasArmedWing, ID["badr-organization"]) in closure
    # Source 003 para 10 again, as W3C ORG: the leader heads the group.
    assert (ID["qais-al-khazali"], ORG.headOf, ID["asaib-ahl-al-haq"]) in closure
    assert (
        ID["badr-organization"],
        ORG.transitiveSubOrganizationOf,
        ID["popular-mobilization-forces"],
    ) in closure  # noqa: E501


def test_domain_and_range_type_the_ends(closure):
    # Source 000 para 29: Kata'eb Jund al-Imam is the armed wing of the Islamic Movement.
    assert (ID["kataib-jund-al-imam"], RDF.type, IKG.Organization) in closure
    assert (ID["islamic-movement-in-iraq"], RDF.type, IKG.Organization) in closure
    assert (ID["kurdistan-democratic-party"], RDF.type, IKG.Actor) in closure


# --- what must not follow ------------------------------------------------------------------


def test_an_alleged_perpetrator_is_not_inferred_to_be_anything(closure):
    # Source 000 para 1: the Kadhimi administration *blamed* the strike on PMU factions;
    # source 002 para 26: al-Khazali denied involvement. Neither is a deed.
    strike = ID["drone-attack-on-kadhimi-residence"]
    for actor in ("pmu-factions", "qais-al-khazali"):
        for predicate in (IKG.perpetrator, IKG.participant):
            assert (strike, predicate, ID[actor]) not in closure
    ties = {p for s, p, _ in closure.given | set(closure.derived) if s == ID["pmu-factions"]}
    assert {p for p in ties if p in IKG} == {IKG.blamedFor}  # the blame, nothing more


def test_non_reported_statements_never_reach_the_reasoner(fixture_graphs):
    ontology, views, reasoning = fixture_graphs
    others = [s for s in statements(views.provenance) if s.status != IKG.Reported]
    assert others  # the fixture has an alleged and a denied statement
    for record in others:
        assert (record.subject, record.predicate, record.object) not in reasoning.closure


def test_a_rival_is_not_an_ally_and_alliance_is_not_transitive(closure):
    # Source 000 para 1: Fatah and the Sadrists are rivals; nothing makes them allies.
    for a, b in (("fatah-alliance", "sadrist-movement"), ("sadrist-movement", "fatah-alliance")):
        assert (ID[a], IKG.alliedWith, ID[b]) not in closure
    # Source 000 para 17: the KDP and Siyada are each allied with the Sadrists, not
    # thereby with each other.
    assert (ID["kurdistan-democratic-party"], IKG.alliedWith, ID["siyada"]) not in closure


def test_no_one_is_merged_and_a_political_wing_is_not_a_part(closure):
    facts = closure.given | set(closure.derived)
    assert not [t for t in facts if t[1] == OWL.sameAs and t[0] != t[2]]
    # Source 000 para 1: Fatah is the PMU's political wing, not one of its factions.
    assert (ID["fatah-alliance"], IKG.partOf, ID["popular-mobilization-forces"]) not in closure


# --- the engine equals owlrl ---------------------------------------------------------------


def _same_as_owlrl(ontology: Graph, asserted: Graph) -> None:
    vocabulary = project_vocabulary(ontology)
    ours = project_view(infer(ontology, asserted, engine="rules"), vocabulary)
    reference = project_view(owlrl_infer(ontology, asserted, whole=True), vocabulary)
    assert ours == reference, (sorted(ours - reference)[:5], sorted(reference - ours)[:5])


def test_same_closure_as_owlrl_on_the_fixtures(fixture_graphs):
    ontology, views, _ = fixture_graphs
    _same_as_owlrl(ontology, views.asserted)
    ontology, mini = _inputs(REPO / "tests" / "fixtures" / "mini" / "data")
    _same_as_owlrl(ontology, mini.asserted)


def test_same_closure_as_owlrl_on_the_seed_graph():
    try:
        ontology, views = _inputs(REPO / "data")
    except Exception as error:  # the data is being written; it may not parse right now
        pytest.skip(f"data/ does not load: {error}")
    _same_as_owlrl(ontology, views.asserted)


ONTOLOGY = load_inputs(Paths(REPO / "ontology", FIXTURE, REPO / "build", None)).ontology
SCHEMA = schema_of(ONTOLOGY)
RELATIONS = sorted(
    {p for p in ONTOLOGY.subjects(RDF.type, OWL.ObjectProperty) if p in IKG},
)
CLASSES = sorted({c for c in ONTOLOGY.subjects(RDF.type, OWL.Class) if c in IKG})
NODES = [EX[f"n{i}"] for i in range(6)] + [Literal("x")]


def _triples(predicates, classes, size: int):
    node = st.sampled_from(NODES[:-1])
    relation = st.tuples(node, st.sampled_from(predicates), st.sampled_from(NODES))
    typing = st.tuples(node, st.just(RDF.type), st.sampled_from(classes))
    return st.lists(st.one_of(relation, relation, typing), min_size=1, max_size=size)


def _graph(triples) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_triples(RELATIONS, CLASSES, 10))
def test_same_closure_as_owlrl_on_generated_data(triples):
    _same_as_owlrl(SCHEMA, _graph(triples))


P = [EX[f"p{i}"] for i in range(4)]
C = [EX[f"C{i}"] for i in range(3)]
AXIOMS = st.one_of(
    st.tuples(
        st.sampled_from(P),
        st.sampled_from([RDFS.subPropertyOf, OWL.inverseOf, OWL.equivalentProperty]),
        st.sampled_from(P),
    ),
    st.tuples(
        st.sampled_from(P),
        st.just(RDF.type),
        st.sampled_from([OWL.TransitiveProperty, OWL.SymmetricProperty]),
    ),
    st.tuples(st.sampled_from(P), st.sampled_from([RDFS.domain, RDFS.range]), st.sampled_from(C)),
    st.tuples(
        st.sampled_from(C),
        st.sampled_from([RDFS.subClassOf, OWL.equivalentClass]),
        st.sampled_from(C),
    ),
    st.tuples(
        st.sampled_from(P),
        st.just(OWL.propertyChainAxiom),
        st.lists(st.sampled_from(P), min_size=2, max_size=3),
    ),
)


def _ontology(axioms) -> Graph:
    graph = Graph()
    for s, p, o in axioms:
        if p == OWL.propertyChainAxiom:
            head = graph.collection(EX[f"chain{len(graph)}"])  # a fresh list node
            head += o
            o = head.uri
        graph.add((s, p, o))
    return graph


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(AXIOMS, min_size=1, max_size=6), _triples(P, C, 8))
def test_same_closure_as_owlrl_on_generated_ontologies(axioms, triples):
    # Random axioms over four synthetic properties, including self-referential chains.
    _same_as_owlrl(_ontology(axioms), _graph(triples))


def test_unsupported_axioms_fall_back_to_owlrl():
    ontology = Graph()
    ontology.add((EX.p, RDF.type, OWL.FunctionalProperty))
    data = _graph([(EX.a, EX.p, EX.b), (EX.a, EX.p, EX.c)])
    with pytest.raises(Unsupported):
        reason(ontology, data, engine="rules")
    result = reason(ontology, data)
    assert result.engine == "owlrl" and (EX.b, OWL.sameAs, EX.c) in result.inferred
