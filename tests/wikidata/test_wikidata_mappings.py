"""ontology/wikidata.ttl: the mapping of ontology terms to Wikidata, read as a graph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.namespace import SKOS

from iraqkg.build import ontology_files
from iraqkg.namespaces import IKG, WD
from iraqkg.settings import Paths

REPO = Path(__file__).resolve().parents[2]
MAPPINGS = REPO / "ontology" / "wikidata.ttl"
MAPPING = Graph().parse(MAPPINGS)
CORE = Graph().parse(REPO / "ontology" / "iraqkg.ttl")
GRADES = (SKOS.exactMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.closeMatch)
WRITERS = (IKG.wikidataProperty, IKG.wikidataInverseProperty)


def test_the_build_loads_it_as_ontology_not_shapes():
    onto, shapes = ontology_files(Paths(ontology=REPO / "ontology"))
    assert MAPPINGS in onto and MAPPINGS not in shapes


def test_every_mapped_term_is_declared_in_the_ontology():
    mapped = {s for s in MAPPING.subjects() if str(s).startswith(str(IKG))}
    own = set(MAPPING.subjects(RDF.type, OWL.AnnotationProperty))
    undeclared = {t for t in mapped - own if (t, RDF.type, None) not in CORE}
    assert undeclared == set()
    assert len(mapped - own) >= 25


def test_every_target_is_a_wikidata_entity():
    for predicate in (*GRADES, *WRITERS, IKG.wikidataQualifier, IKG.wikidataReference):
        for term, target in MAPPING.subject_objects(predicate):
            if not str(target).startswith(str(WD)):
                continue  # other vocabularies may sit in the core ontology, not here
            assert re.fullmatch(r"[PQ][1-9]\d*", str(target)[len(str(WD)) :]), (term, target)


def test_a_property_is_written_only_where_the_match_is_exact_or_broader():
    # A close match (armed wing ~ parent organization) must never become a Wikidata edit.
    for term, target in MAPPING.subject_objects(IKG.wikidataProperty):
        grades = set(MAPPING.predicates(term, target))
        assert grades & {SKOS.exactMatch, SKOS.broadMatch}, (term, target)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (IKG.memberOf, "P463"),
        (IKG.partOf, "P361"),
        (IKG.participant, "P710"),
        (IKG.perpetrator, "P8031"),
        (IKG.location, "P276"),
        (IKG.splitFrom, "P807"),
        (IKG.date, "P585"),
    ],
)
def test_the_properties_the_brief_names(term: URIRef, expected: str):
    assert MAPPING.value(term, IKG.wikidataProperty) == WD[expected]


def test_qualifiers_and_references():
    qualifiers = {str(s): str(o) for s, o in MAPPING.subject_objects(IKG.wikidataQualifier)}
    assert qualifiers == {
        str(IKG.start): str(WD.P580),
        str(IKG.end): str(WD.P582),
        str(IKG.pointInTime): str(WD.P585),
    }
    references = {str(s): str(o) for s, o in MAPPING.subject_objects(IKG.wikidataReference)}
    assert references == {str(IKG.source): str(WD.P248), str(IKG.quote): str(WD.P1683)}


def test_property_ids_come_from_the_notes_or_a_cited_page(shared_dir):
    notes = (shared_dir / "notes" / "modeling.md").read_text(encoding="utf-8")
    text = MAPPINGS.read_text(encoding="utf-8")
    for pid in sorted(set(re.findall(r"wd:(P\d+)", text))):
        cited_here = re.search(rf"#.*\b{pid}\b.*https?://|https?://.*\b{pid}\b", text)
        assert re.search(rf"\b{pid}\b", notes) or cited_here, pid


def test_class_ids_carry_their_evidence():
    for cls, target in MAPPING.subject_objects(None):
        if str(target).startswith(str(WD.Q)) and (cls, RDF.type, OWL.Class) in CORE:
            assert MAPPING.value(cls, IKG.wikidataEvidence), cls
