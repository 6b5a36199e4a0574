"""What the notebook API adds to the engine: kg.query / kg.question beside pyoxigraph itself.

    python bench/api_bench.py            # -> bench/results/api.json

For each query, the median of N runs of (a) pyoxigraph's Store.query on the same store,
reading every solution into tuples (the engine's time), (b) kg.query (check, run, rows as
dicts of plain values), and (c) the one-off ``iraqkg.query`` that loads the store per call,
as the API did before handles. The overhead is (b) - (a). One run on a shared machine is an
indication, not a measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO / "src"))

import iraqkg  # noqa: E402
from iraqkg.namespaces import PREFIXES  # noqa: E402

QUERIES = {
    "ask": "ASK { id:badr-organization ikg:armedWingOf id:sciri }",
    "labels-50": "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } LIMIT 50",
    "statements-1000": (
        "SELECT ?st ?s ?p ?o ?paragraph WHERE { ?st ikg:subject ?s ; ikg:predicate ?p ; "
        "ikg:object ?o ; ikg:paragraph ?paragraph } LIMIT 1000"
    ),
    "count-per-graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
}


def _median_ms(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 4)


def _engine_only(store: ox.Store, sparql: str):
    answer = store.query(sparql, prefixes=PREFIXES)
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    width = range(len(answer.variables))
    return [tuple(s[i] for i in width) for s in answer]


def _materialised(answer):
    """Every row as a dict (Rows convert lazily): what a caller reading the answer pays."""
    return answer if isinstance(answer, bool) else list(answer)


def run(repeat: int, once_repeat: int) -> dict:
    start = time.perf_counter()
    kg = iraqkg.open()
    opened = time.perf_counter() - start
    store = kg._store  # the handle's own store: the same data, the same engine
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    rows = []
    for name, sparql in QUERIES.items():
        _engine_only(store, sparql), kg.query(sparql)  # warm up
        engine = _median_ms(lambda q=sparql: _engine_only(store, q), repeat)
        api = _median_ms(lambda q=sparql: _materialised(kg.query(q)), repeat)
        once = _median_ms(
            lambda q=sparql: iraqkg.query(prefixes + q, dataset=kg.files[0]), once_repeat
        )
        answer = kg.query(sparql)
        rows.append(
            {
                "query": name,
                "rows": 1 if isinstance(answer, bool) else len(answer),
                "engine_ms": engine,
                "api_ms": api,
                "overhead_ms": round(api - engine, 4),
                "one_off_reload_ms": once,
            }
        )
    question = _median_ms(lambda: list(kg.question("pmf-members")), repeat)
    asks = _median_ms(lambda: [kg.query(QUERIES["ask"]) for _ in range(20)], max(3, repeat // 10))
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "repeat": repeat,
        "open_seconds": round(opened, 3),
        "queries": rows,
        "question_pmf_members_ms": question,
        "twenty_asks_ms": asks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--once-repeat", type=int, default=3)
    args = parser.parse_args()
    results = run(args.repeat, args.once_repeat)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "api.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
