"""/search, /search/suggest, the home page / and the vocabulary page /ontology over the
repository's build: every route in HTML and JSON, escaping, the type filter, errors.

Expected figures come from the data itself: the home page's counts must equal what
``iraqkg.stats.coverage`` counts in data/; the vocabulary must list every class and property
of ontology/iraqkg.ttl; search hits are the entities whose labels are those spellings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from endpoint_helpers import media_type
from page_helpers import BROWSER_ACCEPT, Element, parse_html
from rdflib import OWL, RDF, Graph

from iraqkg.loading import load_folder
from iraqkg.namespaces import IKG
from iraqkg.queries import load_named_queries
from iraqkg.settings import EndpointSettings
from iraqkg.stats import coverage
from iraqkg.web import create_app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client(repo_engine, built_dataset_file):
    named = load_named_queries(REPO / "queries")
    info = {
        "build_id": "test-build",
        "dataset_files": [str(built_dataset_file)],
        "questions": named,
    }
    # No SERVICE may leave the machine from these tests (a question asks Wikidata).
    settings = EndpointSettings(service_allowlist=())
    return create_app(settings, repo_engine, info).test_client()


def _json(
    client, path: str, status: int = 200, accept: str = "application/json", **query: str
) -> dict:
    extra = {"query_string": query} if query else {}
    response = client.get(path, headers={"Accept": accept}, **extra)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert media_type(response.content_type) == "application/json"
    return json.loads(response.data)


def _html(client, path: str, status: int = 200) -> Element:
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert media_type(response.content_type) == "text/html"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    return parse_html(response.get_data(as_text=True))


# ---- /search


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("Khadimi", "mustafa-al-kadhimi"),
        ("Kazimi", "mustafa-al-kadhimi"),
        ("Kataeb Hezbollah", "kataib-hezbollah"),
        ("Hashd", "popular-mobilization-forces"),
        ("PMU", "popular-mobilization-forces"),
        ("AAH", "asaib-ahl-al-haq"),
    ],
)
def test_search_json_and_html_agree_on_the_first_hit(client, typed, slug):
    data = _json(client, f"/search?q={typed}")
    assert data["q"] == typed
    first = data["results"][0]
    assert first["id"] == slug and first["href"] == f"/id/{slug}"
    assert {"iri", "label", "types", "description", "matched", "score"} <= set(first)
    doc = _html(client, f"/search?q={typed}")
    hits = doc.find_all("li", "hit")
    assert len(hits) == len(data["results"])
    assert hits[0].find("a", "hit-label").attrs["href"] == f"/id/{slug}"
    assert hits[0].find("a", "hit-label").text == first["label"]


def test_search_format_parameter_beats_accept(client):
    response = client.get("/search?q=Badr&format=json", headers={"Accept": BROWSER_ACCEPT})
    assert media_type(response.content_type) == "application/json"
    response = client.get("/search?q=Badr&format=html")
    assert media_type(response.content_type) == "text/html"
    assert client.get("/search?q=Badr&format=xml").status_code == 406


def test_search_type_filter_keeps_only_that_class_and_its_subclasses(client):
    everything = _json(client, "/search?q=Kadhimi")["results"]
    assert {h["id"] for h in everything} >= {
        "mustafa-al-kadhimi",
        "drone-attack-on-kadhimi-residence",
    }
    for wanted in ("Event", "ikg:Event", str(IKG.Event)):
        events = _json(client, "/search", q="Kadhimi", type=wanted)
        assert events["type"] == ["Event"]
        ids = {h["id"] for h in events["results"]}
        assert "drone-attack-on-kadhimi-residence" in ids
        assert "mustafa-al-kadhimi" not in ids
    page = _html(client, "/search?q=Kadhimi&type=Person")
    selected = [o for o in page.find_all("option") if "selected" in o.attrs]
    assert [o.attrs["value"] for o in selected] == ["Person"]


def test_search_limit_and_bad_limits(client):
    assert len(_json(client, "/search?q=Kata&limit=2")["results"]) == 2
    for bad in ("0", "101", "x"):
        error = _json(client, f"/search?q=Kata&limit={bad}", status=400)
        assert error["error"] == "bad_limit"
    page = client.get("/search?q=Kata&limit=x", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 400 and media_type(page.content_type) == "text/html"


def test_search_without_text_and_with_nonsense(client):
    assert _json(client, "/search")["results"] == []
    assert _json(client, "/search?q=xyzzyq")["results"] == []
    doc = _html(client, "/search?q=xyzzyq")
    assert doc.find("li", "hit") is None and "No entity" in doc.find("main").text
    assert _json(client, "/search?q=" + "a" * 201, status=400)["error"] == "query_too_long"


def test_search_page_escapes_what_was_typed(client):
    html = client.get(
        "/search?q=<script>alert(1)</script>", headers={"Accept": BROWSER_ACCEPT}
    ).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ---- /search/suggest


def test_suggest_shape_and_prefix_completion(client):
    data = _json(client, "/search/suggest?q=Kata")
    assert data["q"] == "Kata"
    assert all({"id", "name", "type", "description"} <= set(r) for r in data["results"])
    names = {r["name"] for r in data["results"]}
    assert {"Kataib Hezbollah", "Kata'eb al-Imam Ali", "Kata'eb Sayyid al-Shuhada'"} <= names
    first = _json(client, "/search/suggest?q=Khadi")["results"][0]
    assert first["id"] == "https://w3id.org/iraqkg/id/mustafa-al-kadhimi"
    assert first["type"] == "person" and first["href"] == "/id/mustafa-al-kadhimi"
    assert _json(client, "/search/suggest?q=")["results"] == []
    people = _json(client, "/search/suggest?q=Kad&type=Person")["results"]
    assert people and all(r["type"] == "person" for r in people)


# ---- /


def test_home_counts_equal_the_data_coverage(client):
    expected = coverage(load_folder(REPO / "data").graph)
    home = _json(client, "/?format=json")
    assert home["entities"] == expected.entities
    assert {c["class"]: c["count"] for c in home["entities_per_class"]} == (
        expected.entities_per_class
    )
    assert {s["source"]: s["count"] for s in home["statements_per_source"]} == (
        expected.statements_per_source
    )
    assert home["statements_per_status"] == expected.statements_per_status
    assert home["statements"] == expected.statements


def test_home_page_lists_questions_links_and_search_box(client):
    named = load_named_queries(REPO / "queries")
    doc = _html(client, "/")
    form = doc.find("form", "searchbox")
    assert form.attrs["action"] == "/search" and form.find("input").attrs["name"] == "q"
    links = dict(doc.find("main").links())
    for name in named:
        assert f"/questions/{name}" in links
    paths = {href.split("?")[0] for href in links}
    for path in ("/network", "/timeline", "/sparql", "/ontology"):
        assert path in paths
    footer = {href for href, _ in doc.find("footer", "formats").links()}
    assert {"/dataset.nq", "/dataset.trig", "/dataset.jsonld"} <= footer  # the dumps
    assert links[f"/questions/{'drone-strike-blame'}"] == named["drone-strike-blame"].title
    nav = {href.split("?")[0]: text for href, text in doc.find("nav", "site").links()}
    assert [nav[p] for p in ("/", "/search", "/network", "/timeline", "/sparql", "/ontology")] == [
        "iraqkg", "Search", "Network", "Timeline", "Editor", "Vocabulary",
    ]  # fmt: skip
    json_home = _json(client, "/", accept="application/json")
    assert {q["name"] for q in json_home["questions"]} == set(named)
    # Every link of the home page leads somewhere (the other blueprints' pages included),
    # except questions that call a remote SERVICE, which these tests never reach.
    remote = {f"/questions/{n}" for n, q in named.items() if "SERVICE" in q.text.upper()}
    local = {h for h, _ in doc.links() if h.startswith("/") and not h.startswith("/#")}
    for href in local - remote:
        response = client.get(href, headers={"Accept": BROWSER_ACCEPT})
        assert response.status_code == 200, href


@pytest.mark.parametrize(
    "accept", [None, "*/*", "application/sparql-results+json", "application/rdf+xml"]
)
def test_home_sends_sparql_clients_to_the_endpoint(client, accept):
    response = client.get("/", headers={"Accept": accept} if accept else {})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sparql")


def test_home_with_a_query_redirects_with_it(client):
    response = client.get("/?query=ASK%7B%7D", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sparql?query=ASK%7B%7D")


# ---- /ontology


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """Every ontology file the build reads into the ontology graph (not the shapes)."""
    from iraqkg.build import ontology_files
    from iraqkg.settings import Paths

    graph = Graph()
    for path in ontology_files(Paths(REPO / "ontology", REPO / "data"))[0]:
        graph.parse(path)
    return graph


def _own(graph: Graph, kind) -> set[str]:
    return {str(t) for t in graph.subjects(RDF.type, kind) if str(t).startswith(str(IKG))}


def test_vocabulary_lists_every_class_and_property(client, ontology):
    data = _json(client, "/ontology")
    assert {c["iri"] for c in data["classes"]} == _own(ontology, OWL.Class)
    properties = (
        _own(ontology, OWL.ObjectProperty)
        | _own(ontology, OWL.DatatypeProperty)
        | _own(ontology, RDF.Property)
        | _own(ontology, OWL.AnnotationProperty)
    )
    assert {p["iri"] for p in data["properties"]} == properties
    assert all(t["label"] and t["definition"] for t in data["classes"] + data["properties"])


def test_vocabulary_terms_have_domain_range_mappings_and_examples(client):
    data = _json(client, "/ontology")
    by_term = {t["term"]: t for t in data["classes"] + data["properties"]}
    wing = by_term["ikg:armedWingOf"]
    example = wing["example"]
    # The example is a real triple of the data: its subject's page lists the relation.
    page = _json(client, example["subject"]["href"])
    stated = {
        (r["predicate"]["iri"], r["object"]["iri"])
        for r in page["statements"]
        if r["status"] == "Reported" and "iri" in r["object"]
    }
    assert (str(IKG.armedWingOf), example["object"]["iri"]) in stated
    organisation = by_term["ikg:Organization"]
    assert {(m["relation"], m["target"]["term"]) for m in organisation["mappings"]} >= {
        ("subclass of", "org:Organization"),
        ("subclass of", "prov:Organization"),
    }
    source = by_term["ikg:source"]
    assert [d["term"] for d in source["domain"]] == ["ikg:Statement"]
    assert [r["term"] for r in source["range"]] == ["ikg:SourceDocument"]
    vocabularies = {m["target"]["vocabulary"] for t in by_term.values() for m in t["mappings"]}
    assert {"Wikidata", "W3C Organization Ontology", "PROV-O", "Simple Event Model"} <= vocabularies
    assert by_term["ikg:partOf"]["characteristics"] == ["transitive"]
    assert by_term["ikg:Person"]["example"]["subject"]["href"].startswith("/id/")


def test_vocabulary_page_has_an_anchor_per_term(client, ontology):
    doc = _html(client, "/ontology")
    anchors = {a.attrs["id"] for a in doc.find_all("article", "term")}
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
    expected = {
        iri.split("#")[1]
        for kind in (*kinds, OWL.AnnotationProperty)
        for iri in _own(ontology, kind)
    }
    assert anchors == expected
    armed_wing = next(a for a in doc.find_all("article", "term") if a.attrs["id"] == "armedWingOf")
    assert "armed wing of" in armed_wing.find("h3").text
    assert any(href.startswith("/id/") for href, _ in armed_wing.links())


def test_every_new_page_is_phone_friendly(client):
    for path in ("/", "/search?q=Badr", "/ontology"):
        html = client.get(path, headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
        assert 'name="viewport" content="width=device-width' in html


# ---- other datasets: the mini fixture (tests/web/fixtures/mini.trig), a new build


def test_pages_work_over_another_dataset_and_follow_a_new_build(app):
    from iraqkg.web.search_index import current_index
    from iraqkg.web.state import EXTENSION

    client = app.test_client()
    hits = _json(client, "/search?q=Kataib Hizbollah")["results"]
    assert [h["id"] for h in hits][:1] == ["kataib-hezbollah"]
    assert _json(client, "/search?q=Badr&type=Person")["results"] == []
    home = _json(client, "/?format=json")
    assert {c["class"]: c["count"] for c in home["entities_per_class"]} == {
        "ArmedGroup": 3,
        "Person": 3,
    }
    vocabulary = _json(client, "/ontology")
    assert [c["term"] for c in vocabulary["classes"]] == ["ikg:ArmedGroup", "ikg:Person"]
    with app.test_request_context("/"):
        first = current_index()
        assert current_index() is first  # cached
        state = app.extensions[EXTENSION]
        before = state.info.get("build_id")
        state.info["build_id"] = "another-build"
        try:
            assert current_index() is not first  # a new build gets a new index
        finally:
            state.info["build_id"] = before
