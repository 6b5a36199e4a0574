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
from browser import Chromium, chromium_binary
from endpoint_helpers import live_server

from iraqkg.queries import load_named_queries
from iraqkg.settings import EndpointSettings
from iraqkg.web import create_app

pytestmark = pytest.mark.skipif(chromium_binary() is None, reason="chromium is not installed")

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = load_named_queries(REPO / "queries")
ROWS = "document.querySelectorAll('.yasr table.dataTable tbody tr').length"


@pytest.fixture(scope="module")
def base(repo_engine):
    app = create_app(EndpointSettings(), repo_engine, {"build_id": "test", "questions": QUESTIONS})
    with live_server(app, EndpointSettings()) as sparql_url:
        yield sparql_url.rsplit("/", 1)[0]


@pytest.fixture()
def page(tmp_path, base):
    """A desktop-size page; afterwards, nothing came from another host, nothing was blocked
    by the page's policy, no script failed."""
    with Chromium(tmp_path / "profile") as chromium:
        page = chromium.new_page()
        yield page
        assert page.problems(base) == []


def _library_count(engine, name: str, values: dict[str, str] | None = None) -> int:
    bound = QUESTIONS[name].bind(values)
    return len(engine.query(bound.text, bindings=bound.as_dict()).rows)


def test_drone_strike_question_shows_the_rows_the_cli_gives(page, base, repo_engine, tmp_path):
    expected = _library_count(repo_engine, "drone-strike-blame")
    page.goto(f"{base}/questions/drone-strike-blame")
    rows = page.evaluate("document.querySelectorAll('table.answers tbody tr').length")
    assert rows == expected
    count = page.evaluate("document.getElementById('row-count').textContent")
    assert count.strip().startswith(f"{expected} rows")
    links = page.evaluate(
        "[...document.querySelectorAll('table.answers a')].map(a => a.getAttribute('href'))"
    )
    assert links and all(href.startswith("/id/") for href in links)
    page.screenshot("question-drone-strike-blame.png")


def test_question_form_binds_what_is_typed(page, base, repo_engine):
    expected = _library_count(repo_engine, "armed-wings", {"party": "id:sciri"})
    page.goto(f"{base}/questions/armed-wings")
    page.evaluate(
        "document.getElementById('param-party').value = 'id:sciri';"
        "document.querySelector('form.parameters').submit(); true"
    )
    page.wait_for("location.search.includes('party=id%3Asciri')")
    page.wait_for("document.readyState === 'complete'")
    rows = page.evaluate("document.querySelectorAll('table.answers tbody tr').length")
    assert rows == expected == 1
    page.screenshot("question-armed-wings-sciri.png")


def test_question_page_on_a_phone(tmp_path, base):
    with Chromium(tmp_path / "phone") as chromium:
        phone = chromium.new_page(width=390, height=844)
        phone.goto(f"{base}/questions/badr-network")
        # The page never scrolls sideways: the table and the SPARQL scroll in their boxes.
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= phone.evaluate("window.innerWidth")
        phone.screenshot("question-badr-network-phone.png")
        assert phone.problems(base) == []


def test_editor_runs_a_query_without_prefix_lines(page, base, repo_engine):
    query = "SELECT ?wing ?party { ?wing ikg:armedWingOf ?party }"
    expected = len(repo_engine.query(query).rows)
    assert expected >= 2  # source 000 paras 26 and 29
    page.goto(f"{base}/sparql")
    page.wait_for("!!(window.iraqkgEditor && window.iraqkgEditor.getTab())")
    page.evaluate(
        f"const tab = window.iraqkgEditor.getTab(); tab.setQuery({json.dumps(query)});"
        "document.querySelector('.yasqe_queryButton').click(); true"
    )
    assert page.wait_for(f"{ROWS} > 0 && {ROWS}") == expected
    marks = page.evaluate("document.querySelectorAll('.yasqe .CodeMirror-lint-marker-error,"
                             " .yasqe .parseErrorIcon').length")  # fmt: skip
    assert marks == 0  # the predefined prefixes are not marked as undeclared
    page.screenshot("editor-no-prefix-lines.png")


def test_shared_link_opens_the_editor_loaded_and_run(page, base, repo_engine):
    query = (
        "SELECT ?who ?name {\n  ?who ikg:leaderOf id:badr-organization ; skos:prefLabel ?name\n}"
    )
    expected = len(repo_engine.query(query).rows)
    page.goto(f"{base}/sparql?{urlencode({'query': query})}")
    assert page.wait_for(f"{ROWS} > 0 && {ROWS}") == expected
    assert page.evaluate("window.iraqkgEditor.getTab().getQuery()") == query
    page.screenshot("editor-shared-link.png")
    # Followed again, the link reuses its tab; an entity in the results opens our page.
    page.goto(f"{base}/sparql?{urlencode({'query': query})}")
    page.wait_for(f"{ROWS} > 0")
    names = page.evaluate("Object.values(window.iraqkgEditor._tabs).map(t => t.getName())")
    assert names.count("Shared query") == 1
    # A real click, waiting for the page it opens (the h1 read before it loads was a flake).
    page.click(".tabPanel.active .yasr a[href^='https://w3id.org/']", navigates=True)
    assert page.evaluate("location.pathname").startswith("/id/")
    assert page.evaluate("document.querySelector('h1').textContent")


def test_errors_read_as_one_line_with_the_parser_detail_behind(page, base):
    query = "SELECT * {\n  ?s foo:bar ?o }"
    page.goto(f"{base}/sparql?{urlencode({'query': query})}")
    line = page.wait_for("document.querySelector('.iraqkg-error .one-line')?.textContent")
    column = query.split("\n")[1].index("foo:") + 1  # where the undeclared prefix starts
    assert line == f"line 2, column {column}: prefix foo is not declared"
    detail = page.evaluate("document.querySelector('.iraqkg-error details pre').textContent")
    assert "error" in detail and detail != line
    page.screenshot("editor-error.png")


@pytest.mark.parametrize("name", ["drone-strike-blame", "badr-network"])
def test_example_picker_loads_a_named_query_with_its_defaults(page, base, repo_engine, name):
    expected = _library_count(repo_engine, name)
    page.goto(f"{base}/sparql")
    page.wait_for("!!(window.iraqkgEditor && window.iraqkgEditor.getTab())")
    index = list(QUESTIONS).index(name)
    page.evaluate(
        f"const picker = document.getElementById('named-queries'); picker.value = '{index}';"
        "picker.dispatchEvent(new Event('change')); true"
    )
    page.wait_for(f"window.iraqkgEditor.getTab().getName() === '{name}'")
    # The table pages at 50 rows: read the count YASR reports.
    shown = page.wait_for(
        "[...document.querySelectorAll('.yasr_response_chip')].map(e => e.textContent)"
        ".join(' ').match(/(\\d+) results? in/)?.[1]"
    )
    assert int(shown) == expected
    page.screenshot(f"editor-example-{name}.png")


def test_entity_field_suggests_names_as_you_type(page, base, repo_engine):
    expected = _library_count(repo_engine, "drone-strike-blame")
    page.goto(f"{base}/questions/drone-strike-blame")
    page.evaluate(
        "const field = document.getElementById('param-event'); field.value = 'drone attack';"
        "field.dispatchEvent(new Event('input')); true"
    )
    values = page.wait_for(
        "[...document.querySelectorAll('#suggest-event option')].map(o => o.value)"
    )
    # The search service's hit, written as the field takes it: id:name.
    assert "id:drone-attack-on-kadhimi-residence" in values
    page.evaluate(
        "document.getElementById('param-event').value = 'id:drone-attack-on-kadhimi-residence';"
        "document.querySelector('form.parameters').submit(); true"
    )
    page.wait_for("location.search.includes('event=')")
    page.wait_for("document.readyState === 'complete'")
    rows = page.evaluate("document.querySelectorAll('table.answers tbody tr').length")
    assert rows == expected
