"""HTTP throughput and latency of the iraqkg endpoint, optionally beside an Oxigraph server.

    PYTHONPATH=src python bench/http_bench.py --dataset tests/web/fixtures/mini.trig \
        --clients 1 4 16 --seconds 5 --oxigraph

Each server runs in its own process on loopback; the clients are threads with keep-alive
connections posting a fixed query mix. One run on a noisy machine is an indication, not a
measurement: compare servers within one run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MIX = [
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } LIMIT 50",
    "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "ASK { ?s a ?type }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 20",
]
SERVER = """
import sys
from pathlib import Path
from iraqkg.engines import EngineFactory
from iraqkg.settings import EndpointSettings
from iraqkg.web import create_app
from iraqkg.web.server import serve
settings = EndpointSettings(
    port=int(sys.argv[1]), workers=2, threads=16, cache_bytes=int(sys.argv[2])
)
files = [Path(p) for p in sys.argv[3:]]
serve(create_app(settings, EngineFactory(settings, files), {"build_id": "bench"}), settings)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_up(port: int, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start")


@contextmanager
def iraqkg_server(dataset: Path, cache_bytes: int) -> Iterator[tuple[int, str]]:
    port = free_port()
    command = [sys.executable, "-c", SERVER, str(port), str(cache_bytes), str(dataset)]
    process = subprocess.Popen(command)
    try:
        wait_up(port, "/healthz")
        yield port, "/sparql"
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def oxigraph_server(dataset: Path, _cache_bytes: int) -> Iterator[tuple[int, str]]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    with tempfile.TemporaryDirectory() as location:
        subprocess.run([binary, "load", "--location", location, "--file", str(dataset)], check=True)
        port = free_port()
        process = subprocess.Popen(
            [binary, "serve-read-only", "--location", location, "--bind", f"127.0.0.1:{port}",
             "--union-default-graph"],
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_up(port, "/query?query=ASK%7B%7D")
            yield port, "/query"
        finally:
            process.terminate()
            process.wait(10)


def load(port: int, path: str, clients: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, i = [], offset
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"}
        while time.monotonic() < stop:
            body = urllib.parse.urlencode({"query": MIX[i % len(MIX)]})
            started = time.perf_counter()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                errors[0] += 1
            i += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)
    return {
        "clients": clients,
        "requests_per_s": round(len(ordered) / seconds, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000, 2),
        "errors": errors[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, required=True, help="N-Quads or TriG file")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--oxigraph", action="store_true", help="also measure Oxigraph server")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "results" / "http.json",
        help="where the results go as JSON [default: bench/results/http.json]",
    )
    parser.add_argument(
        "--cache-bytes", type=int, default=64 << 20, help="iraqkg answer cache (0: off)"
    )
    args = parser.parse_args()
    servers = {"iraqkg": iraqkg_server}
    if args.oxigraph:
        servers["oxigraph-server"] = oxigraph_server
    results = {}
    for name, start in servers.items():
        with start(args.dataset, args.cache_bytes) as (port, path):
            load(port, path, 1, 1.0)  # warm-up
            results[name] = [load(port, path, n, args.seconds) for n in args.clients]
        for row in results[name]:
            print(name, row)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"dataset": str(args.dataset), "seconds": args.seconds, "cache_bytes": args.cache_bytes}
    args.out.write_text(json.dumps({**meta, "servers": results}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
