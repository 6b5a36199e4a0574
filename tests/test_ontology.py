"""The ontology: documented terms, OWL 2 RL-safe axioms, and data that uses only its terms."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from iraqkg.loading import load_folder
from iraqkg.namespaces import IKG, ORG, PROV

from .conftest import REPO

ONTOLOGY = Graph().parse(REPO / "ontology" / "iraqkg.ttl")
TERMS = sorted(
    {s for s in ONTOLOGY.subjects() if isinstance(s, URIRef) and str(s).startswith(str(IKG))}
)


def test_every_term_has_a_label_and_a_one_line_definition():
    missing = [
        str(t)
        for t in TERMS
        if ONTOLOGY.value(t, RDFS.label) is None or ONTOLOGY.value(t, SKOS.definition) is None
    ]
    assert missing == []
    multi_line = [str(t) for t in TERMS if "\n" in str(ONTOLOGY.value(t, SKOS.definition))]
    assert multi_line == []


@pytest.mark.parametrize(
    "cls",
    [
        "Actor",
        "Person",
        "Organization",
        "PoliticalParty",
        "ArmedGroup",
        "ArmedWing",
        "UmbrellaOrganization",
        "Coalition",
        "StateInstitution",
        "ForeignState",
        "ForeignStateOrganization",
        "ReligiousAuthority",
        "Movement",
        "Event",
        "Election",
        "Attack",
        "DroneStrike",
        "Airstrike",
        "Protest",
        "Arrest",
        "Killing",
        "Founding",
        "Split",
        "Battle",
        "Decree",
        "Place",
        "SourceDocument",
    ],
)
def test_the_classes_the_design_names_exist(cls):
    assert (IKG[cls], RDF.type, OWL.Class) in ONTOLOGY


def test_alignment_with_org_prov_and_wikidata():
    assert (IKG.Organization, RDFS.subClassOf, ORG.Organization) in ONTOLOGY
    assert (IKG.Statement, RDFS.subClassOf, PROV.Entity) in ONTOLOGY
    assert (IKG.memberOf, RDFS.subPropertyOf, ORG.memberOf) in ONTOLOGY
    assert (IKG.leaderOf, RDFS.subPropertyOf, ORG.headOf) in ONTOLOGY
    wikidata = {o for o in ONTOLOGY.objects(None, SKOS.closeMatch) if "wikidata" in str(o)}
    assert len(wikidata) >= 20


def test_no_functional_property_that_would_merge_people():
    # owlrl turns functional properties into owl:sameAs merges (shared/notes/modeling.md).
    functional = set(ONTOLOGY.subjects(RDF.type, OWL.FunctionalProperty)) | set(
        ONTOLOGY.subjects(RDF.type, OWL.InverseFunctionalProperty)
    )
    assert functional == set()


def test_no_existential_on_the_superclass_side():
    # Not OWL 2 RL: C rdfs:subClassOf [ owl:someValuesFrom ... ].
    for _, sup in ONTOLOGY.subject_objects(RDFS.subClassOf):
        assert ONTOLOGY.value(sup, OWL.someValuesFrom) is None


def test_data_uses_only_declared_classes_and_predicates():
    data = load_folder(REPO / "data").graph
    declared = set(ONTOLOGY.subjects())
    classes = {o for o in data.objects(None, RDF.type) if str(o).startswith(str(IKG))}
    predicates = {o for o in data.objects(None, IKG.predicate)}
    predicates |= {p for p in data.predicates() if str(p).startswith(str(IKG))}
    assert sorted(map(str, (classes | predicates) - declared)) == []
