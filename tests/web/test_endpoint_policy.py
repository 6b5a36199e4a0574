"""The query screen (form, updates, SERVICE) and the result writers' term encodings."""

from __future__ import annotations

import csv
import io
import json
from xml.dom import minidom

import pytest
from rdflib import BNode, Literal, URIRef

from iraqkg.engines import QueryRefused, QuerySyntaxError
from iraqkg.engines import sparql_results as writers
from iraqkg.engines.policy import check_query, is_update, may_call_service, sniff

WDQS = ("https://query.wikidata.org/sparql",)
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * {}", "select"),
        ("  select*{}", "select"),
        ("ASK{}", "ask"),
        ("PREFIX ex: <http://e/> BASE <http://b/> CONSTRUCT WHERE { ?s ?p ?o }", "construct"),
        ("PREFIX : <http://e/>\n# SELECT in a comment\nDESCRIBE :x", "describe"),
        ("prefix ask: <http://e/#> select ?x {}", "select"),
        ("# only a comment", None),
        ("<http://e/> SELECT", None),
    ],
)
def test_sniff_finds_the_form(query: str, form: str | None) -> None:
    assert sniff(query).form == form


@pytest.mark.parametrize(
    "text",
    ["CLEAR ALL", "PREFIX e: <http://e/> INSERT DATA { e:s e:p e:o }", "load <http://e/>",
     "WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "DROP SILENT GRAPH <http://g/>",
     # found by tests/web/test_live_fuzz.py: a prefix name that starts with a non-ASCII
     # letter hid the update keyword (400 syntax_error instead of 403)
     "PREFIX \u00e9: <x:>\nLOAD <file:///etc/passwd>", "PREFIX \u0627\u0628: <x:> CLEAR ALL"],
)  # fmt: skip
def test_updates_are_recognised_and_refused(text: str) -> None:
    assert is_update(text)
    with pytest.raises(QueryRefused) as caught:
        check_query(text, WDQS)
    assert caught.value.code == "read_only"


def test_service_screen_is_conservative() -> None:
    assert not may_call_service("SELECT * { ?s ?p ?o }")
    assert may_call_service('SELECT * { ?s ?p "service" }')  # false positive: just parsed
    assert may_call_service("SELECT * { SERV\\u0049CE <http://e/> {} }")
    assert check_query('SELECT * { ?s ?p "service" }', WDQS).form == "select"


def test_allowlisted_service_passes() -> None:
    query = f"SELECT * {{ SERVICE <{WDQS[0]}> {{ ?s ?p ?o }} }}"
    assert check_query(query, WDQS).form == "select"


def test_unparseable_query_with_service_fails_closed() -> None:
    with pytest.raises(QuerySyntaxError):
        check_query("SELECT * { SERVICE <http://evil/> { ?s ?p ?o ", WDQS)


def test_no_allowlist_refuses_every_service() -> None:
    with pytest.raises(QueryRefused, match="allowed: none"):
        check_query(f"ASK {{ SERVICE <{WDQS[0]}> {{ ?s ?p ?o }} }}", ())


NASTY = Literal('a "quoted"\ttab,\ncomma\r\\ <tag> & é', lang="en")
ROWS = [
    (URIRef("http://e/s?a=1&b=<2>"), NASTY, None),
    (BNode("b0"), Literal("7", datatype=XSD_INTEGER), Literal("plain")),
]
VARS = ["s", "o", "x"]


def test_json_writer() -> None:
    doc = json.loads(writers.select_json(VARS, ROWS))
    first, second = doc["results"]["bindings"]
    assert first["o"] == {"type": "literal", "value": str(NASTY), "xml:lang": "en"}
    assert "x" not in first
    assert second["s"] == {"type": "bnode", "value": "b0"}
    assert second["o"]["datatype"] == str(XSD_INTEGER)
    assert "datatype" not in second["x"]


def test_xml_writer_escapes() -> None:
    document = minidom.parseString(writers.select_xml(VARS, ROWS))
    literal = document.getElementsByTagName("literal")[0]
    assert literal.firstChild.data == str(NASTY)
    assert literal.getAttribute("xml:lang") == "en"
    assert document.getElementsByTagName("uri")[0].firstChild.data == "http://e/s?a=1&b=<2>"


def test_csv_writer_quotes() -> None:
    body = writers.select_csv(VARS, ROWS).decode()
    assert body.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows[0] == VARS
    assert rows[1] == ["http://e/s?a=1&b=<2>", str(NASTY), ""]
    assert rows[2] == ["_:b0", "7", "plain"]


def test_tsv_writer_escapes() -> None:
    lines = writers.select_tsv(VARS, ROWS).decode().split("\n")
    assert lines[0] == "?s\t?o\t?x"
    cells = lines[1].split("\t")
    assert len(cells) == 3 and cells[2] == ""
    assert cells[1] == '"a \\"quoted\\"\\ttab,\\ncomma\\r\\\\ <tag> & é"@en'
    assert lines[2].split("\t") == ["_:b0", f'"7"^^<{XSD_INTEGER}>', '"plain"']


def test_ask_writers() -> None:
    assert json.loads(writers.ask_json(True)) == {"head": {}, "boolean": True}
    boolean = minidom.parseString(writers.ask_xml(False)).getElementsByTagName("boolean")[0]
    assert boolean.firstChild.data == "false"
    assert writers.ask_csv(True) == b"_askResult\r\ntrue\r\n"
    assert writers.ask_tsv(False) == b"?_askResult\nfalse\n"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service a ?type }",
        'SELECT * WHERE { ?s ?p "customer service" }',
        "PREFIX service: <http://e/> SELECT * WHERE { service:a ?p ?o }",
        "PREFIX ex: <http://e/> SELECT * WHERE { ex:service ?p ?o } # service",
        "SELECT * WHERE { ?s ?p <http://e/service> }",
        f"PREFIX wd: <{WDQS[0].rsplit('/', 1)[0]}/> SELECT * WHERE {{ SERVICE wd:sparql {{ }} }}",
        f"SELECT * WHERE {{ SERVICE <{WDQS[0]}> {{ ?s ?p ?o }} }} # one line, one SERVICE",
    ],
)
def test_queries_that_only_mention_service_pass(query: str) -> None:
    # the Oxigraph check reads names, strings, IRIs and comments as Oxigraph does
    assert check_query(query, WDQS).form == "select"


@pytest.mark.parametrize("prefix", ["wd", "\u00e9", "\u0627\u0628"])
def test_a_service_clause_names_its_endpoint_whatever_the_prefix(prefix: str) -> None:
    """The SERVICE-group reader expands a prefixed endpoint whose prefix starts with a
    non-ASCII letter (it read "é" as punctuation and the endpoint as ":x" before)."""
    from iraqkg.sparql_text import service_clauses

    query = f"PREFIX {prefix}: <http://e/> SELECT * {{ SERVICE {prefix}:sparql {{ ?s ?p ?o }} }}"
    (clause,) = service_clauses(query)
    assert clause.endpoint_iri == "http://e/sparql" and clause.variables == {"s", "p", "o"}
