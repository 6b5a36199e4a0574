"""Contradictions found by the build: negations against positive statements, kept apart."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from iraqkg.build import load_inputs
from iraqkg.contest import contested_view, find_contests, set_aside
from iraqkg.explain import explain_triple
from iraqkg.namespaces import ID, IKG
from iraqkg.reasoning import owlrl_infer, project_view, project_vocabulary, reason
from iraqkg.settings import Paths
from iraqkg.statements import derive
from iraqkg.temporal import time_context

from .conftest import REPO

EX = "http://example.org/synthetic/"
PREFIXES = """
@prefix : <http://example.org/synthetic/> .
@prefix st: <http://example.org/synthetic/statement/> .
@prefix ikg: <https://w3id.org/iraqkg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.fixture(scope="module")
def ontology():
    return load_inputs(Paths(REPO / "ontology", REPO / "data", REPO / "build", None)).ontology


def _st(name, s, p, o, extra=""):
    return f"""st:{name} a ikg:Statement ; ikg:subject :{s} ; ikg:predicate ikg:{p} ;
        ikg:object :{o} ; ikg:status ikg:Reported {extra} .\n"""


def _contests(ontology, data):
    views = derive(Graph().parse(data=PREFIXES + data, format="turtle"))
    context = time_context(views.provenance, views.asserted)
    return views, find_contests(ontology, views.provenance, context)


def _t(s, p, o):
    return (URIRef(EX + s), IKG[p], URIRef(EX + o))


@pytest.mark.parametrize(
    "positive, negative, contested",
    [
        (("wing", "partOf", "umbrella"), ("wing", "partOf", "umbrella"), True),
        # a membership contradicts "not affiliated with" (memberOf is below affiliatedWith)
        (("person", "memberOf", "party"), ("person", "affiliatedWith", "party"), True),
        # "the umbrella has the wing as a part" contradicts "the wing is not part of it"
        (("umbrella", "hasPart", "wing"), ("wing", "partOf", "umbrella"), True),
        # "not a member" does not contradict "affiliated with" (a wider claim)
        (("person", "affiliatedWith", "party"), ("person", "memberOf", "party"), False),
        (("a", "alliedWith", "b"), ("a", "rivalOf", "b"), False),
    ],
)
def test_a_negation_contests_what_it_contradicts(ontology, positive, negative, contested):
    views, contests = _contests(
        ontology, _st("yes", *positive) + _st("no", *negative, "; ikg:negated true")
    )
    assert bool(contests) is contested
    if contested:
        assert contests[0].triple == _t(*positive)
        assert [str(s) for s in contests[0].contradicted_by] == [EX + "statement/no"]
    # A negation becomes no triple.
    assert all(URIRef(EX + "statement/no") not in sts for sts in views.derived_from.values())


def test_dated_statements_that_do_not_meet_are_a_change_not_a_contest(ontology):
    _, contests = _contests(
        ontology,
        _st("joined", "wing", "partOf", "umbrella", '; ikg:pointInTime "2014"^^xsd:gYear')
        + _st(
            "left",
            "wing",
            "partOf",
            "umbrella",
            '; ikg:negated true ; ikg:pointInTime "2021"^^xsd:gYear',
        ),
    )
    assert contests == []


def test_what_follows_only_through_a_contest_is_kept_apart_and_says_why(ontology):
    views, contests = _contests(
        ontology,
        _st("leads", "leader", "leaderOf", "wing")
        + _st("joined", "wing", "partOf", "umbrella")
        + _st("independent", "wing", "partOf", "umbrella", "; ikg:negated true"),
    )
    aside = set_aside(views, contests)
    assert _t("wing", "partOf", "umbrella") not in views.asserted
    default = reason(ontology, views.asserted)
    view = contested_view(ontology, views.asserted, aside, contests, default)
    tie = _t("leader", "affiliatedWith", "umbrella")
    assert tie not in default.inferred
    assert view.only_through[tie] == {URIRef(EX + "statement/joined")}
    # The settled closure is still owlrl's on the same (uncontested) input.
    vocabulary = project_vocabulary(ontology)
    ours = project_view(default.inferred, vocabulary)
    theirs = project_view(owlrl_infer(ontology, views.asserted), vocabulary)
    assert ours == theirs


def test_the_explanation_shows_the_contest(built_dataset_file):
    pmf = "id:popular-mobilization-forces"
    node = explain_triple(built_dataset_file, "id:muqtada-al-sadr", "ikg:affiliatedWith", pmf)
    assert node["how"] == "inferred" and node["contested"] is True
    assert node["rests_on_contested"] == ["st:000-23-peace-brigades-joined-pmu"]
    base = explain_triple(built_dataset_file, "id:peace-brigades", "ikg:partOf", pmf)
    assert base["how"] == "contested" and base["holds"] is False
    (record,) = base["statements"]
    assert (record["source"], record["paragraph"]) == ("id:source-000", 23)
    (contrary,) = record["contested_by"]
    assert (contrary["source"], contrary["paragraph"], contrary["negated"]) == (
        "id:source-001",
        20,
        True,
    )


def test_the_seed_data_has_the_peace_brigades_contest():
    inputs = load_inputs(Paths(REPO / "ontology", REPO / "data", REPO / "build", None))
    views = derive(inputs.data.graph)
    contests = find_contests(
        inputs.ontology, views.provenance, time_context(views.provenance, views.asserted)
    )
    assert [c.triple for c in contests] == [
        (ID["peace-brigades"], IKG.partOf, ID["popular-mobilization-forces"])
    ]


def test_the_resumed_contested_closure_equals_one_from_scratch():
    # The build resumes the settled closure with the contested relations (materialise.extend)
    # instead of reasoning over a copy of everything again; the seed's answer must not move.
    from iraqkg.build import validate
    from iraqkg.temporal import validities

    inputs, views, _ = validate(Paths(REPO / "ontology", REPO / "data", REPO / "build", None))
    context = time_context(views.provenance, views.asserted)
    contests = find_contests(inputs.ontology, views.provenance, context)
    aside = set_aside(views, contests)
    default = reason(inputs.ontology, views.asserted)
    view = contested_view(inputs.ontology, views.asserted, aside, contests, default)
    widened = Graph()
    widened += views.asserted
    for triple in aside:
        widened.add(triple)
    scratch = reason(inputs.ontology, widened)
    settled = set(default.inferred) | set(views.asserted)
    only = {t for t in scratch.inferred if t not in settled and t not in aside}
    assert only and set(view.only_through) == only
    resumed = view.reasoning.closure
    assert set(resumed.given) | set(resumed.derived) == set(scratch.closure.given) | set(
        scratch.closure.derived
    )
    derived_from = {**views.derived_from, **aside}
    ours = validities(resumed, derived_from, views.provenance, context=context)
    theirs = validities(scratch.closure, derived_from, views.provenance, context=context)
    assert {t: ours.get(t) for t in only} == {t: theirs.get(t) for t in only}
