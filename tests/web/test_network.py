"""/network and its twins (JSON, SVG, GraphML, GEXF, CSV), the filters, the entity pages'
neighbourhood pictures, and a real browser opening the network on 2021-11-07.

Dated expectations come from source-001 paragraph 8: al-Muhandis, deputy commander of the
PMF, was killed on 3 January 2020, so that role is absent from the network on 2021-11-07.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from browser import Chromium, chromium_binary
from endpoint_helpers import live_server, media_type
from page_helpers import BROWSER_ACCEPT, make_app, parse_html

from iraqkg.settings import EndpointSettings

SVG = "{http://www.w3.org/2000/svg}"
MUHANDIS_PMF = "st:001-08-muhandis-deputy-commander-pmf"
DAY = "2021-11-07"


@pytest.fixture(scope="module")
def client(repo_pages):
    return repo_pages


def _json(client, path: str, status: int = 200) -> dict:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert media_type(response.content_type) == "application/json"
    return json.loads(response.data)


def _edges(body: dict) -> set[tuple[str, str, str]]:
    return {(e["source"], e["target"], e["key"]) for e in body["edges"]}


@pytest.mark.parametrize(
    "query",
    [
        "",
        f"date={DAY}",
        "entity=badr-organization&depth=2",
        "kind=memberOf&kind=partOf",
        "status=all",
    ],
)
@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv", "svg", "json"])
def test_every_download_holds_the_same_filtered_network_as_the_json(client, query, fmt):
    body = _json(client, f"/network?{query}")
    nodes, edges = {n["id"] for n in body["nodes"]}, _edges(body)
    assert body["counts"] == {"nodes": len(nodes), "edges": len(edges)} and edges
    for path in (f"/network.{fmt}?{query}", f"/network?{query}&format={fmt}"):
        response = client.get(path)
        assert response.status_code == 200, path
        data = response.data
        if fmt == "graphml":
            graph = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
            assert set(graph) == nodes and set(graph.edges(keys=True)) == edges
        elif fmt == "gexf":
            graph = nx.read_gexf(io.BytesIO(data))
            assert set(graph) == nodes and graph.number_of_edges() == len(edges)
        elif fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(data.decode())))
            assert {(r["source"], r["target"], r["key"]) for r in rows} == edges
        elif fmt == "svg":
            root = ET.fromstring(data)
            ids = {a.get("data-id") for a in root.iter(f"{SVG}a") if "node" in a.get("class", "")}
            assert ids == nodes
        else:
            assert json.loads(data)["edges"] == body["edges"]


def test_nodes_csv_lists_the_nodes(client):
    body = _json(client, "/network?entity=kataib-hezbollah")
    response = client.get("/network?entity=kataib-hezbollah&format=nodes-csv")
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert {r["id"] for r in rows} == {n["id"] for n in body["nodes"]}


def test_the_date_filter_removes_a_role_that_ended(client):
    before = _json(client, "/network?date=2019-12-31&entity=abu-mahdi-al-muhandis")
    after = _json(client, f"/network?date={DAY}&entity=abu-mahdi-al-muhandis")
    keys = lambda body: {e["key"] for e in body["edges"]}  # noqa: E731
    assert MUHANDIS_PMF in keys(before) and MUHANDIS_PMF not in keys(after)
    assert after["filters"]["date"] == DAY
    assert all(e["status"] in ("Reported", "Inferred") for e in after["edges"])


@pytest.mark.parametrize(
    "entity",
    ["badr-organization", "id:badr-organization", "badr organization", "Badr Organization"],
)
def test_the_entity_is_named_by_slug_prefixed_name_or_label(client, entity):
    body = _json(client, f"/network?entity={entity}")
    assert body["filters"]["entity"] == "id:badr-organization"


def test_neighbourhood_depth_widens_the_view(client):
    sizes = [
        _json(client, f"/network?entity=badr-organization&depth={d}")["counts"]["nodes"]
        for d in (1, 2, 3)
    ]
    assert sizes[0] < sizes[1] <= sizes[2]


def test_kinds_and_statuses_filter_the_edges(client):
    body = _json(client, "/network?kind=rivalOf&kind=alliedWith&status=all")
    assert {e["kind"] for e in body["edges"]} == {"rivalOf", "alliedWith"}
    statuses = {e["status"] for e in _json(client, "/network?status=Alleged")["edges"]}
    assert statuses == {"Alleged"}


def test_edges_link_to_explanations_and_nodes_to_entity_pages(client):
    body = _json(client, "/network?entity=hadi-al-ameri")
    (edge,) = [e for e in body["edges"] if e["key"] == "st:000-27-ameri-chief-of-staff-of-badr"]
    assert edge["href"].startswith("/explain?")
    explained = _json(client, edge["href"])
    assert explained["how"] == "stated"
    assert all(n["href"] == f"/id/{n['id'][3:]}" for n in body["nodes"])


@pytest.mark.parametrize(
    "query,status",
    [
        ("date=2021-13-01", 400),
        ("date=yesterday", 400),
        ("depth=4&entity=badr-organization", 400),
        ("depth=x", 400),
        ("kind=eats", 400),
        ("status=Rumoured", 400),
        ("entity=no-such-actor", 404),
        ("entity=../../etc/passwd", 400),
    ],
)
def test_bad_filters_are_refused_with_the_reason(client, query, status):
    body = _json(client, f"/network?{query}", status)
    assert body["status"] == status and body["message"]
    page = client.get(f"/network?{query}", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == status and media_type(page.content_type) == "text/html"


def test_the_html_page_has_the_picture_the_form_and_the_downloads(client):
    response = client.get(f"/network?date={DAY}", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    doc = parse_html(response.get_data(as_text=True))
    svg = doc.find("svg", "network")
    assert svg is not None and svg.attrs["viewbox"]
    nodes = svg.find_all("a", "node")
    assert nodes and all(a.attrs["href"].startswith("/id/") for a in nodes)
    assert svg.find_all("a", "inferred") and svg.find_all("a", "stated")
    form = doc.find("form", "network-filters")
    assert form.find("input").attrs["name"] == "format"
    hrefs = [href for href, _ in doc.links()]
    for fmt in ("graphml", "gexf", "csv", "json", "svg"):
        assert any(f"format={fmt}" in h and f"date={DAY}" in h for h in hrefs), fmt


def test_same_request_same_svg(client):
    first = client.get("/network.svg?entity=popular-mobilization-forces&depth=2").data
    assert client.get("/network.svg?entity=popular-mobilization-forces&depth=2").data == first


def test_contested_ties_are_marked(client):
    response = client.get("/network.svg?entity=peace-brigades&status=all")
    root = ET.fromstring(response.data)
    contested = [a for a in root.iter(f"{SVG}a") if "contested" in a.get("class", "")]
    assert contested and any("partOf" in a.get("class", "") for a in contested)


def test_entity_pages_show_their_neighbourhood(client):
    response = client.get("/id/abu-mahdi-al-muhandis", headers={"Accept": BROWSER_ACCEPT})
    doc = parse_html(response.get_data(as_text=True))
    section = next(s for s in doc.find_all("section") if s.attrs.get("id") == "neighbourhood")
    svg = section.find("svg", "network")
    centre = svg.find("a", "centre")
    assert centre.attrs["data-id"] == "id:abu-mahdi-al-muhandis"
    linked = {a.attrs["href"] for a in svg.find_all("a", "node")}
    assert {"/id/badr-organization", "/id/kataib-hezbollah"} <= linked
    # A depth-1 star: every tie touches the entity.
    body = _json(client, "/network?entity=abu-mahdi-al-muhandis")
    assert len(svg.find_all("a", "node")) == body["counts"]["nodes"]


def test_an_entity_without_ties_has_no_picture(client):
    response = client.get("/id/source-000", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert 'id="neighbourhood"' not in response.get_data(as_text=True)


def test_the_network_is_built_through_the_executor(repo_engine):
    """No dataset files: the graph still comes from SPARQL, the links go to entity pages."""
    app = make_app(repo_engine, None)
    body = _json(app.test_client(), "/network?entity=hadi-al-ameri")
    assert body["edges"] and all(e["href"].startswith("/id/") for e in body["edges"])


@pytest.mark.skipif(chromium_binary() is None, reason="chromium is not installed")
@pytest.mark.parametrize(
    "path,width,name",
    [
        (f"/network?date={DAY}&format=html", 1280, "network-2021-11-07"),
        (f"/network?date={DAY}&entity=kataib-hezbollah&depth=1&format=html", 390, "network-phone"),
        ("/id/abu-mahdi-al-muhandis", 1000, "entity-neighbourhood"),
    ],
)
def test_real_browser_opens_the_network(
    repo_engine, built_dataset_file, tmp_path, path, width, name
):
    app = make_app(repo_engine, [built_dataset_file])
    with live_server(app, EndpointSettings()) as sparql_url, Chromium(tmp_path / "p") as chromium:
        base = sparql_url.rsplit("/", 1)[0]
        page = chromium.new_page(width=width, height=1400)
        page.goto(base + path)
        html = page.evaluate("document.documentElement.outerHTML")
        shot = page.screenshot(f"{name}.png")
        assert page.problems(base) == []
    doc = parse_html(html)
    svg = doc.find("svg", "network")
    assert svg is not None
    hrefs = [a.attrs["href"] for a in svg.find_all("a", "node")]
    assert hrefs and all(h.startswith("/id/") for h in hrefs)
    assert shot.stat().st_size > 10_000
