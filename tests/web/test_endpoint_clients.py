"""Real clients against the live server: SPARQLWrapper, rdflib's SPARQLStore, curl, and an
Oxigraph server federating into this endpoint with SERVICE. All on loopback."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
import urllib.request
from dataclasses import replace

import pytest
from endpoint_helpers import MINI, live_server, make_pool_app, oxigraph_server
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

from iraqkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from iraqkg.web import close_app

LABELS = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }"
)
EXPECTED_LABELS = {
    "Kata'ib Hezbollah", "Badr Organization", "Asa'ib Ahl al-Haq",
    "Abu Mahdi al-Muhandis", "Hadi al-Ameri", "Qais al-Khazali",
}  # fmt: skip
KH = URIRef("https://w3id.org/iraqkg/id/kataib-hezbollah")


@pytest.fixture(scope="module")
def endpoint(settings):
    one = replace(settings, workers=1)
    app = make_pool_app(one, [MINI], {"build_id": "clients"})
    try:
        with live_server(app, one) as url:
            yield url
    finally:
        close_app(app)


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_json(endpoint: str, method: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setMethod(method)
    client.setQuery(LABELS)
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    assert {b["label"]["value"] for b in bindings} == EXPECTED_LABELS


def test_sparqlwrapper_xml(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(LABELS)
    client.setReturnFormat(XML)
    document = client.query().convert()
    literals = document.getElementsByTagName("literal")
    assert {node.firstChild.data for node in literals} == EXPECTED_LABELS


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML])
def test_sparqlwrapper_construct(endpoint: str, fmt: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(f"CONSTRUCT WHERE {{ <{KH}> ?p ?o }}")
    client.setReturnFormat(fmt)
    converted = client.query().convert()
    graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted)
    assert len(graph) > 5 and all(s == KH for s in graph.subjects())


def _expected_graph(query: str) -> Graph:
    from iraqkg.engines import open_engine
    from iraqkg.settings import EndpointSettings

    engine = open_engine(EndpointSettings(), [MINI])
    try:
        return Graph().parse(data=engine.query(query).serialize("nt"), format="nt")
    finally:
        engine.close()


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, XML, JSONLD, JSON])
@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_every_construct_format(endpoint: str, fmt: str, method: str) -> None:
    # regression: JSON-LD and N3 were 406 (SPARQLWrapper sends format=n3, and
    # format=application/ld+json,application/x-json+ld as one comma-separated value)
    query = f"CONSTRUCT WHERE {{ <{KH}> ?p ?o }}"
    client = SPARQLWrapper(endpoint)
    client.setMethod(method)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    response = client.query()
    media = response.info()["content-type"].split(";")[0]
    body = response.response.read()
    syntax = {"text/turtle": "turtle", "application/rdf+xml": "xml"}.get(media, "json-ld")
    assert isomorphic(Graph().parse(data=body, format=syntax), _expected_graph(query))


@pytest.mark.parametrize(("fmt", "media"), [(CSV, "text/csv"), (TSV, "text/tab-separated-values")])
def test_sparqlwrapper_csv_and_tsv(endpoint: str, fmt: str, media: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(LABELS)
    client.setReturnFormat(fmt)
    response = client.query()
    assert response.info()["content-type"].startswith(media)
    text = response.convert().decode("utf-8")
    separator = "," if fmt == CSV else "\t"
    lines = text.splitlines()
    assert lines[0].replace("?", "").split(separator) == ["s", "label"]
    assert len(lines) == 1 + len(EXPECTED_LABELS)


def test_jsonld_reads_as_plain_json_under_the_published_context(endpoint: str) -> None:
    query = f"CONSTRUCT WHERE {{ <{KH}> ?p ?o }}"
    request = urllib.request.Request(
        endpoint + "?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/ld+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        document = json.loads(response.read())
    base = endpoint.rsplit("/sparql", 1)[0]
    with urllib.request.urlopen(base + "/context.jsonld", timeout=30) as response:
        assert response.headers["Content-Type"].startswith("application/ld+json")
        published = json.loads(response.read())
    assert document["@context"] == published["@context"]
    [node] = document["@graph"]
    assert node["@id"] == "id:kataib-hezbollah"  # compact, not a full IRI
    assert isinstance(node["skos:prefLabel"], (str, dict))
    assert isomorphic(
        Graph().parse(data=json.dumps(document), format="json-ld"), _expected_graph(query)
    )


def test_sparqlwrapper_ask(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(f"ASK {{ <{KH}> ?p ?o }}")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore(endpoint: str) -> None:
    store = SPARQLStore(endpoint)
    everything = Graph(store=store)
    assert {str(row.label) for row in everything.query(LABELS)} == EXPECTED_LABELS
    # a Graph with an IRI sends it as default-graph-uri: only that graph is queried
    inferred = Graph(store=store, identifier=INFERRED_GRAPH)
    assert len(list(inferred.query("SELECT * WHERE { ?s ?p ?o }"))) == 3
    asserted = Graph(store=store, identifier=ASSERTED_GRAPH)
    assert list(asserted.query(LABELS))
    assert bool(asserted.query(f"ASK {{ <{KH}> a ?type }}").askAnswer)


def test_rdflib_sparqlstore_construct_and_graph_formats(endpoint: str) -> None:
    store = SPARQLStore(endpoint)
    query = f"CONSTRUCT WHERE {{ <{KH}> ?p ?o }}"
    graph = Graph(store=store).query(query).graph
    assert isomorphic(graph, _expected_graph(query))
    store.returnFormat = "json-ld"
    assert isomorphic(Graph(store=store).query(query).graph, _expected_graph(query))


def test_curl(endpoint: str) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    common = [curl, "--silent", "--show-error", "--write-out", "\n%{http_code}"]
    form = subprocess.run(
        [*common, "--data-urlencode", f"query={LABELS}", "-H", "Accept: text/csv", endpoint],
        capture_output=True, check=True, text=True,
    )  # fmt: skip
    body, status = form.stdout.rsplit("\n", 1)
    assert status == "200"
    assert body.splitlines()[0] == "s,label"
    direct = subprocess.run(
        [*common, "--data-binary", "@-", "-H", "Content-Type: application/sparql-query",
         endpoint],
        input="ASK {}", capture_output=True, check=True, text=True,
    )  # fmt: skip
    body, status = direct.stdout.rsplit("\n", 1)
    assert status == "200" and json.loads(body)["boolean"] is True
    update = subprocess.run(
        [*common, "--data-binary", "@-", "-H", "Content-Type: application/sparql-update",
         endpoint],
        input="CLEAR ALL", capture_output=True, check=True, text=True,
    )  # fmt: skip
    assert update.stdout.rsplit("\n", 1)[1] == "403"


def test_oxigraph_server_federates_into_this_endpoint(endpoint: str, tmp_path) -> None:
    with oxigraph_server(tmp_path) as base:
        query = LABELS.replace("WHERE {", f"WHERE {{ SERVICE <{endpoint}> {{") + " }"
        request = urllib.request.Request(
            f"{base}/query",
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            bindings = json.loads(response.read())["results"]["bindings"]
    assert {b["label"]["value"] for b in bindings} == EXPECTED_LABELS
