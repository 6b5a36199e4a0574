"""Query worker processes: a timeout really stops the query, and the server keeps answering.

No timed assertions: a pathological query (a cross product of the whole graph with itself
six times) meets a 1 s limit; the tests check statuses, that the worker process is gone,
and that other queries are still answered.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace

import pytest
from endpoint_helpers import MINI, live_server, make_pool_app

from iraqkg.engines import EngineUnavailable
from iraqkg.web import close_app
from iraqkg.web.state import EXTENSION

PATHOLOGICAL = (
    "SELECT (COUNT(*) AS ?n) WHERE "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
)
CHEAP = "ASK { ?s ?p ?o }"


def get(url: str, query: str) -> tuple[int, dict]:
    target = f"{url}?{urllib.parse.urlencode({'query': query})}"
    try:
        with urllib.request.urlopen(target, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_for(condition, what: str, limit: float = 60.0) -> None:
    """Poll until ``condition()`` holds (a generous bound, not a timing assertion)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def pool_endpoint(settings):
    # no answer cache and no fast lane: every query must reach a worker
    fast = replace(settings, query_timeout=1, workers=2, cache_bytes=0, fast_lane_ms=0)
    app = make_pool_app(fast, [MINI], {"build_id": "pool"})
    try:
        with live_server(app, fast) as url:
            yield url, app.extensions[EXTENSION].executor
    finally:
        close_app(app)


def test_timeout_is_503_and_the_worker_is_killed(pool_endpoint) -> None:
    url, pool = pool_endpoint
    before = pool.pids()
    status, body = get(url, PATHOLOGICAL)
    assert status == 503
    assert body["error"] == "timeout" and "time limit" in body["message"]
    killed = before - pool.pids()
    assert len(killed) == 1  # the worker running the query is gone, not left spinning
    for pid in killed:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert get(url, CHEAP) == (200, {"head": {}, "boolean": True})
    wait_for(lambda: len(pool.pids()) == 2, "the replacement worker")


def test_other_queries_are_answered_while_one_runs_away(pool_endpoint) -> None:
    url, pool = pool_endpoint
    wait_for(lambda: len(pool.pids()) == 2, "two workers")
    outcome: dict[str, tuple[int, dict]] = {}
    runaway = threading.Thread(target=lambda: outcome.update(slow=get(url, PATHOLOGICAL)))
    runaway.start()
    answers = [get(url, CHEAP) for _ in range(3)]
    runaway.join()
    assert all(status == 200 for status, _ in answers)
    assert outcome["slow"][0] == 503
    health = json.loads(urllib.request.urlopen(url.replace("/sparql", "/healthz")).read())
    assert health["executor"]["timeouts"] >= 1


def test_busy_pool_is_503_with_retry_after(settings) -> None:
    one = replace(
        settings, query_timeout=2, queue_timeout=1, workers=1, cache_bytes=0, fast_lane_ms=0
    )
    app = make_pool_app(one, [MINI])
    try:
        with live_server(app, one) as url:
            first = threading.Thread(target=get, args=(url, PATHOLOGICAL))
            first.start()
            wait_for(lambda: app.extensions[EXTENSION].executor._idle.empty(), "a busy worker")
            target = f"{url}?{urllib.parse.urlencode({'query': CHEAP})}"
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(target, timeout=60)
            first.join()
            assert caught.value.code == 503
            assert caught.value.headers["Retry-After"]
            assert json.loads(caught.value.read())["error"] == "busy"
    finally:
        close_app(app)


def test_worker_that_cannot_load_fails_create_app(settings, tmp_path) -> None:
    broken = tmp_path / "broken.nq"
    broken.write_text("<http://e/s> <http://e/p> .\n", encoding="utf-8")
    with pytest.raises(EngineUnavailable, match=r"broken\.nq"):
        make_pool_app(replace(settings, workers=1), [broken])


def test_remote_engine_uploads_once_and_workers_query_it(settings, oxigraph_base) -> None:
    remote = replace(settings, engine="remote", endpoint=f"{oxigraph_base}/query", workers=2)
    app = make_pool_app(remote, [MINI], {"build_id": "remote"})
    try:
        client = app.test_client()
        health = client.get("/healthz").json
        assert health["engine"] == "remote"
        assert health["triples"]["default"] == 40
        response = client.get("/sparql", query_string={"query": CHEAP})
        assert response.json["boolean"] is True
    finally:
        close_app(app)


def test_a_replacement_whose_child_is_gone_before_its_setup_is_retried(
    settings, monkeypatch
) -> None:
    # A replacement killed between its start and the send of its setup raised
    # BrokenPipeError out of the replacing thread: the pool stayed a worker short for good.
    from iraqkg.web import pool as pool_module

    one = replace(settings, workers=1, cache_bytes=0, fast_lane_ms=0, queue_timeout=60)
    app = make_pool_app(one, [MINI])
    pool = app.extensions[EXTENSION].executor
    real, failed = pool_module.Worker, []

    def gone_once(setup):
        if not failed:
            failed.append(True)
            raise BrokenPipeError(32, "Broken pipe")
        return real(setup)

    monkeypatch.setattr(pool_module, "Worker", gone_once)
    try:
        (first,) = pool.pids()
        os.kill(first, 9)
        wait_for(lambda: pool._workers and not next(iter(pool._workers)).alive(), "the kill")
        with live_server(app, one) as url:  # the dead worker is found when next taken
            assert get(url, CHEAP) == (200, {"head": {}, "boolean": True})
        assert failed and pool.status()["restarts"] == 1
        assert len(pool.pids()) == 1 and first not in pool.pids()
    finally:
        close_app(app)
