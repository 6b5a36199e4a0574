"""End to end in headless Chromium: a person types "Khadimi" (a spelling source 002 uses) in
the home page's search box and lands on Mustafa al-Kadhimi's page, by the suggestion list and
by the results page. Screenshots go to the test output (browser.OUTPUT: build/test-output/ or
IRAQKG_TEST_OUTPUT); no page fetches from another host, breaks its policy or throws.
"""

from __future__ import annotations

import pytest
from browser import Chromium, chromium_binary
from endpoint_helpers import live_server
from page_helpers import make_app

from iraqkg.settings import EndpointSettings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium_binary() is None, reason="chromium is not installed"),
]

KADHIMI = "/id/mustafa-al-kadhimi"
# Nothing wider than the screen (a mobile layout viewport grows to fit wide content, so
# innerWidth would follow it; clientWidth stays the device width).
FITS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
# The suggestion list shows the answer for the whole word typed (not an earlier prefix).
SUGGESTED = (
    "(l => !l.hidden && l.dataset.q === 'Khadimi')(document.querySelector('#search-suggestions'))"
)


@pytest.fixture(scope="module")
def base_url(repo_engine, built_dataset_file):
    app = make_app(repo_engine, [built_dataset_file])
    with live_server(app, EndpointSettings()) as sparql_url:
        yield sparql_url.rsplit("/", 1)[0]


def test_typing_khadimi_and_enter_then_the_first_hit_opens_kadhimi(base_url, tmp_path):
    with Chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        shots = []
        page.goto(base_url + "/")
        assert page.evaluate("document.querySelector('h1').textContent").startswith("Iraq")
        page.type("#search-q", "Khadimi")
        page.wait_for(SUGGESTED)
        shots.append(page.screenshot("home-typed-khadimi.png"))
        page.key("Enter", navigates=True)  # no suggestion chosen: the form submits
        assert page.evaluate("location.pathname") == "/search"
        assert page.evaluate("new URLSearchParams(location.search).get('q')") == "Khadimi"
        first = page.evaluate("document.querySelector('li.hit a.hit-label').textContent")
        assert first == "Mustafa al-Kadhimi"
        shots.append(page.screenshot("search-khadimi.png"))
        page.click("li.hit a.hit-label", navigates=True)
        assert page.evaluate("location.pathname") == KADHIMI
        assert page.evaluate("document.querySelector('h1').textContent") == "Mustafa al-Kadhimi"
        shots.append(page.screenshot("entity-kadhimi.png"))
        assert page.problems(base_url) == []
    assert all(p.stat().st_size > 5000 for p in shots)


def test_choosing_the_suggestion_on_a_phone_opens_kadhimi(base_url, tmp_path):
    with Chromium(tmp_path / "profile") as browser:
        page = browser.new_page(width=390, height=844, mobile=True)
        page.goto(base_url + "/")
        page.type("#search-q", "Khadimi")
        page.wait_for(SUGGESTED)
        names = page.evaluate(
            "[...document.querySelectorAll('#search-suggestions li a')].map(a => a.textContent)"
        )
        assert names[0] == "Mustafa al-Kadhimi"
        assert page.evaluate(FITS)
        page.screenshot("home-phone-suggestions.png")
        page.key("ArrowDown")
        page.key("Enter", navigates=True)
        assert page.evaluate("location.pathname") == KADHIMI
        page.screenshot("entity-kadhimi-phone.png")
        assert page.problems(base_url) == []


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("home", "/"),
        ("search", "/search?q=Kata%27ib"),
        ("vocabulary", "/ontology#armedWingOf"),
        ("preview", "/reconcile/preview?id=kataib-hezbollah"),
    ],
)
def test_pages_fit_a_phone(base_url, tmp_path, name, path):
    with Chromium(tmp_path / "profile") as browser:
        page = browser.new_page(width=390, height=844, mobile=True)
        page.goto(base_url + path)
        assert page.evaluate(FITS), name
        assert page.evaluate("document.body.innerText.length") > 50
        page.screenshot(f"{name}-phone.png")
        assert page.problems(base_url) == []
