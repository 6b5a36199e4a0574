"""/explain: why a triple holds, over HTTP, as JSON by default and as an HTML tree for browsers.

Expectations come from the sources: source-000 names Hadi al-Ameri Badr's chief of staff
(paragraph 27) and its leader (paragraph 32), Badr one of the PMF's founding groups
(paragraph 23); the government's blame of the PMF for the drone attack (paragraph 1) is an
allegation, so the PMF as perpetrator does not hold.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from endpoint_helpers import media_type
from page_helpers import BROWSER_ACCEPT, make_app, parse_html

from iraqkg.namespaces import ID, IKG

AMERI_BADR = {"s": "id:hadi-al-ameri", "p": "ikg:affiliatedWith", "o": "id:badr-organization"}
# Ameri's Reported leadership of Badr, either of which the reasoner may build on.
AMERI_LEADS_BADR = {("id:source-000", 27), ("id:source-000", 32)}
PMF_PERPETRATOR = {
    "s": "id:drone-attack-on-kadhimi-residence",
    "p": "ikg:perpetrator",
    "o": "id:pmu-factions",  # source 000 para 1: "blamed on PMU factions", not the whole PMU
}


@pytest.fixture(scope="module")
def engine(repo_engine):
    return repo_engine


@pytest.fixture(scope="module")
def client(repo_pages):
    return repo_pages


def _explain(client, terms: dict[str, str], accept: str | None = None, status: int = 200):
    headers = {"Accept": accept} if accept else {}
    response = client.get(f"/explain?{urlencode(terms)}", headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)
    return response


def _leaves(node: dict) -> list[dict]:
    if node["how"] == "inferred":
        return [leaf for premise in node["premises"] for leaf in _leaves(premise)]
    return [node]


def test_inferred_affiliation_is_explained_down_to_quoted_statements(client):
    response = _explain(client, AMERI_BADR)
    assert media_type(response.content_type) == "application/json"
    tree = json.loads(response.data)
    assert tree["holds"] is True and tree["how"] == "inferred"
    assert tree["rule"].startswith("prp-") and tree["axiom"] and tree["reading"]
    assert tree["triple"]["subject"]["href"] == "/id/hadi-al-ameri"
    leaves = _leaves(tree)
    assert {leaf["how"] for leaf in leaves} == {"stated"}
    cited = {(s["source"], s["paragraph"]) for leaf in leaves for s in leaf["statements"]}
    assert cited and cited <= AMERI_LEADS_BADR
    statements = [s for leaf in leaves for s in leaf["statements"]]
    assert all(s["status"] == "Reported" and s["quote"] for s in statements)


def test_full_iris_read_the_same_as_prefixed_names(client):
    full = {
        "s": str(ID["hadi-al-ameri"]),
        "p": str(IKG.affiliatedWith),
        "o": str(ID["badr-organization"]),
    }
    assert _explain(client, full).json["triple"] == _explain(client, AMERI_BADR).json["triple"]


def test_stated_chief_of_staff_cites_paragraph_27(client):
    tree = _explain(client, {**AMERI_BADR, "p": "ikg:chiefOfStaffOf"}).json
    assert tree["how"] == "stated"
    (statement,) = tree["statements"]
    assert (statement["source"], statement["paragraph"]) == ("id:source-000", 27)
    assert statement["quote"].startswith("Badr’s key power brokers were Hadi al-Ameri")


def test_an_alleged_perpetrator_is_absent_with_its_allegation_listed(client):
    tree = _explain(client, PMF_PERPETRATOR).json
    assert tree["holds"] is False and tree["how"] == "absent" and tree["valid"] == []
    assert "does not hold" in tree["message"]
    statuses = {(s["status"], s["source"], s["paragraph"]) for s in tree["statements"]}
    assert ("Alleged", "id:source-000", 1) in statuses
    assert all(s["status"] != "Reported" for s in tree["statements"])


def test_html_tree_for_browsers(client):
    response = _explain(client, AMERI_BADR, accept=BROWSER_ACCEPT)
    assert media_type(response.content_type) == "text/html"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    doc = parse_html(response.get_data(as_text=True))
    root = doc.find("ol", "tree").find("li", "node")
    assert "how-inferred" in root.classes and root.find("p", "rule").find("code").text
    leaves = [n for n in root.find_all("li", "node") if "how-stated" in n.classes]
    assert leaves
    cites = [c.text for leaf in leaves for c in leaf.find_all("p", "cite")]
    assert any("paragraph 27" in c or "paragraph 32" in c for c in cites)
    assert "/id/source-000" in {href for leaf in leaves for href, _ in leaf.links()}
    assert "holds" in doc.find("p", "answer").classes


def test_html_for_a_triple_that_does_not_hold(client):
    doc = parse_html(
        _explain(client, PMF_PERPETRATOR, accept=BROWSER_ACCEPT).get_data(as_text=True)
    )
    assert "does-not-hold" in doc.find("p", "answer").classes
    root = doc.find("li", "node")
    assert "how-absent" in root.classes and "does not hold" in root.find("p", "absent").text
    assert root.find("li", "status-alleged") is not None


@pytest.mark.parametrize(
    "terms",
    [
        {"p": "ikg:affiliatedWith", "o": "id:badr-organization"},  # no subject
        {**AMERI_BADR, "s": "nope:hadi"},  # unknown prefix
        {**AMERI_BADR, "o": "<https://w3id.org/iraqkg/id/badr"},  # unclosed IRI
        {**AMERI_BADR, "s": ""},
        {**AMERI_BADR, "o": "https://w3id.org/iraqkg/id/a b"},  # a space in an IRI
    ],
)
def test_bad_terms_are_400_json(client, terms):
    response = _explain(client, terms, status=400)
    assert media_type(response.content_type) == "application/json"
    assert response.json["error"] == "bad_term" and response.json["status"] == 400


@pytest.mark.parametrize(
    ("accept", "query", "expected"),
    [
        (None, "", "application/json"),
        ("*/*", "", "application/json"),
        (BROWSER_ACCEPT, "", "text/html"),
        (BROWSER_ACCEPT, "&format=json", "application/json"),
        ("application/json", "&format=html", "text/html"),
    ],
)
def test_explain_negotiation(client, accept, query, expected):
    headers = {"Accept": accept} if accept else {}
    response = client.get(f"/explain?{urlencode(AMERI_BADR)}{query}", headers=headers)
    assert response.status_code == 200 and media_type(response.content_type) == expected


def test_unacceptable_format_is_406(client):
    response = _explain(client, AMERI_BADR, accept="text/turtle", status=406)
    assert response.json["error"] == "not_acceptable"


def test_without_dataset_files_explanations_are_501(engine):
    client = make_app(engine, None).test_client()
    response = _explain(client, AMERI_BADR, status=501)
    assert response.json["error"] == "explanations_unavailable"
    assert "dataset file" in response.json["message"]
    page = _explain(client, AMERI_BADR, accept=BROWSER_ACCEPT, status=501)
    assert "explanations need" in parse_html(page.get_data(as_text=True)).find("p", "error").text


def test_files_that_are_not_a_build_are_501(engine, tmp_path):
    plain = tmp_path / "plain.ttl"
    plain.write_text(
        "<https://w3id.org/iraqkg/id/x> <http://www.w3.org/2004/02/skos/core#prefLabel> 'x' .\n"
    )
    client = make_app(engine, [plain]).test_client()
    response = _explain(client, AMERI_BADR, status=501)
    assert "named graphs" in response.json["message"]
    page = client.get("/id/badr-organization", headers={"Accept": "application/json"}).json
    assert page["inferred"] and all(r["valid"] is None for r in page["inferred"])
    html = client.get("/id/badr-organization", headers={"Accept": BROWSER_ACCEPT})
    assert "why" not in {text for _, text in parse_html(html.get_data(as_text=True)).links()}
