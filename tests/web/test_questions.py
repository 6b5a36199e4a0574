"""The question pages (/questions, /questions/<name>) and the editor's examples, through
Flask's test client over the repository's build.

Every expected answer is the library's own: the same named query, bound the same way, run
by the embedded engine; the pages must show exactly those rows, in every format.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from page_helpers import BROWSER_ACCEPT, parse_html
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from iraqkg.namespaces import ID, PREFIXES
from iraqkg.queries import load_named_queries
from iraqkg.settings import EndpointSettings
from iraqkg.web import create_app

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = load_named_queries(REPO / "queries")
# Questions answered from the build alone (the others call Wikidata through SERVICE, which
# tests/web/test_wikidata* cover against a local stand-in).
LOCAL = sorted(n for n, q in QUESTIONS.items() if not q.services)
# Each parameter's own example ("e.g. id:qais-al-khazali" in its description).
EXAMPLES = {
    name: {p: m.group(1).rstrip(",") for p in q.parameters
           if (m := re.search(r"e\.g\. (\S+)", q.parameters[p]))}
    for name, q in QUESTIONS.items()
}  # fmt: skip


@pytest.fixture(scope="module")
def app(repo_engine):
    info = {"build_id": "test-build", "questions": QUESTIONS}
    return create_app(EndpointSettings(), repo_engine, info)


@pytest.fixture()
def client(app):
    return app.test_client()


def library_rows(engine, name: str, values: dict[str, str] | None = None):
    """The library's answer: variables and rows (rdflib terms) of the named query."""
    bound = QUESTIONS[name].bind(values)
    result = engine.query(bound.text, bindings=bound.as_dict())
    return result.variables, result.rows


def _json_term(value: dict[str, str]):
    if value["type"] == "uri":
        return URIRef(value["value"])
    if value["type"] == "bnode":
        return BNode(value["value"])
    return Literal(value["value"], lang=value.get("xml:lang"), datatype=value.get("datatype"))


def _as_csv(term) -> str:
    return "" if term is None else str(term)


# ---- the index -----------------------------------------------------------------------------


def test_index_lists_every_question_with_its_parameters(client):
    body = client.get("/questions").json
    assert [q["name"] for q in body["questions"]] == list(QUESTIONS)
    drone = next(q for q in body["questions"] if q["name"] == "drone-strike-blame")
    assert drone["parameters"][0]["default"] == "id:drone-attack-on-kadhimi-residence"
    page = parse_html(client.get("/questions", headers={"Accept": BROWSER_ACCEPT}).text)
    links = dict(page.find("ul", "question-index").links())
    assert {f"/questions/{name}" for name in QUESTIONS} == set(links)
    assert links["/questions/drone-strike-blame"] == QUESTIONS["drone-strike-blame"].title


# ---- every question, every format, the library's answer -------------------------------------


@pytest.mark.parametrize("name", LOCAL)
def test_json_answer_is_the_librarys(client, repo_engine, name):
    variables, rows = library_rows(repo_engine, name)
    body = client.get(f"/questions/{name}", headers={"Accept": "application/json"}).json
    assert body["head"]["vars"] == variables
    got = [tuple(_json_term(b[v]) if v in b else None for v in variables)
           for b in body["results"]["bindings"]]  # fmt: skip
    assert Counter(got) == Counter(rows)
    assert body["count"] == len(rows) and body["sparql"] == QUESTIONS[name].text


@pytest.mark.parametrize("name", LOCAL)
def test_csv_answer_is_the_librarys(client, repo_engine, name):
    variables, rows = library_rows(repo_engine, name)
    response = client.get(f"/questions/{name}?format=csv")
    assert response.mimetype == "text/csv"
    assert f'filename="{name}.csv"' in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.text)))
    assert table[0] == variables
    assert Counter(map(tuple, table[1:])) == Counter(tuple(map(_as_csv, r)) for r in rows)


@pytest.mark.parametrize("name", LOCAL)
def test_html_page_shows_the_librarys_rows_with_labels(client, repo_engine, name):
    _, rows = library_rows(repo_engine, name)
    response = client.get(f"/questions/{name}", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = parse_html(response.text)
    body_rows = page.find("table", "answers").find("tbody").find_all("tr")
    assert len(body_rows) == len(rows)
    assert page.find("p", "count").text.startswith(f"{len(rows)} row")
    for row in body_rows:  # labels, linked to our entity pages, never raw IRIs
        assert str(ID) not in row.text
        for href, _text in row.links():
            assert href.startswith("/id/")
    assert QUESTIONS[name].title == page.find("h1").text
    assert page.find("details", "sparql") is not None


@pytest.mark.parametrize("name", [n for n in LOCAL if EXAMPLES[n]])
def test_parameters_from_the_url_are_bound_as_the_library_binds_them(client, repo_engine, name):
    values = EXAMPLES[name]
    variables, rows = library_rows(repo_engine, name, values)
    body = client.get(f"/questions/{name}", query_string=values).json
    got = [tuple(_json_term(b[v]) if v in b else None for v in variables)
           for b in body["results"]["bindings"]]  # fmt: skip
    assert Counter(got) == Counter(rows)
    assert {p["name"]: p["value"] for p in body["parameters"] if p["value"]} == values


def test_drone_strike_page_names_who_was_blamed(client, repo_engine):
    _, rows = library_rows(repo_engine, "drone-strike-blame")
    page = parse_html(
        client.get("/questions/drone-strike-blame", headers={"Accept": BROWSER_ACCEPT}).text
    )
    table = page.find("table", "answers")
    # Source 000 para 1: the administration "blamed on PMU factions".
    assert ("/id/pmu-factions", "PMU factions") in table.links()
    quotes = [q.text for q in table.find_all("q", "quote")]
    assert len(quotes) == len(rows) and all(quotes)
    assert {s.text for s in table.find_all("span", "status")} <= {"Alleged", "Denied", "Claimed"}
    # The form shows the default, and the downloads keep what was asked.
    field = page.find("input")
    assert field.attrs["name"] == "event"
    assert field.attrs["placeholder"] == "id:drone-attack-on-kadhimi-residence"
    assert field.attrs["data-kind"] == "entity" and field.attrs["list"] == "suggest-event"


def test_downloads_keep_the_parameters(client):
    body = client.get("/questions/armed-wings", query_string={"party": "id:sciri"}).json
    csv_url = body["downloads"]["csv"]
    assert "party=id%3Asciri" in csv_url or "party=id:sciri" in csv_url
    table = list(csv.reader(io.StringIO(client.get(csv_url).text)))
    assert {row[table[0].index("wingName")] for row in table[1:]} == {"Badr Organization"}


# ---- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "id:drone-attack-on-kadhimi-residence } ?s ?p ?o {",
        "id:x } UNION { ?s ?p ?o",
        '"x" } DELETE WHERE { ?s ?p ?o',
        "?actor",
        "id:a ; ikg:status ikg:Reported",
        "id:a . <urn:s> <urn:p> <urn:o>",
        "<not an iri>",
        "[]",
        "plain words",
    ],
)
def test_a_value_that_is_not_one_term_is_400(client, value):
    response = client.get("/questions/drone-strike-blame", query_string={"event": value})
    assert response.status_code == 400
    assert response.json["error"] == "bad_parameter"
    assert response.json["message"].startswith("parameter event: ")
    page = client.get(
        "/questions/drone-strike-blame",
        query_string={"event": value},
        headers={"Accept": BROWSER_ACCEPT},
    )
    assert page.status_code == 400 and "parameter event" in page.text


def test_sparql_in_a_literal_binds_as_a_harmless_literal(client, repo_engine):
    # A literal that spells a query: bound as one string, it matches no subject, and the
    # query that ran is still the file's own (same variables, nothing added).
    sneaky = '"} UNION { ?st ?p ?actor } #"'
    body = client.get("/questions/drone-strike-blame", query_string={"event": sneaky}).json
    assert body["count"] == 0 and body["results"]["bindings"] == []
    assert body["bound"] == {"event": Literal("} UNION { ?st ?p ?actor } #").n3()}
    assert body["head"]["vars"] == library_rows(repo_engine, "drone-strike-blame")[0]


def test_unknown_parameter_and_unknown_question(client):
    response = client.get("/questions/drone-strike-blame", query_string={"evnt": "id:x"})
    assert response.status_code == 400 and "evnt" in response.json["message"]
    assert client.get("/questions/no-such-question").status_code == 404
    page = client.get("/questions/no-such-question", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert client.get("/questions/armed-wings?format=xml").status_code == 406


def test_bindings_are_part_of_the_cache_key(repo_engine):
    app = create_app(EndpointSettings(), repo_engine, {"questions": QUESTIONS})
    client = app.test_client()
    everyone = client.get("/questions/armed-wings").json["count"]
    one = client.get("/questions/armed-wings", query_string={"party": "id:sciri"}).json["count"]
    again = client.get("/questions/armed-wings", query_string={"party": "id:sciri"}).json
    assert one == again["count"] == 1 and everyone > 1
    assert app.extensions["iraqkg"].executor.status()["cache"]["hits"] >= 1


# ---- the editor's examples (regression: they ran without their defaults) --------------------


def _examples(client) -> dict[str, str]:
    page = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT}).text
    data = re.search(r'id="named-queries-data">(.*?)</script>', page, re.S).group(1)
    return dict(json.loads(data))


@pytest.mark.parametrize("name", ["drone-strike-blame", "badr-network", "entity-profile"])
def test_examples_run_with_their_defaults_as_the_cli_does(client, repo_engine, name):
    _, rows = library_rows(repo_engine, name)  # the CLI's answer: defaults applied
    text = _examples(client)[name]
    answer = client.post(
        "/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}
    ).json
    assert len(answer["results"]["bindings"]) == len(rows)
    got = [tuple(_json_term(b[v]) if v in b else None for v in answer["head"]["vars"])
           for b in answer["results"]["bindings"]]  # fmt: skip
    assert Counter(got) == Counter(rows)


def test_every_example_is_a_standalone_query_that_runs(client):
    for name, text in _examples(client).items():
        if name not in LOCAL:
            continue
        response = client.post("/sparql", data={"query": text, "format": "json"})
        assert response.status_code == 200, (name, response.json)


# ---- the endpoint: shared links, predefined prefixes ---------------------------------------


QUERY = "SELECT * { ?s ikg:armedWingOf ?o }"


def test_a_browser_opening_a_query_link_gets_the_editor_with_it(client):
    response = client.get("/sparql", query_string={"query": QUERY},
                          headers={"Accept": BROWSER_ACCEPT})  # fmt: skip
    assert response.status_code == 200 and response.mimetype == "text/html"
    config = json.loads(
        re.search(r'id="editor-config">(.*?)</script>', response.text, re.S).group(1)
    )
    assert config["query"] == QUERY and config["prefixes"] == PREFIXES
    assert "http" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "application/sparql-results+json,application/json,text/javascript",  # SPARQLWrapper
        "application/sparql-results+json, text/html;q=0.5",
    ],
)
def test_sparql_clients_keep_getting_results(client, accept):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": QUERY}, headers=headers)
    assert response.status_code == 200 and response.mimetype != "text/html"


def test_query_without_prefix_lines_answers(client, repo_engine):
    expected = repo_engine.query(QUERY).rows
    assert expected  # source 000 para 26: Badr is SCIRI's armed wing
    body = client.get("/sparql", query_string={"query": QUERY, "format": "json"}).json
    assert len(body["results"]["bindings"]) == len(expected)


def test_service_description_and_editor_list_the_predefined_prefixes(client):
    turtle = client.get("/sparql", headers={"Accept": "text/turtle"}).text
    graph = Graph().parse(data=turtle, format="turtle")
    declared = {
        str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
        for d in graph.objects(None, SH.declare)
    }
    assert declared == PREFIXES
    assert client.get("/sparql/prefixes.json").json == PREFIXES
    page = parse_html(client.get("/sparql", headers={"Accept": BROWSER_ACCEPT}).text)
    listed = page.find("details", "prefixes")
    assert all(f"{p}:" in listed.text and ns in listed.text for p, ns in PREFIXES.items())


def test_bindings_travel_to_query_worker_processes(built_dataset_file, repo_engine):
    from endpoint_helpers import make_pool_app

    settings = EndpointSettings(workers=1, cache_bytes=0)
    app = make_pool_app(settings, [built_dataset_file], {"questions": QUESTIONS})
    try:
        client = app.test_client()
        for values in ({}, {"party": "id:sciri"}):
            _, rows = library_rows(repo_engine, "armed-wings", values)
            body = client.get("/questions/armed-wings", query_string=values).json
            assert body["count"] == len(rows)
        bad = client.get("/questions/armed-wings", query_string={"party": "} DROP ALL {"})
        assert bad.status_code == 400
    finally:
        app.extensions["iraqkg"].close()
