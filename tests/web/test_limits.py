"""/limits: the settings a client is held to, as JSON and as a page, with the values served."""

from __future__ import annotations

from dataclasses import fields

import pytest
from endpoint_helpers import MINI
from page_helpers import parse_html

from iraqkg.engines import open_engine
from iraqkg.settings import EndpointSettings
from iraqkg.web import create_app
from iraqkg.web.limits import PRIVATE


@pytest.fixture(scope="module")
def tuned():
    """An app started with settings other than the defaults."""
    settings = EndpointSettings(
        max_rows=7, query_timeout=3.5, cors_origins=(), endpoint=None,
        service_rewrite=(("https://query.wikidata.org/sparql", "http://10.0.0.9:9999/q"),),
    )  # fmt: skip
    engine = open_engine(settings, [MINI])
    yield settings, create_app(settings, engine, {"build_id": "tuned"}).test_client()
    engine.close()


def test_the_json_gives_each_public_setting_with_the_value_served(tuned):
    settings, client = tuned
    response = client.get("/limits", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    listed = {s["name"]: s for s in response.get_json()["settings"]}
    assert set(listed) == {f.name for f in fields(EndpointSettings)} - PRIVATE
    assert listed["max_rows"]["value"] == 7
    assert listed["max_rows"]["default"] == EndpointSettings.max_rows
    assert listed["max_rows"]["limits"] == list(EndpointSettings.LIMITS["max_rows"])
    assert listed["query_timeout"]["value"] == 3.5
    assert listed["cors_origins"]["value"] == []
    assert listed["engine"]["choices"] == list(EndpointSettings.CHOICES["engine"])


def test_nothing_names_a_host_the_server_talks_to(tuned):
    _, client = tuned
    body = client.get("/limits?format=json").get_data(as_text=True)
    assert "10.0.0.9" not in body and "127.0.0.1" not in body
    assert "service_rewrite" not in body and '"endpoint"' not in body


def test_the_page_has_a_row_per_setting_and_links_its_twin(tuned):
    _, client = tuned
    response = client.get("/limits", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = parse_html(response.get_data(as_text=True))
    rows = {r.attrs.get("id"): r for r in page.find_all("tr")}
    assert set(rows) - {None} == {f.name for f in fields(EndpointSettings)} - PRIVATE
    cells = [c.text for c in rows["max_rows"].find_all("td")]
    assert cells[:3] == ["7", "100000", "1..1000000"]
    assert [c.text for c in rows["cors_origins"].find_all("td")][:2] == ["(none)", "*"]
    assert [c.text for c in rows["union_default_graph"].find_all("td")][:2] == ["true", "true"]
    links = page.find_all("link")
    alternates = [x.attrs["href"] for x in links if x.attrs.get("rel") == "alternate"]
    assert alternates == ["/limits?format=json"]


def test_the_home_page_links_the_limits(client):
    assert client.get("/?format=json").get_json()["links"]["limits"] == "/limits"
