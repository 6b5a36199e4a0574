"""The whole dataset for download (/dataset.nq, .trig, .jsonld), the published JSON-LD
context, and the VoID description that links them: each dump parsed back and compared,
graph by graph, with the build's own file."""

from __future__ import annotations

import json

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, VOID

from iraqkg.engines import open_engine
from iraqkg.engines.jsonld import CONTEXT
from iraqkg.namespaces import IKG, NAMED_GRAPHS, PREFIXES
from iraqkg.settings import EndpointSettings
from iraqkg.web import create_app

FORMATS = {"nq": "nquads", "trig": "trig", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def built(built_dataset_file):
    dataset = Dataset()
    dataset.parse(built_dataset_file, format="nquads")
    return dataset


@pytest.fixture(scope="module")
def client(built_dataset_file):
    settings = EndpointSettings(cache_bytes=0)
    engine = open_engine(settings, [built_dataset_file])
    info = {"build_id": "b1", "dataset_files": [str(built_dataset_file)]}
    yield create_app(settings, engine, info).test_client()
    engine.close()


def _graphs(dataset: Dataset) -> dict[str, Graph]:
    found = {}
    for graph in dataset.graphs():
        if len(graph):
            found[str(graph.identifier)] = graph
    return found


@pytest.mark.parametrize("key", FORMATS)
def test_each_dump_is_the_whole_dataset(client, built, key):
    response = client.get(f"/dataset.{key}")
    assert response.status_code == 200, response.data
    assert f'filename="iraqkg-b1.{key}"' in response.headers["Content-Disposition"]
    if key != "nq":  # converted on the fly, in pieces, never held whole
        assert response.is_streamed
    dumped = Dataset()
    dumped.parse(data=response.get_data(), format=FORMATS[key])
    theirs, ours = _graphs(dumped), _graphs(built)
    assert set(theirs) == set(ours) >= {str(g) for g in NAMED_GRAPHS}
    for name, graph in ours.items():
        assert len(theirs[name]) == len(graph), name
        assert isomorphic(theirs[name], graph), name


def test_trig_in_pieces_declares_prefixes_once(client):
    text = client.get("/dataset.trig").get_data(as_text=True)
    prefix_lines = [line for line in text.splitlines() if line.startswith("@prefix")]
    assert len(prefix_lines) == len(set(prefix_lines)) > 0


def test_jsonld_dump_uses_the_published_context(client, built):
    document = json.loads(client.get("/dataset.jsonld").get_data())
    published = json.loads(client.get("/context.jsonld").get_data())
    assert document["@context"] == published["@context"] == CONTEXT
    assert {g["@id"] for g in document["@graph"]} == {
        f"graph:{g.split('/')[-1]}" for g in _graphs(built)
    }
    for prefix, namespace in PREFIXES.items():
        assert published["@context"][prefix] == namespace


def test_without_files_there_is_no_dump(oxigraph_engine, settings):
    client = create_app(settings, oxigraph_engine, {}).test_client()
    response = client.get("/dataset.trig")
    assert response.status_code == 404 and response.json["error"] == "no_dump"


def test_service_description_links_the_dumps_with_a_void_description(client, built):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    description = Graph().parse(data=response.get_data(), format="turtle")
    [dataset] = [
        d
        for d in description.subjects(RDF.type, VOID.Dataset)
        if (d, VOID.dataDump, None) in description
    ]
    dumps = sorted(str(d) for d in description.objects(dataset, VOID.dataDump))
    assert dumps == [f"http://localhost/dataset.{k}" for k in sorted(FORMATS)]
    for url in dumps:  # every link works
        assert client.get(url.removeprefix("http://localhost")).status_code == 200
    assert (dataset, VOID.sparqlEndpoint, URIRef("http://localhost/sparql")) in description
    total = sum(len(g) for g in _graphs(built).values())
    assert description.value(dataset, VOID.triples).toPython() == total
    per_graph = sorted(
        int(description.value(s, VOID.triples)) for s in description.objects(dataset, VOID.subset)
    )
    assert per_graph == sorted(len(g) for g in _graphs(built).values())
    label = URIRef(PREFIXES["skos"] + "prefLabel")
    labelled = {s for s, _, _, _ in built.quads((None, label, None, None))}
    labelled = {s for s in labelled if str(s).startswith(PREFIXES["id"])}
    assert description.value(dataset, VOID.entities).toPython() == len(labelled)
    documents = {s for s, _, _, _ in built.quads((None, RDF.type, IKG.SourceDocument, None))}
    assert set(description.objects(dataset, DCTERMS.source)) == documents and documents
    # no licence is stated by the sources or the project: none is claimed, and it says so
    assert description.value(dataset, DCTERMS.license) is None
    rights = description.value(dataset, DCTERMS.rights)
    assert isinstance(rights, Literal) and "No licence is stated" in str(rights)
