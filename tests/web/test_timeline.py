"""/timeline: events in time order across precisions, filters, the JSON twin, a real browser.

Expectations from the sources: the fall of Mosul is dated June 2014 (000), the executive
order that created the PMU commission only to 2014 (000 para 22: "a few days after the
edict"); Khazali attended Muhandis' funeral in January 2020 (003 para 1) and denied the
7 November 2021 drone attack (002 para 26).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from browser import Chromium, chromium_binary
from endpoint_helpers import live_server
from page_helpers import BROWSER_ACCEPT, make_app, parse_html
from rdflib import RDFS, Graph, URIRef

from iraqkg.namespaces import IKG
from iraqkg.settings import EndpointSettings
from iraqkg.timeline import sort_key

KHAZALI = "qais-al-khazali"


@pytest.fixture(scope="module")
def client(repo_pages):
    return repo_pages


def _json(client, query: str = "", status: int = 200) -> dict:
    response = client.get("/timeline" + query, headers={"Accept": "application/json"})
    assert response.status_code == status, response.get_data(as_text=True)
    return json.loads(response.data)


def _day(text):
    return date.fromisoformat(text) if text else None


def test_events_sort_across_precisions(client):
    events = _json(client)["events"]
    keys = [sort_key(_day(e["earliest"]), _day(e["latest"])) for e in events]
    assert keys == sorted(keys)
    names = [e["term"] for e in events]
    order = names.index("id:executive-order-creating-the-pmu-commission")
    mosul = names.index("id:fall-of-mosul")
    by_term = {e["term"]: e for e in events}
    if by_term["id:executive-order-creating-the-pmu-commission"]["precision"] == "year":
        assert mosul < order  # a year no longer sorts before its own months
    # Every dated event says how precise its date is and where it comes from.
    assert all(e["precision"] for e in events)
    assert all(d["quote"] and d["paragraph"] for e in events for d in e["dates"])


def test_filtered_to_an_actor(client):
    found = _json(client, f"?actor={KHAZALI}")
    events = found["events"]
    assert events
    for event in events:
        assert any(r["actor"]["term"] == f"id:{KHAZALI}" for r in event["roles"])
    names = [e["term"] for e in events]
    assert names.index("id:funeral-of-abu-mahdi-al-muhandis") < names.index(
        "id:drone-attack-on-kadhimi-residence"
    )
    drone = next(e for e in events if e["term"] == "id:drone-attack-on-kadhimi-residence")
    mine = [r for r in drone["roles"] if r["actor"]["term"] == f"id:{KHAZALI}"]
    assert {(r["role"]["term"], r["status"]) for r in mine} == {("ikg:perpetrator", "Denied")}
    assert _json(client, f"?actor=id:{KHAZALI}")["events"] == events


def _kinds_of_attack() -> set[str]:
    ontology = Graph().parse(Path(__file__).parents[2] / "ontology" / "iraqkg.ttl")
    attack = URIRef(str(IKG) + "Attack")
    found = set(ontology.transitive_subjects(RDFS.subClassOf, attack))
    return {"ikg:" + str(c).rsplit("#", 1)[-1] for c in found}


def test_filtered_by_type_and_period(client):
    attacks = _json(client, "?type=Attack")["events"]
    kinds = _kinds_of_attack()
    assert {"ikg:Attack", "ikg:DroneStrike", "ikg:Airstrike"} <= kinds
    assert attacks and all(any(t["term"] in kinds for t in e["types"]) for e in attacks)
    in_2021 = _json(client, "?from=2021&until=2021")["events"]
    assert in_2021
    for event in in_2021:
        assert (event["latest"] or "9999") >= "2021-01-01"
        assert (event["earliest"] or "0000") <= "2021-12-31"
    late = _json(client, "?from=late%202019&until=late%202019")["events"]
    assert "id:tishreen-protests" in [e["term"] for e in late]


@pytest.mark.parametrize(
    "query",
    ["?from=the%20eighties", "?from=2020&until=2019", "?actor=<script>", "?type=a%20b"],
)
def test_bad_parameters_are_a_400_with_the_reason(client, query):
    body = _json(client, query, status=400)
    assert body["error"] == "bad_parameter" and body["message"]


def test_the_html_page_links_events_and_sources(client):
    response = client.get(f"/timeline?actor={KHAZALI}", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    doc = parse_html(response.get_data(as_text=True))
    links = dict((text, href) for href, text in doc.links())
    assert links["Drone attack on Kadhimi's residence"] == "/id/drone-attack-on-kadhimi-residence"
    hrefs = {href for href, _ in doc.links()}
    assert "/id/source-003" in hrefs and f"/id/{KHAZALI}" in hrefs


@pytest.mark.skipif(chromium_binary() is None, reason="chromium is not installed")
def test_real_browser_opens_the_timeline_filtered_to_an_actor(
    repo_engine, built_dataset_file, tmp_path
):
    app = make_app(repo_engine, [built_dataset_file])
    with live_server(app, EndpointSettings()) as sparql_url, Chromium(tmp_path / "p") as chromium:
        base = sparql_url.rsplit("/", 1)[0]
        page = chromium.new_page(width=412, height=1600)
        page.goto(base + f"/timeline?actor={KHAZALI}&format=html")
        html = page.evaluate("document.documentElement.outerHTML")
        shot = page.screenshot("timeline-qais-al-khazali.png")
        assert page.problems(base) == []
    doc = parse_html(html)
    assert doc.find("h1").text == "Timeline"
    items = doc.find_all("li", "event")
    assert items and "Funeral procession of Abu Mahdi al-Muhandis" in items[0].text
    assert any("Denied" in i.text and "Drone attack" in i.text for i in items)
    assert shot.stat().st_size > 10_000
