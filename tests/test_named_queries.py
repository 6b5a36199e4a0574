"""Named queries: headers, parameters and binding (answers are tested in test_knowledge.py)."""

from __future__ import annotations

import re

import pytest
from rdflib.plugins.sparql import prepareQuery

from iraqkg.errors import InputError
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
        prepareQuery(named.bind({param: "<https://w3id.org/iraqkg/id/x>"}))


def _query(tmp_path, text: str):
    path = tmp_path / "q.rq"
    path.write_text(text)
    return parse_named_query(path)


def test_binding_inserts_values_at_the_top_of_where(tmp_path):
    named = _query(tmp_path, "# title: T\n# param: x = thing\nSELECT ?x WHERE { ?x ?p ?o }\n")
    bound = named.bind({"x": "<http://ex/a>"})
    assert "WHERE {\n  VALUES ?x { <http://ex/a> }" in bound
    assert named.bind() == named.text  # unbound: the query as written


def test_default_values_apply_unless_overridden(tmp_path):
    named = _query(
        tmp_path, "# title: T\n# param: x = t [default: <http://ex/d>]\nSELECT * WHERE {?x ?p ?o}"
    )
    assert "VALUES ?x { <http://ex/d> }" in named.bind()
    assert "VALUES ?x { <http://ex/e> }" in named.bind({"x": "<http://ex/e>"})


@pytest.mark.parametrize(
    "value", ["<http://ex/a> } ?s ?p ?o {", '"x" } DELETE', "?other", "id:a; DROP ALL"]
)
def test_binding_refuses_anything_but_one_term(tmp_path, value):
    named = _query(tmp_path, "# title: T\n# param: x = thing\nSELECT ?x WHERE { ?x ?p ?o }\n")
    with pytest.raises(InputError):
        named.bind({"x": value})


def test_unknown_parameter_and_missing_title_are_errors(tmp_path):
    named = _query(tmp_path, "# title: T\nSELECT ?x WHERE { ?x ?p ?o }\n")
    with pytest.raises(InputError, match="no parameter"):
        named.bind({"y": "<http://ex/a>"})
    with pytest.raises(InputError, match="title"):
        _query(tmp_path, "SELECT ?x WHERE { ?x ?p ?o }\n")
