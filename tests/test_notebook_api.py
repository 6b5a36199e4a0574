"""The notebook API: iraqkg.open() once, then queries, named questions, entities, explanations.

Answers are compared with the other ways of asking the same thing (the one-off
``iraqkg.query`` with rdflib terms, the entity page's JSON, ``explain_triple``), not with
hard-coded copies of them.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal

import pytest
from rdflib import Literal, URIRef

import iraqkg
from iraqkg import knowledge_graph
from iraqkg.engines import QueryRefused, QuerySyntaxError
from iraqkg.errors import InputError
from iraqkg.explain import explain_triple
from iraqkg.namespaces import PREFIXES
from iraqkg.rows import plain

from .conftest import MINI, REPO

ID = "https://w3id.org/iraqkg/id/"


@pytest.fixture(scope="module")
def kg(repo_build):
    with iraqkg.open(repo_build.dataset_file) as graph:
        yield graph


def test_rows_are_dicts_of_plain_values_with_the_terms_kept(kg, repo_build):
    sparql = (
        "SELECT ?st ?paragraph ?quote WHERE { GRAPH graph:provenance { "
        "?st ikg:subject id:badr-organization ; ikg:paragraph ?paragraph ; ikg:quote ?quote } }"
        " ORDER BY ?st"
    )
    rows = kg.query(sparql)
    assert len(rows) > 0 and rows.variables == ["st", "paragraph", "quote"]
    for row, terms in zip(rows, rows.terms, strict=True):
        assert set(row) == {"st", "paragraph", "quote"}
        assert isinstance(row["st"], str) and row["st"] == str(terms[0])
        assert isinstance(terms[0], URIRef)
        assert isinstance(row["paragraph"], int) and row["paragraph"] == terms[1].toPython()
        assert row["quote"] == str(terms[2]) and isinstance(terms[2], Literal)
    # the same rows as the one-off API, which answers with rdflib terms
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    once = iraqkg.query(prefixes + sparql, dataset=repo_build.dataset_file)
    assert [tuple(r) for r in once.rows] == rows.terms


def test_ask_is_a_bool_and_construct_gives_a_graph(kg):
    assert kg.query("ASK { id:badr-organization ikg:armedWingOf id:sciri }") is True
    assert kg.query("ASK { id:sciri ikg:armedWingOf id:badr-organization }") is False
    triples = kg.query("CONSTRUCT WHERE { id:sciri ?p ?o }")
    graph = triples.graph()
    assert len(graph) == len(triples) > 0
    assert {row["subject"] for row in triples} == {ID + "sciri"}
    assert set(graph.subjects()) == {URIRef(ID + "sciri")}


def test_the_store_is_loaded_once_per_handle(repo_build, monkeypatch):
    loads = []
    real = knowledge_graph.load_store

    def counting(settings, files):
        loads.append(files)
        return real(settings, files)

    monkeypatch.setattr(knowledge_graph, "load_store", counting)
    graph = iraqkg.open(repo_build.dataset_file)
    for _ in range(5):
        graph.query("ASK { ?s ?p ?o }")
        graph.question("pmf-members")
    graph.entity("badr-organization")
    assert len(loads) == 1


def test_question_binds_parameters_and_matches_the_named_query(kg, repo_build):
    # strings are SPARQL terms (prefixed names, quoted literals); dates become xsd:date
    rows = kg.question(
        "affiliated-at-date", org="id:popular-mobilization-forces", date='"2021-11-07"^^xsd:date'
    )
    bound = kg.question(
        "affiliated-at-date", org="id:popular-mobilization-forces", date=dt.date(2021, 11, 7)
    )
    assert rows == bound and len(rows) > 0
    assert {row["organisation"] for row in rows} == {ID + "popular-mobilization-forces"}
    once = iraqkg.named_query(
        "affiliated-at-date",
        dataset=repo_build.dataset_file,
        org="id:popular-mobilization-forces",
        date='"2021-11-07"',
    )
    assert sorted(map(tuple, once.rows), key=str) == sorted(rows.terms, key=str)
    with pytest.raises(InputError, match="no named query"):
        kg.question("no-such-question")
    with pytest.raises(InputError, match="no parameter"):
        kg.question("pmf-members", nonsense="1")


def test_errors_say_what_is_wrong(kg):
    with pytest.raises(QuerySyntaxError) as caught:
        kg.query("SELECT ?s WHERE { ?s ?p }")
    assert caught.value.line == 1
    with pytest.raises(QueryRefused):
        kg.query("INSERT DATA { id:a id:b id:c }")
    with pytest.raises(QueryRefused):
        kg.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


def test_df_is_a_dataframe_of_the_rows(kg):
    pd = pytest.importorskip("pandas")
    rows = kg.question("pmf-members")
    frame = rows.df()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == rows.variables
    assert frame.to_dict("records") == [
        {k: (v if v is not None else None) for k, v in row.items()} for row in rows
    ]


@pytest.fixture
def page_json(repo_build):
    from iraqkg.engines import open_engine
    from iraqkg.settings import EndpointSettings
    from iraqkg.web import create_app

    settings = EndpointSettings(cache_bytes=0)
    engine = open_engine(settings, [repo_build.dataset_file])
    client = create_app(settings, engine, {}).test_client()
    yield lambda path: json.loads(client.get(path, headers={"Accept": "application/json"}).data)
    engine.close()


def _without_links(value):
    if isinstance(value, dict):
        return {k: _without_links(v) for k, v in value.items() if k not in ("href", "explain")}
    if isinstance(value, list):
        return [_without_links(v) for v in value]
    return value


@pytest.mark.parametrize("name", ["badr-organization", "hadi-al-ameri", "source-002"])
def test_entity_matches_the_entity_page(kg, page_json, name):
    summary = kg.entity(name)
    page = page_json(f"/id/{name}")
    page.pop("formats")
    # the page adds each inferred relation's validity from the explainer; compare the rest
    for relation in page["inferred"]:
        relation["valid"] = None
    assert _without_links(summary) == _without_links(page)
    assert kg.entity("id:" + name) == summary == kg.entity(ID + name)
    assert kg.entity("no-such-entity") is None
    with pytest.raises(ValueError):
        kg.entity("bad name>")


def test_explain_is_the_explainers_tree(kg, repo_build):
    triple = ("id:hadi-al-ameri", "ikg:affiliatedWith", "id:badr-organization")
    tree = kg.explain(*triple)
    assert tree == explain_triple(repo_build.dataset_file, *triple)
    assert tree["how"] == "inferred"


def test_plain_values():
    import pyoxigraph as ox

    xsd = "http://www.w3.org/2001/XMLSchema#"

    def typed(text, kind):
        return ox.Literal(text, datatype=ox.NamedNode(xsd + kind))

    assert plain(typed("42", "integer")) == 42
    assert plain(typed("2.50", "decimal")) == Decimal("2.50")
    assert plain(typed("true", "boolean")) is True
    assert plain(typed("2021-11-07", "date")) == dt.date(2021, 11, 7)
    assert plain(typed("2021", "gYear")) == "2021"  # no Python type: the text
    assert plain(typed("x", "integer")) == "x"  # ill-typed keeps its text
    assert plain(ox.Literal("Badr", language="en")) == "Badr"
    assert plain(ox.BlankNode("b1")) == "_:b1"
    assert plain(None) is None


def test_open_finds_a_build_folder_a_build_and_a_clone(tmp_path, repo_build, monkeypatch):
    by_folder = iraqkg.open(repo_build.folder.parent)  # has CURRENT
    by_build = iraqkg.open(repo_build.folder)  # has dataset.nq
    assert by_folder.build_id == by_build.build_id == repo_build.build_id
    clone = tmp_path / "clone"
    shutil.copytree(REPO / "ontology", clone / "ontology")
    shutil.copytree(MINI / "data", clone / "data")
    shutil.copytree(REPO / "queries", clone / "queries")
    built = iraqkg.open(clone)  # built first, into clone/build
    assert (clone / "build" / "CURRENT").is_file()
    assert built.query("ASK { id:badr-organization ikg:armedWingOf id:sciri }") is True
    monkeypatch.chdir(clone)
    here = iraqkg.open()  # the working directory's clone, its own build
    assert here.build_id == built.build_id
    assert set(here.questions) == {p.stem for p in (REPO / "queries").glob("*.rq")}
    with pytest.raises(InputError):
        iraqkg.open(tmp_path / "nothing-here")


def test_search_finds_entities_as_the_search_index_does(kg, repo_build):
    from iraqkg.search import index_for_file, search

    hits = kg.search("Kadhimi", limit=3)
    assert hits and hits[0]["iri"] == ID + "mustafa-al-kadhimi"
    expected = search(index_for_file(repo_build.dataset_file), "Kadhimi", limit=3)
    assert [h["iri"] for h in hits] == [h.entity.iri for h in expected]
    people = kg.search("Badr", types=["ikg:Person"])
    # the types of a hit are {"iri", "label"} records (iraqkg.search.matching)
    assert all(any(t["iri"].endswith(("#Person", ":Person")) for t in h["types"]) for h in people)
    assert ID + "badr-organization" not in {h["iri"] for h in people}
