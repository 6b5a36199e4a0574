"""The named queries' default answers the build keeps (iraqkg.answers): each one is the
engine's own answer over the same build, and nothing else ever meets a kept answer."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from iraqkg.answers import FOLDER, INDEX, answers_for_dataset, read_answers
from iraqkg.build import build
from iraqkg.cli import main
from iraqkg.engines.oxigraph_engine import OxigraphEngine
from iraqkg.knowledge_graph import KnowledgeGraph
from iraqkg.queries import load_named_queries
from iraqkg.settings import BuildSettings, EndpointSettings, Paths

REPO = Path(__file__).resolve().parent.parent
QUERIES = load_named_queries(REPO / "queries")
LOCAL = sorted(n for n, q in QUERIES.items() if not q.services)
JSON = ox.QueryResultsFormat.JSON


@pytest.fixture(scope="module")
def kept_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("kept-build")
    return build(Paths(REPO / "ontology", REPO / "data", out, None, REPO / "queries"))


@pytest.fixture(scope="module")
def engine(kept_build):
    found = OxigraphEngine(EndpointSettings(), [kept_build.dataset_file])
    yield found
    found.close()


def _parsed(body: bytes):
    answer = ox.parse_query_results(body, format=JSON)
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    names = [v.value for v in answer.variables]
    # As a multiset: rows tied under ORDER BY come in either order from one run to the next.
    return names, Counter(tuple(s[i] for i in range(len(names))) for s in answer)


@pytest.mark.parametrize("name", LOCAL)
def test_a_kept_answer_is_the_engines_answer(name, kept_build, engine):
    answers = read_answers(kept_build.folder)
    bound = QUERIES[name].bind()
    kept = answers.find(bound.text, bound.bindings)
    assert kept is not None, f"{name}: not kept ({answers.skipped.get(name)})"
    live = engine.query_native(bound.text, bindings=bound.as_dict())
    assert _parsed(kept.body()) == _parsed(live.serialize("application/sparql-results+json"))
    assert kept.rows == len(live)


def test_queries_calling_another_endpoint_are_not_kept(kept_build):
    answers = read_answers(kept_build.folder)
    federated = sorted(n for n, q in QUERIES.items() if q.services)
    assert federated, "the named queries include federated ones (wikidata-*)"
    assert sorted(answers.skipped) == federated
    assert not set(federated) & set(answers.names())


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda q: (q.text + "\n# edited\n", q.bind().bindings), "an edited text"),
        (lambda q: (q.text, ()), "no bound terms where the defaults bind some"),
    ],
    ids=["edited-text", "other-bindings"],
)
def test_only_the_very_query_and_terms_find_an_answer(change, why, kept_build):
    answers = read_answers(kept_build.folder)
    named = QUERIES["actor-timeline"]  # [default: id:qais-al-khazali]
    assert named.bind().bindings, "actor-timeline binds its default"
    assert answers.find(named.text, named.bind().bindings) is not None
    text, bindings = change(named)
    assert answers.find(text, bindings) is None, why


def test_a_parameter_value_is_asked_of_the_engine(kept_build):
    kg = KnowledgeGraph([kept_build.dataset_file], REPO / "queries")
    one = kg.question("statements-by-source", source="id:source-002")
    everything = kg.question("statements-by-source")
    assert 0 < len(one) < len(everything)
    assert {row["source"] for row in one} == {"https://w3id.org/iraqkg/id/source-002"}


@pytest.mark.parametrize("name", ["statements-by-source", "relations-at-date", "pmf-members"])
def test_the_notebook_api_answers_a_default_from_the_kept_answer(name, kept_build):
    kg = KnowledgeGraph([kept_build.dataset_file], REPO / "queries")
    bound = QUERIES[name].bind()
    via_question = kg.question(name)
    via_engine = kg.query(bound.text, bindings=bound.as_dict())
    assert via_question.variables == via_engine.variables
    assert Counter(map(repr, via_question)) == Counter(map(repr, via_engine))


def test_kg_question_reads_the_kept_answer_not_the_store(kept_build, tmp_path):
    copy = tmp_path / "build"
    shutil.copytree(kept_build.folder, copy)
    answers = read_answers(copy)
    bound = QUERIES["pmf-members"].bind()
    kept = answers.find(bound.text, bound.bindings)
    body = json.loads(kept.body())
    assert body["results"]["bindings"]
    body["results"]["bindings"] = body["results"]["bindings"][:1]  # a marked answer
    kept.path.write_text(json.dumps(body))
    kg = KnowledgeGraph([copy / "dataset.nq"], REPO / "queries")
    assert len(kg.question("pmf-members")) == 1
    assert len(kg.query(bound.text, bindings=bound.as_dict())) > 1  # the store's own


def test_a_pruned_kept_answer_falls_back_to_the_store(kept_build, tmp_path):
    copy = tmp_path / "build"
    shutil.copytree(kept_build.folder, copy)
    kg = KnowledgeGraph([copy / "dataset.nq"], REPO / "queries")
    expected = Counter(map(repr, kg.question("pmf-members")))
    shutil.rmtree(copy / FOLDER)  # the build pruned under the handle
    assert Counter(map(repr, kg.question("pmf-members"))) == expected


def test_too_many_rows_and_too_slow_are_not_kept(mini):
    paths = Paths(mini.ontology, mini.data, mini.out, None, REPO / "queries")
    result = build(paths, BuildSettings(check_quotes=False, answer_rows=1))
    answers = read_answers(result.folder)
    index = json.loads((result.folder / FOLDER / INDEX).read_text())
    for name in answers.names():
        assert next(a for a in index["answers"].values() if a["name"] == name)["rows"] <= 1
    assert any(v == "more than 1 rows" for v in answers.skipped.values())


def test_a_query_over_the_time_limit_is_stopped_and_the_rest_are_kept(mini, tmp_path):
    queries = tmp_path / "queries"
    shutil.copytree(REPO / "queries", queries)
    # First in name order; a cross product of every triple with itself, counted.
    (queries / "aaa-slow.rq").write_text(
        "# title: slow\nSELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?b ?c } "
        "GRAPH ?h { ?d ?e ?f } GRAPH ?i { ?x ?y ?z } }\n"
    )
    paths = Paths(mini.ontology, mini.data, mini.out, None, queries)
    result = build(paths, BuildSettings(check_quotes=False, answer_seconds=2))
    answers = read_answers(result.folder)
    assert answers.skipped.get("aaa-slow") == "took over 2 s"
    assert "actor-timeline" in answers.names()  # next after it, in a new child
    assert len(answers) == len(LOCAL)


def test_a_reused_build_keeps_answers_for_changed_queries(mini, tmp_path):
    queries = tmp_path / "queries"
    shutil.copytree(REPO / "queries", queries)
    paths = Paths(mini.ontology, mini.data, mini.out, None, queries)
    first = build(paths, BuildSettings(check_quotes=False))
    edited = queries / "pmf-members.rq"
    edited.write_text(edited.read_text() + "\n# edited\n")
    again = build(paths, BuildSettings(check_quotes=False))
    assert again.reused and again.build_id == first.build_id
    text = load_named_queries(queries)["pmf-members"].bind()
    assert read_answers(again.folder).find(text.text, text.bindings) is not None


def test_answers_belong_only_to_a_builds_own_dataset_file(kept_build, tmp_path):
    assert answers_for_dataset([kept_build.dataset_file]) is not None
    loose = tmp_path / "dataset-copy.nq"
    shutil.copy(kept_build.dataset_file, loose)
    assert answers_for_dataset([loose]) is None
    assert answers_for_dataset([kept_build.dataset_file, loose]) is None


def test_cli_build_says_what_it_kept_and_zero_seconds_keeps_none(mini):
    runner = CliRunner()
    common = ["--ontology", str(mini.ontology), "--data", str(mini.data), "--out", str(mini.out)]
    done = runner.invoke(main, ["build", *common, "--answer-seconds", "0"])
    assert done.exit_code == 0, done.output
    assert "answers:" not in done.output
    folder = mini.out / (mini.out / "CURRENT").read_text().strip()
    assert not (folder / FOLDER).exists()
    refused = runner.invoke(main, ["build", *common, "--answer-rows", "0"])
    assert refused.exit_code == 2
    assert "answer_rows" in refused.output
