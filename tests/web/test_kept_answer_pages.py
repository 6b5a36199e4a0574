"""The endpoint answers a named query's defaults from what the build kept (iraqkg.answers,
web/kept_answers.py): the same answer the engine gives, every limit still in force, and
only for the build's own dataset on the engine that computed it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest
from endpoint_helpers import make_pool_app

from iraqkg.build import build
from iraqkg.engines import EngineFactory
from iraqkg.engines.oxigraph_engine import OxigraphEngine
from iraqkg.queries import load_named_queries
from iraqkg.settings import EndpointSettings, Paths
from iraqkg.web import _kept_answers

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = load_named_queries(REPO / "queries")
SRJ = "application/sparql-results+json"


@pytest.fixture(scope="module")
def kept_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("kept-pages")
    return build(Paths(REPO / "ontology", REPO / "data", out, None, REPO / "queries"))


def _app(kept_build, **settings):
    chosen = EndpointSettings(workers=1, cache_bytes=0, **settings)
    app = make_pool_app(chosen, [kept_build.dataset_file],
                        {"questions": QUESTIONS, "build_id": kept_build.build_id})  # fmt: skip
    return app


@pytest.fixture(scope="module")
def client(kept_build):
    app = _app(kept_build)
    yield app.test_client()
    app.extensions["iraqkg"].close()


def _hits(client) -> int:
    return client.get("/healthz").get_json()["executor"]["kept_answers"]["hits"]


def _rows(results: dict) -> Counter:
    return Counter(json.dumps(b, sort_keys=True) for b in results["results"]["bindings"])


@pytest.fixture(scope="module")
def live(kept_build):
    engine = OxigraphEngine(EndpointSettings(), [kept_build.dataset_file])

    def answer(name: str) -> dict:
        bound = QUESTIONS[name].bind()
        return json.loads(engine.query_native(bound.text, bindings=bound.as_dict()).serialize(SRJ))

    yield answer
    engine.close()


@pytest.mark.parametrize("name", ["statements-by-source", "relations-at-date", "actor-timeline"])
def test_a_question_page_twin_is_answered_from_the_kept_answer(name, client, live):
    before = _hits(client)
    page = client.get(f"/questions/{name}", headers={"Accept": "application/json"})
    assert page.status_code == 200
    body = page.get_json()
    assert _hits(client) == before + 1
    assert body["results"]["bindings"] and _rows(body) == _rows(live(name))
    assert body["truncated"] is False


def test_the_same_text_at_sparql_is_answered_from_it_in_json_only(client, live):
    text = QUESTIONS["statements-by-source"].text  # no defaults: the text alone is the key
    before = _hits(client)
    got = client.get("/sparql?" + urlencode({"query": text}), headers={"Accept": SRJ})
    assert got.status_code == 200 and _hits(client) == before + 1
    assert _rows(json.loads(got.data)) == _rows(live("statements-by-source"))
    csv = client.get("/sparql?" + urlencode({"query": text}), headers={"Accept": "text/csv"})
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert _hits(client) == before + 1  # written by the engine's path
    edited = client.get("/sparql?" + urlencode({"query": text + "\n# mine"}),
                        headers={"Accept": SRJ})  # fmt: skip
    assert edited.status_code == 200 and _hits(client) == before + 1


def test_the_row_cap_still_cuts_a_kept_answer(kept_build):
    app = _app(kept_build, max_rows=100)
    try:
        client = app.test_client()
        page = client.get("/questions/statements-by-source", headers={"Accept": "application/json"})
        body = page.get_json()
        assert page.status_code == 200 and body["count"] == 100 and body["truncated"] is True
        assert _hits(client) == 0
    finally:
        app.extensions["iraqkg"].close()


def test_the_byte_cap_still_refuses_a_kept_answer(kept_build):
    app = _app(kept_build, max_answer_bytes=64 * 1024)
    try:
        client = app.test_client()
        text = QUESTIONS["statements-by-source"].text
        got = client.get("/sparql?" + urlencode({"query": text}), headers={"Accept": SRJ})
        engine_path = client.get(
            "/sparql?" + urlencode({"query": text + "\n# not kept"}), headers={"Accept": SRJ}
        )
        assert got.status_code == engine_path.status_code == 422  # answer too large
        assert _hits(client) == 0
    finally:
        app.extensions["iraqkg"].close()


@pytest.mark.parametrize(
    "settings",
    [{"engine": "rdflib"}, {"engine": "remote", "endpoint": "http://127.0.0.1:9/q"}],
    ids=["rdflib", "remote"],
)
def test_no_kept_answers_for_another_engine(settings, kept_build):
    chosen = EndpointSettings(**settings)
    assert _kept_answers(chosen, EngineFactory(chosen, [kept_build.dataset_file])) is None
    ours = EndpointSettings()
    assert _kept_answers(ours, EngineFactory(ours, [kept_build.dataset_file])) is not None
