"""Issue 13, items 1-7 and 9: each case as it was found, rerun against real processes.

Grouped as in the issue: slow clients (1), deep nesting (2), remote store (3), pruned builds
(4), workers outliving the server (5), fairness and disconnects (6), answer bytes (7), and
the smaller ones (9). Bounds are generous ("within 10 s"), never a measured speed.
"""

from __future__ import annotations

import contextlib
import http.server
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from endpoint_helpers import MINI, free_port, live_server, make_pool_app, wait_until_up
from test_endpoint_workers import PATHOLOGICAL, wait_for
from test_faults import alive, children

from iraqkg.build import in_use, lease
from iraqkg.engines import EngineFactory, EngineUnavailable, QueryTimeout, open_engine
from iraqkg.engines.policy import check_query, nesting_depth
from iraqkg.engines.remote_engine import RemoteEngine
from iraqkg.web import close_app, create_app
from iraqkg.web.state import EXTENSION

ROOT = Path(__file__).resolve().parents[2]
CHEAP = "ASK { ?s ?p ?o }"


def post(url: str, query: str, accept: str = "application/sparql-results+json", **headers):
    body = urllib.parse.urlencode({"query": query}).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    request = urllib.request.Request(url, data=body, headers={**form, **headers})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module", params=["waitress", "granian"])
def pool_app(settings, request):
    fast = replace(settings, query_timeout=1, workers=2, cache_bytes=0, request_read_timeout=2,
                   http_server=request.param)  # fmt: skip
    app = make_pool_app(fast, [MINI], {"build_id": "hardening"})
    try:
        with live_server(app, fast) as url:
            yield url, app.extensions[EXTENSION].executor
    finally:
        close_app(app)


# 1. slow clients ----------------------------------------------------------------------


def test_150_slow_sockets_do_not_stop_other_clients(pool_app) -> None:
    url, _ = pool_app
    port = urllib.parse.urlsplit(url).port
    slow = []
    try:
        for _ in range(150):  # headers, then 2 bytes of a declared 1000-byte body
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n\r\nqu")  # fmt: skip
            slow.append(sock)
        for _ in range(5):
            started = time.monotonic()
            status, _, body = post(url, CHEAP)
            assert status == 200 and json.loads(body)["boolean"] is True
            assert time.monotonic() - started < 10
        # request_read_timeout=2: the incomplete requests are dropped, not kept forever
        # (waitress closes them; granian's front answers 408 first, then closes)
        for sock in slow[:10]:
            sock.settimeout(15)
            first = sock.recv(100)
            assert first == b"" or first.startswith(b"HTTP/1.1 408")
            while first:
                first = sock.recv(4096)
    finally:
        for sock in slow:
            sock.close()


# 2. deep nesting ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, depth",
    [
        ("SELECT * { { ?s ?p ?o } }", 2),
        ('SELECT * { ?s ?p "{{{{(((" }', 1),
        ("SELECT * { ?s ?p '''{{\n{{''' } # {{{{{{", 1),
        ("ASK { FILTER((1 + (2 * [] ))) }", 5),
        ("SELECT * { ?s <http://e/p> ?o FILTER(?o < 3) }", 2),
        ('SELECT * { ?s ?p "a\\"{{" }', 1),
    ],
)
def test_nesting_depth_skips_strings_comments_and_iris(query: str, depth: int) -> None:
    assert nesting_depth(query) == depth


@pytest.mark.parametrize("opener, closer", [("{", "}"), ("(", ")"), ("[", "]")])
def test_a_query_nested_thousands_deep_is_400_and_no_worker_dies(pool_app, opener, closer):
    url, executor = pool_app
    before = executor.status()
    deep = "SELECT * WHERE { FILTER" + opener * 5000 + "1" + closer * 5000 + " }"
    status, _, body = post(url, deep)
    assert status == 400
    error = json.loads(body)
    assert error["error"] == "too_deeply_nested" and "max_query_depth" in error["message"]
    after = executor.status()
    assert after["deaths"] == before["deaths"] and after["restarts"] == before["restarts"]


def test_the_library_refuses_deep_queries_too(oxigraph_engine) -> None:
    from iraqkg.engines import QueryRefused

    with pytest.raises(QueryRefused, match="levels deep"):
        oxigraph_engine.query("SELECT * {" + "{" * 3000 + "}" * 3000 + "}")
    check_query("SELECT * {" + "{" * 150 + "}" * 150 + "}", ())  # under the limit: fine


def test_a_worker_death_is_logged(settings, caplog) -> None:
    fast = replace(settings, query_timeout=30, workers=1, cache_bytes=0, fast_lane_ms=0)
    app = make_pool_app(fast, [MINI])
    pool = app.extensions[EXTENSION].executor
    try:
        (pid,) = pool.pids()
        killer = threading.Timer(0.5, os.kill, (pid, signal.SIGSEGV))
        killer.start()
        with caplog.at_level("ERROR"), pytest.raises(EngineUnavailable):
            from iraqkg.web.tasks import Task

            pool.run(Task(PATHOLOGICAL))
        assert any("died" in r.message and str(pid) in r.message for r in caplog.records)
    finally:
        close_app(app)


def test_a_worker_that_died_idle_costs_no_query(settings) -> None:
    fast = replace(settings, query_timeout=30, workers=2, cache_bytes=0, fast_lane_ms=0)
    app = make_pool_app(fast, [MINI])
    pool = app.extensions[EXTENSION].executor
    try:
        from iraqkg.web.tasks import Task

        victim = min(pool.pids())
        os.kill(victim, signal.SIGKILL)

        def dead() -> bool:  # a zombie whose threads have all exited: reapable
            tasks = Path(f"/proc/{victim}/task")
            return not alive(victim) and (not tasks.exists() or len(list(tasks.iterdir())) <= 1)

        wait_for(dead, "the worker to die", 10)
        # whichever worker the queue hands out first, both queries are answered
        for n in range(3):
            assert b"true" in pool.run(Task(f"{CHEAP} # {n}")).body
        assert pool.status()["deaths"] == 1
    finally:
        close_app(app)


# 3. remote store ----------------------------------------------------------------------


def test_an_emptied_remote_store_gives_503_not_empty_answers(settings, tmp_path, monkeypatch):
    from endpoint_helpers import oxigraph_server

    import iraqkg.engines.remote_engine as remote

    monkeypatch.setattr(remote, "_PROBE_INTERVAL", 0.0)
    with oxigraph_server(tmp_path / "store") as base:
        remote_settings = replace(settings, engine="remote", endpoint=f"{base}/query")
        engine = RemoteEngine(remote_settings, [MINI])
        app = create_app(remote_settings, engine, {})
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        assert client.get("/sparql", query_string={"query": CHEAP}).status_code == 200
        # the store loses everything (as an in-memory store that restarted)
        drop = urllib.request.Request(f"{base}/update", data=b"update=DROP+ALL", headers={
            "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        urllib.request.urlopen(drop, timeout=10).read()
        answer = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"})
        assert answer.status_code == 503
        assert "lost the dataset" in answer.json["message"]
        health = client.get("/healthz")
        assert health.status_code == 503 and "lost the dataset" in health.json["problem"]
        # a new worker on the emptied store refuses to start rather than answer nothing
        with pytest.raises(EngineUnavailable, match="lost the dataset"):
            RemoteEngine(remote_settings, (), expected=engine.counts()["default"])


def test_the_remote_store_is_told_the_time_limit(settings) -> None:
    seen: list[str] = []

    class Store(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(self.rfile.read(int(self.headers["Content-Length"])).decode())
            body = b'{"head":{"vars":["g","n"]},"results":{"bindings":[]}}'
            if "COUNT(*) AS ?n) { ?s" in urllib.parse.unquote_plus(seen[-1]):
                body = b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"0"}}]}}'  # noqa: E501
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Store)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_port}/sparql"
        RemoteEngine(replace(settings, engine="remote", endpoint=endpoint, query_timeout=7), ())
        assert seen and all(urllib.parse.parse_qs(s)["timeout"] == ["7"] for s in seen)
    finally:
        server.shutdown()


# 4. pruned builds ---------------------------------------------------------------------


def test_a_leased_build_is_never_pruned_and_staging_is_cleaned(tmp_path) -> None:
    from iraqkg.build.output import _prune

    out = tmp_path / "build"
    builds = []
    for n in range(4):
        folder = out / f"b{n}"
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text("{}")
        os.utime(folder, (n, n))
        builds.append(folder)
    held = lease(builds[0])  # the oldest, served by this (live) process
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    lease(builds[1], int(dead))  # a server that is gone
    _prune(out, keep=0, current="b3")
    assert builds[0].exists() and in_use(builds[0])
    assert not builds[1].exists() and not builds[2].exists() and builds[3].exists()
    held.unlink()
    assert not in_use(builds[0])
    # A killed build's staging folder: tests/test_broken_data.py (remove_stale_staging).


def test_a_worker_whose_build_vanished_loads_the_newest(settings, tmp_path) -> None:
    gone = tmp_path / "old" / "dataset.trig"
    factory = EngineFactory(settings, (gone,), fallback=lambda: [MINI])
    engine = factory()
    assert engine.counts() == open_engine(settings, [MINI]).counts()


# 5. workers die with the server -------------------------------------------------------


def _post_quietly(url: str, query: str) -> None:
    with contextlib.suppress(OSError):  # the server is stopped under it: expected
        post(url, query)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and prctl")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_workers_die_with_the_server(stop) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "iraqkg.cli", "serve", "--dataset", str(MINI), "--port",
         str(port), "--workers", "2", "--timeout", "60"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/sparql"
        wait_until_up(f"{url}?query=ASK%7B%7D", timeout=60)
        workers = children(server.pid)
        assert len(workers) == 2
        # a heavy query keeps one worker at 100% CPU
        threading.Thread(target=_post_quietly, args=(url, PATHOLOGICAL), daemon=True).start()
        time.sleep(0.5)
        server.send_signal(stop)
        server.wait(20)
        wait_for(lambda: not any(alive(p) for p in workers), "the workers to exit", 20)
    finally:
        if server.poll() is None:
            server.kill()


# 6. fairness --------------------------------------------------------------------------


def test_a_query_that_timed_out_cannot_take_every_worker(pool_app) -> None:
    url, executor = pool_app
    status, _, body = post(url, PATHOLOGICAL)
    assert status == 503 and json.loads(body)["error"] == "timeout"
    # the same query again (a new comment does not make it new): one runs, others refused
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda n=n: results.append(post(url, f"{PATHOLOGICAL} #{n}")[0]))
        for n in range(4)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    status, _, body = post(url, CHEAP)  # a cheap query still finds a worker
    assert status == 200 and json.loads(body)["boolean"] is True
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [503] * 4
    assert executor.status()["slow_refused"] >= 3


def _nice_values(pid: int) -> dict[int, int]:
    """The nice value of each thread of a process (field 19 of /proc/PID/task/TID/stat)."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            found[int(task.name)] = int(fields[16])
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values")
def test_long_queries_yield_the_cpu(settings) -> None:
    fast = replace(
        settings, query_timeout=2, workers=1, cache_bytes=0, fast_lane_ms=0, demote_after=0.2
    )
    app = make_pool_app(fast, [MINI])
    pool = app.extensions[EXTENSION].executor
    try:
        from iraqkg.web.tasks import Task

        (pid,) = pool.pids()
        pool.run(Task(CHEAP))  # a cheap query runs at normal priority throughout
        assert set(_nice_values(pid).values()) == {0}
        heavy = threading.Thread(target=lambda: pytest.raises(QueryTimeout, pool.run,
                                                              Task(PATHOLOGICAL)))  # fmt: skip
        heavy.start()
        wait_for(lambda: 19 in _nice_values(pid).values(), "the long query to be demoted", 10)
        assert list(_nice_values(pid).values()).count(19) == 1  # that one thread only
        heavy.join(30)
        # its worker was killed at the timeout; the replacement runs at normal priority
        wait_for(lambda: pool.pids() and pool.pids() != {pid}, "a replacement", 30)
        (new,) = pool.pids()
        wait_for(lambda: pool.status()["restarts"] >= 1, "the replacement to be ready", 60)
        assert pool.run(Task(CHEAP)).body
        assert set(_nice_values(new).values()) == {0}
    finally:
        close_app(app)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values")
def test_after_a_demoted_query_the_next_runs_at_normal_priority(settings) -> None:
    fast = replace(
        settings, query_timeout=60, workers=1, cache_bytes=0, fast_lane_ms=0, demote_after=0.01
    )
    app = make_pool_app(fast, [MINI])
    pool = app.extensions[EXTENSION].executor
    try:
        from iraqkg.web.tasks import Task

        (pid,) = pool.pids()
        three = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # well over 10 ms
        assert b'"n"' in pool.run(Task(three)).body  # demoted, then finished: an answer
        assert pool.status()["timeouts"] == 0
        assert b"true" in pool.run(Task(CHEAP)).body  # the same worker, a fresh thread
        wait_for(lambda: set(_nice_values(pid).values()) == {0}, "only normal threads", 10)
        assert pool.pids() == {pid}
    finally:
        close_app(app)


def test_background_nice_zero_turns_priorities_off(settings) -> None:
    fast = replace(settings, query_timeout=1, workers=1, cache_bytes=0, fast_lane_ms=0,
                   background_nice=0, demote_after=0.1)  # fmt: skip
    app = make_pool_app(fast, [MINI])
    pool = app.extensions[EXTENSION].executor
    try:
        from iraqkg.web.tasks import Task

        (pid,) = pool.pids()
        with pytest.raises(QueryTimeout):
            pool.run(Task(PATHOLOGICAL))
        wait_for(lambda: pool.status()["restarts"] >= 1, "the replacement", 60)
        (new,) = pool.pids()
        assert set(_nice_values(new).values()) == {0}
    finally:
        close_app(app)


def test_a_client_that_disconnects_frees_its_worker(pool_app, settings) -> None:
    url, executor = pool_app
    before = executor.status()["cancelled"]
    # the pool's timeout here is 1 s: use a fresh query that would run until the timeout
    port = urllib.parse.urlsplit(url).port
    body = urllib.parse.urlencode({"query": PATHOLOGICAL.replace("?r }", "?r . ?x ?y ?z }")})
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
            f"\r\nContent-Length: {len(body)}\r\n\r\n{body}".encode()
        )
        time.sleep(0.3)
    wait_for(lambda: executor.status()["cancelled"] > before, "the query to be cancelled", 10)


# 7. answer bytes ----------------------------------------------------------------------


BIG = 'SELECT ?s (CONCAT(STR(?s), "{pad}") AS ?big) WHERE {{ ?s ?p ?o }}'.format(pad="x" * 2000)


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv"])
def test_answers_are_capped_in_bytes(settings, oxigraph_engine, accept) -> None:
    capped = replace(settings, max_answer_bytes=20_000)
    client = create_app(capped, oxigraph_engine, {}).test_client()
    big = client.get("/sparql", query_string={"query": BIG}, headers={"Accept": accept})
    assert big.status_code == 422
    assert big.json["error"] == "answer_too_large" and big.json["limit"] == 20_000
    small = client.get("/sparql", query_string={"query": BIG + " LIMIT 2"})
    assert small.status_code == 200 and len(small.json["results"]["bindings"]) == 2


def test_graph_answers_are_capped_in_bytes(settings, oxigraph_engine) -> None:
    capped = replace(settings, max_answer_bytes=1024)  # the answer is about 1.9 KB
    client = create_app(capped, oxigraph_engine, {}).test_client()
    answer = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert answer.status_code == 422 and answer.json["error"] == "answer_too_large"


# 9. smaller ---------------------------------------------------------------------------


def test_a_service_answering_garbage_is_502(settings) -> None:
    class Garbage(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.do_POST()

        def do_POST(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(b"garbage{{")

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        service = f"http://127.0.0.1:{server.server_port}/sparql"
        allowed = replace(settings, service_allowlist=(service,))
        for engine in ("oxigraph", "rdflib"):
            opened = open_engine(replace(allowed, engine=engine), [MINI])
            client = create_app(allowed, opened, {}).test_client()
            query = f"SELECT * WHERE {{ SERVICE <{service}> {{ ?s ?p ?o }} }}"
            answer = client.get("/sparql", query_string={"query": query})
            assert answer.status_code == 502, (engine, answer.data)
            assert answer.json["error"] == "service_failed"
    finally:
        server.shutdown()


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x0b", "\x1f", "\ufffe"])
def test_control_characters_keep_xml_results_well_formed(client, char) -> None:
    query = 'SELECT ?x WHERE { BIND(CONCAT("a", CODEPOINT, "b") AS ?x) }'.replace(
        "CODEPOINT", f'"\\u{ord(char):04X}"'
    )
    answer = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert answer.status_code == 200
    root = ET.fromstring(answer.data)  # raises on ill-formed XML
    literal = root.find(".//{http://www.w3.org/2005/sparql-results#}literal")
    assert literal is not None and literal.text == "a\ufffdb"
    exact = client.get("/sparql", query_string={"query": query})  # JSON keeps it exactly
    assert exact.json["results"]["bindings"][0]["x"]["value"] == f"a{char}b"


def test_a_body_too_large_is_json_413_from_waitress_and_the_app(
    pool_app, settings, request
) -> None:
    url, _ = pool_app
    granian = request.node.callspec.params["pool_app"] == "granian"
    limit = settings.max_request_bytes
    sizes = (limit + 10, limit + 200_000, 2 * limit - 1000)
    for size, chunked in itertools.product(sizes, (False, True)):
        headers = {"Content-Type": "application/sparql-query"}
        data: bytes | list[bytes] = b"q" * size
        if chunked:  # counted as it comes (reading it twice once gave 500 under granian)
            headers["Transfer-Encoding"] = "chunked"
            data = [data[i : i + 65536] for i in range(0, size, 65536)]
        request = urllib.request.Request(url, data=data, method="POST", headers=headers)
        try:
            urllib.request.urlopen(request, timeout=30)
            pytest.fail("a body over the limit was accepted")
        except urllib.error.HTTPError as error:
            assert error.code == 413
            assert error.headers["Content-Type"].startswith("application/json")
            assert json.loads(error.read())["status"] == 413
        except (ConnectionResetError, BrokenPipeError, urllib.error.URLError) as error:
            # waitress may close while we still write; granian reads a body up to twice the
            # limit before it answers (a broken pipe there failed one CI run)
            assert not granian, error
            reason = getattr(error, "reason", error)
            assert isinstance(reason, (ConnectionResetError, BrokenPipeError)), error


def test_granian_reads_a_refused_body_to_its_end_before_it_closes(
    pool_app, settings, request
) -> None:
    # It stopped reading a declared body after (twice the limit - its length) bytes, then
    # answered and closed: a client still writing the rest met a reset, not the 413.
    if request.node.callspec.params["pool_app"] != "granian":
        pytest.skip("waitress may close a refused body early (see the test above)")
    url, _ = pool_app
    parts = urllib.parse.urlsplit(url)
    size = 2 * settings.max_request_bytes - 1000
    head = (
        f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Content-Type: application/sparql-query\r\nContent-Length: {size}\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head.encode("ascii") + b"q" * (size // 2))
        time.sleep(0.5)  # long enough for a server that stops reading to answer and close
        for offset in range(size // 2, size, 65536):
            sock.sendall(b"q" * min(65536, size - offset))
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413")


def test_the_host_header_never_flows_into_answers(pool_app) -> None:
    url, _ = pool_app
    status, _, body = post(url, "SELECT (<relative> AS ?i) WHERE {}", Host="evil.example")
    assert status == 200
    iri = json.loads(body)["results"]["bindings"][0]["i"]["value"]
    assert iri == url.rsplit("/", 1)[0] + "/relative" and "evil" not in iri
    request = urllib.request.Request(url, headers={"Host": "evil.example", "Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert b"evil.example" not in response.read()


def test_base_url_setting_is_the_base_iri(settings, oxigraph_engine) -> None:
    public = replace(settings, base_url="https://kg.example.org/sparql")
    client = create_app(public, oxigraph_engine, {}).test_client()
    answer = client.get("/sparql", query_string={"query": "SELECT (<x> AS ?i) WHERE {}"})
    assert answer.json["results"]["bindings"][0]["i"]["value"] == "https://kg.example.org/x"


def test_serve_start_to_first_answer_port_is_bound_once(tmp_path) -> None:
    """The CLI server answers on its port (smoke test of the real launcher)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "iraqkg.cli", "serve", "--dataset", str(MINI), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", timeout=60)
        status, _, _ = post(f"http://127.0.0.1:{port}/sparql", CHEAP)
        assert status == 200
    finally:
        server.terminate()
        server.wait(20)


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk (Debian package) is not installed")
def test_cheap_queries_keep_a_latency_band_beside_pathological_ones() -> None:
    """A bounded load test on loopback with wrk: bench/fairness_bench.py, 5 s."""
    sys.path.insert(0, str(ROOT / "bench"))
    from fairness_bench import load_average, run

    quiet = load_average() < (os.cpu_count() or 1)  # nothing else keeps the cores busy
    doc = run(seconds=5, port=free_port(), timeout=2.0, cheap_connections=4)
    cheap, bad = doc["cheap"], doc["pathological"]
    assert cheap["errors"] == 0 and cheap["requests"] > 50
    # The band: cheap p99 under 100 ms while a third of the traffic is pathological.
    # Other work on a shared machine (a load average above the core count) takes the CPU
    # from every process here alike; then only a loose band is asserted (without the
    # slow-query lane and the CPU priorities the p99 was seconds).
    band = 100 if quiet else 1500
    assert cheap["p99_ms"] < band, (cheap, doc["load_average"])
    assert bad["requests"] > 0 and bad["errors"] == bad["requests"]  # all refused or timed out
    assert doc["rss_after_mb"] < doc["rss_before_mb"] + 100  # memory flat
    assert doc["workers_left"] == []


@pytest.mark.parametrize(
    "reply",
    [
        b"",  # closed before any answer (RemoteDisconnected)
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        b'Content-Length: 1000\r\n\r\n{"head": {',  # cut mid-answer (IncompleteRead)
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        b'Connection: close\r\n\r\n{"head": {',  # a body that ends early (bad JSON)
    ],
    ids=["closed", "incomplete", "truncated-json"],
)
def test_a_store_that_dies_mid_answer_is_engine_unavailable_not_a_bug(settings, reply):
    # Regression: a connection lost while a killed store answered was a 500.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def answer_once() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(reply)

        thread = threading.Thread(target=answer_once, daemon=True)
        thread.start()
        remote = replace(settings, engine="remote", endpoint=f"http://127.0.0.1:{port}/query")
        with pytest.raises(EngineUnavailable):
            RemoteEngine(remote, ())
        thread.join(5)
