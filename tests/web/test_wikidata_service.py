"""The Wikidata named queries join this graph with Wikidata through SERVICE.

A real Oxigraph server loaded with a fixture in Wikidata's RDF shape plays the Wikidata Query
Service; ``service_rewrite`` routes the allowlisted WDQS IRI there. The expected answers are
the same query with SERVICE turned into a plain group, run by rdflib over our build plus
the fixture in one graph: a join through SERVICE must give exactly that.
"""

from __future__ import annotations

import threading
import urllib.request
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from endpoint_helpers import FIXTURES, oxigraph_server, term_key
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from iraqkg.engines import QueryRefused, open_engine
from iraqkg.engines.policy import parse_with_rdflib
from iraqkg.engines.services import check_routes, parse_route, route_services
from iraqkg.queries import load_named_queries
from iraqkg.settings import WIKIDATA_QUERY_SERVICE, EndpointSettings
from iraqkg.sparql_text import service_clauses, splice
from iraqkg.web import create_app

REPO = Path(__file__).resolve().parents[2]
MIRROR_DATA = FIXTURES / "wikidata-mirror.ttl"
NAMED = load_named_queries(REPO / "queries")
WIKIDATA_QUERIES = sorted(n for n, q in NAMED.items() if WIKIDATA_QUERY_SERVICE in q.text)
WD = "http://www.wikidata.org/entity/"
FIXTURE = Graph().parse(MIRROR_DATA)
FIXTURE_ITEMS = sorted(
    {str(s) for s in FIXTURE.subjects() if str(s).startswith(WD) and "/statement/" not in str(s)}
)
# Items the fixture describes (the calendar model Q1985727 is only ever an object).
LINKED_ITEMS = [i for i in FIXTURE_ITEMS if not i.endswith("Q1985727")]


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    with oxigraph_server(tmp_path_factory.mktemp("wikidata-mirror")) as base:
        put = urllib.request.Request(
            f"{base}/store?default",
            data=MIRROR_DATA.read_bytes(),
            method="PUT",
            headers={"Content-Type": "text/turtle"},
        )
        urllib.request.urlopen(put, timeout=30).close()
        yield f"{base}/query"


def unserviced(query: str) -> str:
    """The query with each SERVICE <iri> dropped, its group kept: the local oracle."""
    edits = []
    for clause in service_clauses(query):
        keyword = query.rfind("SERVICE", 0, clause.endpoint.start)
        edits.append((keyword, clause.endpoint.end, ""))
    return splice(query, edits)


@pytest.fixture(scope="module")
def oracle(built_dataset_file) -> Dataset:
    union = Dataset()
    union.parse(built_dataset_file, format="nquads")
    default = union.default_graph
    for graph in list(union.graphs()):
        for triple in graph:
            default.add(triple)
    for triple in FIXTURE:
        default.add(triple)
    return union


def keys(rows):
    """Rows as sorted keys; typed literals by value (rdflib writes 'Z' as '+00:00')."""

    def key(term):
        if isinstance(term, Literal) and term.datatype:
            return ("literal", repr(term.toPython()), str(term.datatype))
        return term_key(term)

    return sorted((tuple(key(t) for t in row) for row in rows), key=repr)


def expected_rows(oracle: Dataset, query: str):
    return keys(tuple(row) for row in oracle.query(unserviced(query)))


def test_the_fixture_covers_only_ids_our_data_links(oracle):
    linked = {str(o) for o in oracle.default_graph.objects(None, SKOS.exactMatch)}
    assert LINKED_ITEMS and set(LINKED_ITEMS) <= linked


def test_there_are_wikidata_named_queries_with_an_item_parameter():
    assert len(WIKIDATA_QUERIES) >= 2
    for name in WIKIDATA_QUERIES:
        assert "item" in NAMED[name].parameters, name


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def routed_engine(request, mirror, built_dataset_file):
    settings = EndpointSettings(
        engine=request.param, service_rewrite=((WIKIDATA_QUERY_SERVICE, mirror),)
    )
    engine = open_engine(settings, [built_dataset_file])
    yield settings, engine
    engine.close()


@pytest.mark.parametrize("item", LINKED_ITEMS)
@pytest.mark.parametrize("name", WIKIDATA_QUERIES)
def test_named_query_joins_through_service(routed_engine, oracle, name, item):
    _, engine = routed_engine
    bound = NAMED[name].bind({"item": f"<{item}>"})
    got = engine.query(bound.text, bindings=bound.as_dict())
    # The oracle reads the same query spelled out (the bound term in VALUES blocks).
    assert keys(got.rows) == expected_rows(oracle, NAMED[name].spelled_out({"item": f"<{item}>"}))


def test_the_join_returns_the_fixture_values(routed_engine):
    # Not only "equal to the oracle": the Wikidata side really came back.
    _, engine = routed_engine
    badr = URIRef(WD + "Q2994636")
    bound = NAMED["wikidata-facts"].bind({"item": f"<{badr}>"})
    result = engine.query(bound.text, bindings=bound.as_dict())
    rows = [dict(zip(result.variables, row, strict=True)) for row in result.rows]
    websites = {str(r["website"]) for r in rows}
    inception = FIXTURE.value(badr, URIRef("http://www.wikidata.org/prop/direct/P571"))
    assert websites == {
        str(o) for o in FIXTURE.objects(badr, URIRef("http://www.wikidata.org/prop/direct/P856"))
    }
    assert {r["inception"].toPython() for r in rows} == {inception.toPython()}
    assert {str(r["entity"]) for r in rows} == {"https://w3id.org/iraqkg/id/badr-organization"}


def test_deprecated_statements_are_left_out(routed_engine):
    _, engine = routed_engine
    bound = NAMED["wikidata-memberships"].bind({"item": f"<{WD}Q2994636>"})
    result = engine.query(bound.text, bindings=bound.as_dict())
    values = {str(row[result.variables.index("value")]) for row in result.rows}
    assert WD + "Q3291634" not in values  # the deprecated part-of statement
    assert {WD + "Q19610107", WD + "Q47487535"} <= values


def test_the_endpoint_answers_the_join_over_http(routed_engine, oracle):
    settings, engine = routed_engine
    client = create_app(settings, engine, {}).test_client()
    query = NAMED["wikidata-memberships"].spelled_out({"item": f"<{WD}Q2994636>"})
    response = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.data
    assert len(response.json["results"]["bindings"]) == len(expected_rows(oracle, query))


def test_a_client_cannot_name_the_routed_url_itself(routed_engine, mirror):
    _, engine = routed_engine
    with pytest.raises(QueryRefused):
        engine.query(f"SELECT * WHERE {{ SERVICE <{mirror}> {{ ?s ?p ?o }} }}")


class RecordingProxy:
    """A loopback server that records each SERVICE request's query and forwards it."""

    def __init__(self, target: str) -> None:
        queries: list[str] = []
        self.queries = queries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                kind = self.headers.get("Content-Type", "")
                text = body.decode("utf-8")
                if "form-urlencoded" in kind:
                    text = parse_qs(text)["query"][0]
                queries.append(text)
                self._forward(body, kind)

            def do_GET(self) -> None:
                queries.append(parse_qs(self.path.split("?", 1)[1])["query"][0])
                self._forward(None, None, "?" + self.path.split("?", 1)[1])

            def _forward(self, body, kind, suffix="") -> None:
                headers = {"Accept": self.headers.get("Accept", "*/*")}
                if kind:
                    headers["Content-Type"] = kind
                request = urllib.request.Request(target + suffix, data=body, headers=headers)
                with urllib.request.urlopen(request, timeout=30) as answer:
                    payload = answer.read()
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.headers["Content-Type"])
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("engine_name", ["oxigraph", "rdflib"])
def test_the_bound_item_travels_inside_the_service_group(mirror, built_dataset_file, engine_name):
    # Oxigraph sends a SERVICE group without the outer bindings: without the VALUES inside
    # the group, the real Wikidata would be asked for every item's inception.
    proxy = RecordingProxy(mirror)
    try:
        settings = EndpointSettings(
            engine=engine_name, service_rewrite=((WIKIDATA_QUERY_SERVICE, proxy.url),)
        )
        engine = open_engine(settings, [built_dataset_file])
        bound = NAMED["wikidata-facts"].bind({"item": f"<{WD}Q19610107>"})
        engine.query(bound.text, bindings=bound.as_dict())
        engine.close()
    finally:
        proxy.close()
    assert proxy.queries, "the SERVICE was never called"
    for sent in proxy.queries:
        values = [
            row
            for node in walk(parse_with_rdflib(sent).algebra)
            if getattr(node, "name", None) == "values"
            for row in node["res"]
        ]
        assert [{str(k): str(v) for k, v in row.items()} for row in values] == [
            {"item": WD + "Q19610107"}
        ]


def walk(node, seen=None):
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    yield node
    children = node.values() if isinstance(node, dict) else node
    if isinstance(node, (dict, list, tuple)):
        for child in children:
            yield from walk(child, seen)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            f"SELECT * WHERE {{ SERVICE <{WIKIDATA_QUERY_SERVICE}> {{ ?s ?p ?o }} }}",
            "SELECT * WHERE { SERVICE <http://mirror/q> { ?s ?p ?o } }",
        ),
        (
            f"SELECT * WHERE {{ SERVICE SILENT <{WIKIDATA_QUERY_SERVICE}> {{ ?s ?p ?o }} }}",
            "SELECT * WHERE { SERVICE SILENT <http://mirror/q> { ?s ?p ?o } }",
        ),
        (
            "PREFIX wdqs: <https://query.wikidata.org/> "
            "SELECT * WHERE { service wdqs:sparql { ?s ?p ?o } }",
            "PREFIX wdqs: <https://query.wikidata.org/> "
            "SELECT * WHERE { service <http://mirror/q> { ?s ?p ?o } }",
        ),
        (  # only SERVICE endpoints move: the same IRI elsewhere, in a string or comment stays
            f"SELECT * WHERE {{ BIND(<{WIKIDATA_QUERY_SERVICE}> AS ?x) "
            f'BIND("SERVICE <{WIKIDATA_QUERY_SERVICE}> {{}}" AS ?y) }} '
            f"# SERVICE <{WIKIDATA_QUERY_SERVICE}> {{ }}",
            None,
        ),
        (  # another endpoint is not routed
            "SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }",
            None,
        ),
    ],
)
def test_route_services_rewrites_only_service_endpoints(query: str, expected: str | None):
    routes = ((WIKIDATA_QUERY_SERVICE, "http://mirror/q"),)
    assert route_services(query, routes) == (query if expected is None else expected)


def test_routes_must_name_an_allowlisted_iri_and_an_http_url():
    with pytest.raises(ValueError, match="not in service_allowlist"):
        EndpointSettings(service_rewrite=(("https://example.org/sparql", "http://127.0.0.1/"),))
    with pytest.raises(ValueError, match="not an http"):
        check_routes(((WIKIDATA_QUERY_SERVICE, "file:///etc/passwd"),), (WIKIDATA_QUERY_SERVICE,))
    with pytest.raises(ValueError, match="IRI=URL"):
        parse_route("https://query.wikidata.org/sparql")
    assert parse_route(f"{WIKIDATA_QUERY_SERVICE}=http://127.0.0.1:9/q") == (
        WIKIDATA_QUERY_SERVICE,
        "http://127.0.0.1:9/q",
    )
    assert replace(EndpointSettings(), service_rewrite=()).service_rewrite == ()


def test_a_real_client_gets_the_join_from_the_served_endpoint(mirror, built_dataset_file, oracle):
    # The production path: waitress, a query worker process, SPARQLWrapper as the client
    # (which sends text: the query spelled out with its VALUES blocks).
    from endpoint_helpers import live_server, make_pool_app
    from SPARQLWrapper import JSON, SPARQLWrapper

    from iraqkg.web import close_app

    settings = EndpointSettings(workers=1, service_rewrite=((WIKIDATA_QUERY_SERVICE, mirror),))
    query = NAMED["wikidata-facts"].spelled_out({"item": f"<{WD}Q2994636>"})
    app = make_pool_app(settings, [built_dataset_file])
    try:
        with live_server(app, settings) as url:
            client = SPARQLWrapper(url)
            client.setQuery(query)
            client.setReturnFormat(JSON)
            bindings = client.queryAndConvert()["results"]["bindings"]
    finally:
        close_app(app)
    websites = {b["website"]["value"] for b in bindings if "website" in b}
    expected = {str(row.website) for row in oracle.query(unserviced(query)) if row.website}
    assert websites == expected and len(bindings) == len(expected_rows(oracle, query))
