"""How fast the network is: building it, filtering and drawing views, and serving pages.

    .venv/bin/python bench/network_bench.py [--dataset build/<id>/dataset.nq] [--port 8103]

Stages run in process (median of --repeat runs): the network built by SPARQL on an embedded
Oxigraph engine (what each served build does once, through its query workers), against
the alternative of parsing the dataset file with rdflib in the web process; then one view
filtered and drawn, uncached, for typical requests. HTTP: a real server (waitress, query
worker processes) on loopback, loaded with ``wrk`` for a few seconds per page. Results go
to bench/results/network.json and .md. One run on a shared machine: an indication.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from iraqkg.export.filters import DEFAULT_STATUSES, View, view  # noqa: E402
from iraqkg.export.network import build_network, oxigraph_select  # noqa: E402
from iraqkg.export.svg import render_svg  # noqa: E402

VIEWS = {
    "whole network on 2021-11-07": View(
        as_of=date(2021, 11, 7), statuses=DEFAULT_STATUSES, collapse_implied=True,
        drop_isolated=True,
    ),
    "Badr, depth 1": View(
        around="id:badr-organization", statuses=DEFAULT_STATUSES, collapse_implied=True
    ),
    "Badr, depth 2": View(
        around="id:badr-organization", depth=2, statuses=DEFAULT_STATUSES, collapse_implied=True
    ),
}  # fmt: skip
PAGES = {
    "/network.svg?date=2021-11-07": "image/svg+xml",
    "/network.json?entity=badr-organization&depth=2": "application/json",
    "/network?date=2021-11-07": "text/html",
    "/id/abu-mahdi-al-muhandis": "text/html",
}
SERVER = """
import sys
from pathlib import Path
from iraqkg.engines import EngineFactory
from iraqkg.settings import EndpointSettings
from iraqkg.web import create_app
from iraqkg.web.server import serve
settings = EndpointSettings(port=int(sys.argv[1]), workers=2)
files = [Path(sys.argv[2])]
info = {"build_id": "bench", "dataset_files": [str(f) for f in files]}
serve(create_app(settings, EngineFactory(settings, files), info), settings)
"""


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def stages(dataset: Path, repeat: int) -> dict[str, float]:
    from rdflib import Dataset

    found = {}
    select = oxigraph_select([dataset])
    found["network by SPARQL (embedded Oxigraph, store loaded)"] = median_seconds(
        lambda: build_network(select), repeat
    )
    found["load the store and build the network"] = median_seconds(
        lambda: build_network(oxigraph_select([dataset])), repeat
    )
    found["alternative: parse the dataset file with rdflib"] = median_seconds(
        lambda: Dataset().parse(dataset, format="nquads"), repeat
    )
    network = build_network(select)
    for name, wanted in VIEWS.items():
        found[f"filter + draw: {name}"] = median_seconds(
            lambda wanted=wanted: render_svg(view(network, wanted), labels=network.labels), repeat
        )
    return found


def http(dataset: Path, port: int, seconds: int) -> dict[str, dict]:
    if shutil.which("wrk") is None:
        return {}
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port), str(dataset)])
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)
        for path, accept in PAGES.items():
            request = urllib.request.Request(base + path, headers={"Accept": accept})
            start = time.perf_counter()
            urllib.request.urlopen(request, timeout=120).read()  # first: builds, draws
            first = time.perf_counter() - start
            done = subprocess.run(
                ["wrk", "-t2", "-c4", f"-d{seconds}s", "-H", f"Accept: {accept}", base + path],
                capture_output=True, text=True, timeout=seconds + 60, check=True,
            )  # fmt: skip
            rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
            latency = re.search(r"Latency\s+([\d.]+\w+)", done.stdout)
            results[path] = {
                "first_request_s": round(first, 3),
                "requests_per_s": float(rate.group(1)) if rate else None,
                "mean_latency": latency.group(1) if latency else None,
            }
    finally:
        server.terminate()
        server.wait(10)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=None)
    parser.add_argument("--port", type=int, default=8103)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    dataset = args.dataset
    if dataset is None:
        current = (ROOT / "build" / "CURRENT").read_text().strip()
        dataset = ROOT / "build" / current / "dataset.nq"
    found = {"dataset": str(dataset.relative_to(ROOT) if dataset.is_relative_to(ROOT) else dataset)}
    found["stages_s"] = {k: round(v, 4) for k, v in stages(dataset, args.repeat).items()}
    found["http"] = http(dataset, args.port, args.seconds)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "network.json").write_text(json.dumps(found, indent=2) + "\n")
    lines = [
        "# Network bench",
        "",
        f"Dataset: `{found['dataset']}`.",
        "",
        "| stage | seconds |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v:.3f} |" for k, v in found["stages_s"].items()]
    if found["http"]:
        lines += ["", "wrk, 2 threads, 4 connections, after one warming request:", ""]
        lines += ["| page | first request (s) | requests/s | mean latency |", "|---|---|---|---|"]
        lines += [
            f"| `{p}` | {r['first_request_s']} | {r['requests_per_s']} | {r['mean_latency']} |"
            for p, r in found["http"].items()
        ]
    (out / "network.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
