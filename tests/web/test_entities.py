"""Entity pages /id/<slug>: HTML for browsers, JSON and RDF twins, 404s, links, a real browser.

Expectations come from the sources: source-000 paragraph 27 names Hadi al-Ameri Badr's chief
of staff; source-000 paragraph 1 and source-002 report only allegations and denials of who
attacked Kadhimi's house, never a perpetrator as fact.
"""

from __future__ import annotations

import json

import pytest
from browser import Chromium, chromium_binary
from endpoint_helpers import live_server, media_type
from page_helpers import BROWSER_ACCEPT, Element, make_app, parse_html
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from iraqkg.namespaces import ID, IKG, ST
from iraqkg.settings import EndpointSettings

BADR = "/id/badr-organization"
DRONE = "/id/drone-attack-on-kadhimi-residence"
QUOTE_27 = "Badr’s key power brokers were Hadi al-Ameri, its chief of staff"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@pytest.fixture(scope="module")
def engine(repo_engine):
    return repo_engine


@pytest.fixture(scope="module")
def client(repo_pages):
    return repo_pages


def _get_json(client, path: str, status: int = 200) -> dict:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == status, response.get_data(as_text=True)
    assert media_type(response.content_type) == "application/json"
    return json.loads(response.data)


def _html(client, path: str, status: int = 200) -> Element:
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == status
    assert media_type(response.content_type) == "text/html"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    return parse_html(response.get_data(as_text=True))


def _groups(doc: Element, role: str) -> dict[str, list[Element]]:
    """{relation heading: statement items} of one section of an entity page."""
    section = next(s for s in doc.find_all("section") if s.attrs.get("id") == role)
    groups: dict[str, list[Element]] = {}
    heading = ""
    for child in section.children:
        if isinstance(child, Element) and child.tag == "h3":
            heading = child.text
        elif isinstance(child, Element) and child.tag == "ul":
            groups.setdefault(heading, []).extend(child.find_all("li", "statement"))
    return groups


def test_badr_page_shows_ameri_as_chief_of_staff_citing_paragraph_27(client):
    doc = _html(client, BADR)
    assert doc.find("h1").text == "Badr Organization"
    assert "Faylaq Badr" in doc.find("dd", "alt-labels").text
    assert "armed group" in doc.find("dd", "types").text
    wikidata = doc.find("a", "wikidata")
    assert wikidata.attrs["href"] == "https://www.wikidata.org/wiki/Q2994636"
    items = _groups(doc, "object")["chief of staff of Badr Organization"]
    (item,) = [i for i in items if ("/id/hadi-al-ameri", "Hadi al-Ameri") in i.links()]
    assert "status-reported" in item.classes and item.find(cls="status").text == "Reported"
    assert QUOTE_27 in item.find("blockquote").text
    assert "paragraph 27" in item.find("p", "cite").text
    assert any(href == "/id/source-000" for href, _ in item.links())


def test_badr_page_lists_inferred_relations_with_validity_and_why_links(client):
    doc = _html(client, BADR)
    rows = next(s for s in doc.find_all("section") if s.attrs.get("id") == "inferred")
    rows = rows.find_all("tr", "inferred")
    pmf = [
        r
        for r in rows
        if ("/id/popular-mobilization-forces", "Popular Mobilization Forces") in r.links()
        and "affiliated with" in r.text
    ]
    assert pmf and pmf[0].find("td", "valid").text  # a validity, e.g. "any time (undated)"
    why = next(href for href, text in pmf[0].links() if text == "why")
    explained = client.get(why, headers={"Accept": "application/json"})
    assert explained.status_code == 200 and explained.json["holds"] is True


def test_badr_json_twin_carries_the_sourced_statement(client):
    page = _get_json(client, BADR)
    assert page["label"] == "Badr Organization" and "Badr Corps" in page["alt_labels"]
    assert {"id": "Q2994636", "iri": "http://www.wikidata.org/entity/Q2994636"}.items() <= (
        page["wikidata"][0].items()
    )
    (record,) = [
        s
        for s in page["statements"]
        if s["subject"]["term"] == "id:hadi-al-ameri"
        and s["predicate"]["term"] == "ikg:chiefOfStaffOf"
    ]
    assert record["status"] == "Reported" and record["roles"] == ["object"]
    assert record["source"]["href"] == "/id/source-000" and record["paragraph"] == 27
    assert record["quote"].startswith(QUOTE_27)
    inferred = {(r["predicate"]["term"], r["object"]["term"]) for r in page["inferred"]}
    assert ("ikg:partOf", "id:popular-mobilization-forces") in inferred
    assert {f["format"] for f in page["formats"]} == {
        "html",
        "json",
        "ttl",
        "nt",
        "jsonld",
        "rdfxml",
    }


@pytest.mark.parametrize("accept", sorted(RDF_TYPES))
def test_badr_rdf_twins_hold_its_triples_records_and_inferences(client, accept):
    response = client.get(BADR, headers={"Accept": accept})
    assert response.status_code == 200 and media_type(response.content_type) == accept
    graph = Graph().parse(data=response.data, format=RDF_TYPES[accept])
    badr, ameri = ID["badr-organization"], ID["hadi-al-ameri"]
    assert (badr, SKOS.prefLabel, Literal("Badr Organization", lang="en")) in graph
    assert (ameri, IKG.chiefOfStaffOf, badr) in graph  # asserted, pointing to it
    assert (badr, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) in graph  # inferred
    record = ST["000-27-ameri-chief-of-staff-of-badr"]
    assert (record, IKG.paragraph, Literal(27)) in graph
    assert str(graph.value(record, IKG.quote)).startswith(QUOTE_27)


def test_format_parameter_gives_the_same_graph_as_accept(client):
    by_accept = client.get(BADR, headers={"Accept": "text/turtle"})
    sizes = {len(Graph().parse(data=by_accept.data, format="turtle"))}
    for name, fmt in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")):
        response = client.get(f"{BADR}?format={name}", headers={"Accept": BROWSER_ACCEPT})
        assert response.status_code == 200
        sizes.add(len(Graph().parse(data=response.data, format=fmt)))
    assert len(sizes) == 1


def test_drone_attack_shows_alleged_perpetrators_and_no_reported_one(client):
    page = _get_json(client, DRONE)
    perpetrators = [s for s in page["statements"] if s["predicate"]["term"] == "ikg:perpetrator"]
    assert perpetrators and all(s["status"] != "Reported" for s in perpetrators)
    alleged = {
        (s["object"]["term"], tuple(a["term"] for a in s["according_to"]), s["paragraph"])
        for s in perpetrators
        if s["status"] == "Alleged"
    }
    # Source 000 para 1: "the Kadhimi administration blamed on PMU factions".
    assert ("id:pmu-factions", ("id:kadhimi-administration",), 1) in alleged
    doc = _html(client, DRONE)
    items = _groups(doc, "subject")["perpetrator"]
    assert not [i for i in items if "status-reported" in i.classes]
    pmf = [i for i in items if "PMU factions" in i.find(cls="claim").text]
    assert "status-alleged" in pmf[0].classes
    assert "according to Kadhimi administration" in pmf[0].find(cls="according").text


def test_a_speech_act_is_a_derived_relation_explained_by_its_allegation(client):
    page = _get_json(client, "/id/pmu-factions")
    (blamed,) = [r for r in page["relations"] if r["predicate"]["term"] == "ikg:blamedFor"]
    assert blamed["object"]["href"] == DRONE
    tree = client.get(blamed["explain"], headers={"Accept": "application/json"}).json
    assert tree["holds"] is True and tree["how"] == "stated"
    assert {s["status"] for s in tree["statements"]} == {"Alleged"}


def test_source_document_page_lists_what_was_read_from_it(client):
    page = _get_json(client, "/id/source-000")
    assert any(d["predicate"]["term"] == "ikg:fileName" for d in page["details"])
    read = [s for s in page["statements"] if "source" in s["roles"]]
    assert any(s["statement"] == "st:000-27-ameri-chief-of-staff-of-badr" for s in read)
    doc = _html(client, "/id/source-000")
    assert any(QUOTE_27 in item.text for group in _groups(doc, "source").values() for item in group)


@pytest.mark.parametrize(
    ("path", "accept", "status", "expected"),
    [
        (BADR, None, 200, "application/json"),
        (BADR, "*/*", 200, "application/json"),
        (BADR, BROWSER_ACCEPT, 200, "text/html"),
        (BADR, "application/json", 200, "application/json"),
        (BADR, "text/turtle;q=0.5, application/n-triples", 200, "application/n-triples"),
        (BADR, "application/ld+json", 200, "application/ld+json"),
        (BADR, "application/rdf+xml", 200, "application/rdf+xml"),
        (BADR, "image/png", 406, "application/json"),
        ("/id/", None, 200, "application/json"),
        ("/id/", BROWSER_ACCEPT, 200, "text/html"),
        ("/id/", "text/turtle", 406, "application/json"),
        ("/id/no-such-entity", None, 404, "application/json"),
        ("/id/no-such-entity", BROWSER_ACCEPT, 404, "text/html"),
        ("/id/no-such-entity", "text/turtle", 404, "application/json"),
        ("/id/Not%20a%20slug", "application/json", 404, "application/json"),
        ("/id/a/b", BROWSER_ACCEPT, 404, "text/html"),
    ],
)
def test_content_negotiation_grid(client, path, accept, status, expected):
    headers = {"Accept": accept} if accept else {}
    response = client.get(path, headers=headers)
    assert response.status_code == status
    assert media_type(response.content_type) == expected
    if expected == "application/json" and status >= 400:
        body = response.json
        assert body["status"] == status and body["error"] and body["message"]


def test_index_and_query_page_link_to_entity_pages_and_back(client):
    index = _html(client, "/id/")
    assert (BADR, "Badr Organization") in index.links()
    entity = _html(client, BADR)
    nav = entity.find("nav", "site")
    assert ("/sparql", "Editor") in nav.links() and ("/id/", "Entities") in nav.links()
    assert ("/questions", "Questions") in nav.links()
    query_page = _html(client, "/sparql")
    assert ("/id/", "Entities") in query_page.find("nav", "site").links()


def test_text_is_escaped(client):
    html = client.get(DRONE, headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert "known as the &#34;Green Zone.&#34;" in html  # a quote inside a quote, escaped
    assert "<script" not in html and "style=" not in html  # nothing the CSP would block


def test_without_dataset_files_pages_still_work_without_why_links(engine):
    client = make_app(engine, None).test_client()
    page = _get_json(client, BADR)
    assert page["inferred"] and all(r["valid"] is None for r in page["inferred"])
    doc = _html(client, BADR)
    assert not [text for _, text in doc.links() if text == "why"]


@pytest.mark.skipif(chromium_binary() is None, reason="chromium is not installed")
def test_real_browser_renders_the_badr_page(engine, built_dataset_file, tmp_path):
    app = make_app(engine, [built_dataset_file])
    with live_server(app, EndpointSettings()) as sparql_url, Chromium(tmp_path / "p") as chromium:
        base = sparql_url.rsplit("/", 1)[0]
        page = chromium.new_page()
        page.goto(base + BADR)
        html = page.evaluate("document.documentElement.outerHTML")
        page.screenshot("entity-badr-organization.png")
        assert page.problems(base) == []
    doc = parse_html(html)
    assert doc.find("h1").text == "Badr Organization"
    items = _groups(doc, "object")["chief of staff of Badr Organization"]
    assert any("Hadi al-Ameri" in i.text and "paragraph 27" in i.text for i in items)
    assert doc.find("section") is not None and doc.find("a", "why") is not None
