"""Named queries: headers, parameters and binding (answers are tested in test_knowledge.py)."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql import prepareQuery

from iraqkg.errors import InputError
from iraqkg.namespaces import ID, IKG
from iraqkg.parameters import parse_value
from iraqkg.queries import load_named_queries, parse_named_query

from .conftest import REPO

QUERIES = load_named_queries(REPO / "queries")


def test_there_are_at_least_25_named_queries():
    assert len(QUERIES) >= 25


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_named_query_has_a_title_a_question_and_parses(name):
    named = QUERIES[name]
    assert named.title and named.question.endswith("?")
    prepareQuery(named.text)
    for param in named.parameters:
        assert re.search(rf"[?$]{param}\b", named.text), f"{param} is not a variable of the query"
        prepareQuery(named.spelled_out({param: "<https://w3id.org/iraqkg/id/x>"}))


def _query(tmp_path, text: str):
    path = tmp_path / "q.rq"
    path.write_text(text)
    return parse_named_query(path)


def test_binding_reads_terms_and_leaves_the_text_alone(tmp_path):
    named = _query(tmp_path, "# title: T\n# param: x = thing\nSELECT ?x WHERE { ?x ?p ?o }\n")
    bound = named.bind({"x": "<http://ex/a>"})
    assert bound.text == named.text  # the engine substitutes: nothing is pasted
    assert bound.bindings == (("x", URIRef("http://ex/a")),)
    assert named.bind().bindings == ()  # unbound: every answer
    # Spelled out for the editor, the term goes in a VALUES block at the top of WHERE.
    assert "WHERE { VALUES ?x { <http://ex/a> }" in named.spelled_out({"x": "<http://ex/a>"})


def test_default_values_apply_unless_overridden(tmp_path):
    named = _query(
        tmp_path, "# title: T\n# param: x = t [default: <http://ex/d>]\nSELECT * WHERE {?x ?p ?o}"
    )
    assert named.bind().as_dict() == {"x": URIRef("http://ex/d")}
    assert named.bind({"x": "<http://ex/e>"}).as_dict() == {"x": URIRef("http://ex/e")}
    assert named.bind({"x": "  "}).as_dict() == {"x": URIRef("http://ex/d")}  # blank field
    assert named.default("x") == "<http://ex/d>" and named.describe("x") == "t"


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("id:badr-organization", URIRef(ID["badr-organization"])),
        ("https://w3id.org/iraqkg/id/badr-organization", URIRef(ID["badr-organization"])),
        ("<https://w3id.org/iraqkg/id/badr-organization>", URIRef(ID["badr-organization"])),
        ('"2021-11-07"', Literal("2021-11-07")),
        ('"2021-11-07"^^xsd:date', Literal("2021-11-07", datatype=XSD.date)),
        ("2021-11-07", Literal("2021-11-07", datatype=XSD.date)),
        ('"Badr"@en', Literal("Badr", lang="en")),
        ("2014", Literal(2014)),
        ('"say \\"no\\""', Literal('say "no"')),
        ("ikg:Alleged", URIRef(IKG.Alleged)),
    ],
)
def test_values_are_read_as_rdf_terms(value, term):
    assert parse_value(value) == term


@pytest.mark.parametrize(
    "value",
    [
        "<http://ex/a> } ?s ?p ?o {",
        '"x" } DELETE',
        "?other",
        "id:a; DROP ALL",
        "id:a , id:b",
        "id:a . <urn:s> <urn:p> <urn:o>",
        "[]",
        "(1 2)",
        "<relative>",
        "nope:x",
        "just words",
        "",
        '"x\u0000"',
    ],
)
def test_binding_refuses_anything_but_one_term(tmp_path, value):
    named = _query(tmp_path, "# title: T\n# param: x = thing\nSELECT ?x WHERE { ?x ?p ?o }\n")
    with pytest.raises(InputError, match="parameter x"):
        named.bind({"x": value or "\x00"})


def test_unknown_parameter_and_missing_title_are_errors(tmp_path):
    named = _query(tmp_path, "# title: T\nSELECT ?x WHERE { ?x ?p ?o }\n")
    with pytest.raises(InputError, match="no parameter"):
        named.bind({"y": "<http://ex/a>"})
    with pytest.raises(InputError, match="title"):
        _query(tmp_path, "SELECT ?x WHERE { ?x ?p ?o }\n")


def test_why_the_oxigraph_engine_does_not_use_pyoxigraph_substitutions():
    # pyoxigraph 0.5's Store.query(substitutions=...) loses the value in BIND(?x AS ?y) and
    # refuses variables the SELECT does not project, which named queries rely on
    # (affiliated-at-date binds $org and $date through BIND). When this starts failing,
    # substitutions work and OxigraphEngine can use them instead of a VALUES block.
    import pyoxigraph as ox

    from iraqkg.engines import open_engine
    from iraqkg.settings import EndpointSettings

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("v")))
    query = "SELECT ?s ?x ?y WHERE { ?s ?p ?o BIND(?x AS ?y) }"
    lost = list(store.query(query, substitutions={ox.Variable("x"): ox.Literal("z")}))
    assert lost and lost[0]["x"] == ox.Literal("z") and lost[0]["y"] is None
    with pytest.raises(RuntimeError, match="projection"):
        store.query(
            "SELECT ?s WHERE { ?s ?p ?x }", substitutions={ox.Variable("x"): ox.Literal("v")}
        )
    # The engine's own binding keeps it.
    engine = open_engine(EndpointSettings(), [])
    kept = engine.query(query.replace("?s ?p ?o", "BIND(1 AS ?s)"), bindings={"x": Literal("z")})
    assert kept.rows == [(Literal(1), Literal("z"), Literal("z"))]
