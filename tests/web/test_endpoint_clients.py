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
from rdflib import Dataset, Graph, URIRef
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


@pytest.fixture(scope="module", params=["waitress", "granian"])
def endpoint(settings, request):
    one = replace(settings, workers=1, http_server=request.param)
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


# ---- complete answers: all of it, or an error that says the limit ------------------------


@pytest.fixture(scope="module")
def capped_endpoint(settings):
    capped = replace(settings, workers=1, max_rows=5)
    app = make_pool_app(capped, [MINI], {"build_id": "capped"})
    try:
        with live_server(app, capped) as url:
            yield url
    finally:
        close_app(app)


def test_sparqlwrapper_is_told_of_the_row_limit(capped_endpoint: str) -> None:
    import urllib.error

    client = SPARQLWrapper(capped_endpoint)
    client.setQuery("SELECT * WHERE { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    with pytest.raises(urllib.error.HTTPError) as raised:
        client.query()
    assert raised.value.code == 422
    assert "max_rows=5" in str(raised.value)  # the reason phrase is in the message
    assert json.loads(raised.value.read())["error"] == "too_many_rows"
    client.setQuery("SELECT * WHERE { ?s ?p ?o } LIMIT 5")  # within the limit: all of it
    assert len(client.query().convert()["results"]["bindings"]) == 5


def test_rdflib_sparqlstore_gets_an_error_not_a_partial_graph(capped_endpoint: str) -> None:
    import urllib.error

    store = SPARQLStore(capped_endpoint)
    # rdflib's GET raises its own ValueError from the HTTPError, which a traceback shows
    with pytest.raises(ValueError) as raised:
        list(Graph(store=store).triples((None, None, None)))
    cause = raised.value.__context__
    assert isinstance(cause, urllib.error.HTTPError) and cause.code == 422
    assert "max_rows=5" in str(cause)


def test_curl_sees_422_with_the_limit(capped_endpoint: str) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    done = subprocess.run(
        [curl, "--silent", "--include", "--data-urlencode", "query=CONSTRUCT WHERE { ?s ?p ?o }",
         capped_endpoint],
        capture_output=True, check=True, text=True,
    )  # fmt: skip
    status_line = done.stdout.splitlines()[0]
    assert status_line.split()[1] == "422" and "max_rows=5" in status_line
    body = json.loads(done.stdout.split("\n\n", 1)[1])  # text mode: \r\n read as \n
    assert body["max_rows"] == 5 and "--max-rows" in body["message"]


@pytest.mark.slow
def test_rdflib_sparqlstore_gets_the_whole_build(settings, built_dataset_file) -> None:
    # regression: SPARQLStore reported 17,284 triples and returned 10,000 of them
    one = replace(settings, workers=1)
    app = make_pool_app(one, [built_dataset_file], {"build_id": "whole"})
    try:
        with live_server(app, one) as url:
            graph = Graph(store=SPARQLStore(url))
            triples = list(graph.triples((None, None, None)))
            assert len(triples) == len(graph) == len(set(triples))
            whole = Dataset()
            whole.parse(built_dataset_file, format="nquads")
            union = {(s, p, o) for s, p, o, _ in whole.quads((None, None, None, None))}
            assert len(triples) == len(union) > 10_000
    finally:
        close_app(app)
