"""HTTP throughput and latency of iraqkg beside the Oxigraph server, same build, same run.

    .venv/bin/python bench/http_bench.py --seconds 5          # the current build
    .venv/bin/python bench/http_bench.py --dataset build/ID/dataset.nq --connections 1 4 16

Load comes from ``wrk`` (a C load generator; installed with apt-get if missing) driven by
bench/http_bench.lua, which POSTs a rotating mix of form-encoded queries. Two mixes:
"short" (six short lookups) and "named" (every named SELECT/ASK query in queries/, defaults
applied). "uncached": each request gets a unique trailing comment so no answer cache can
serve it; "cached": the same texts repeat (iraqkg's answer cache, warmed first). The
Oxigraph server (``oxigraph serve-read-only``, PyPI ``oxigraph``) has no answer cache: it is
measured uncached. Peak resident memory (VmHWM) of each server and its worker processes is
read from /proc at the end. One run on a shared machine is an indication: compare servers
within one run, never across runs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = (
    "PREFIX ikg: <https://w3id.org/iraqkg/ontology#> "
    "PREFIX id: <https://w3id.org/iraqkg/id/> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
)
# Six short lookups: an ASK, one entity's armed wing, PMF members, alternative labels,
# quotes about one entity, a count.
SHORT = [
    "ASK { id:badr-organization a ikg:ArmedGroup }",
    "SELECT ?wing WHERE { ?wing ikg:armedWingOf id:sciri }",
    "SELECT ?m WHERE { ?m ikg:memberOf id:popular-mobilization-forces }",
    "SELECT ?alt WHERE { id:muqtada-al-sadr skos:altLabel ?alt }",
    "SELECT ?quote WHERE { ?st ikg:subject id:badr-organization ; ikg:quote ?quote } LIMIT 10",
    "SELECT (COUNT(?g) AS ?n) WHERE { ?g a ikg:ArmedGroup }",
]


# iraqkg's variants: (HTTP server, more serve options, server processes sharing the workers)
VARIANTS = {
    "waitress": ("waitress", (), 1),
    "granian": ("granian", (), 1),
    "granian-no-lane": ("granian", ("--fast-lane-ms", "0"), 1),
    "granian-2proc": ("granian", ("--http-processes", "2"), 2),
}


def short_mix() -> list[str]:
    return [PREFIXES + q for q in SHORT]


def named_mix(folder: Path) -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from iraqkg.engines.policy import sniff
    from iraqkg.engines.prologue import insert_values
    from iraqkg.queries import load_named_queries

    texts = []
    for named in load_named_queries(folder).values():
        if named.services:  # federated (Wikidata): the bench stays on loopback
            continue
        bound = named.bind({})  # defaults applied, as a self-contained text for HTTP
        text = insert_values(bound.text, bound.bindings)
        if sniff(text).form in ("select", "ask"):
            texts.append(text)
    return texts


def bodies_file(queries: list[str], folder: Path, name: str) -> Path:
    path = folder / f"{name}.bodies"
    lines = [urllib.parse.urlencode({"query": q}) for q in queries]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["sudo", "apt-get", "install", "-y", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def wait_up(port: int, path: str, timeout: float = 120) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return time.monotonic() - started
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


def family(pid: int) -> list[int]:
    """A process and all its descendants (from /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            todo += [int(c) for c in task.read_text().split()]
    return found


def peak_rss_mb(pid: int) -> dict[str, float]:
    """VmHWM (peak resident set) of the server process and, summed, of its children."""
    out = {"server_mb": 0.0, "workers_mb": 0.0}
    for n, member in enumerate(family(pid)):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                mb = int(line.split()[1]) / 1024
                out["server_mb" if n == 0 else "workers_mb"] += mb
    return {k: round(v, 1) for k, v in out.items()}


@contextmanager
def iraqkg_server(dataset: Path, port: int, workers: int, http_server: str,
                  *extra: str) -> Iterator[dict]:  # fmt: skip
    command = [sys.executable, "-m", "iraqkg.cli", "serve", "--dataset", str(dataset),
               "--port", str(port), "--workers", str(workers),
               "--http-server", http_server, *extra]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        wait_up(port, "/sparql?query=ASK%7B%7D", timeout=1800)  # 1000x: loading takes a while
        info = {"url": f"http://127.0.0.1:{port}/sparql", "pid": process.pid,
                "startup_s": round(time.monotonic() - started, 2)}  # fmt: skip
        yield info
        info["memory"] = peak_rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(20)


@contextmanager
def oxigraph_server(dataset: Path | None, port: int) -> Iterator[dict]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    with tempfile.TemporaryDirectory() as location:
        if dataset is not None:
            subprocess.run([binary, "load", "--location", location, "--file", str(dataset)],
                           check=True, capture_output=True)  # fmt: skip
        started = time.monotonic()
        # with no dataset: an empty writable store, for iraqkg to upload its build into
        mode = ["serve-read-only", "--union-default-graph"] if dataset else ["serve"]
        process = subprocess.Popen(
            [binary, mode[0], "--location", location, "--bind", f"127.0.0.1:{port}", *mode[1:]],
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_up(port, "/query?query=ASK%7B%7D")
            info = {"url": f"http://127.0.0.1:{port}/query", "pid": process.pid,
                    "startup_s": round(time.monotonic() - started, 2)}  # fmt: skip
            yield info
            info["memory"] = peak_rss_mb(process.pid)
        finally:
            process.terminate()
            process.wait(20)


def run_wrk(wrk: str, url: str, bodies: Path, mode: str, connections: int, seconds: float) -> dict:
    threads = min(2, connections)
    command = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
               "--timeout", "30s", "-s", str(ROOT / "bench" / "http_bench.lua"), url,
               "--", str(bodies), mode, uuid.uuid4().hex[:12]]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRKJSON "))
    raw = json.loads(line[len("WRKJSON ") :])
    errors = sum(v for k, v in raw.items() if k.startswith("errors_"))
    return {
        "connections": connections,
        "requests_per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "requests": raw["requests"],
        "errors": errors,
    }


def port_free(port: int) -> None:
    """Refuse to measure a stray server that already holds the port."""
    with socket.socket() as sock:
        # as the servers bind: a closed connection in TIME_WAIT does not hold the port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise SystemExit(f"port {port} is in use: stop whatever listens there") from None


def check_answers(url: str, queries: list[str]) -> list[int]:
    """Every query of the mix answers 200 before it is timed (a fast error is no result);
    returns the answers' sizes, compared between servers (same data, same answers)."""
    parts = urllib.parse.urlsplit(url)
    sizes = []
    for query in queries:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        body = urllib.parse.urlencode({"query": query})
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/sparql-results+json"}  # fmt: skip
        connection.request("POST", parts.path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status} to {query[:80]}: {text[:200]}")
        doc = json.loads(text)
        sizes.append(len(doc["results"]["bindings"]) if "results" in doc else int(doc["boolean"]))
    return sizes


def measure(wrk: str, url: str, mixes: dict, modes: list[str], args, sizes: dict) -> dict:
    out: dict = {}
    for mix, (queries, bodies) in mixes.items():
        found = check_answers(url, queries)  # also warms the answer cache for "cached"
        if sizes.setdefault(mix, found) != found:
            raise SystemExit(f"the servers disagree on the {mix} mix: {sizes[mix]} vs {found}")
        for mode in modes:
            run_wrk(wrk, url, bodies, mode, 4, 1)  # warm-up
            runs = []
            for c in args.connections:
                before = cache_hits(url)
                run = run_wrk(wrk, url, bodies, "same" if mode == "cached" else "unique", c,
                              args.seconds)  # fmt: skip
                after = cache_hits(url)
                if before is not None and after is not None:
                    run["cache_hits"] = after - before
                    if mode == "uncached" and run["cache_hits"]:
                        hits = run["cache_hits"]
                        raise SystemExit(f"{url}: {hits} cache hits in an uncached run")
                runs.append(run)
            out[f"{mix}/{mode}"] = runs
    return out


def healths(url: str) -> list[dict]:
    """/healthz of every iraqkg server process (``--http-processes``: the kernel picks one
    per connection, so ask on fresh connections until each has answered); [] for another
    server."""
    found: dict[int, dict] = {}
    for _ in range(200):
        try:
            with urllib.request.urlopen(url.rsplit("/", 1)[0] + "/healthz", timeout=30) as answer:
                health = json.loads(answer.read())
        except (OSError, ValueError):
            return []
        process = health.get("process") or {"pid": 0, "of": 1}
        found[process["pid"]] = health
        if len(found) >= process["of"]:
            break
    return list(found.values())


def cache_hits(url: str) -> int | None:
    """Answers iraqkg gave from a cache so far, all its processes (None for another
    server): an uncached run must add none."""
    found = healths(url)
    if not found:
        return None
    total = 0
    for health in found:
        executor = health.get("executor", {})
        total += (health.get("response_cache", {}).get("hits", 0)
                  + executor.get("cache", {}).get("hits", 0)
                  + executor.get("kept_answers", {}).get("hits", 0))  # fmt: skip
    return total


def lane_status(url: str) -> dict | None:
    """What iraqkg's fast lane did (fast_lane.py), summed over its processes: how many
    queries it answered in a server process, computed afresh, rather than on a worker."""
    lanes = [h.get("executor", {}).get("fast_lane") for h in healths(url)]
    lanes = [lane for lane in lanes if lane]
    if not lanes:
        return None
    return {key: sum(lane[key] for lane in lanes) for key in ("answered", "remembered", "known")}


def ratios(servers: dict, top: int) -> dict:
    def rps(name: str, key: str) -> float | None:
        rows = servers.get(name, {}).get("runs", {}).get(key, [])
        return next((r["requests_per_s"] for r in rows if r["connections"] == top), None)

    out = {}
    for name in (n for n in servers if n.startswith("iraqkg")):
        for mix in ("short", "named"):
            ox = rps("oxigraph-server", f"{mix}/uncached")
            for mode in ("uncached", "cached"):
                mine = rps(name, f"{mix}/{mode}")
                if ox and mine:
                    out[f"{name} {mix}/{mode}"] = round(mine / ox, 2)
    return out


def markdown(doc: dict) -> str:
    top = max(doc["connections"])
    lines = [
        "# HTTP benchmark: iraqkg beside the Oxigraph server",
        "",
        f"wrk, {doc['seconds']:g} s per run (kept short: the machine is shared), "
        f"connections {', '.join(map(str, doc['connections']))}; dataset `{doc['dataset']}`; "
        f"{doc['machine']}. Every server measured in the same run; iraqkg with "
        f"{doc['iraqkg_workers']} query workers, under each of its HTTP servers. Uncached: a "
        "unique comment per request, so no cache answers it. With the fast lane (the default; "
        "`granian-no-lane` is `--fast-lane-ms 0`) a query text a worker answered within 2 ms "
        "of CPU is run, computed afresh, in the server process when asked again, trailing "
        "comment aside: a routing choice, not a cache. `granian-2proc` is `--http-processes 2` "
        "with half the query workers in each process (the same number in all); its server "
        "memory is the first process's, the replica's counts with the workers.",
        "",
        f"## Throughput ratio iraqkg / Oxigraph server at {top} connections",
        "",
        "| iraqkg's HTTP server | mix | uncached | cached |",
        "|---|---|---|---|",
    ]
    for name in (n for n in doc["servers"] if n.startswith("iraqkg")):
        for mix in ("short", "named"):
            got = doc["ratios"]
            uncached, cached = (got.get(f"{name} {mix}/{m}", "-") for m in ("uncached", "cached"))
            lines.append(f"| {name.removeprefix('iraqkg-')} | {mix} | {uncached} | {cached} |")
    lines += ["", "## Runs", "", "| server | mix/mode | conns | req/s | p50 ms | p99 ms | errors |"]
    lines.append("|---|---|---|---|---|---|---|")
    for name, server in doc["servers"].items():
        for key, rows in server["runs"].items():
            for r in rows:
                lines.append(
                    f"| {name} | {key} | {r['connections']} | {r['requests_per_s']} "
                    f"| {r['p50_ms']} | {r['p99_ms']} | {r['errors']} |"
                )
    lines += ["", "## Memory (peak resident, MB) and start-up", ""]
    lines += ["| server | server process | workers | start-up s | fast lane answered / "
              "remembered / known |", "|---|---|---|---|---|"]  # fmt: skip
    for name, server in doc["servers"].items():
        memory = server.get("memory", {})
        lane = server.get("fast_lane") or {}
        lanes = (f"{lane['answered']} / {lane['remembered']} / {lane['known']}" if lane
                 else "-")  # fmt: skip
        lines.append(
            f"| {name} | {memory.get('server_mb')} | {memory.get('workers_mb')} "
            f"| {server.get('startup_s')} | {lanes} |"
        )
    return "\n".join(lines) + "\n"


def current_dataset() -> Path:
    """The checkout's current build, built first when there is none (a fresh clone)."""
    from iraqkg import api

    return api.current_dataset(ROOT / "ontology", ROOT / "data", ROOT / "build")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=None, help="N-Quads [current build]")
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2, help="iraqkg query workers")
    parser.add_argument("--port", type=int, default=8107, help="iraqkg's port")
    parser.add_argument("--oxigraph-port", type=int, default=8127)
    parser.add_argument("--mixes", nargs="+", default=["short", "named"])
    parser.add_argument("--no-oxigraph", action="store_true")
    parser.add_argument("--remote", action="store_true",
                        help="also iraqkg before an Oxigraph server it uploads to")  # fmt: skip
    parser.add_argument("--http-servers", nargs="+",
                        default=["waitress", "granian", "granian-no-lane", "granian-2proc"],
                        choices=list(VARIANTS),
                        help="iraqkg's HTTP servers (granian-no-lane: fast lane off; "
                             "granian-2proc: two server processes)")  # fmt: skip
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "http.json")
    args = parser.parse_args()
    dataset = (args.dataset or current_dataset()).resolve()
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory() as tmp:
        queries = {"short": short_mix(), "named": named_mix(ROOT / "queries")}
        mixes = {m: (queries[m], bodies_file(queries[m], Path(tmp), m)) for m in args.mixes}
        servers: dict = {}
        sizes: dict = {}
        port_free(args.port)
        if not args.no_oxigraph:
            port_free(args.oxigraph_port)
        for http_server in args.http_servers:
            name, extra, share = VARIANTS[http_server]
            workers = max(1, args.workers // share)  # the same query workers in all
            with iraqkg_server(dataset, args.port, workers, name, *extra) as info:
                info["runs"] = measure(wrk, info["url"], mixes, ["uncached", "cached"], args,
                                       sizes)  # fmt: skip
                info["fast_lane"] = lane_status(info["url"])
            servers[f"iraqkg-{http_server}"] = info
        if args.remote:  # iraqkg in front of a remote store: an Oxigraph server it uploads to
            port_free(args.oxigraph_port + 1)
            with oxigraph_server(None, args.oxigraph_port + 1) as store:
                endpoint = store["url"]
                with iraqkg_server(dataset, args.port, args.workers, "granian", "--endpoint",
                                   endpoint) as info:  # fmt: skip
                    info["runs"] = measure(wrk, info["url"], mixes, ["uncached", "cached"],
                                           args, sizes)  # fmt: skip
                info["memory"]["store_mb"] = peak_rss_mb(store["pid"])["server_mb"]
            servers["iraqkg-remote-oxigraph"] = info
        if not args.no_oxigraph:
            with oxigraph_server(dataset, args.oxigraph_port) as info:
                info["runs"] = measure(wrk, info["url"], mixes, ["uncached"], args, sizes)
            servers["oxigraph-server"] = info
    for server in servers.values():
        server.pop("pid", None)
        server.pop("url", None)
    doc = {
        "dataset": str(dataset.relative_to(ROOT) if dataset.is_relative_to(ROOT) else dataset),
        "seconds": args.seconds,
        "connections": args.connections,
        "iraqkg_workers": args.workers,
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, shared",
        "mix_sizes": {m: len(queries[m]) for m in args.mixes},
        "servers": servers,
    }
    doc["ratios"] = ratios(servers, max(args.connections))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(markdown(doc), encoding="utf-8")
    print(markdown(doc))


if __name__ == "__main__":
    main()
