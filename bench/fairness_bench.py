"""Cheap queries beside pathological ones: does the cheap traffic keep its latency?

    .venv/bin/python bench/fairness_bench.py --seconds 10 --rounds 2 [--baseline-src OLD/src]

Starts ``iraqkg serve`` (2 workers, a short query timeout) on the current build and runs two
``wrk`` load generators at once: a third of the connections loop a pathological query (a
cross product that always times out; each request made unique by a trailing comment), the
rest loop a cheap uncached ASK. Reports the cheap queries' p50 / p99, what the pathological
ones got, the server's resident memory before and after, whether any worker process
outlived the server, and the machine's load average. Each round runs the defaults (CPU
priorities on) and ``--background-nice 0`` (off), and optionally a server from another
checkout's ``src`` (``--baseline-src``), alternately so that they meet the same machine.
Writes bench/results/fairness.json and .md. Short runs on a shared machine: an
indication, not a measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from http_bench import (  # noqa: E402
    current_dataset,
    ensure_wrk,
    family,
    port_free,
    run_wrk,
    wait_up,
)

CHEAP = "PREFIX ikg: <https://w3id.org/iraqkg/ontology#> ASK { ?s a ikg:ArmedGroup }"
PATHOLOGICAL = (
    "SELECT (COUNT(*) AS ?n) WHERE "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
)


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def run(seconds: float, port: int, timeout: float, cheap_connections: int,
        serve_options: tuple[str, ...] = (), src: Path = ROOT / "src") -> dict:  # fmt: skip
    wrk = ensure_wrk()
    port_free(port)
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, "-m", "iraqkg.cli", "serve", "--dataset", str(current_dataset()),
               "--port", str(port), "--workers", "2", "--timeout", f"{timeout:g}",
               *serve_options]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        wait_up(port, "/sparql?query=ASK%7B%7D")
        with tempfile.TemporaryDirectory() as tmp:
            cheap = Path(tmp) / "cheap.bodies"
            cheap.write_text(urllib.parse.urlencode({"query": CHEAP}) + "\n")
            slow = Path(tmp) / "slow.bodies"
            slow.write_text(urllib.parse.urlencode({"query": PATHOLOGICAL}) + "\n")
            run_wrk(wrk, url, cheap, "unique", 2, 1)  # warm-up
            # The pathological query has been seen once (as when a client loops it): it
            # timed out, its worker was replaced; wait until the pool is whole again.
            seen = urllib.request.Request(url, data=slow.read_bytes().strip(), headers={
                "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
            try:
                urllib.request.urlopen(seen, timeout=timeout + 30).read()
            except urllib.error.HTTPError as error:  # 503 timeout, as expected
                error.read()
            time.sleep(timeout + 3)
            before = rss_mb(family(server.pid))
            load_before = load_average()
            with ThreadedWrk(wrk, url, slow, max(1, cheap_connections // 2), seconds) as bad:
                good = run_wrk(wrk, url, cheap, "unique", cheap_connections, seconds)
            load_after = load_average()
            time.sleep(timeout + 3)  # workers killed as wrk hung up are replaced by now
            after = rss_mb(family(server.pid))
        workers = family(server.pid)[1:]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    time.sleep(1)
    left = [p for p in workers if Path(f"/proc/{p}").exists()]
    return {"seconds": seconds, "query_timeout": timeout, "serve_options": list(serve_options),
            "cheap": good, "pathological": bad.result, "rss_before_mb": before,
            "rss_after_mb": after, "workers_left": left,
            "load_average": [load_before, load_after]}  # fmt: skip


class ThreadedWrk:
    """A wrk run in the background for the length of a ``with`` block."""

    def __init__(self, wrk: str, url: str, bodies: Path, connections: int, seconds: float):
        import threading

        self.result: dict = {}
        self._thread = threading.Thread(target=self._go, args=(wrk, url, bodies, connections,
                                                                seconds))  # fmt: skip

    def _go(self, wrk, url, bodies, connections, seconds) -> None:
        self.result = run_wrk(wrk, url, bodies, "unique", connections, seconds)

    def __enter__(self) -> ThreadedWrk:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._thread.join()


# What each configuration is, for the results table.
CONFIGS = {
    "priorities": (),  # the defaults: demote_after 0.25 s, background_nice 19
    "no priorities": ("--background-nice", "0"),  # long queries at normal priority
}


def _row(name: str, doc: dict) -> str:
    cheap, bad = doc["cheap"], doc["pathological"]
    load = "-".join(f"{x:g}" for x in doc["load_average"])
    return (f"| {name} | {load} | {cheap['requests']} | {cheap['requests_per_s']} "
            f"| {cheap['p50_ms']} | {cheap['p99_ms']} | {cheap['errors']} | {bad['requests']} "
            f"| {bad['errors']} | {doc['rss_before_mb']} / {doc['rss_after_mb']} "
            f"| {len(doc['workers_left'])} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=8107)
    parser.add_argument("--timeout", type=float, default=2.0, help="the server's query timeout")
    parser.add_argument("--connections", type=int, default=4, help="cheap-query connections")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="runs of each configuration, alternated (the load changes)",
    )
    parser.add_argument(
        "--baseline-src",
        type=Path,
        default=None,
        help="also run the server from this src folder (an older checkout's)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "fairness.json")
    args = parser.parse_args()
    configs = {name: (options, ROOT / "src") for name, options in CONFIGS.items()}
    if args.baseline_src is not None:
        configs[f"baseline {args.baseline_src}"] = ((), args.baseline_src.resolve())
    runs = []
    for round_ in range(args.rounds):
        for name, (options, src) in configs.items():
            doc = run(args.seconds, args.port, args.timeout, args.connections, options, src)
            runs.append({"round": round_ + 1, "config": name, **doc})
            print(_row(name, doc), flush=True)
    args.out.write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")
    first = runs[0]
    lines = [
        "# Fairness: cheap queries beside pathological ones",
        "",
        f"{args.seconds:g} s of wrk per run (short: the machine is shared); iraqkg with 2 workers "
        f"and a {args.timeout:g} s query timeout. {first['cheap']['connections']} connections "
        f"loop a cheap uncached ASK while {first['pathological']['connections']} loop a cross "
        "product that always times out (seen once before the run: its first copies take every "
        "worker until they time out, which this does not measure). `priorities` is the "
        "default (a query past `demote_after` runs at nice "
        "`background_nice`); `no priorities` is `--background-nice 0`. Runs alternate, so "
        "both meet the same machine; the load column is the 1-minute load average at the "
        "start and end of each run (other work on the machine).",
        "",
        "| config | load | cheap requests | req/s | p50 ms | p99 ms | non-200 | pathological "
        "| refused or timed out | resident MB before / after | workers left |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *(_row(r["config"], r) for r in runs),
    ]
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
