"""Validity intervals: from statement qualifiers, through inference, into named queries."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from iraqkg.build import build, load_inputs
from iraqkg.build.inferences import inference_iri, records_graph
from iraqkg.engines import open_engine
from iraqkg.namespaces import ID, IKG, PROVENANCE_GRAPH
from iraqkg.queries import load_named_queries
from iraqkg.reasoning import reason
from iraqkg.settings import EndpointSettings, Paths
from iraqkg.statements import derive
from iraqkg.temporal import (
    ALWAYS,
    NEVER,
    as_dates,
    holds_on,
    intersect,
    statement_validity,
    union,
    validities,
)

from .conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "reasoning" / "data"
PREFIXES = """
@prefix : <http://example.org/synthetic/> .
@prefix st: <http://example.org/synthetic/statement/> .
@prefix ikg: <https://w3id.org/iraqkg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _days(*pairs):
    return tuple(
        (
            date.fromisoformat(a).toordinal() if a else None,
            date.fromisoformat(b).toordinal() if b else None,
        )
        for a, b in pairs
    )


def _statement_graph(qualifiers: str) -> Graph:
    return Graph().parse(
        data=PREFIXES + f"st:s ikg:status ikg:Reported {qualifiers} .", format="turtle"
    )


@pytest.mark.parametrize(
    "qualifiers, expected",
    [
        ("", ALWAYS),
        ('; ikg:start "2014"^^xsd:gYear', _days(("2014-01-01", None))),
        ('; ikg:end "2014-02"^^xsd:gYearMonth', _days((None, "2014-02-28"))),
        ('; ikg:pointInTime "2020-01"^^xsd:gYearMonth', _days(("2020-01-01", "2020-01-31"))),
        ('; ikg:pointInTime "2020-01-03"^^xsd:date', _days(("2020-01-03", "2020-01-03"))),
        (
            '; ikg:start "2008"^^xsd:gYear ; ikg:end "2012"^^xsd:gYear',
            _days(("2008-01-01", "2012-12-31")),
        ),
        ('; ikg:start "2012"^^xsd:gYear ; ikg:end "2008"^^xsd:gYear', NEVER),
    ],
)
def test_qualifiers_give_widened_intervals_with_open_unknown_bounds(qualifiers, expected):
    graph = _statement_graph(qualifiers)
    assert statement_validity(graph, next(graph.subjects())) == expected


def test_union_merges_touching_intervals_and_intersect_keeps_common_days():
    a = _days(("2010-01-01", "2012-12-31"))
    b = _days(("2013-01-01", None))
    assert union(a, b) == _days(("2010-01-01", None))
    assert intersect(a, _days(("2012-06-01", "2014-01-01"))) == _days(("2012-06-01", "2012-12-31"))
    assert intersect(a, _days(("2015-01-01", None))) == NEVER
    assert intersect(ALWAYS, a) == a and union(NEVER, a) == a


def _synthetic(statements: str):
    """A clearly synthetic graph: statements with times, reasoned with the real ontology."""
    ontology = load_inputs(Paths(REPO / "ontology", FIXTURE, REPO / "build", None)).ontology
    views = derive(Graph().parse(data=PREFIXES + statements, format="turtle"))
    reasoning = reason(ontology, views.asserted)
    return views, reasoning, validities(reasoning.closure, views.derived_from, views.provenance)


def _st(name: str, s: str, p: str, o: str, time: str = "") -> str:
    return f"""st:{name} a ikg:Statement ; ikg:subject :{s} ; ikg:predicate ikg:{p} ;
        ikg:object :{o} ; ikg:status ikg:Reported {time} .\n"""


EX = "http://example.org/synthetic/"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def _triple(s: str, p: str, o: str):
    return (URIRef(EX + s), IKG[p], URIRef(EX + o))


def test_a_chain_holds_only_while_all_its_premises_hold():
    views, reasoning, valid = _synthetic(
        _st(
            "a",
            "leader",
            "leaderOf",
            "faction",
            '; ikg:start "2010"^^xsd:gYear ; ikg:end "2015"^^xsd:gYear',
        )
        + _st("b", "faction", "partOf", "umbrella", '; ikg:start "2014-06"^^xsd:gYearMonth')
    )
    inferred = _triple("leader", "affiliatedWith", "umbrella")
    assert inferred in reasoning.closure
    assert as_dates(valid[inferred]) == [(date(2014, 6, 1), date(2015, 12, 31))]


def test_a_chain_through_disjoint_times_never_held_but_another_derivation_counts():
    views, reasoning, valid = _synthetic(
        _st("a", "leader", "leaderOf", "faction", '; ikg:pointInTime "2008"^^xsd:gYear')
        + _st("b", "faction", "partOf", "umbrella", '; ikg:pointInTime "2021"^^xsd:gYear')
    )
    inferred = _triple("leader", "affiliatedWith", "umbrella")
    assert inferred in reasoning.closure  # OWL RL ignores time, as owlrl does ...
    assert valid[inferred] == NEVER  # ... but the validity says it never held
    records = records_graph(reasoning, views)
    assert (inference_iri(inferred), IKG.validDuring, None) not in records
    # A second, dated derivation (a membership in 2021) adds its interval.
    views, reasoning, valid = _synthetic(
        _st("a", "leader", "leaderOf", "faction", '; ikg:pointInTime "2008"^^xsd:gYear')
        + _st("b", "faction", "partOf", "umbrella", '; ikg:pointInTime "2021"^^xsd:gYear')
        + _st("c", "leader", "memberOf", "umbrella", '; ikg:start "2021-03"^^xsd:gYearMonth')
    )
    assert as_dates(valid[inferred]) == [(date(2021, 3, 1), None)]


def test_validity_from_the_sources():
    ontology = load_inputs(Paths(REPO / "ontology", FIXTURE, REPO / "build", None))
    views = derive(ontology.data.graph)
    reasoning = reason(ontology.ontology, views.asserted)
    valid = validities(reasoning.closure, views.derived_from, views.provenance)
    pmf = ID["popular-mobilization-forces"]
    # Source 000 para 1: Fatah is "the PMU's political wing" at the October 2021 elections.
    fatah = valid[(ID["fatah-alliance"], IKG.affiliatedWith, pmf)]
    assert holds_on(fatah, date(2021, 10, 15)) and not holds_on(fatah, date(2016, 6, 1))
    # Source 001 para 8: Muhandis was the PMF's deputy commander when killed on 3 January 2020.
    role = valid[(ID["abu-mahdi-al-muhandis"], IKG.leadershipRoleIn, pmf)]
    assert as_dates(role) == [(date(2020, 1, 3), date(2020, 1, 3))]
    # Source 000 para 29: Kata'eb Jund al-Imam was formed as the movement's armed wing in 1991.
    wing = valid[(ID["kataib-jund-al-imam"], IKG.affiliatedWith, ID["islamic-movement-in-iraq"])]
    assert as_dates(wing) == [(date(1991, 1, 1), None)]
    # Source 003 para 10 (undated) and para 1 (January 2020): Khazali's tie is not bounded.
    assert valid[(ID["qais-al-khazali"], IKG.affiliatedWith, pmf)] == ALWAYS


@pytest.fixture(scope="module")
def fixture_engine(tmp_path_factory):
    out = tmp_path_factory.mktemp("temporal-build")
    result = build(Paths(REPO / "ontology", FIXTURE, out, None))
    engine = open_engine(EndpointSettings(), [result.dataset_file])
    yield engine, load_named_queries(REPO / "queries")
    engine.close()


def _names(engine, query, **values) -> dict[str, str]:
    bound = query.bind(values)
    rows = engine.query(bound.text, bindings=bound.as_dict()).rows
    return {str(row[1]): str(row[4]) for row in rows}


def test_named_query_slices_affiliations_by_day(fixture_engine):
    engine, queries = fixture_engine
    query = queries["affiliated-at-date"]
    org = "id:popular-mobilization-forces"
    in_2016 = _names(engine, query, org=org, date='"2016-06-01"^^xsd:date')
    # Undated ties (source 000 para 23, source 003 para 10) hold at any time, inferred or not.
    assert in_2016["Qais al-Khazali"] == "inferred" and "Badr Organization" in in_2016
    assert "Fatah Alliance" not in in_2016  # source 000 para 1 dates it to October 2021
    assert "Fatah Alliance" in _names(engine, query, org=org, date='"2021-10-15"^^xsd:date')


def test_named_query_for_a_period_and_for_any_relation(fixture_engine):
    engine, queries = fixture_engine
    in_2021 = _names(
        engine,
        queries["affiliated-during"],
        org="id:tripartite-alliance",
        **{"from": '"2021-01-01"^^xsd:date', "until": '"2021-12-31"^^xsd:date'},
    )
    assert set(in_2021) == {"Sadrist movement", "Kurdistan Democratic Party"}  # source 000 para 17
    before = _names(
        engine,
        queries["affiliated-during"],
        org="id:tripartite-alliance",
        **{"from": '"2016-01-01"^^xsd:date', "until": '"2016-12-31"^^xsd:date'},
    )
    assert before == {}
    bound = queries["relations-at-date"].bind(
        {"entity": "id:abu-mahdi-al-muhandis", "date": '"2021-01-01"^^xsd:date'}
    )
    rows = engine.query(bound.text, bindings=bound.as_dict()).rows
    objects = {str(row[2]) for row in rows}
    # Source 001 para 8 dates his PMF deputy command to 3 January 2020: not in 2021.
    assert str(ID["badr-organization"]) in objects
    assert not [r for r in rows if str(r[1]) == "deputy of" and "popular" in str(r[2])]


def test_statements_and_inferences_carry_intervals_in_the_dataset(tmp_path):
    result = build(Paths(REPO / "ontology", FIXTURE, tmp_path, None))
    dataset = Dataset()
    dataset.parse(result.dataset_file, format="nquads")
    provenance = dataset.graph(PROVENANCE_GRAPH)
    record = inference_iri(
        (ID["fatah-alliance"], IKG.affiliatedWith, ID["popular-mobilization-forces"])
    )
    [interval] = list(provenance.objects(record, IKG.validDuring))
    assert provenance.value(interval, IKG.validFrom) == Literal("2021-10-01", datatype=XSD_DATE)
    assert provenance.value(record, IKG.premise) is not None
    assert str(provenance.value(record, IKG.premise)).endswith("000-01-fatah-political-wing-of-pmu")


@pytest.mark.parametrize("negated", [False, True], ids=["stated", "negated"])
def test_a_negated_founder_of_dates_no_founding(negated):
    from rdflib.namespace import XSD

    from iraqkg.temporal import founding_dates

    ex = "http://example.org/"
    provenance, statement = Graph(), URIRef(ex + "st")
    org = URIRef(ex + "org")
    for p, o in ((IKG.predicate, IKG.founderOf), (IKG.status, IKG.Reported),
                 (IKG.subject, URIRef(ex + "person")), (IKG.object, org),
                 (IKG.start, Literal("2010", datatype=XSD.gYear))):  # fmt: skip
        provenance.add((statement, p, o))
    if negated:  # "he did not found it"
        provenance.add((statement, IKG.negated, Literal(True)))
    assert (org in founding_dates(Graph(), provenance)) is not negated
