"""/reconcile: the Reconciliation Service API 0.2 over the repository's build, every response
validated against the W3C community group's JSON Schemas in ../shared/reconciliation/.

Expected candidates come from the data: ``:mohammad-sadiq-al-sadr`` is the founder of the
Sadrist movement (``ikg:founderOf``), ``:muqtada-al-sadr`` is known as "Sadr" and is his son
(``ikg:childOf``); ``:kataib-hezbollah`` has the label "Kata'eb Hezbollah".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from endpoint_helpers import media_type
from page_helpers import make_app, parse_html

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "reconciliation"


@pytest.fixture(scope="module")
def validators():
    """{schema file name: validator}, $refs resolved to the files beside it (no network)."""
    if not (SCHEMAS / "manifest.json").exists():
        pytest.skip("../shared/reconciliation is not present")
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    schemas = {p.name: json.loads(p.read_text()) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT7))
        for s in schemas.values()
        if "$id" in s
    )
    return {name: Draft7Validator(s, registry=registry) for name, s in schemas.items()}


@pytest.fixture(scope="module")
def client(repo_engine, built_dataset_file):
    return make_app(repo_engine, [built_dataset_file]).test_client()


def _valid(validators, schema: str, body: dict) -> dict:
    errors = sorted(validators[schema].iter_errors(body), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    return body


def _get(client, path: str, status: int = 200, **params) -> dict:
    response = client.get(path, query_string=params or None)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert media_type(response.content_type) == "application/json"
    return json.loads(response.data)


def _batch(client, validators, queries: dict, method: str = "post") -> dict:
    if method == "post":
        response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    else:
        response = client.get("/reconcile", query_string={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    _valid(validators, "reconciliation-query-batch.json", queries)  # our queries are valid too
    return _valid(validators, "reconciliation-result-batch.json", json.loads(response.data))


def test_manifest_is_valid_and_points_to_our_routes(client, validators):
    manifest = _valid(validators, "manifest.json", _get(client, "/reconcile"))
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == "https://w3id.org/iraqkg/id/"
    assert manifest["view"]["url"] == "http://localhost/id/{{id}}"
    assert manifest["preview"]["url"].startswith("http://localhost/reconcile/preview?id=")
    for kind in ("entity", "type", "property"):
        service = manifest["suggest"][kind]
        assert service["service_url"] + service["service_path"] == (
            f"http://localhost/reconcile/suggest/{kind}"
        )


def test_manifest_as_jsonp(client, validators):
    response = client.get("/reconcile?callback=jsonp123")
    assert media_type(response.content_type) == "application/javascript"
    text = response.get_data(as_text=True)
    assert text.startswith("/**/jsonp123(") and text.endswith(");")
    _valid(validators, "manifest.json", json.loads(text[len("/**/jsonp123(") : -2]))
    assert client.get("/reconcile?callback=alert(1)//").status_code == 400


@pytest.mark.parametrize("method", ["post", "get"])
def test_batch_matches_spellings_with_types(client, validators, method):
    queries = {
        "q0": {"query": "Kataeb Hezbollah", "type": "ArmedGroup", "limit": 3},
        "q1": {"query": "Kazimi", "type": ["Person"]},
        "q2": {"query": "PMU"},
        "q3": {"query": "xyzzyq"},
    }
    batch = _batch(client, validators, queries, method)
    assert set(batch) == set(queries)
    first = batch["q0"]["result"][0]
    assert first["id"] == "kataib-hezbollah" and first["name"] == "Kataib Hezbollah"
    assert first["match"] is True and first["score"] == 100
    assert {"id": "ArmedGroup", "name": "armed group"} in first["type"]
    assert len(batch["q0"]["result"]) <= 3
    assert all(
        any(t["id"] == "ArmedGroup" for t in r["type"]) or r["id"] == "kataib-jund-al-imam"
        for r in batch["q0"]["result"]
    )  # kataib-jund-al-imam is an ArmedWing, a subclass of ArmedGroup
    assert batch["q1"]["result"][0]["id"] == "mustafa-al-kadhimi"
    assert all(t["id"] == "Person" for r in batch["q1"]["result"] for t in r["type"])
    assert batch["q2"]["result"][0]["id"] == "popular-mobilization-forces"
    assert batch["q3"]["result"] == []


def test_a_type_filter_excludes_other_classes(client, validators):
    batch = _batch(client, validators, {"q": {"query": "Kadhimi", "type": "Event"}})
    ids = [r["id"] for r in batch["q"]["result"]]
    assert "drone-attack-on-kadhimi-residence" in ids and "mustafa-al-kadhimi" not in ids


def test_properties_change_the_ranking(client, validators):
    plain = _batch(client, validators, {"q": {"query": "Sadr", "type": "Person"}})
    assert plain["q"]["result"][0]["id"] == "muqtada-al-sadr"
    founder = {
        "q": {
            "query": "Sadr",
            "type": "Person",
            "properties": [{"pid": "founderOf", "v": "Sadrist movement"}],
        }
    }
    ranked = _batch(client, validators, founder)["q"]["result"]
    assert ranked[0]["id"] == "mohammad-sadiq-al-sadr"
    by_id = {
        "q": {
            "query": "Sadr",
            "properties": [{"pid": "ikg:founderOf", "v": {"id": "sadrist-movement"}}],
        }
    }
    assert _batch(client, validators, by_id)["q"]["result"][0]["id"] == "mohammad-sadiq-al-sadr"
    son = {"q": {"query": "al-Sadr", "properties": [{"pid": "childOf", "v": "Mohammad Sadiq"}]}}
    scores = {r["id"]: r["score"] for r in _batch(client, validators, son)["q"]["result"]}
    assert max(scores, key=scores.get) == "muqtada-al-sadr"
    assert scores["muqtada-al-sadr"] > scores.get("mohammad-sadiq-al-sadr", 0)


def test_properties_only_query(client, validators):
    queries = {"q": {"properties": [{"pid": "founderOf", "v": {"id": "sciri"}}], "type": "Person"}}
    result = _batch(client, validators, queries)["q"]["result"]
    assert result[0]["id"] == "mohammad-baqir-al-hakim"


@pytest.mark.parametrize(
    "queries",
    ["not json", "[1, 2]", '{"q": 3}', '{"q": {"query": 5}}', '{"q": {}}',
     '{"q": {"query": "x", "limit": "many"}}', '{"q": {"query": "x", "properties": [1]}}'],
)  # fmt: skip
def test_malformed_batches_are_400_with_a_message(client, queries):
    response = client.post("/reconcile", data={"queries": queries})
    assert response.status_code == 400
    body = json.loads(response.data)
    assert body["error"] in {"bad_queries", "bad_query"} and body["message"]


def test_suggest_entity_type_property(client, validators):
    entities = _valid(
        validators,
        "suggest-entities-response.json",
        _get(client, "/reconcile/suggest/entity", prefix="Kata"),
    )
    assert {"kataib-hezbollah", "kataib-al-imam-ali"} <= {r["id"] for r in entities["result"]}
    first = _get(client, "/reconcile/suggest/entity", prefix="Khadi")["result"][0]
    assert first["id"] == "mustafa-al-kadhimi" and first["notable"] == [
        {"id": "Person", "name": "person"}
    ]
    page_two = _get(client, "/reconcile/suggest/entity", prefix="Kata", cursor="2")["result"]
    # the second page starts at the first page's third row (and may run past its end when
    # more entities match than one page holds)
    first_page = entities["result"]
    assert page_two[: len(first_page) - 2] == first_page[2:] and page_two
    types = _valid(
        validators,
        "suggest-types-response.json",
        _get(client, "/reconcile/suggest/type", prefix="arm"),
    )
    assert {"ArmedGroup", "ArmedWing", "ArmedConflict"} <= {t["id"] for t in types["result"]}
    props = _valid(
        validators,
        "suggest-properties-response.json",
        _get(client, "/reconcile/suggest/property", prefix="found"),
    )
    assert "founderOf" in {p["id"] for p in props["result"]}


def test_preview_is_a_small_escaped_card(client):
    response = client.get("/reconcile/preview?id=kataib-hezbollah")
    assert response.status_code == 200 and media_type(response.content_type) == "text/html"
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    doc = parse_html(response.get_data(as_text=True))
    assert ("/id/kataib-hezbollah", "Kataib Hezbollah") in doc.links()
    assert "&#39;" in response.get_data(as_text=True) or "Kata&#x27;ib" in response.get_data(
        as_text=True
    )  # the apostrophe of Kata'ib is escaped, as everything from the data
    assert client.get("/reconcile/preview?id=no-such-entity").status_code == 404


def test_the_schemas_do_reject_bad_responses(validators):
    """The validation above is not vacuous: what breaks the spec fails it."""
    assert list(validators["manifest.json"].iter_errors({"name": "x"}))
    bad_batch = {"q0": {"result": [{"id": "x", "name": "y"}]}}  # no score
    assert list(validators["reconciliation-result-batch.json"].iter_errors(bad_batch))
    bad_types = {"result": [{"id": "x", "name": "y", "notable": [3]}]}
    assert list(validators["suggest-entities-response.json"].iter_errors(bad_types))
    bad_type = {"result": [{"name": "no id"}]}
    assert list(validators["suggest-types-response.json"].iter_errors(bad_type))
