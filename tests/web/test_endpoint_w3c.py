"""The W3C SPARQL 1.1 Protocol and Service Description tests, replayed over real HTTP.

The endpoint runs in waitress with real query worker processes, holding the named graphs
the manifest's ``ut:graphData`` lists. Every query test must pass; an update test must get
the 4xx a read-only endpoint owes, and the queries after it are checked for status and
format only (the update did not happen, so their booleans cannot hold).
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from endpoint_helpers import W3C, live_server, make_pool_app, media_type, parse_answer
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from iraqkg.web import close_app

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PROTOCOL = W3C / "protocol" / "manifest.ttl"
DESCRIPTION = W3C / "service-description" / "manifest.ttl"

BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {
    "text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
    "application/trig", "application/n-quads",
}  # fmt: skip


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: list[str]  # "2xx", "4xx"...
    expected_format: str | None
    expected_boolean: bool | None

    @property
    def is_update(self) -> bool:
        body = (self.body or b"").lstrip()
        return (
            self.headers.get("content-type", "").startswith("application/sparql-update")
            or body.startswith(b"update=")
            or "update=" in self.path
        )


@dataclass
class ProtocolTest:
    name: str
    requests: list[HttpRequest]
    graphs: dict[str, Path] = field(default_factory=dict)  # graph IRI -> data file


def _items(graph: Graph, head) -> list:
    return list(Collection(graph, head)) if head is not None else []


def load_protocol_tests() -> list[ProtocolTest]:
    graph = Graph().parse(PROTOCOL, format="turtle")
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest)
    tests = []
    for entry in _items(graph, graph.value(manifest, MF.entries)):
        name = str(entry).rsplit("#", 1)[-1]
        graphs = {
            str(graph.value(data, RDFS.label)): Path(str(graph.value(data, UT.graph))[7:])
            for data in graph.objects(entry, UT.graphData)
        }
        action = graph.value(entry, MF.action)
        requests = []
        for req in _items(graph, graph.value(action, HT.requests)):
            headers = {
                str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue))
                for h in _items(graph, graph.value(req, HT.headers))
            }
            body_node = graph.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                chars = str(graph.value(body_node, CNT.chars))
                body = chars.encode(encoding.lower())
            resp = graph.value(req, HT.resp)
            statuses = [str(s)[-3:] for s in graph.objects(resp, MF.expectedStatus)]
            fmt = graph.value(resp, MF.expectedFormat)
            boolean = graph.value(resp, MF.expectedBoolean)
            requests.append(
                HttpRequest(
                    str(graph.value(req, HT.methodName)),
                    str(graph.value(req, HT.absolutePath)),
                    headers,
                    body,
                    statuses,
                    str(fmt) if fmt is not None else None,
                    boolean.toPython() if isinstance(boolean, Literal) else None,
                )
            )
        tests.append(ProtocolTest(name, requests, graphs))
    return tests


PROTOCOL_TESTS = load_protocol_tests() if PROTOCOL.exists() else []


@pytest.fixture(scope="module", params=["waitress", "granian"])
def w3c_endpoint(settings, tmp_path_factory, request) -> Iterator[str]:
    """The endpoint holding every graph the protocol manifest names, in worker processes."""
    if not PROTOCOL.exists():
        pytest.skip(f"W3C test suite not found at {W3C}")
    dataset = tmp_path_factory.mktemp("w3c") / "w3c.nq"
    lines = []
    for test in PROTOCOL_TESTS:
        for iri, data_file in test.graphs.items():
            for s, p, o in Graph().parse(PROTOCOL.parent / data_file.name, format="nt"):
                lines.append(f"{s.n3()} {p.n3()} {o.n3()} <{iri}> .\n")
    dataset.write_text("".join(sorted(set(lines))), encoding="utf-8")
    pool_settings = replace(settings, workers=1, http_server=request.param)
    app = make_pool_app(pool_settings, [dataset], {"build_id": "w3c"})
    try:
        with live_server(app, pool_settings) as url:
            yield url
    finally:
        close_app(app)


def replay(endpoint: str, request: HttpRequest) -> http.client.HTTPResponse:
    parts = urlsplit(endpoint)
    path = request.path.replace("/sparql/", parts.path, 1)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request(request.method, path, body=request.body, headers=request.headers)
    return connection.getresponse()


def status_matches(status: int, expected: list[str]) -> bool:
    return any(str(status)[0] == e[0] for e in expected)


def check_format(expected: str, content_type: str, body: bytes) -> None:
    media = media_type(content_type)
    allowed = {"boolean": BOOLEAN_TYPES, "tabular": TABULAR_TYPES, "RDF": RDF_TYPES}[expected]
    assert media in allowed, f"{media} is not a {expected} format"
    parse_answer(body, content_type)  # must parse


@pytest.mark.parametrize("test", PROTOCOL_TESTS or [None], ids=lambda t: t.name if t else "none")
def test_protocol(w3c_endpoint: str, test: ProtocolTest) -> None:
    after_update = False
    for request in test.requests:
        response = replay(w3c_endpoint, request)
        body = response.read()
        content_type = response.getheader("Content-Type", "")
        if request.is_update:
            # A read-only endpoint answers every update request with a 4xx.
            assert 400 <= response.status < 500, (response.status, body)
            assert media_type(content_type) == "application/json"
            after_update = True
            continue
        assert status_matches(response.status, request.statuses), (response.status, body)
        if request.expected_format:
            check_format(request.expected_format, content_type, body)
        if request.expected_boolean is not None and not after_update:
            _kind, _vars, answer = parse_answer(body, content_type)
            assert answer is request.expected_boolean


# ---- service description ------------------------------------------------------------------


def description_test_names() -> list[str]:
    if not DESCRIPTION.exists():
        return []
    graph = Graph().parse(DESCRIPTION, format="turtle")
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest)
    return [str(e).rsplit("#", 1)[-1] for e in _items(graph, graph.value(manifest, MF.entries))]


def fetch_description(endpoint: str, accept: str) -> Graph:
    parts = urlsplit(endpoint)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", parts.path, headers={"Accept": accept})
    response = connection.getresponse()
    assert response.status == 200
    fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml"}[accept]
    assert media_type(response.getheader("Content-Type")) == accept
    return Graph().parse(data=response.read(), format=fmt)


def check_returns_rdf(endpoint: str) -> None:
    for accept in ("text/turtle", "application/rdf+xml"):
        assert len(fetch_description(endpoint, accept)) > 0


def check_has_endpoint_triple(endpoint: str) -> None:
    graph = fetch_description(endpoint, "text/turtle")
    assert (None, SD.endpoint, URIRef(endpoint)) in graph


def check_conforms_to_schema(endpoint: str) -> None:
    graph = fetch_description(endpoint, "text/turtle")
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    service = services[0]
    assert isinstance(graph.value(service, SD.endpoint), URIRef)
    languages = set(graph.objects(service, SD.supportedLanguage))
    assert languages and languages <= {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
    assert all(isinstance(f, URIRef) for f in graph.objects(service, SD.resultFormat))
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    assert graph.value(dataset, SD.defaultGraph) is not None
    for named in graph.objects(dataset, SD.namedGraph):
        assert isinstance(graph.value(named, SD.name), URIRef)


DESCRIPTION_CHECKS = {
    "returns-rdf": check_returns_rdf,
    "has-endpoint-triple": check_has_endpoint_triple,
    "conforms-to-schema": check_conforms_to_schema,
}


@pytest.mark.parametrize("name", description_test_names() or [None])
def test_service_description(w3c_endpoint: str, name: str | None) -> None:
    if name is None:
        pytest.skip("W3C service description manifest not found")
    assert name in DESCRIPTION_CHECKS, f"new W3C test {name}: add a check"
    DESCRIPTION_CHECKS[name](w3c_endpoint)
