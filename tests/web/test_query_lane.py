"""Queries answered on granian's event loop, no thread (rsgi.py, ProcessPool.arun), and the
parts under them: the idle-worker hand-off shared by threads and the loop, the
non-blocking reply reader, pyoxigraph writing JSON answers itself.

The lane must answer exactly as the thread path does (same bodies, same errors, same
limits), so most checks run the same request on both HTTP servers and compare what comes
back, parsed.
"""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
from multiprocessing.connection import Connection

import pytest
from endpoint_helpers import MINI, live_server, make_pool_app
from rdflib import Graph
from rdflib.compare import to_isomorphic

from iraqkg.web import close_app
from iraqkg.web.errors import from_exception
from iraqkg.web.handoff import IdleWorkers
from iraqkg.web.rsgi import RsgiBridge
from iraqkg.web.state import EXTENSION
from iraqkg.web.tasks import Task, run_task
from iraqkg.web.worker_pipe import ReplyReader

PATHOLOGICAL = (
    "SELECT (COUNT(*) AS ?n) WHERE "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
)
DIGITS = "VALUES ?{v} {{ 0 1 2 3 4 5 6 7 8 9 }}"
# 10,000 rows of about 300 bytes: an answer several times the worker pipe's buffer.
BIG = (
    "SELECT ?a ?b ?c ?d ?t WHERE { "
    + " ".join(DIGITS.format(v=v) for v in "abcd")
    + ' BIND(CONCAT(STR(?a), STR(?b), STR(?c), STR(?d), "'
    + "x" * 280
    + '") AS ?t) }'
)
QUERIES = [
    "ASK { ?s ?p ?o }",
    # blank nodes aside: each store labels them its own way
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } ORDER BY ?s ?p ?o",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    'SELECT ?x WHERE { BIND("é \\" \\\\ \\n"@fr AS ?x) }',
    "SELECT ?x ?y WHERE { VALUES (?x ?y) { (1 UNDEF) (UNDEF 2) } }",
    BIG,
    "SELEC nothing",  # 400 with the parser's message
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


def request(url: str, query: str, accept: str = ACCEPT,
            timeout: float = 60) -> tuple[int, str, bytes]:  # fmt: skip
    body = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(url, data=body, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def parsed(content_type: str, body: bytes):
    if "json" in content_type:
        return json.loads(body)
    assert content_type.startswith("text/turtle")
    return to_isomorphic(Graph().parse(data=body, format="turtle"))


@pytest.fixture(scope="module", params=["waitress", "granian"])
def served(request, settings):
    # The timeout leaves BIG room on a loaded 2-core machine (at 2 s it timed out in CI
    # while other work ran): only the pathological query should reach it.
    fast = replace(settings, query_timeout=8, workers=2, cache_bytes=0,
                   http_server=request.param)  # fmt: skip
    app = make_pool_app(fast, [MINI], {"build_id": "lane"})
    try:
        with live_server(app, fast) as url:
            yield request.param, url, app.extensions[EXTENSION].executor
    finally:
        close_app(app)


@pytest.fixture(scope="module")
def inline_answers(oxigraph_engine, settings):
    """What the engine itself answers, in this process: the oracle."""
    answers = {}
    for query in QUERIES:
        task = Task(query, accept=ACCEPT, max_rows=settings.max_rows)
        try:
            reply = run_task(oxigraph_engine, task, ())
            answers[query] = (200, parsed(reply.content_type, reply.body))
        except Exception as exc:  # the lane must fail the same way
            error = from_exception(exc)
            answers[query] = (error.status, error.code)
    return answers


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_lane_answers_as_the_engine_does(served, inline_answers, query) -> None:
    _, url, _ = served
    status, content_type, body = request(url, query)
    expected_status, expected = inline_answers[query]
    if expected_status == 200:
        assert status == 200
        assert parsed(content_type, body) == expected
    else:
        assert (status, json.loads(body)["error"]) == (expected_status, expected)


def test_a_timed_out_query_is_a_503_and_the_next_query_is_answered(served) -> None:
    _, url, executor = served
    before = executor.status()
    status, _, body = request(url, PATHOLOGICAL + " # lane timeout")
    assert status == 503 and json.loads(body)["error"] == "timeout"
    assert executor.status()["timeouts"] == before["timeouts"] + 1
    status, _, body = request(url, "ASK { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_a_client_that_leaves_has_its_query_stopped(served) -> None:
    _, url, executor = served
    before = executor.status()["cancelled"]
    with pytest.raises(OSError):  # the client gives up after 0.5 s; the query runs on
        # another query than the timed-out one, which is remembered as slow (refused now)
        request(url, PATHOLOGICAL.replace("?r }", "?r . ?x ?y ?z }"), timeout=0.5)
    deadline = time.monotonic() + 60
    while executor.status()["cancelled"] == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert executor.status()["cancelled"] == before + 1
    status, _, _ = request(url, "ASK { ?s ?p ?o }")
    assert status == 200


def test_granian_answers_queries_without_a_request_thread(served, monkeypatch) -> None:
    server, url, _ = served
    if server != "granian":
        pytest.skip("the lane is granian's")
    calls = []
    original = RsgiBridge._call
    monkeypatch.setattr(
        RsgiBridge, "_call", lambda self, env: calls.append(1) or original(self, env)
    )
    assert request(url, "ASK { ?s ?p ?o } # no thread")[0] == 200
    assert calls == []
    with urllib.request.urlopen(url.rsplit("/", 1)[0] + "/healthz", timeout=60) as response:
        assert response.status == 200
    assert calls == [1]  # everything else still goes to the app on a thread


# The hand-off between request threads and the loop


def test_idle_workers_serve_threads_and_the_loop_first_come_first_served() -> None:
    idle = IdleWorkers()
    got: list[tuple[str, object]] = []

    def thread_taker() -> None:
        got.append(("thread", idle.get(30)))

    async def main() -> None:
        taker = threading.Thread(target=thread_taker)
        taker.start()
        while not idle._waiters:  # the thread waits first
            await asyncio.sleep(0.01)
        waiting = asyncio.ensure_future(idle.aget(30))
        while len(idle._waiters) < 2:
            await asyncio.sleep(0.01)
        idle.put("first")
        idle.put("second")
        got.append(("loop", await waiting))
        taker.join()

    asyncio.run(main())
    assert sorted(got) == [("loop", "second"), ("thread", "first")]
    assert idle.qsize() == 0


def test_idle_workers_time_out_and_lose_nothing() -> None:
    idle = IdleWorkers()
    with pytest.raises(queue.Empty):
        idle.get(0.05)

    async def late() -> None:
        with pytest.raises(queue.Empty):
            await idle.aget(0.05)

    asyncio.run(late())
    assert not idle._waiters  # both gave up their place in the line
    idle.put("w")
    assert idle.get(0) == "w"


def test_a_worker_handed_to_a_cancelled_loop_waiter_goes_back() -> None:
    idle = IdleWorkers()

    async def main() -> None:
        waiting = asyncio.ensure_future(idle.aget(30))
        await asyncio.sleep(0.01)
        idle.put("w")  # delivery is scheduled on the loop...
        waiting.cancel()  # ...and the waiter is cancelled before it runs
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await asyncio.sleep(0.01)

    asyncio.run(main())
    assert idle.get(0) == "w"


# The reply reader


def _pipe() -> tuple[int, Connection]:
    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    return read_fd, Connection(write_fd, readable=False)


def test_reply_reader_reads_a_reply_that_comes_in_pieces() -> None:
    read_fd, writer = _pipe()
    message = ("ok", "x" * 300_000)  # more than a pipe holds: the writer needs a reader
    sender = threading.Thread(target=writer.send, args=(message,))
    reader = ReplyReader(read_fd)
    sender.start()
    while not reader.feed():
        time.sleep(0.001)
    sender.join()
    assert reader.message() == message
    os.close(read_fd)
    writer.close()


def test_reply_reader_reads_the_long_header_form() -> None:
    read_fd, writer = _pipe()
    payload = pickle.dumps(("ok", 42))
    # what Connection writes for a message over 2 GiB: -1, then an 8-byte length
    os.write(writer.fileno(), (-1).to_bytes(4, "big", signed=True))
    reader = ReplyReader(read_fd)
    assert not reader.feed()
    os.write(writer.fileno(), len(payload).to_bytes(8, "big") + payload)
    assert reader.feed() and reader.message() == ("ok", 42)
    os.close(read_fd)
    writer.close()


def test_reply_reader_says_eof_when_the_worker_dies_mid_reply() -> None:
    read_fd, writer = _pipe()
    os.write(writer.fileno(), (100).to_bytes(4, "big", signed=True) + b"partial")
    writer.close()
    reader = ReplyReader(read_fd)
    with pytest.raises(EOFError):
        reader.feed()
    os.close(read_fd)


# pyoxigraph writing JSON answers


@pytest.mark.parametrize("max_rows", [None, 3, 100_000])
@pytest.mark.parametrize("query", [q for q in QUERIES if q.startswith("SELECT")],
                         ids=range(5))  # fmt: skip
def test_json_written_by_pyoxigraph_is_the_python_writers_answer(oxigraph_engine, query,
                                                                 max_rows) -> None:  # fmt: skip
    options = {"max_rows": max_rows, "max_bytes": 1 << 25}
    ours = oxigraph_engine.query_native(query, **options)
    theirs = oxigraph_engine.query_native(query, as_json=True, **options)
    media = "application/sparql-results+json"
    assert json.loads(theirs.serialize(media)) == json.loads(ours.serialize(media))
    assert len(theirs) == len(ours) and theirs.truncated == ours.truncated
