"""Method x query form x Accept: every combination answers, and answers the same thing.

Answers are parsed back and compared with the engine's own result: rows as multisets of
terms (blank node labels ignored), graphs by rdflib isomorphism. Never string equality.
"""

from __future__ import annotations

import pytest
from endpoint_helpers import media_type, parse_answer, row_keys
from rdflib import Graph
from rdflib.compare import isomorphic

from iraqkg.engines.formats import GRAPH_FORMATS, RESULT_FORMATS

PREFIX = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "PREFIX ikg: <https://w3id.org/iraqkg/ontology#> "
)
QUERIES = {
    # every triple of the union default graph: bnodes, typed and tagged literals, escapes
    "select": "SELECT * WHERE { ?s ?p ?o }",
    "select_optional": PREFIX
    + "SELECT ?s ?label ?alt WHERE { ?s skos:prefLabel ?label OPTIONAL { ?s skos:altLabel ?alt } }",
    "ask_true": PREFIX + "ASK { ?s a ikg:ArmedGroup }",
    "ask_false": PREFIX + "ASK { ?s a ikg:NoSuchClass }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "describe": "DESCRIBE <https://w3id.org/iraqkg/id/kataib-hezbollah>",
}
METHODS = ("get", "post_form", "post_direct")


def accepts_for(name: str) -> list[str | None]:
    formats = GRAPH_FORMATS if name in ("construct", "describe") else RESULT_FORMATS
    return [f.media_type for f in formats] + ["*/*", None]


GRID = [(m, q, a) for q in QUERIES for m in METHODS for a in accepts_for(q)]


def send(client, method: str, query: str, accept: str | None, **params: str):
    headers = {"Accept": accept} if accept else {}
    if method == "get":
        return client.get("/sparql", query_string={"query": query, **params}, headers=headers)
    if method == "post_form":
        return client.post("/sparql", data={"query": query, **params}, headers=headers)
    return client.post(
        "/sparql",
        data=query.encode(),
        query_string=params,
        content_type="application/sparql-query",
        headers=headers,
    )


def check_same_answer(engine, query: str, response) -> None:
    expected = engine.query(query)
    kind, variables, answer = parse_answer(response.data, response.headers["Content-Type"])
    assert kind == expected.kind
    if kind == "ask":
        assert answer is expected.boolean
    elif kind == "graph":
        graph = Graph()
        for triple in expected.triples:
            graph.add(triple)
        assert isomorphic(answer, graph)
    else:
        assert variables == expected.variables
        csv_style = media_type(response.headers["Content-Type"]) == "text/csv"
        expected_rows = row_keys(expected.rows, csv_style)
        if csv_style:
            expected_rows = [tuple(v or None for v in row) for row in expected_rows]
            answer = sorted(answer, key=repr)
            expected_rows = sorted(expected_rows, key=repr)
        assert answer == expected_rows


@pytest.mark.parametrize(("method", "name", "accept"), GRID)
def test_grid(client, oxigraph_engine, method: str, name: str, accept: str | None) -> None:
    response = send(client, method, QUERIES[name], accept)
    assert response.status_code == 200, response.data
    if accept not in (None, "*/*"):
        assert media_type(response.headers["Content-Type"]) == accept
    assert "Accept" in response.headers.get("Vary", "")
    check_same_answer(oxigraph_engine, QUERIES[name], response)


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("select", "json", "application/sparql-results+json"),
        ("select", "xml", "application/sparql-results+xml"),
        ("select", "csv", "text/csv"),
        ("select", "tsv", "text/tab-separated-values"),
        ("ask_true", "xml", "application/sparql-results+xml"),
        ("construct", "turtle", "text/turtle"),
        ("construct", "json", "application/ld+json"),
        ("construct", "xml", "application/rdf+xml"),
        ("construct", "nt", "application/n-triples"),
        ("describe", "application/trig", "application/trig"),
        ("describe", "nquads", "application/n-quads"),
    ],
)
@pytest.mark.parametrize("method", METHODS)
def test_format_parameter_beats_accept(client, oxigraph_engine, method, name, fmt, expected):
    response = send(client, method, QUERIES[name], "application/x-unknown", format=fmt)
    assert response.status_code == 200, response.data
    assert media_type(response.headers["Content-Type"]) == expected
    check_same_answer(oxigraph_engine, QUERIES[name], response)


@pytest.mark.parametrize(
    ("name", "accept"),
    [
        ("select", "text/turtle"),  # regression: some servers answer XML here, silently
        ("ask_true", "application/n-triples"),
        ("construct", "application/sparql-results+json"),
        ("describe", "text/csv"),
        ("select", "image/png"),
    ],
)
def test_unacceptable_accept_is_406(client, name: str, accept: str) -> None:
    response = send(client, "get", QUERIES[name], accept)
    assert response.status_code == 406
    assert response.json["error"] == "not_acceptable"
    assert response.json["available"]


def test_unknown_format_parameter_is_406(client) -> None:
    response = send(client, "get", QUERIES["select"], None, format="turtle")
    assert response.status_code == 406


def test_quality_values_are_honoured(client) -> None:
    accept = "application/sparql-results+xml;q=0.5, text/csv;q=0.9, */*;q=0.1"
    response = send(client, "get", QUERIES["select"], accept)
    assert media_type(response.headers["Content-Type"]) == "text/csv"
    zero = "application/sparql-results+json;q=0, application/sparql-results+xml"
    response = send(client, "get", QUERIES["select"], zero)
    assert media_type(response.headers["Content-Type"]) == "application/sparql-results+xml"


def test_repeated_agreeing_format_parameters_are_fine(client) -> None:
    # regression: SPARQLWrapper sends format=rdf+xml&format=application/rdf+xml
    query = "CONSTRUCT WHERE { ?s ?p ?o }"
    response = client.get(
        "/sparql", query_string=[("query", query), ("format", "rdf+xml"),
                                 ("format", "application/rdf+xml")]
    )  # fmt: skip
    assert response.status_code == 200
    assert media_type(response.headers["Content-Type"]) == "application/rdf+xml"
    clash = client.get(
        "/sparql", query_string=[("query", query), ("format", "nt"), ("format", "turtle")]
    )
    assert clash.status_code == 406


def test_a_format_value_naming_no_format_falls_back_to_accept(client) -> None:
    # SPARQLWrapper also sends output= and results=, and values this server does not know
    response = client.get(
        "/sparql",
        query_string={"query": QUERIES["select"], "format": "no-such-format"},
        headers={"Accept": "text/csv"},
    )
    assert response.status_code == 200
    assert media_type(response.headers["Content-Type"]) == "text/csv"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["json-ld", "application/ld+json,application/x-json+ld"], "application/ld+json"),
        (["n3"], "text/turtle"),
        (["application/x-json+ld"], "application/ld+json"),
    ],
)
def test_sparqlwrapper_format_values_for_construct(client, oxigraph_engine, values, expected):
    query = QUERIES["construct"]
    response = client.get(
        "/sparql", query_string=[("query", query), *(("format", v) for v in values)]
    )
    assert response.status_code == 200, response.data
    assert media_type(response.headers["Content-Type"]) == expected
    check_same_answer(oxigraph_engine, query, response)
