"""The question pages and the SPARQL editor in a real browser (headless Chromium).

Expected rows are the library's, computed here, never written down. Each test leaves a
screenshot in the test output (browser.OUTPUT: build/test-output/ or IRAQKG_TEST_OUTPUT),
and checks that the page fetched nothing from any host but the server under test.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from browser import Browser, chromium
from endpoint_helpers import live_server

from iraqkg.queries import load_named_queries
from iraqkg.settings import EndpointSettings
from iraqkg.web import create_app

pytestmark = pytest.mark.skipif(chromium() is None, reason="chromium is not installed")

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = load_named_queries(REPO / "queries")
ROWS = "document.querySelectorAll('.yasr table.dataTable tbody tr').length"


@pytest.fixture(scope="module")
def base(repo_engine):
    app = create_app(EndpointSettings(), repo_engine, {"build_id": "test", "questions": QUESTIONS})
    with live_server(app, EndpointSettings()) as sparql_url:
        yield sparql_url.rsplit("/", 1)[0]


@pytest.fixture()
def browser(tmp_path, base):
    with Browser(tmp_path / "profile") as opened:
        yield opened
        outside = [
            url for url in opened.requests
            if not url.startswith((base, "data:", "about:", "blob:"))
        ]  # fmt: skip
        assert outside == [], "the page fetched from another host"
        blocked = [entry for entry in opened.log if "Content Security Policy" in entry]
        assert blocked == [], "the page's policy blocked part of it"
        assert not [e for e in opened.console if e.startswith("exception")], opened.console


def _library_count(engine, name: str, values: dict[str, str] | None = None) -> int:
    bound = QUESTIONS[name].bind(values)
    return len(engine.query(bound.text, bindings=bound.as_dict()).rows)


def test_drone_strike_question_shows_the_rows_the_cli_gives(browser, base, repo_engine, tmp_path):
    expected = _library_count(repo_engine, "drone-strike-blame")
    browser.open(f"{base}/questions/drone-strike-blame")
    rows = browser.evaluate("document.querySelectorAll('table.answers tbody tr').length")
    assert rows == expected
    count = browser.evaluate("document.getElementById('row-count').textContent")
    assert count.strip().startswith(f"{expected} rows")
    links = browser.evaluate(
        "[...document.querySelectorAll('table.answers a')].map(a => a.getAttribute('href'))"
    )
    assert links and all(href.startswith("/id/") for href in links)
    browser.screenshot("question-drone-strike-blame.png")


def test_question_form_binds_what_is_typed(browser, base, repo_engine):
    expected = _library_count(repo_engine, "armed-wings", {"party": "id:sciri"})
    browser.open(f"{base}/questions/armed-wings")
    browser.evaluate(
        "document.getElementById('param-party').value = 'id:sciri';"
        "document.querySelector('form.parameters').submit(); true"
    )
    browser.wait_for("location.search.includes('party=id%3Asciri')")
    browser.wait_for("document.readyState === 'complete'")
    rows = browser.evaluate("document.querySelectorAll('table.answers tbody tr').length")
    assert rows == expected == 1
    browser.screenshot("question-armed-wings-sciri.png")


def test_question_page_on_a_phone(tmp_path, base):
    with Browser(tmp_path / "phone", width=390, height=844) as phone:
        phone.open(f"{base}/questions/badr-network")
        # The page never scrolls sideways: the table and the SPARQL scroll in their boxes.
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= phone.evaluate("window.innerWidth")
        phone.screenshot("question-badr-network-phone.png")


def test_editor_runs_a_query_without_prefix_lines(browser, base, repo_engine):
    query = "SELECT ?wing ?party { ?wing ikg:armedWingOf ?party }"
    expected = len(repo_engine.query(query).rows)
    assert expected >= 2  # source 000 paras 26 and 29
    browser.open(f"{base}/sparql")
    browser.wait_for("!!(window.iraqkgEditor && window.iraqkgEditor.getTab())")
    browser.evaluate(
        f"const tab = window.iraqkgEditor.getTab(); tab.setQuery({json.dumps(query)});"
        "document.querySelector('.yasqe_queryButton').click(); true"
    )
    assert browser.wait_for(f"{ROWS} > 0 && {ROWS}") == expected
    marks = browser.evaluate("document.querySelectorAll('.yasqe .CodeMirror-lint-marker-error,"
                             " .yasqe .parseErrorIcon').length")  # fmt: skip
    assert marks == 0  # the predefined prefixes are not marked as undeclared
    browser.screenshot("editor-no-prefix-lines.png")


def test_shared_link_opens_the_editor_loaded_and_run(browser, base, repo_engine):
    query = (
        "SELECT ?who ?name {\n  ?who ikg:leaderOf id:badr-organization ; skos:prefLabel ?name\n}"
    )
    expected = len(repo_engine.query(query).rows)
    browser.open(f"{base}/sparql?{urlencode({'query': query})}")
    assert browser.wait_for(f"{ROWS} > 0 && {ROWS}") == expected
    assert browser.evaluate("window.iraqkgEditor.getTab().getQuery()") == query
    browser.screenshot("editor-shared-link.png")
    # Followed again, the link reuses its tab; an entity in the results opens our page.
    browser.open(f"{base}/sparql?{urlencode({'query': query})}")
    browser.wait_for(f"{ROWS} > 0")
    names = browser.evaluate("Object.values(window.iraqkgEditor._tabs).map(t => t.getName())")
    assert names.count("Shared query") == 1
    browser.evaluate("document.querySelector('.yasr a[href^=\"https://w3id.org/\"]').click(); true")
    browser.wait_for("location.pathname.startsWith('/id/')")
    assert browser.evaluate("document.querySelector('h1').textContent")


def test_errors_read_as_one_line_with_the_parser_detail_behind(browser, base):
    query = "SELECT * {\n  ?s foo:bar ?o }"
    browser.open(f"{base}/sparql?{urlencode({'query': query})}")
    line = browser.wait_for("document.querySelector('.iraqkg-error .one-line')?.textContent")
    column = query.split("\n")[1].index("foo:") + 1  # where the undeclared prefix starts
    assert line == f"line 2, column {column}: prefix foo is not declared"
    detail = browser.evaluate("document.querySelector('.iraqkg-error details pre').textContent")
    assert "error" in detail and detail != line
    browser.screenshot("editor-error.png")


@pytest.mark.parametrize("name", ["drone-strike-blame", "badr-network"])
def test_example_picker_loads_a_named_query_with_its_defaults(browser, base, repo_engine, name):
    expected = _library_count(repo_engine, name)
    browser.open(f"{base}/sparql")
    browser.wait_for("!!(window.iraqkgEditor && window.iraqkgEditor.getTab())")
    index = list(QUESTIONS).index(name)
    browser.evaluate(
        f"const picker = document.getElementById('named-queries'); picker.value = '{index}';"
        "picker.dispatchEvent(new Event('change')); true"
    )
    browser.wait_for(f"window.iraqkgEditor.getTab().getName() === '{name}'")
    # The table pages at 50 rows: read the count YASR reports.
    shown = browser.wait_for(
        "[...document.querySelectorAll('.yasr_response_chip')].map(e => e.textContent)"
        ".join(' ').match(/(\\d+) results? in/)?.[1]"
    )
    assert int(shown) == expected
    browser.screenshot(f"editor-example-{name}.png")


def test_entity_field_suggests_names_as_you_type(browser, base, repo_engine):
    expected = _library_count(repo_engine, "drone-strike-blame")
    browser.open(f"{base}/questions/drone-strike-blame")
    browser.evaluate(
        "const field = document.getElementById('param-event'); field.value = 'drone attack';"
        "field.dispatchEvent(new Event('input')); true"
    )
    values = browser.wait_for(
        "[...document.querySelectorAll('#suggest-event option')].map(o => o.value)"
    )
    # The search service's hit, written as the field takes it: id:name.
    assert "id:drone-attack-on-kadhimi-residence" in values
    browser.evaluate(
        "document.getElementById('param-event').value = 'id:drone-attack-on-kadhimi-residence';"
        "document.querySelector('form.parameters').submit(); true"
    )
    browser.wait_for("location.search.includes('event=')")
    browser.wait_for("document.readyState === 'complete'")
    rows = browser.evaluate("document.querySelectorAll('table.answers tbody tr').length")
    assert rows == expected
