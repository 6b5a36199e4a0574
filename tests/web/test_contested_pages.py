"""Contested facts on entity pages and explanations: both sides quoted, nothing settled.

000 para 23: the Peace Brigades "remobilized and also joined the PMU"; 001 para 20: Sadr
"has maintained his militia, Saraya al-Salam (The Peace Brigades), independent from the PMF".
"""

from __future__ import annotations

import json

import pytest
from page_helpers import BROWSER_ACCEPT, parse_html


@pytest.fixture(scope="module")
def client(repo_pages):
    return repo_pages


def _json(client, path):
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.data)


def test_the_peace_brigades_page_shows_both_sides(client):
    page = _json(client, "/id/peace-brigades")
    contests = page["contests"]
    assert len(contests) == 1
    contest = contests[0]
    assert (contest["predicate"]["term"], contest["object"]["term"]) == (
        "ikg:partOf",
        "id:popular-mobilization-forces",
    )
    assert [(r["source"]["term"], r["paragraph"]) for r in contest["for"]] == [
        ("id:source-000", 23)
    ]
    assert [(r["source"]["term"], r["paragraph"]) for r in contest["against"]] == [
        ("id:source-001", 20)
    ]
    assert "independent from the PMF" in contest["against"][0]["quote"]
    # The contested tie is not among the settled (derived or inferred) relations.
    settled = {(r["predicate"]["term"], r["object"]["term"]) for r in page["relations"]}
    settled |= {(r["predicate"]["term"], r["object"]["term"]) for r in page["inferred"]}
    assert ("ikg:partOf", "id:popular-mobilization-forces") not in settled
    negated = [s for s in page["statements"] if s.get("negated")]
    assert [s["statement"] for s in negated] == ["st:001-20-peace-brigades-independent-of-pmf"]


def test_what_follows_only_through_the_contest_is_marked_on_the_leaders_page(client):
    page = _json(client, "/id/muqtada-al-sadr")
    through = {(r["predicate"]["term"], r["object"]["term"]): r for r in page["contested_inferred"]}
    tie = through[("ikg:affiliatedWith", "id:popular-mobilization-forces")]
    assert tie["rests_on"] == ["st:000-23-peace-brigades-joined-pmu"]
    inferred = {(r["predicate"]["term"], r["object"]["term"]) for r in page["inferred"]}
    assert ("ikg:affiliatedWith", "id:popular-mobilization-forces") not in inferred


def test_the_html_page_quotes_both_sides(client):
    response = client.get("/id/peace-brigades", headers={"Accept": BROWSER_ACCEPT})
    doc = parse_html(response.get_data(as_text=True))
    sections = [e for e in doc.find_all("section") if e.attrs.get("id") == "contested"]
    assert len(sections) == 1
    text = sections[0].text
    assert "also joined the PMU" in text and "independent from the PMF" in text
