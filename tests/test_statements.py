"""The two views: plain triples only from Reported statements; speech acts from the rest."""

from rdflib import Graph, Literal, URIRef

from iraqkg.namespaces import ID, IKG
from iraqkg.statements import derive, undeclared_relations

PREFIXES = """
@prefix : <https://w3id.org/iraqkg/id/> .
@prefix st: <https://w3id.org/iraqkg/statement/> .
@prefix ikg: <https://w3id.org/iraqkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def _statement(name: str, s: str, p: str, o: str, status: str, extra: str = "") -> str:
    return f"""st:{name} a ikg:Statement ; ikg:subject {s} ; ikg:predicate {p} ; ikg:object {o} ;
        ikg:status ikg:{status} ; ikg:source :source-000 ; ikg:paragraph 1 ; ikg:quote "q" {extra} .
    """


def _graph(*statements: str) -> Graph:
    return Graph().parse(data=PREFIXES + "\n".join(statements), format="turtle")


def test_reported_statement_becomes_a_plain_triple():
    views = derive(_graph(_statement("a", ":badr", "ikg:armedWingOf", ":sciri", "Reported")))
    triple = (ID["badr"], IKG.armedWingOf, ID["sciri"])
    assert triple in views.asserted
    assert views.derived_from[triple] == [URIRef("https://w3id.org/iraqkg/statement/a")]


def test_alleged_perpetrator_is_blame_not_a_deed():
    views = derive(
        _graph(
            _statement(
                "a", ":strike", "ikg:perpetrator", ":pmu", "Alleged", "; ikg:accordingTo :gov"
            )
        )
    )
    assert (ID["strike"], IKG.perpetrator, ID["pmu"]) not in views.asserted
    assert (ID["pmu"], IKG.blamedFor, ID["strike"]) in views.asserted


def test_denied_and_claimed_perpetrators_become_speech_acts():
    views = derive(
        _graph(
            _statement("d", ":strike", "ikg:perpetrator", ":khazali", "Denied"),
            _statement("c", ":attack", "ikg:perpetrator", ":front", "Claimed"),
        )
    )
    assert (ID["khazali"], IKG.deniedResponsibilityFor, ID["strike"]) in views.asserted
    assert (ID["front"], IKG.claimedResponsibilityFor, ID["attack"]) in views.asserted
    assert not list(views.asserted.triples((None, IKG.perpetrator, None)))


def test_alleged_non_perpetrator_statement_stays_a_record_only():
    views = derive(_graph(_statement("a", ":x", "ikg:memberOf", ":pmf", "Alleged")))
    assert (ID["x"], IKG.memberOf, ID["pmf"]) not in views.asserted
    assert (URIRef("https://w3id.org/iraqkg/statement/a"), IKG.status, IKG.Alleged) in (
        views.provenance
    )


def test_disputed_perpetrator_derives_nothing():
    views = derive(_graph(_statement("a", ":strike", "ikg:perpetrator", ":x", "Disputed")))
    assert len(views.asserted) == 0


def test_time_qualifier_precision_is_derived_from_the_datatype():
    views = derive(
        _graph(
            _statement(
                "a",
                ":x",
                "ikg:leaderOf",
                ":y",
                "Reported",
                '; ikg:start "2014"^^<http://www.w3.org/2001/XMLSchema#gYear>'
                '; ikg:end "2021-11-07"^^<http://www.w3.org/2001/XMLSchema#date>',
            )
        )
    )
    statement = URIRef("https://w3id.org/iraqkg/statement/a")
    assert views.provenance.value(statement, IKG.startPrecision) == Literal("year")
    assert views.provenance.value(statement, IKG.endPrecision) == Literal("day")


def test_relation_written_outside_a_statement_is_found():
    graph = Graph().parse(
        data=PREFIXES + ':badr a ikg:ArmedGroup ; skos:prefLabel "Badr"@en ; ikg:partOf :pmf .',
        format="turtle",
    )
    assert list(undeclared_relations(graph)) == [(ID["badr"], IKG.partOf, ID["pmf"])]


def test_consuming_the_authored_graph_gives_the_same_views():
    from rdflib.compare import isomorphic

    from iraqkg.loading import load_folder

    from .conftest import REPO

    copy = load_folder(REPO / "data").graph
    kept = derive(load_folder(REPO / "data").graph)
    consumed = derive(copy, consume=True)
    assert consumed.provenance is copy  # the authored graph became the provenance view
    assert isomorphic(consumed.asserted, kept.asserted)
    assert isomorphic(consumed.provenance, kept.provenance)
    assert consumed.derived_from.keys() == kept.derived_from.keys()
