"""The fast lane (fast_lane.py): a query a worker answered cheaply runs in the server
process when asked again. It must answer exactly as the workers do, learn only what it may
(cheap, successful, data-only), and never stand between a probe and a worker."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace

import pytest
from endpoint_helpers import MINI, live_server, make_pool_app
from test_query_lane import PATHOLOGICAL, QUERIES, parsed, request

from iraqkg.settings import EndpointSettings
from iraqkg.web import close_app
from iraqkg.web.fast_lane import FastLane, lane_key
from iraqkg.web.pool import ProcessPool
from iraqkg.web.state import EXTENSION
from iraqkg.web.tasks import Task

BASE = EndpointSettings(workers=1, query_timeout=4, cache_bytes=0, http_server="granian")


def _lane(app) -> FastLane:
    executor = app.extensions[EXTENSION].executor
    while not isinstance(executor, FastLane):
        executor = executor._inner
    return executor


def _wait_open(app, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not _lane(app).status()["fast_lane"]["open"]:
        assert time.monotonic() < deadline, "the fast lane's engine did not open"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def lane_and_pool():
    """Two servers over the same data: fast lane on (the default) and off."""
    on = make_pool_app(BASE, [MINI])
    off = make_pool_app(replace(BASE, fast_lane_ms=0), [MINI])
    with live_server(on, BASE) as url_on, live_server(off, BASE) as url_off:
        yield on, url_on, url_off
    close_app(on)
    close_app(off)


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("ASK { ?s ?p ?o }\n# run 1", "ASK { ?s ?p ?o }"),
        ("ASK { ?s ?p ?o }  \n  # a\n#b\n", "ASK { ?s ?p ?o }"),
        ("# leading\nASK { ?s ?p ?o }", "# leading\nASK { ?s ?p ?o }"),
        # a line that looks like a comment may sit inside a long string: text kept as is
        ('SELECT ("""a\n#b""" AS ?x) {}\n# c', 'SELECT ("""a\n#b""" AS ?x) {}\n# c'),
        # CRLF is a newline (a browser's form sends it)
        ("ASK { ?s ?p ?o }\r\n# run 2\r\n", "ASK { ?s ?p ?o }"),
        # a lone CR ends a comment: what follows it is query text, so nothing is stripped
        ("ASK { ?s ?p ?o }\n# x\r}", "ASK { ?s ?p ?o }\n# x\r}"),
        # \u escapes may be read before the comments are (the SPARQL grammar's order)
        ("ASK { ?s ?p ?o }\n# x \\u000A }", "ASK { ?s ?p ?o }\n# x \\u000A }"),
    ],
)
def test_the_key_is_the_text_without_trailing_comment_lines(text, same_as):
    assert lane_key(Task(text)) == lane_key(Task(same_as))
    assert lane_key(Task(text))[0] == same_as.rstrip()


# Regression: the lane runs the text without its trailing comments (its checks cached);
# a lone CR in what looked like a trailing comment made LIMIT 1 query text, and the lane
# must not drop it.
def test_what_follows_a_lone_carriage_return_is_run(lane_and_pool):
    app, url_on, url_off = lane_and_pool
    query = "SELECT ?s WHERE { ?s ?p ?o }\n# one row only\rLIMIT 1"
    for _ in range(2):  # the second time on the lane, if it were learnt
        request(url_on, query)
        _wait_open(app)
    status, content_type, body = request(url_on, query)
    assert status == 200
    assert len(parsed(content_type, body)["results"]["bindings"]) == 1


def test_the_key_holds_the_rest_of_the_task():
    # the same text asked as another format or with another row cap is another task
    assert lane_key(Task("ASK {}", accept="text/csv")) != lane_key(Task("ASK {}"))
    assert lane_key(Task("ASK {}", max_rows=5)) != lane_key(Task("ASK {}"))


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_the_lane_answers_as_the_workers_do(lane_and_pool, query):
    app, url_on, url_off = lane_and_pool
    first = request(url_on, query + "\n# first")
    if first[0] == 200:
        _wait_open(app)
    again = request(url_on, query + "\n# again")
    reference = request(url_off, query)
    assert first[0] == again[0] == reference[0]
    if reference[0] == 200:
        assert parsed(again[1], again[2]) == parsed(reference[1], reference[2])
    else:
        assert json.loads(again[2])["error"] == json.loads(reference[2])["error"]


def test_a_cheap_query_asked_again_runs_in_the_server(lane_and_pool):
    app, url_on, _ = lane_and_pool
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # lane-check"
    request(url_on, query)
    _wait_open(app)
    before = _lane(app).status()["fast_lane"]["answered"]
    pool = _lane(app).uncached.status()
    status, _, _ = request(url_on, query + "\n# asked again")
    assert status == 200
    assert _lane(app).status()["fast_lane"]["answered"] == before + 1
    assert _lane(app).uncached.status() == pool  # the worker saw nothing


def test_a_remembered_query_does_not_wait_for_a_busy_worker(lane_and_pool):
    app, url_on, _ = lane_and_pool
    cheap = "ASK { ?s ?p ?o } # not behind the slow one"
    request(url_on, cheap)
    _wait_open(app)
    slow = threading.Thread(target=request, args=(url_on, PATHOLOGICAL), daemon=True)
    slow.start()  # holds the only worker until the 4 s timeout
    time.sleep(0.3)
    began = time.monotonic()
    status, _, body = request(url_on, cheap + "\n# again", timeout=30)
    waited = time.monotonic() - began
    assert status == 200 and json.loads(body)["boolean"] is True
    assert slow.is_alive(), f"answered after the slow query ended ({waited:.1f} s)"
    slow.join(30)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (NOW() AS ?t) WHERE {}",  # answers differ from one run to the next
        "SELECT (RAND() AS ?r) WHERE {}",
        "SELEC broken",  # an error is never learnt
        PATHOLOGICAL,  # timed out in the worker
    ],
)
def test_what_may_not_be_learnt_stays_on_the_workers(lane_and_pool, query):
    app, url_on, _ = lane_and_pool
    request(url_on, query)
    assert lane_key(Task(query)) not in _lane(app)._known


def test_a_limit_below_any_query_learns_nothing():
    settings = replace(BASE, fast_lane_ms=0.0001)
    app = make_pool_app(settings, [MINI])
    try:
        with live_server(app, settings) as url:
            for _ in range(3):
                assert request(url, "ASK { ?s ?p ?o }")[0] == 200
        assert _lane(app).status()["fast_lane"]["remembered"] == 0
    finally:
        close_app(app)


def test_probes_reach_the_pool_and_the_lane_is_the_oxigraph_engines_only(lane_and_pool):
    app, _, _ = lane_and_pool
    executor = app.extensions[EXTENSION].executor
    assert isinstance(executor.uncached, ProcessPool)
    rdflib_app = make_pool_app(replace(BASE, engine="rdflib"), [MINI])
    try:
        executor = rdflib_app.extensions[EXTENSION].executor
        chain = []
        while executor is not None:
            chain.append(type(executor).__name__)
            executor = getattr(executor, "_inner", None)
        assert "FastLane" not in chain
    finally:
        close_app(rdflib_app)


def test_a_large_dataset_in_memory_gets_no_lane_but_on_disk_it_does(monkeypatch):
    # a third copy of a large dataset in memory (two workers and the lane) would not fit
    from iraqkg.web import fast_lane

    monkeypatch.setattr(fast_lane, "MEMORY_STORE_BYTES", MINI.stat().st_size - 1)
    assert not fast_lane.fits(BASE, [MINI])
    assert fast_lane.fits(replace(BASE, store="disk"), [MINI])
    assert not fast_lane.fits(replace(BASE, store="disk", fast_lane_ms=0), [MINI])
    app = make_pool_app(BASE, [MINI])
    try:
        assert not isinstance(app.extensions[EXTENSION].executor, FastLane)
    finally:
        close_app(app)
    monkeypatch.setattr(fast_lane, "MEMORY_STORE_BYTES", MINI.stat().st_size)
    assert fast_lane.fits(BASE, [MINI])


def test_the_setting_has_limits():
    with pytest.raises(ValueError, match="fast_lane_ms"):
        EndpointSettings(fast_lane_ms=51)
