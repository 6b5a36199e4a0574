"""The editor's Chart tab (static/editor-chart.js on the vendored Chart.js) in headless Chromium.

A query is run in the editor, the Chart tab chosen with a real click, and what the chart
holds (the Chart.js instance's data and the bars it laid out) compared with what the same
query gives through the API and the library. Screenshots go to the test output
(browser.OUTPUT); no page fetches from another host, breaks its policy or throws.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from browser import Chromium, chromium_binary
from endpoint_helpers import live_server
from rdflib import Literal, URIRef

from iraqkg.engines.jsonld import compact
from iraqkg.settings import EndpointSettings
from iraqkg.web import create_app

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium_binary() is None, reason="chromium is not installed"),
]

ROWS = "document.querySelectorAll('.yasr table.dataTable tbody tr').length"
PLUGIN = "window.iraqkgEditor.getTab().getYasr().plugins.chart"
CHART = f"{PLUGIN}.chart"
SHOWN = 40  # editor-chart.js MAX_SHOWN: bars drawn at most
XSD_DATES = {
    URIRef(f"http://www.w3.org/2001/XMLSchema#{name}")
    for name in ("date", "dateTime", "gYear", "gYearMonth")
}
PER_SOURCE = """SELECT ?source (COUNT(?st) AS ?statements) WHERE {
  ?st a ikg:Statement ; ikg:source ?source .
}
GROUP BY ?source
ORDER BY ?source"""


@pytest.fixture(scope="module")
def base(repo_engine):
    app = create_app(EndpointSettings(), repo_engine, {"build_id": "test"})
    with live_server(app, EndpointSettings()) as sparql_url:
        yield sparql_url.rsplit("/", 1)[0]


@pytest.fixture()
def page(tmp_path, base):
    with Chromium(tmp_path / "profile") as chromium:
        opened = chromium.new_page()
        yield opened
        assert opened.problems(base) == []


def _api_rows(base: str, query: str) -> list[dict]:
    """The query's bindings as the endpoint answers a SPARQL client (loopback only)."""
    request = urllib.request.Request(
        f"{base}/sparql",
        data=urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["results"]["bindings"]


def _run_and_chart(page, base: str, query: str) -> None:
    """Open the editor on ``query`` (a shared link runs it), then click the Chart tab."""
    page.goto(f"{base}/sparql?{urlencode({'query': query})}")
    page.wait_for(f"{ROWS} > 0")
    page.click(".tabPanel.active .yasr button.select_chart")
    page.wait_for(f"!!{CHART} || !!document.querySelector('.iraqkg-chart-message')")


def _as_line_chart(page) -> None:
    """Choose "line" in the chart's type menu and wait for it to be drawn."""
    page.evaluate(
        "const field = document.querySelector('.iraqkg-chart-controls select');"
        "field.value = 'line'; field.dispatchEvent(new Event('change')); true"
    )
    page.wait_for(f"{CHART}?.config.type === 'line'")


def test_chart_has_one_bar_per_source_with_the_counts_of_the_api(page, base, repo_engine):
    library = [(compact(str(s)), int(n)) for s, n in repo_engine.query(PER_SOURCE).rows]
    api = [(compact(b["source"]["value"]), int(b["statements"]["value"])) for b in
           _api_rows(base, PER_SOURCE)]  # fmt: skip
    assert api == library and len(library) >= 2
    _run_and_chart(page, base, PER_SOURCE)
    assert page.evaluate(f"{CHART}.config.type") == "bar"
    labels = page.evaluate(f"{CHART}.data.labels")
    values = page.evaluate(f"{CHART}.data.datasets[0].data")
    assert list(zip(labels, values, strict=True)) == library
    assert all(label.startswith("id:") for label in labels)  # shortened with our prefixes
    # The bars laid out on the canvas: one per source, each as tall as its count.
    heights = page.evaluate(f"{CHART}.getDatasetMeta(0).data.map(bar => bar.base - bar.y)")
    assert len(heights) == len(library)
    tallest = max(range(len(values)), key=values.__getitem__)
    assert heights[tallest] == max(heights) > 0
    for height, value in zip(heights, values, strict=True):
        assert height == pytest.approx(heights[tallest] * value / values[tallest], rel=0.02)
    assert page.evaluate("document.querySelector('.iraqkg-chart canvas').width") > 300
    assert page.evaluate("document.querySelectorAll('.iraqkg-chart-note').length") == 0
    page.screenshot("editor-chart-statements-per-source.png")
    # The download button gives what is charted, as CSV.
    csv = page.evaluate(f"{PLUGIN}.download('q').getData()")
    lines = [f'"{label}",{count}' for label, count in library]
    assert csv.splitlines() == ['"source","statements"', *lines]
    # As a pie: one slice per source, each its own colour, with a legend.
    page.evaluate(
        "const field = document.querySelector('.iraqkg-chart-controls select');"
        "field.value = 'pie'; field.dispatchEvent(new Event('change')); true"
    )
    page.wait_for(f"{CHART}?.config.type === 'pie'")
    assert page.evaluate(f"{CHART}.data.datasets[0].data") == [n for _, n in library]
    assert page.evaluate(f"{CHART}.getDatasetMeta(0).data.length") == len(library)
    colours = page.evaluate(f"{CHART}.getDatasetMeta(0).data.map(s => s.options.backgroundColor)")
    assert len(set(colours)) == len(library)
    assert page.evaluate("document.querySelectorAll('.iraqkg-chart canvas').length") == 1
    page.screenshot("editor-chart-pie.png")


def test_chart_of_a_result_without_numbers_says_so(page, base, repo_engine):
    query = "SELECT ?wing ?party { ?wing ikg:armedWingOf ?party }"
    assert repo_engine.query(query).rows  # rows, none of them numbers
    _run_and_chart(page, base, query)
    message = page.wait_for("document.querySelector('.iraqkg-chart-message')?.textContent")
    assert message.startswith("No column of numbers to chart")
    assert page.evaluate(f"{CHART}") is None
    assert page.evaluate("document.querySelectorAll('.iraqkg-chart canvas').length") == 0
    page.screenshot("editor-chart-no-numbers.png")
    # The table is still one click away, with every row.
    page.click(".tabPanel.active .yasr button.select_table")
    assert page.wait_for(ROWS) == len(repo_engine.query(query).rows)


def test_many_rows_are_capped_and_the_chart_says_so(page, base, repo_engine):
    query = "SELECT ?st (STRLEN(?quote) AS ?length) { ?st ikg:quote ?quote } ORDER BY ?st"
    rows = repo_engine.query(query).rows
    assert len(rows) > SHOWN
    _run_and_chart(page, base, query)
    labels = page.evaluate(f"{CHART}.data.labels")
    assert labels == [compact(str(st)) for st, _ in rows[:SHOWN]]
    assert all(label.startswith("st:") for label in labels)
    assert page.evaluate(f"{CHART}.getDatasetMeta(0).data.length") == SHOWN
    note = page.evaluate("document.querySelector('.iraqkg-chart-note').textContent")
    assert note.startswith(f"Showing the first {SHOWN} of {len(rows)} rows")
    page.screenshot("editor-chart-capped.png")


def test_rows_without_a_number_are_left_out_and_counted(page, base, repo_engine):
    query = """SELECT ?source ?date (COUNT(?st) AS ?n) WHERE {
  ?source a ikg:SourceDocument .
  OPTIONAL { ?source dcterms:date ?date }
  OPTIONAL { ?st ikg:source ?source ; ikg:status ikg:Denied }
}
GROUP BY ?source ?date
ORDER BY ?source"""
    rows = repo_engine.query(query).rows
    _run_and_chart(page, base, query)
    # ?date is not a number: the counts are charted by source, every source a bar.
    assert page.evaluate(f"{CHART}.data.labels") == [compact(str(r[0])) for r in rows]
    assert page.evaluate(f"{CHART}.data.datasets[0].data") == [int(r[2]) for r in rows]
    labels = page.evaluate(
        "[...document.querySelectorAll('.iraqkg-chart-controls select')].map(s => s.value)"
    )
    assert labels == ["bar", "source", "n"]
    # Values from one row to the next: a VALUES block with one row unbound.
    query = 'SELECT ?x ?n { VALUES (?x ?n) { ("a" 1) ("b" UNDEF) ("c" 3) } }'
    unbound = sum(1 for r in repo_engine.query(query).rows if r[1] is None)
    _run_and_chart(page, base, query)
    assert page.evaluate(f"{CHART}.data.labels") == ["a", "c"]
    note = page.evaluate("document.querySelector('.iraqkg-chart-note').textContent")
    assert note == f"{unbound} row without a number in ?n left out." and unbound == 1


def _epoch_ms(value: Literal) -> int:
    """Where a date of any precision sits on the time axis: its first day, UTC."""
    text = str(value)
    year, month, day = (text.split("-") + ["1", "1"])[:3]
    return int((date(int(year), int(month), int(day[:2])) - date(1970, 1, 1)).days * 86_400_000)


def _year(ms: int) -> int:
    return (date(1970, 1, 1) + timedelta(milliseconds=ms)).year


def test_line_chart_puts_dates_on_a_time_axis_in_order(page, base, repo_engine):
    query = "SELECT ?date (COUNT(?event) AS ?events) { ?event ikg:date ?date } GROUP BY ?date"
    every_row = repo_engine.query(query).rows
    rows = [r for r in every_row if r[0].datatype in XSD_DATES]
    assert len({r[0].datatype for r in rows}) >= 2  # mixed precision: years, days...
    everything = sorted((_epoch_ms(d), int(n)) for d, n in rows)
    _run_and_chart(page, base, query)
    _as_line_chart(page)
    assert page.evaluate(f"{CHART}.scales.x.type") == "linear"
    points = [
        tuple(p) for p in page.evaluate(f"{CHART}.data.datasets[0].data.map(p => [p.x, p.y])")
    ]
    # The earliest dates, in time order, as many as are drawn; none left out is earlier.
    assert len(points) == min(SHOWN, len(rows))
    assert [x for x, _ in points] == [x for x, _ in everything[: len(points)]]
    left_out = list(everything)
    for point in points:
        left_out.remove(point)  # each drawn point is one of the library's rows
    assert all(x >= points[-1][0] for x, _ in left_out)
    xs = page.evaluate(f"{CHART}.getDatasetMeta(0).data.map(p => p.x)")
    assert xs == sorted(xs) and xs[0] < xs[-1]  # drawn left to right
    # Decades of dates: one tick a year (or every few), on 1 January, around every point.
    ticks = page.evaluate(f"{CHART}.scales.x.ticks.map(t => new Date(t.value).toISOString())")
    assert len(ticks) >= 3 and all(t[4:10] == "-01-01" for t in ticks)
    first, last = (int(t[:4]) for t in (ticks[0], ticks[-1]))
    years = [_year(x) for x, _ in points]
    assert first <= min(years) < max(years) < last
    notes = page.evaluate(
        "[...document.querySelectorAll('.iraqkg-chart-note')].map(p => p.textContent)"
    )
    capped = [f"Showing the first {SHOWN} of {len(rows)} rows; the table has them all."]
    periods = len(every_row) - len(rows)  # ikg:period values ("after 2021") have no place
    undated = f"{periods} row{'s' if periods != 1 else ''} without a plain XSD date in ?date"
    assert notes == (capped if len(rows) > SHOWN else []) + (
        [f"{undated} (a period, or none) left out of the time axis."] if periods else []
    )
    page.screenshot("editor-chart-line-dates.png")


def test_periods_do_not_outvote_the_dates_of_a_time_axis(page, base) -> None:
    # Regression: once the data held more ikg:period values than dates, the events' dates
    # were drawn as categories. Two dates among three periods still make a time axis.
    query = (
        'SELECT ?when ?n { VALUES (?when ?n) { ("2020-05-01"^^xsd:date 1) ("2021"^^xsd:gYear 2)'
        ' ("after 2020"^^ikg:period 3) ("by 2021"^^ikg:period 4) ("late 2021"^^ikg:period 5) } }'
    )
    _run_and_chart(page, base, query)
    _as_line_chart(page)
    assert page.evaluate(f"{CHART}.scales.x.type") == "linear"
    xs = page.evaluate(f"{CHART}.data.datasets[0].data.map(p => p.x)")
    assert xs == [_epoch_ms(Literal("2020-05-01")), _epoch_ms(Literal("2021"))]


def test_chart_fits_a_phone(tmp_path, base):
    with Chromium(tmp_path / "phone") as chromium:
        phone = chromium.new_page(width=390, height=844)
        _run_and_chart(phone, base, PER_SOURCE)
        assert phone.evaluate(f"{CHART}.width") <= 390
        fits = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        assert phone.evaluate(fits)
        phone.screenshot("editor-chart-phone.png")
        assert phone.problems(base) == []
