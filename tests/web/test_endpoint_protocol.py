"""The SPARQL 1.1 Protocol edges: errors, read-only, datasets, limits, CORS, description.

One regression test per slip seen in peer servers (see shared/notes/endpoints.md).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from endpoint_helpers import MINI, media_type, parse_answer
from rdflib import Graph, Namespace, URIRef

from iraqkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, NAMED_GRAPHS
from iraqkg.web import create_app

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.data
    assert media_type(response.headers["Content-Type"]) == "application/json"
    body = response.json
    assert body["status"] == status and body["error"] and body["message"]
    if code:
        assert body["error"] == code
    return body


def count(response) -> int:
    _kind, _vars, rows = parse_answer(response.data, response.headers["Content-Type"])
    return int(rows[0][0][1])


# ---- malformed requests -------------------------------------------------------------------


def test_syntax_error_is_400_with_position(client) -> None:
    body = assert_error_shape(
        client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p "}),
        400,
        "syntax_error",
    )
    assert body["line"] == 2 and body["column"] > 1
    # One line for people, saying where; the parser's own message behind it.
    assert body["message"].startswith(f"line 2, column {body['column']}: ")
    assert "\n" not in body["message"] and "error" in body["detail"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s foo:bar ?o }",
            "line 3, column 6: prefix foo is not declared",
        ),
        ("SELEC * {}", "line 1, column 1: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE"),
        ("SELECT * { ?s <not an iri> ?o }", "line 1, column 15: not a valid IRI"),
    ],
)
def test_syntax_errors_read_as_one_line(client, query, message) -> None:
    body = client.get("/sparql", query_string={"query": query}).json
    assert body["error"] == "syntax_error" and body["message"].startswith(message)
    assert body["detail"] and body["detail"] != body["message"]


def test_project_prefixes_are_predefined(client) -> None:
    answer = client.get(
        "/sparql",
        query_string={"query": "SELECT ?s { ?s rdf:type ?t } LIMIT 1"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200 and answer.json["results"]["bindings"]
    # A query's own declaration wins over the predefined one.
    own = "PREFIX rdf: <urn:other#> SELECT ?s { ?s rdf:type ?t } LIMIT 1"
    answer = client.get("/sparql", query_string={"query": own, "format": "json"})
    assert answer.json["results"]["bindings"] == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"query_string": "query=ASK%7B%7D&query=ASK%7B%7D"},
        {"method": "POST", "data": "query=ASK%7B%7D&query=ASK%7B%7D", "content_type": FORM},
        {"method": "POST", "query_string": "query=ASK%7B%7D", "data": "query=ASK%7B%7D",
         "content_type": FORM},
    ],
)  # fmt: skip
def test_repeated_query_is_400(client, kwargs) -> None:
    # regression: repeated query= was accepted by a peer server
    assert_error_shape(client.open("/sparql", **kwargs), 400, "repeated_query")


def test_post_without_content_type_is_415(client) -> None:
    # W3C bad_query_missing_form_type; regression: Oxigraph answers 200 here
    response = client.post("/sparql", data=b"query=ASK%20%7B%7D", content_type="")
    assert_error_shape(response, 415, "missing_content_type")


def test_post_wrong_media_type_is_415(client) -> None:
    # regression: a peer server answered 200 with the service description
    assert_error_shape(client.post("/sparql", data="ASK {}", content_type="text/plain"), 415)


def test_non_utf8_charset_is_415(client) -> None:
    # regression: a peer server decoded every body as UTF-8 whatever the charset
    response = client.post(
        "/sparql", data="ASK {}".encode("utf-16"), content_type=f"{DIRECT}; charset=UTF-16"
    )
    assert_error_shape(response, 415, "unsupported_charset")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "POST", "data": b"ASK { FILTER(\xff) }", "content_type": DIRECT},
        {"method": "POST", "data": b"query=ASK%7B%FF%7D", "content_type": FORM},
        {"method": "GET"},
    ],
)
def test_invalid_utf8_is_400(client, kwargs) -> None:
    path = "/sparql?query=ASK%7B%FF%7D" if kwargs["method"] == "GET" else "/sparql"
    assert_error_shape(client.open(path, **kwargs), 400, "bad_encoding")


def test_post_without_query_is_400(client) -> None:
    assert_error_shape(client.post("/sparql", data={"nothing": "here"}), 400, "missing_query")
    assert_error_shape(client.post("/sparql", data=b"", content_type=DIRECT), 400, "empty_query")


def test_other_methods_are_405_in_the_same_shape(client) -> None:
    response = client.put("/sparql", query_string={"query": "ASK {}"})
    assert_error_shape(response, 405)
    assert "POST" in response.headers["Allow"]
    assert_error_shape(client.delete("/sparql"), 405)


def test_unknown_path_is_404_in_the_same_shape(client) -> None:
    assert_error_shape(client.get("/nowhere"), 404)


def test_invalid_graph_iri_is_400(client) -> None:
    response = client.get(
        "/sparql", query_string={"query": "ASK {}", "default-graph-uri": "not an iri"}
    )
    assert_error_shape(response, 400)


# ---- read-only ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "POST", "data": "CLEAR ALL", "content_type": "application/sparql-update"},
        {"method": "POST", "data": {"update": "CLEAR ALL"}},
        {"method": "GET", "query_string": {"update": "CLEAR ALL"}},  # regression: peer said 200
        {"method": "GET", "query_string": {"query": "DROP ALL"}},
        {"method": "POST", "data": "LOAD <http://example.org/x>", "content_type": DIRECT},
        {"method": "POST", "data": {"update": "INSERT DATA { <a:s> <a:p> <a:o> }"},
         "query_string": {"using-graph-uri": "http://e/g"}},
    ],
)  # fmt: skip
def test_updates_are_403(client, kwargs) -> None:
    assert_error_shape(client.open("/sparql", **kwargs), 403, "read_only")
    assert count(client.get("/sparql", query_string={"query": COUNT})) == 40


# ---- the dataset --------------------------------------------------------------------------


def ask(client, query: str, **params) -> bool:
    response = client.get("/sparql", query_string={"query": query, **params})
    assert response.status_code == 200, response.data
    return response.json["boolean"]


def test_default_graph_is_the_union(client) -> None:
    assert count(client.get("/sparql", query_string={"query": COUNT})) == 40
    for name in NAMED_GRAPHS:
        assert ask(client, f"ASK {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")


def test_default_graph_uri_selects_graphs(client) -> None:
    response = client.get(
        "/sparql", query_string={"query": COUNT, "default-graph-uri": str(INFERRED_GRAPH)}
    )
    assert count(response) == 3
    both = {"query": COUNT, "default-graph-uri": [str(INFERRED_GRAPH), str(ASSERTED_GRAPH)]}
    assert count(client.get("/sparql", query_string=both)) == 26


def test_named_graph_uri_limits_graph_patterns(client) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post("/sparql", data={"query": query, "named-graph-uri": str(INFERRED_GRAPH)})
    _kind, _vars, rows = parse_answer(response.data, response.headers["Content-Type"])
    assert rows == [(("uri", str(INFERRED_GRAPH)),)]


def test_protocol_dataset_overrides_from(client) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{ASSERTED_GRAPH}> WHERE {{ ?s ?p ?o }}"
    assert count(client.get("/sparql", query_string={"query": query})) == 23
    params = {"query": query, "default-graph-uri": str(INFERRED_GRAPH)}
    assert count(client.get("/sparql", query_string=params)) == 3


def test_from_named_without_from_leaves_the_default_graph_empty(client) -> None:
    assert not ask(client, f"ASK FROM NAMED <{INFERRED_GRAPH}> {{ ?s ?p ?o }}")
    assert ask(client, f"ASK FROM NAMED <{INFERRED_GRAPH}> {{ GRAPH ?g {{ ?s ?p ?o }} }}")


# ---- limits -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_client(settings, oxigraph_engine):
    small = replace(settings, max_rows=3, max_request_bytes=1024)
    return create_app(small, oxigraph_engine, {}).test_client()


@pytest.mark.parametrize(
    ("query", "fmt"),
    [("SELECT * { ?s ?p ?o }", "json"), ("CONSTRUCT WHERE { ?s ?p ?o }", "nt")],
)
def test_an_answer_over_the_row_cap_is_an_error_not_a_cut(small_client, query, fmt) -> None:
    # regression: the first max_rows rows were sent with 200 and only a custom header
    response = small_client.get("/sparql", query_string={"query": query, "format": fmt})
    assert_error_shape(response, 422)
    assert response.json["error"] == "too_many_rows" and response.json["max_rows"] == 3
    assert "--max-rows" in response.json["message"] and "LIMIT" in response.json["message"]
    assert "max_rows=3" in response.status  # the reason phrase: what urllib clients show
    assert response.headers["X-SPARQL-MaxRows"] == "3"


def test_at_the_cap_the_answer_is_whole(small_client) -> None:
    response = small_client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 3"})
    assert response.status_code == 200
    assert len(response.json["results"]["bindings"]) == 3
    assert "X-SPARQL-MaxRows" not in response.headers


def test_oversize_body_is_413(small_client) -> None:
    query = "ASK {}" + " " * 2000
    assert_error_shape(small_client.post("/sparql", data=query, content_type=DIRECT), 413)
    assert_error_shape(small_client.post("/sparql", data={"query": query}), 413)


def test_oversize_query_string_is_414(small_client) -> None:
    response = small_client.get("/sparql", query_string={"query": "ASK {}" + " " * 2000})
    assert_error_shape(response, 414)


# ---- CORS ---------------------------------------------------------------------------------


def test_cors_on_by_default(client) -> None:
    response = client.get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "content-type"


def test_cors_list_and_off(settings, oxigraph_engine) -> None:
    listed = replace(settings, cors_origins=("https://good.example",))
    client = create_app(listed, oxigraph_engine, {}).test_client()
    good = client.get("/healthz", headers={"Origin": "https://good.example"})
    assert good.headers["Access-Control-Allow-Origin"] == "https://good.example"
    assert "Origin" in good.headers["Vary"]
    bad = client.get("/healthz", headers={"Origin": "https://bad.example"})
    assert "Access-Control-Allow-Origin" not in bad.headers
    off = create_app(replace(settings, cors_origins=()), oxigraph_engine, {}).test_client()
    assert (
        "Access-Control-Allow-Origin"
        not in off.get("/healthz", headers={"Origin": "https://good.example"}).headers
    )


# ---- description, page, health ------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        (None, "turtle"),
        ("*/*", "turtle"),
        ("text/turtle", "turtle"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
    ],
)
def test_service_description(client, settings, accept, fmt) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format=fmt)
    endpoint = URIRef(settings.endpoint_url)  # the configured URL, not the Host header
    service = graph.value(predicate=SD.endpoint, object=endpoint)
    assert service is not None
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    names = set(graph.objects(None, SD.name))
    assert names == {URIRef(g) for g in NAMED_GRAPHS}


def test_browser_gets_the_query_page(client) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    assert media_type(response.headers["Content-Type"]) == "text/html"
    html = response.data.decode()
    assert "<textarea" in html and 'id="named-queries"' in html  # the no-script fallback too
    assert "http" not in response.headers["Content-Security-Policy"]  # nothing off-site
    scripts = [
        "chartjs/chart.umd.min.js",  # before YASGUI: its UMD wrapper sets window.Chart
        "yasgui/yasgui.min.js",
        "editor-chart.js",  # registers the Chart tab before editor.js builds the editor
        "editor.js",
    ]
    positions = [html.index(f'<script src="/static/{script}">') for script in scripts]
    assert positions == sorted(positions)
    assert "<script>" not in html  # no inline script: the policy allows none
    assets = [*scripts, "query.css", "editor.css", "yasgui/yasgui.min.css"]
    for asset in [*assets, "yasgui/LICENSE", "chartjs/LICENSE.md"]:
        assert client.get(f"/static/{asset}").status_code == 200
    assert client.get("/").headers["Location"].endswith("/sparql")


def test_named_queries_hook_fills_the_picker(settings, oxigraph_engine) -> None:
    info = {"named_queries": [("groups", "SELECT ?g { ?g a <urn:x> }")]}
    client = create_app(settings, oxigraph_engine, info).test_client()
    html = client.get("/sparql", headers={"Accept": "text/html"}).data.decode()
    assert ">groups</option>" in html


def test_healthz(client) -> None:
    body = client.get("/healthz").json
    assert body["status"] == "ok"
    assert body["build_id"] == "test-build"
    assert body["engine"] == "oxigraph"
    assert body["triples"][str(ASSERTED_GRAPH)] == 23
    assert body["triples"]["default"] == 40


def test_fixture_is_what_the_tests_assume() -> None:
    assert MINI.exists()


# ---- answer cache -------------------------------------------------------------------------


def test_repeated_queries_come_from_the_cache(settings, oxigraph_engine) -> None:
    client = create_app(settings, oxigraph_engine, {}).test_client()
    query = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}
    first, second = (
        client.get("/sparql", query_string=query),
        client.get("/sparql", query_string=query),
    )
    assert first.data == second.data
    other_format = client.get("/sparql", query_string={**query, "format": "csv"})
    assert other_format.mimetype == "text/csv"
    for _ in range(2):  # answers that change by themselves are never kept
        client.get("/sparql", query_string={"query": "SELECT (NOW() AS ?t) WHERE {}"})
    health = client.get("/healthz").json
    cache = health["executor"]["cache"]
    # The repeat is answered by the whole-response cache before the app runs.
    assert cache == {"entries": 2, "bytes": cache["bytes"], "hits": 0, "misses": 4}
    responses = health["response_cache"]
    assert responses == {"entries": 2, "bytes": responses["bytes"], "hits": 1}


def test_cache_can_be_turned_off(settings, oxigraph_engine) -> None:
    client = create_app(replace(settings, cache_bytes=0), oxigraph_engine, {}).test_client()
    assert "cache" not in client.get("/healthz").json["executor"]
