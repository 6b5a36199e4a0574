"""``http_processes``: granian's server processes on one port (web/replicas.py). Real
`iraqkg serve` processes: every process answers, and answers the same as the engine in
process; the replicas stop with the server, however it stops; settings that cannot share
a port are refused."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from endpoint_helpers import MINI, free_port, wait_until_up
from test_faults import alive, children

from iraqkg.cli import main
from iraqkg.engines import open_engine
from iraqkg.settings import EndpointSettings

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT")

QUERIES = [
    "SELECT ?s ?o WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?o } ORDER BY ?s",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "ASK { ?s ?p ?o }",
]


@pytest.mark.parametrize(("values", "message"), [
    ({"http_processes": 2}, "needs http_server=granian"),
    ({"http_processes": 0, "http_server": "granian"}, "outside 1..16"),
    ({"http_processes": 17, "http_server": "granian"}, "outside 1..16"),
])  # fmt: skip
def test_settings_that_cannot_share_a_port_are_refused(values, message):
    with pytest.raises(ValueError, match=message):
        EndpointSettings(**values)


def test_the_cli_refuses_replicas_under_waitress():
    done = CliRunner().invoke(main, ["serve", "--http-processes", "2", "--dataset", str(MINI)])
    assert done.exit_code == 2
    assert "http_server=granian" in done.output


def _get(url: str, data: bytes | None = None, accept: str = "application/json") -> dict:
    # a fresh connection per request: the kernel spreads connections, not requests
    request = urllib.request.Request(url, data=data, headers={"Accept": accept})
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _serve(port: int, processes: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "iraqkg.cli", "serve", "--dataset", str(MINI),
               "--http-server", "granian", "--http-processes", str(processes),
               "--workers", "1", "--port", str(port)]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


def _replicas(pid: int) -> set[int]:
    return {child for child in children(pid)
            if b"iraqkg.web.replicas" in Path(f"/proc/{child}/cmdline").read_bytes()}  # fmt: skip


def _pids_answering(port: int, tries: int = 200) -> set[int]:
    seen: set[int] = set()
    for _ in range(tries):
        seen.add(_get(f"http://127.0.0.1:{port}/healthz")["process"]["pid"])
        if len(seen) == 2:
            break
    return seen


@pytest.fixture(scope="module")
def two_processes():
    port = free_port()
    server = _serve(port, 2)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", timeout=90)
        deadline = time.monotonic() + 60  # the replica may come up after the first process
        while len(_pids_answering(port, 20)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        yield server, port
    finally:
        server.kill()
        server.wait(20)


def test_both_processes_answer_on_the_one_port(two_processes):
    server, port = two_processes
    replicas = _replicas(server.pid)
    assert len(replicas) == 1
    assert _pids_answering(port) == {server.pid, *replicas}
    assert _get(f"http://127.0.0.1:{port}/healthz")["process"]["of"] == 2


def _values(answer: dict) -> object:
    if "boolean" in answer:
        return answer["boolean"]
    names = answer["head"]["vars"]
    return sorted(tuple(row[n]["value"] for n in names) for row in answer["results"]["bindings"])


@pytest.mark.parametrize("query", QUERIES)
def test_every_process_answers_as_the_engine_does(two_processes, query):
    _, port = two_processes
    engine = open_engine(EndpointSettings(), [MINI])
    result = engine.query(query)
    engine.close()
    expected = result.boolean if result.boolean is not None else sorted(
        tuple(str(term) for term in row) for row in result.rows)  # fmt: skip
    assert expected  # something to compare
    for i in range(12):  # twelve connections: both processes, lane and workers alike
        body = urllib.parse.urlencode({"query": f"{query}\n# {i}"}).encode()
        answer = _get(f"http://127.0.0.1:{port}/sparql", body, "application/sparql-results+json")
        assert _values(answer) == expected


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_replicas_and_their_workers_stop_with_the_server(how):
    port = free_port()
    server = _serve(port, 3)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", timeout=90)
        deadline = time.monotonic() + 60
        while len(_replicas(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        replicas = _replicas(server.pid)
        family = set(replicas).union(*(children(pid) for pid in replicas))
        assert len(replicas) == 2
        server.send_signal(how)
        server.wait(30)
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in family) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in family if alive(pid)]
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(20)


def test_port_zero_gives_every_process_the_same_port(tmp_path):
    # port 0: the parent picks the port before any process binds (replicas.reserve_port)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "iraqkg.cli", "serve", "--dataset", str(MINI),
             "--http-server", "granian", "--http-processes", "2", "--workers", "1",
             "--port", "0"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=out,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while "http://" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        url = log.read_text().split(" at ", 1)[1].split()[0]
        port = int(urllib.parse.urlsplit(url).port)
        assert port != 0
        wait_until_up(f"http://127.0.0.1:{port}/healthz", timeout=90)
        deadline = time.monotonic() + 60
        while len(_pids_answering(port, 20)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_pids_answering(port)) == 2
    finally:
        server.kill()
        server.wait(20)
