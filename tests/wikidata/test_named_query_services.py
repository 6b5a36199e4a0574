"""Named queries that call SERVICE: the bound parameter also goes inside the SERVICE group.

The text checked is ``spelled_out``: the query with the VALUES blocks the engines add
(engines/prologue.insert_values), as the remote endpoint then receives its group."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery

from iraqkg.queries import parse_named_query
from iraqkg.sparql_text import service_clauses

QUERY = """# title: t
# param: item = an item [default: <http://e/default>]
SELECT * WHERE {
  ?entity <http://e/link> ?item .
  SERVICE <http://remote/sparql> { ?item <http://e/p> ?x . FILTER(?x != "}") }
  SERVICE SILENT <http://other/sparql> { ?y <http://e/q> ?z }   # no ?item: no VALUES
}
"""


@pytest.fixture
def named(tmp_path: Path):
    path = tmp_path / "federated.rq"
    path.write_text(QUERY, encoding="utf-8")
    return parse_named_query(path)


def test_bound_value_goes_into_each_service_group_that_uses_it(named):
    text = named.spelled_out({"item": "<http://e/Q1>"})
    prepareQuery(text)  # still a valid query
    first, second = service_clauses(text)
    assert "VALUES ?item { <http://e/Q1> }" in text[first.group_start : first.group_end]
    assert "VALUES" not in text[second.group_start : second.group_end]
    assert text.count("VALUES ?item") == 2  # the outer WHERE and the first group


def test_default_is_bound_inside_too(named):
    text = named.spelled_out()
    first = service_clauses(text)[0]
    assert "<http://e/default>" in text[first.group_start : first.group_end]


def test_services_lists_the_endpoints(named):
    assert named.services == ("http://remote/sparql", "http://other/sparql")


def test_a_brace_in_a_string_does_not_end_the_group(named):
    clause = service_clauses(QUERY)[0]
    assert QUERY[clause.group_start : clause.group_end].strip().endswith('FILTER(?x != "}")')


def test_iraqkg_queries_says_which_queries_call_a_service():
    from click.testing import CliRunner

    from iraqkg.cli import main

    repo = Path(__file__).resolve().parents[2]
    outcome = CliRunner().invoke(main, ["queries", "--queries", str(repo / "queries")])
    assert outcome.exit_code == 0, outcome.output
    lines = [line for line in outcome.output.splitlines() if not line.startswith(" ")]
    calling = {line.split(":", 1)[0] for line in lines if "[calls: " in line}
    assert calling == {"wikidata-facts", "wikidata-memberships"}


def test_a_sub_select_in_a_service_group_gets_its_own_braces(tmp_path):
    path = tmp_path / "sub.rq"
    path.write_text(
        "# title: t\n# param: item = an item\n"
        "SELECT * WHERE { ?e <http://e/link> ?item .\n"
        "  SERVICE <http://remote/sparql> { SELECT ?item ?x WHERE { ?item <http://e/p> ?x } }\n}\n",
        encoding="utf-8",
    )
    text = parse_named_query(path).spelled_out({"item": "<http://e/Q1>"})
    prepareQuery(text)  # a VALUES beside a bare sub-select would not parse
    clause = service_clauses(text)[0]
    assert "VALUES ?item { <http://e/Q1> }" in text[clause.group_start : clause.group_end]
