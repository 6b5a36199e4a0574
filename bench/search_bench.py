"""Search benchmark: index build time and query latency on the seed build and on synthetic
indexes 10x and 100x its size.

    python bench/search_bench.py                   # seed, 10x, 100x -> bench/results/search.*
    python bench/search_bench.py --scales 1 10 --repeat 3

Synthetic indexes copy the seed's entity triples k times with every ``id:`` IRI renamed per
copy, so each name exists k times (the hardest case for candidate counts: every query has k
times the candidates). Queries are the spellings of tests/test_search.py's grid; each is run
``repeat`` times with search() and suggest(); latency per call in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
QUERIES = [
    "Khadimi", "Kazimi", "Mustapha al-Kazimi", "Kataeb Hezbollah", "Kata'ib Hizballah",
    "Hezbollah", "KH", "Hashd", "al-Hashd al-Shaabi", "PMU", "Popular Mobilisation Forces",
    "AAH", "Asa'ib Ahl al-Haqq", "Muhandis", "Abu Mahdi", "Abou Mehdi al-Mohandes",
    "Qassem Suleimani", "Soleimany", "Moqtada al Sadr", "Halboosi", "Islamic Revolutionary "
    "Gaurd Corps", "xyzzy",
]  # fmt: skip


def seed_triples():
    from rdflib import Dataset

    from iraqkg.api import current_dataset
    from iraqkg.web.search_index import _PREDICATES

    dataset = Dataset()
    dataset.parse(
        current_dataset(REPO / "ontology", REPO / "data", REPO / "build"), format="nquads"
    )
    wanted = set(_PREDICATES)
    return [
        (s, p, o)
        for s, p, o, _ in dataset.quads((None, None, None, None))
        if p in wanted or (str(s).startswith("https://w3id.org/iraqkg/id/")
                           and str(o).startswith("https://w3id.org/iraqkg/id/"))
    ]  # fmt: skip


def scaled(triples, scale: int):
    from rdflib import URIRef

    prefix = "https://w3id.org/iraqkg/id/"

    def rename(term, k):
        if isinstance(term, URIRef) and str(term).startswith(prefix) and k:
            return URIRef(f"{term}-copy{k}")
        return term

    for k in range(scale):
        for s, p, o in triples:
            yield rename(s, k), p, rename(o, k)


def measure(triples, scale: int, repeat: int) -> dict:
    from iraqkg.search import SearchIndex, search, suggest

    started = time.perf_counter()
    index = SearchIndex.from_triples(scaled(triples, scale))
    build = time.perf_counter() - started
    timings = {"search": [], "suggest": []}
    for _ in range(repeat):
        for query in QUERIES:
            for name, call in (("search", search), ("suggest", suggest)):
                started = time.perf_counter()
                call(index, query, limit=10)
                timings[name].append((time.perf_counter() - started) * 1000)
    row = {"scale": scale, "entities": len(index), "names": len(index.keys), "build_s": build}
    for name, values in timings.items():
        values.sort()
        row[f"{name}_median_ms"] = statistics.median(values)
        row[f"{name}_p95_ms"] = values[int(0.95 * (len(values) - 1))]
        row[f"{name}_max_ms"] = values[-1]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    triples = seed_triples()
    rows = []
    for scale in args.scales:
        rows.append(measure(triples, scale, args.repeat))
        print(json.dumps(rows[-1]), file=sys.stderr)
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "python": platform.python_version(),
        "queries": len(QUERIES),
        "repeat": args.repeat,
    }
    (RESULTS / "search.json").write_text(json.dumps({**meta, "rows": rows}, indent=2) + "\n")
    lines = [
        "# Search benchmark",
        "",
        f"{meta['date']}, Python {meta['python']}; {len(QUERIES)} typed spellings x "
        f"{args.repeat}, search() and suggest() with limit 10, milliseconds per call.",
        "",
        "| scale | entities | names | index build s | search median | search p95 | search max "
        "| suggest median | suggest p95 | suggest max |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['scale']}x | {r['entities']} | {r['names']} | {r['build_s']:.2f} "
            f"| {r['search_median_ms']:.2f} | {r['search_p95_ms']:.2f} | {r['search_max_ms']:.2f} "
            f"| {r['suggest_median_ms']:.2f} | {r['suggest_p95_ms']:.2f} "
            f"| {r['suggest_max_ms']:.2f} |"
        )
    (RESULTS / "search.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
