"""Engines without the web: every RDF file kind loads, datasets and limits behave the same,
results and errors cross process boundaries, and the CLI path needs no Flask."""

from __future__ import annotations

import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from endpoint_helpers import MINI
from rdflib import Dataset, Graph, URIRef

from iraqkg.engines import (
    DatasetError,
    EngineFactory,
    EngineUnavailable,
    QueryRefused,
    QueryResult,
    QuerySyntaxError,
    open_engine,
)
from iraqkg.engines.remote_engine import graph_store_url
from iraqkg.namespaces import ASSERTED_GRAPH, NAMED_GRAPHS
from iraqkg.settings import EndpointSettings

MINI_COUNTS = {
    str(NAMED_GRAPHS[0]): 8,  # ontology
    str(NAMED_GRAPHS[1]): 23,  # asserted
    str(NAMED_GRAPHS[2]): 3,  # inferred
    str(NAMED_GRAPHS[3]): 6,  # provenance
    "default": 40,
}
ENGINES = ["oxigraph", "rdflib", "remote"]


@pytest.fixture(scope="module")
def kinds(tmp_path_factory) -> dict[str, Path]:
    """The mini dataset in every syntax: quads whole, triples as the asserted graph only."""
    folder = tmp_path_factory.mktemp("kinds")
    dataset = Dataset()
    dataset.parse(MINI, format="trig")
    files = {"trig": MINI}
    for suffix, fmt in (("nq", "nquads"), ("jsonld", "json-ld")):
        files[suffix] = folder / f"mini.{suffix}"
        dataset.serialize(files[suffix], format=fmt, encoding="utf-8")
    asserted = Graph()
    for triple in dataset.graph(ASSERTED_GRAPH):
        asserted.add(triple)
    for suffix, fmt in (("ttl", "turtle"), ("nt", "nt"), ("rdf", "xml")):
        files[suffix] = folder / f"asserted.{suffix}"
        asserted.serialize(files[suffix], format=fmt, encoding="utf-8")
    return files


def settings_for(engine: str, base: EndpointSettings, oxigraph_base: str | None):
    if engine == "remote":
        return replace(base, engine="remote", endpoint=f"{oxigraph_base}/query")
    return replace(base, engine=engine)


@pytest.fixture(params=ENGINES)
def engine_settings(request, settings):
    if request.param == "remote":
        return settings_for("remote", settings, request.getfixturevalue("oxigraph_base"))
    return settings_for(request.param, settings, None)


@pytest.mark.parametrize("kind", ["trig", "nq", "jsonld"])
def test_quad_files_keep_named_graphs(engine_settings, kinds, kind: str) -> None:
    engine = open_engine(engine_settings, [kinds[kind]])
    assert engine.counts() == MINI_COUNTS
    engine.close()


@pytest.mark.parametrize("kind", ["ttl", "nt", "rdf"])
def test_triple_files_go_to_the_default_graph(engine_settings, kinds, kind: str) -> None:
    engine = open_engine(engine_settings, [kinds[kind]])
    assert engine.counts() == {"default": 23}
    assert not engine.query("ASK { GRAPH ?g { ?s ?p ?o } }").boolean
    engine.close()


def test_files_combine(engine_settings, kinds) -> None:
    engine = open_engine(engine_settings, [kinds["nq"], kinds["ttl"]])
    assert engine.counts() == MINI_COUNTS  # the Turtle triples are already in the union
    engine.close()


def test_without_union_the_default_graph_is_its_own(engine_settings, kinds) -> None:
    separate = replace(engine_settings, union_default_graph=False)
    engine = open_engine(separate, [kinds["nq"], kinds["ttl"]])
    assert engine.counts()["default"] == 23
    only_named = open_engine(separate, [kinds["nq"]])
    assert only_named.counts()["default"] == 0
    assert not only_named.query("ASK { ?s ?p ?o }").boolean
    engine.close()
    only_named.close()


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_bad_files_are_dataset_errors(settings, tmp_path, engine: str) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("<http://e/s> <http://e/p> .\n", encoding="utf-8")
    chosen = replace(settings, engine=engine)
    for files, message in (
        ([bad], "bad.nq"),
        ([tmp_path / "missing.ttl"], "no such file"),
        ([tmp_path / "data.csv"], "unknown RDF file kind"),
    ):
        with pytest.raises(DatasetError, match=message):
            open_engine(chosen, files)


def test_remote_unreachable_is_unavailable(settings) -> None:
    gone = replace(settings, engine="remote", endpoint="http://127.0.0.1:9/query")
    with pytest.raises(EngineUnavailable):
        open_engine(gone, [])


def test_remote_mirrors_the_dataset(settings, oxigraph_base, kinds) -> None:
    remote = settings_for("remote", settings, oxigraph_base)
    open_engine(remote, [kinds["nq"]]).close()
    engine = open_engine(remote, [kinds["ttl"]])  # the named graphs must be gone now
    assert engine.counts() == {"default": 23}


def test_graph_store_url() -> None:
    def url(endpoint: str, **extra: str) -> str:
        return graph_store_url(EndpointSettings(engine="remote", endpoint=endpoint, **extra))

    assert url("http://h:7878/query") == "http://h:7878/store"
    assert url("http://h/ds/sparql") == "http://h/ds/data"
    assert url("http://h/x", graph_store="http://h/gsp") == "http://h/gsp"
    with pytest.raises(EngineUnavailable):
        url("http://h/x")


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_base_iri_resolves_relative_iris(settings, engine: str) -> None:
    opened = open_engine(replace(settings, engine=engine), [MINI])
    result = opened.query("SELECT (<thing> AS ?i) WHERE {}", base_iri="http://h/sparql")
    assert result.rows == [(URIRef("http://h/thing"),)]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_engine_errors(settings, engine: str) -> None:
    opened = open_engine(replace(settings, engine=engine), [MINI])
    with pytest.raises(QuerySyntaxError) as caught:
        opened.query("SELECT * WHERE {\n ?s ?p }")
    assert caught.value.line == 2
    with pytest.raises(QueryRefused, match="read-only"):
        opened.query("INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }")
    assert opened.counts() == MINI_COUNTS


def test_results_and_errors_pickle(oxigraph_engine) -> None:
    for query in ("SELECT * { ?s ?p ?o }", "ASK {}", "DESCRIBE <https://w3id.org/iraqkg/id/x>"):
        result = oxigraph_engine.query(query)
        assert pickle.loads(pickle.dumps(result)) == result
    error = pickle.loads(pickle.dumps(QuerySyntaxError("bad", 3, 4)))
    assert (error.message, error.line, error.column) == ("bad", 3, 4)
    refused = pickle.loads(pickle.dumps(QueryRefused("no", "service_refused")))
    assert refused.code == "service_refused"


def test_engine_factory_pickles(settings) -> None:
    factory = EngineFactory(settings, [MINI])
    assert pickle.loads(pickle.dumps(factory)) == factory
    assert factory().counts() == MINI_COUNTS


def test_result_serialize_accepts_names_and_media_types(oxigraph_engine) -> None:
    result = oxigraph_engine.query("SELECT * { ?s ?p ?o } LIMIT 2")
    assert result.serialize("csv") == result.serialize("text/csv; charset=utf-8")
    with pytest.raises(ValueError):
        result.serialize("text/turtle")
    assert isinstance(QueryResult.from_boolean(True).serialize("json"), bytes)


def test_cli_path_needs_no_flask() -> None:
    # `iraqkg query` calls open_engine(...).query(...) in-process: no web imports allowed.
    code = (
        "import sys; from pathlib import Path; "
        "from iraqkg.engines import open_engine; from iraqkg.settings import EndpointSettings; "
        f"e = open_engine(EndpointSettings(), [Path({str(MINI)!r})]); "
        "print(e.query('SELECT (COUNT(*) AS ?n) { ?s ?p ?o }').rows[0][0]); "
        "assert 'flask' not in sys.modules and 'iraqkg.web' not in sys.modules"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"PYTHONPATH": ":".join(p for p in sys.path if p)},
    )  # fmt: skip
    assert out.stdout.strip() == "40"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_invalid_graph_iris_are_refused_everywhere(settings, engine: str) -> None:
    # regression: rdflib accepted "not an iri" as a graph name and answered 200
    opened = open_engine(replace(settings, engine=engine), [MINI])
    for bad in ("not an iri", "relative/path", "http://e/<x>"):
        with pytest.raises(QueryRefused) as caught:
            opened.query("ASK {}", default_graph_uris=[bad])
        assert caught.value.code == "bad_graph_iri"


def test_prepare_runs_once(settings, oxigraph_base) -> None:
    remote = replace(settings, engine="remote", endpoint=f"{oxigraph_base}/query")
    factory = EngineFactory(remote, [MINI])
    factory.prepare()
    assert factory.prepared
    factory.prepare()  # the CLI and the pool may both call it: the second is a no-op
    assert pickle.loads(pickle.dumps(factory)).prepared
    assert factory().counts() == MINI_COUNTS
