"""Every named query in-process on pyoxigraph: p50 / p99 of N runs, defaults applied.

    .venv/bin/python bench/named_queries_bench.py                  # the current build
    .venv/bin/python bench/named_queries_bench.py --dataset FILE --runs 20 --label 100x
    .venv/bin/python bench/named_queries_bench.py --dataset FILE --store disk \
        --entity-suffix=-copy0 --runs 3 --query-timeout 30 --label 1000x

Times the store's query plus reading every row (what the endpoint does), not HTTP. Writes
bench/results/named_queries[-LABEL].json and .md. One run on a shared machine: compare
queries within a run.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path
from queue import Empty

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from iraqkg.engines.oxigraph_engine import load_store  # noqa: E402
from iraqkg.engines.prologue import insert_values  # noqa: E402
from iraqkg.queries import load_named_queries  # noqa: E402
from iraqkg.settings import EndpointSettings  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


_ID = "https://w3id.org/iraqkg/id/"


def _renamed(text: str, suffix: str) -> str:
    """The query about the synthetic copy's entities: reasoning_bench.make_synthetic renames
    every entity but the source documents (``X`` becomes ``X-copyK``)."""
    if not suffix:
        return text

    def full(match: re.Match) -> str:
        local = match.group(1)
        return match.group(0) if local.startswith("source-") else f"<{_ID}{local}{suffix}>"

    text = re.sub(r"<" + re.escape(_ID) + r"([^>]+)>", full, text)
    return re.sub(r"(?<![\w:/])id:([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)", full, text)


def _timed(store, text: str, runs: int) -> dict:
    times, answers = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        answer = store.query(text)
        answers = 1 if isinstance(answer, bool) else sum(1 for _ in answer)
        times.append((time.perf_counter() - began) * 1000)
    return {"rows": answers, "p50_ms": round(statistics.median(times), 2),
            "p99_ms": round(percentile(times, 0.99), 2), "runs": len(times)}  # fmt: skip


def _child(settings, dataset, text, runs, queue) -> None:
    queue.put(_timed(load_store(settings, [dataset]), text, runs))


def _apart(settings, dataset, text: str, runs: int, timeout: float) -> dict:
    import multiprocessing as mp

    context = mp.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child, args=(settings, dataset, text, runs, queue))
    child.start()
    try:
        return queue.get(timeout=timeout)
    except Empty:  # still running
        return {"rows": None, "p50_ms": None, "p99_ms": None, "runs": 0, "over_s": timeout}
    finally:
        child.kill()
        child.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=None, help="N-Quads [current build]")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--label", default="", help="suffix of the results files (e.g. 100x)")
    parser.add_argument("--queries", type=Path, default=ROOT / "queries")
    parser.add_argument("--store", choices=("memory", "disk"), default="memory",
                        help="disk: the store `serve --store disk` wrote")  # fmt: skip
    parser.add_argument("--entity-suffix", default="",
                        help="appended to every entity IRI a query names (-copy0 for the "
                        "synthetic scales, which rename every entity)")  # fmt: skip
    parser.add_argument("--query-timeout", type=float, default=None,
                        help="seconds per query, each in a process (--store disk)")  # fmt: skip
    args = parser.parse_args()
    dataset = args.dataset
    if dataset is None:
        build_id = (ROOT / "build" / "CURRENT").read_text().strip()
        dataset = ROOT / "build" / build_id / "dataset.nq"
    settings = EndpointSettings(store=args.store)
    if args.query_timeout is not None and args.store != "disk":
        # each child would load the whole dataset into memory again
        parser.error("--query-timeout needs --store disk")
    apart = args.query_timeout is not None
    started = time.perf_counter()
    # Apart, each child opens the store (read-only, about a second) and the parent never
    # does: a query cannot be stopped but its process can.
    store = None if apart else load_store(settings, [dataset])
    load_s = time.perf_counter() - started
    rows = []
    for name, named in load_named_queries(args.queries).items():
        if named.services:  # federated (Wikidata): measured against a mirror, not here
            continue
        bound = named.bind({})  # defaults applied
        text = _renamed(insert_values(bound.text, bound.bindings), args.entity_suffix)
        if apart:
            row = _apart(settings, dataset, text, args.runs, args.query_timeout)
        else:
            row = _timed(store, text, args.runs)
        rows.append({"query": name, **row})
        print(name, row, file=sys.stderr, flush=True)
    rows.sort(key=lambda r: -(r["p50_ms"] if r["p50_ms"] is not None else float("inf")))
    label = f"-{args.label}" if args.label else ""
    out = ROOT / "bench" / "results" / f"named_queries{label}.json"
    doc = {"dataset": str(dataset), "runs": args.runs, "load_s": round(load_s, 2), "queries": rows}
    out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    lines = [
        f"# Named queries in-process ({args.label or 'seed'})",
        "",
        f"pyoxigraph ({args.store} store), {args.runs} runs each, p50 / p99 in ms, every row "
        f"read; dataset `{Path(dataset).name}`"
        + (
            f", each query in its own process, stopped after {args.query_timeout:g} s"
            if apart
            else f" loaded in {load_s:.2f} s"
        )
        + ". One run on a shared 2-core machine.",
        "",
        "| query | rows | runs | p50 ms | p99 ms |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['query']} | {r['rows']} | {r['runs']} | {r['p50_ms']} | {r['p99_ms']} |"
        if "over_s" not in r
        else f"| {r['query']} | ? | 0 | over {r['over_s'] * 1000:g} | - |"
        for r in rows
    ]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
