"""Every named query in-process on pyoxigraph: p50 / p99 of N runs, defaults applied.

    .venv/bin/python bench/named_queries_bench.py                  # the current build
    .venv/bin/python bench/named_queries_bench.py --dataset FILE --runs 20 --label 100x
    .venv/bin/python bench/named_queries_bench.py --dataset FILE --store disk \
        --entity-suffix=-copy0 --runs 3 --query-timeout 30 --label 1000x
    .venv/bin/python bench/named_queries_bench.py --served   # and as the endpoint serves it
    .venv/bin/python bench/named_queries_bench.py --dataset FILE --served-only \
        --entity-suffix=-copy0 --label 1000x-served   # only the kept answers (large scales)

Times the store's query plus reading every row (the engine's cost), not HTTP. With
``--served``, also what the endpoint's executor does for the question's default: the answer
the build keeps (iraqkg.answers, computed here for the dataset first, and timed), else the
engine's answer written as SPARQL JSON. ``--served-only`` skips the engine's timings and
times only what the build keeps: one in-memory store (the answers' own, in a child that
ends with them) instead of three, for scales where three do not fit. Writes
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


class _NotKept:
    """--served-only: the executor under the kept answers when no engine is loaded; a
    question it would be asked is reported as not kept, never timed."""

    info = None

    def run(self, task, cancelled=None):
        raise LookupError("not kept: answered by the engine (see the engine's timings)")

    def status(self) -> dict:
        return {"mode": "none"}

    def close(self) -> None:
        pass


def _kept_executor(dataset: Path, texts: dict[str, str], settings, seconds: float,
                   engine: bool = True):  # fmt: skip
    """The endpoint's executor over ``dataset`` with the answers kept for ``texts`` (computed
    in a scratch build folder, as the build does), and what keeping them cost."""
    import atexit
    import shutil
    import tempfile

    from iraqkg.answers import compute_answers
    from iraqkg.engines.oxigraph_engine import OxigraphEngine
    from iraqkg.queries import NamedQuery
    from iraqkg.settings import BuildSettings
    from iraqkg.web.executor import InlineExecutor
    from iraqkg.web.kept_answers import KeptAnswersExecutor

    folder = Path(tempfile.mkdtemp(prefix="kept-answers-"))
    atexit.register(shutil.rmtree, folder, True)  # the scratch build goes with the run
    (folder / "dataset.nq").symlink_to(Path(dataset).resolve())
    began = time.perf_counter()
    queries = {name: NamedQuery(name, name, "", text) for name, text in texts.items()}
    answers = compute_answers(folder, queries, seconds, BuildSettings().answer_rows)
    spent = time.perf_counter() - began
    if answers is None:
        raise SystemExit("no answer was kept")
    inner = InlineExecutor(OxigraphEngine(settings, [dataset]), settings) if engine else _NotKept()
    return KeptAnswersExecutor(inner, answers, settings), answers, spent


def _timed_served(executor, text: str, runs: int, max_rows: int) -> dict:
    from iraqkg.web.tasks import Task

    task = Task(text, accept="application/sparql-results+json", max_rows=max_rows)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        reply = executor.run(task)
        times.append((time.perf_counter() - began) * 1000)
    return {"served_rows": reply.size, "served_p50_ms": round(statistics.median(times), 2),
            "served_p99_ms": round(percentile(times, 0.99), 2)}  # fmt: skip


def _child(settings, dataset, text, runs, queue, store=None) -> None:
    # a memory store is the parent's, inherited by the fork; a disk store is opened here
    queue.put(_timed(store or load_store(settings, [dataset]), text, runs))


def _apart(settings, dataset, text: str, runs: int, timeout: float, store=None) -> dict:
    import multiprocessing as mp

    context = mp.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child, args=(settings, dataset, text, runs, queue, store))
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
                        help="seconds per query, each in a forked process")  # fmt: skip
    parser.add_argument(
        "--served",
        action="store_true",
        help="also time the endpoint's executor with the kept answers",
    )
    parser.add_argument("--served-only", action="store_true",
                        help="only the kept answers, no engine timings (large scales)")  # fmt: skip
    parser.add_argument(
        "--answer-seconds",
        type=float,
        default=30.0,
        help="--served: each query's limit when keeping answers",
    )
    args = parser.parse_args()
    dataset = args.dataset
    if dataset is None:
        build_id = (ROOT / "build" / "CURRENT").read_text().strip()
        dataset = ROOT / "build" / build_id / "dataset.nq"
    settings = EndpointSettings(store=args.store)
    apart = args.query_timeout is not None
    if args.served and args.store != "memory":
        parser.error("--served needs the memory store (or --served-only)")
    if args.served_only:
        _served_only(args, dataset, settings)
        return
    started = time.perf_counter()
    # Apart, each query runs in a forked child (a query cannot be stopped but its process
    # can): on disk each child opens the store (read-only, about a second) and the parent
    # never does; in memory the parent loads it once and every child inherits it.
    store = None if apart and args.store == "disk" else load_store(settings, [dataset])
    load_s = time.perf_counter() - started
    texts = _default_texts(args)
    executor = answers = None
    keep_s = 0.0
    if args.served:
        executor, answers, keep_s = _kept_executor(dataset, texts, settings, args.answer_seconds)
    rows = []
    for name, text in texts.items():
        if apart:
            row = _apart(settings, dataset, text, args.runs, args.query_timeout, store)
        else:
            row = _timed(store, text, args.runs)
        if executor is not None:
            row["kept"] = answers.find(text) is not None
            if row["kept"] or "over_s" not in row:  # not kept and over the limit: the engine's
                row |= _timed_served(executor, text, args.runs, settings.max_rows)
        rows.append({"query": name, **row})
        print(name, row, file=sys.stderr, flush=True)
    rows.sort(key=lambda r: -(r["p50_ms"] if r["p50_ms"] is not None else float("inf")))
    label = f"-{args.label}" if args.label else ""
    out = ROOT / "bench" / "results" / f"named_queries{label}.json"
    doc = {"dataset": str(dataset), "runs": args.runs, "load_s": round(load_s, 2), "queries": rows}
    if answers is not None:
        doc["answers"] = {"keep_s": round(keep_s, 2), "kept": len(answers),
                          "skipped": answers.skipped}  # fmt: skip
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
    ]
    if answers is None:
        lines += ["| query | rows | runs | p50 ms | p99 ms |", "|---|---|---|---|---|"]
        lines += [
            f"| {r['query']} | {r['rows']} | {r['runs']} | {r['p50_ms']} | {r['p99_ms']} |"
            if "over_s" not in r
            else f"| {r['query']} | ? | 0 | over {r['over_s'] * 1000:g} | - |"
            for r in rows
        ]
    else:
        served = sorted(r.get("served_p50_ms", float("inf")) for r in rows)
        lines += [
            f"Served: the endpoint's executor for the question's default (`/questions/NAME`), "
            f"SPARQL JSON written: the answer the build keeps ({len(answers)} kept in "
            f"{keep_s:.2f} s here), else the engine. Under 5 ms served: "
            f"{sum(v < 5 for v in served)} of {len(served)}; engine alone: "
            f"{sum((r['p50_ms'] or float('inf')) < 5 for r in rows)}.",
            "",
            "| query | rows | engine p50 ms | engine p99 ms | kept | served p50 ms | served p99 "
            "ms |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['query']} | {r['rows'] if r['rows'] is not None else '?'} | "
            + (
                f"{r['p50_ms']} | {r['p99_ms']}"
                if "over_s" not in r
                else f"over {r['over_s'] * 1000:g} | -"
            )
            + f" | {'yes' if r['kept'] else 'no'} | {r.get('served_p50_ms', '-')} | "
            f"{r.get('served_p99_ms', '-')} |"
            for r in rows
        ]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def _served_only(args, dataset: Path, settings) -> None:
    from iraqkg.settings import BuildSettings

    texts = _default_texts(args)
    executor, answers, keep_s = _kept_executor(dataset, texts, settings, args.answer_seconds,
                                               engine=False)  # fmt: skip
    seconds = answers_seconds(answers)
    rows = []
    for name, text in texts.items():
        kept = answers.find(text)
        row = {"query": name, "kept": kept is not None}
        if kept is not None:
            row |= {"keep_s": seconds.get(name)}
            row |= _timed_served(executor, text, args.runs, settings.max_rows)
        else:
            row["why"] = answers.skipped.get(name, "not kept")
        rows.append(row)
        print(name, row, file=sys.stderr, flush=True)
    rows.sort(key=lambda r: -r.get("served_p50_ms", float("inf")))
    label = f"-{args.label}" if args.label else ""
    out = ROOT / "bench" / "results" / f"named_queries{label}.json"
    doc = {"dataset": str(dataset), "runs": args.runs, "answers": {
        "keep_s": round(keep_s, 2), "kept": len(answers), "skipped": answers.skipped,
        "answer_seconds": args.answer_seconds}, "queries": rows}  # fmt: skip
    out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    served = [r["served_p50_ms"] for r in rows if "served_p50_ms" in r]
    lines = [
        f"# Named queries served from kept answers ({args.label or 'seed'})",
        "",
        f"The endpoint's executor for each question's default (`/questions/NAME`), SPARQL JSON "
        f"written, {args.runs} runs each, p50 / p99 in ms; dataset `{Path(dataset).name}`. The "
        f"answers were computed first as the build does ({len(answers)} of {len(rows)} kept in "
        f"{keep_s:.1f} s, each query allowed {args.answer_seconds:g} s and "
        f"{BuildSettings().answer_rows} rows); a question not kept goes to the engine "
        f"(its time: the engine-only results at this scale). Kept and under 50 ms: "
        f"{sum(v < 50 for v in served)} of {len(served)}; under 5 ms: "
        f"{sum(v < 5 for v in served)}. One run on a shared 2-core machine.",
        "",
        "| query | kept | rows | computed in s | served p50 ms | served p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['query']} | yes | {r['served_rows']} | {r['keep_s']} | {r['served_p50_ms']} | "
        f"{r['served_p99_ms']} |" if r["kept"] else
        f"| {r['query']} | no: {r['why']} | - | - | - | - |"
        for r in rows
    ]  # fmt: skip
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def answers_seconds(answers) -> dict[str, float | None]:
    """How long the build took to compute each kept answer, by query name."""
    from iraqkg.answers import INDEX

    index = json.loads((answers.folder / INDEX).read_text(encoding="utf-8"))
    return {e.get("name"): e.get("seconds") for e in index.get("answers", {}).values()}


def _default_texts(args) -> dict[str, str]:
    """Each named query with its defaults bound (federated ones left out: measured against
    a mirror, not here), renamed to the synthetic copy's entities."""
    texts = {}
    for name, named in load_named_queries(args.queries).items():
        if not named.services:
            bound = named.bind({})
            texts[name] = _renamed(insert_values(bound.text, bound.bindings), args.entity_suffix)
    return texts


if __name__ == "__main__":
    main()
