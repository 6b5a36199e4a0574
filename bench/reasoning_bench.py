"""Build-time benchmark: parse, validate, reason and write on the seed graph and on
synthetic graphs 10x and 100x its size, with plain owlrl and the Rust reasoner
``reasonable`` run on the same reasoning input, side by side in one run.

    python bench/reasoning_bench.py                 # seed, 10x, 100x -> bench/results/
    python bench/reasoning_bench.py --scales 1 10 --owlrl-timeout 120

Synthetic graphs copy the seed's authored data k times, renaming every entity and
statement per copy (the ontology and the five source documents are shared), so they
keep its shape: the same classes, relations, statuses and time qualifiers per statement.
Every measurement runs in a fresh child process, one after another (the machine has two
cores; nothing else runs alongside), and slow reference runs are cut at a timeout.
Results go to bench/results/reasoning.json and reasoning.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
SOURCES = REPO.parent / "shared" / "sources"
ID = "https://w3id.org/iraqkg/id/"
ST = "https://w3id.org/iraqkg/statement/"


def make_synthetic(seed: Path, scale: int, folder: Path) -> Path:
    """Write ``scale`` renamed copies of the seed data into ``folder`` (N-Triples)."""
    from rdflib import Graph, URIRef

    from iraqkg.loading import load_folder

    authored = load_folder(seed).graph
    documents = {str(s) for s in authored.subjects() if str(s).startswith(ID + "source-")}
    folder.mkdir(parents=True, exist_ok=True)
    if scale == 1:
        shutil.copytree(seed, folder, dirs_exist_ok=True)
        return folder

    def rename(node, k):
        text = str(node)
        if isinstance(node, URIRef) and text.startswith((ID, ST)) and text not in documents:
            return URIRef(f"{text}-copy{k}")
        return node

    for k in range(scale):
        copy = Graph()
        for s, p, o in authored:
            if str(s) in documents and k:
                continue  # one copy of the documents' own records
            copy.add((rename(s, k), p, rename(o, k)))
        copy.serialize(folder / f"copy-{k:03d}.nt", format="nt", encoding="utf-8")
    return folder


def _pipeline(data: str, out: str, queue) -> None:
    """Every build stage timed on its own (a failed validation does not stop the run)."""
    from rdflib import Graph

    from iraqkg.build import Stages, _write, check, load_inputs
    from iraqkg.inferences import inference_records
    from iraqkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH
    from iraqkg.reasoning import paused_gc, reason
    from iraqkg.settings import BuildSettings, Paths
    from iraqkg.statements import derive, statements

    sources = SOURCES if SOURCES.is_dir() else None
    paths = Paths(REPO / "ontology", Path(data), Path(out), sources)
    stages = Stages()
    # As iraqkg.build.build does: the whole build runs with the cyclic GC paused.
    with paused_gc():
        with stages.timed("parse"):
            inputs = load_inputs(paths)
        with stages.timed("derive"):
            views = derive(inputs.data.graph)
        with stages.timed("validate"):
            violations = check(inputs, views, paths, BuildSettings())
        with stages.timed("reason"):
            reasoning = reason(inputs.ontology, views.asserted)
            provenance = views.provenance
            provenance.addN((*t, provenance) for t in inference_records(reasoning, views))
        graphs = {
            ONTOLOGY_GRAPH: inputs.ontology,
            ASSERTED_GRAPH: views.asserted,
            INFERRED_GRAPH: reasoning.inferred,
            PROVENANCE_GRAPH: views.provenance,
        }
        result = _write(Path(out), "bench", graphs, stages, BuildSettings(keep_builds=0))
    reasoning_input = Graph()
    reasoning_input += inputs.ontology
    reasoning_input += views.asserted
    reasoning_input.serialize(Path(out) / "reasoning-input.nt", format="nt", encoding="utf-8")
    queue.put(
        {
            "statements": sum(1 for _ in statements(inputs.data.graph)),
            "asserted_triples": len(views.asserted),
            "inferred_triples": len(reasoning.inferred),
            "engine": reasoning.engine,
            "violations": len(violations),
            "seconds": dict(result.seconds),
            "total_seconds": round(sum(result.seconds.values()), 3),
            "triples": result.triples,
        }
    )


def _owlrl(out: str, queue) -> None:
    """Plain owlrl on the same input, and whether our closure equals it."""
    from rdflib import Graph

    from iraqkg.reasoning import infer, owlrl_infer, project_view, project_vocabulary

    everything = Graph().parse(Path(out) / "reasoning-input.nt", format="nt")
    ontology = Graph().parse(REPO / "ontology" / "iraqkg.ttl")
    asserted = Graph()
    for triple in everything:
        if triple not in ontology:
            asserted.add(triple)
    started = time.perf_counter()
    reference = owlrl_infer(ontology, asserted, whole=True)
    seconds = time.perf_counter() - started
    vocabulary = project_vocabulary(ontology)
    ours = project_view(infer(ontology, asserted), vocabulary)
    queue.put(
        {
            "seconds": round(seconds, 3),
            "inferred_triples": len(reference),
            "closure_equal": ours == project_view(reference, vocabulary),
        }
    )


def _reasonable(out: str, queue) -> None:
    """The Rust OWL 2 RL reasoner on the same input (its closure is reported, not required
    to match: it implements its own reading of the profile)."""
    import reasonable
    from rdflib import Graph

    from iraqkg.reasoning import infer, project_view, project_vocabulary

    everything = Graph().parse(Path(out) / "reasoning-input.nt", format="nt")
    started = time.perf_counter()
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(everything)
    triples = reasoner.reason()
    seconds = time.perf_counter() - started
    ontology = Graph().parse(REPO / "ontology" / "iraqkg.ttl")
    asserted = Graph()
    for triple in everything:
        if triple not in ontology:
            asserted.add(triple)
    vocabulary = project_vocabulary(ontology)
    known = set(everything)
    theirs = project_view((t for t in triples if t not in known), vocabulary)
    ours = project_view(infer(ontology, asserted), vocabulary)
    queue.put(
        {
            "seconds": round(seconds, 3),
            "output_triples": len(triples),
            "agree": len(ours & theirs),
            "only_ours": len(ours - theirs),
            "only_reasonable": len(theirs - ours),
        }
    )


def _child(target, args, timeout: float) -> dict:
    queue = mp.get_context("fork").Queue()
    process = mp.get_context("fork").Process(target=target, args=(*args, queue))
    started = time.perf_counter()
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        return {"timeout": True, "seconds": f">{timeout:.0f}"}
    if process.exitcode != 0 or queue.empty():
        return {"error": f"exit code {process.exitcode}"}
    result = queue.get()
    result["wall_seconds"] = round(time.perf_counter() - started, 3)
    return result


def run(seed: Path, scales: list[int], owlrl_timeout: float, timeout: float) -> dict:
    rows = []
    with tempfile.TemporaryDirectory(prefix="iraqkg-bench-") as tmp:
        for scale in scales:
            data = make_synthetic(seed, scale, Path(tmp) / f"data-{scale}")
            out = Path(tmp) / f"out-{scale}"
            print(f"scale {scale}x: build stages...", file=sys.stderr, flush=True)
            build = _child(_pipeline, (str(data), str(out)), timeout)
            row = {"scale": scale, "build": build}
            if "statements" in build:
                print(f"scale {scale}x: reasonable...", file=sys.stderr, flush=True)
                row["reasonable"] = _child(_reasonable, (str(out),), timeout)
                print(f"scale {scale}x: owlrl...", file=sys.stderr, flush=True)
                row["owlrl"] = _child(_owlrl, (str(out),), owlrl_timeout)
            rows.append(row)
    return {
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"python": platform.python_version(), "cpus": mp.cpu_count()},
        "seed": str(seed),
        "rows": rows,
    }


def markdown(results: dict) -> str:
    lines = [
        "# Build and reasoning benchmark",
        "",
        f"{results['created']}, Python {results['machine']['python']}, "
        f"{results['machine']['cpus']} CPUs, seed `{results['seed']}`. "
        "Seconds; one run per cell; every cell in its own process, run one after another.",
        "",
        "| scale | statements | asserted | inferred | parse | validate | reason | write | "
        "build total | owlrl | reasonable | closure = owlrl |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results["rows"]:
        b = row["build"]
        if "seconds" not in b or not isinstance(b["seconds"], dict):
            lines.append(f"| {row['scale']}x | {b} |")
            continue
        s = b["seconds"]
        owl, rsn = row.get("owlrl", {}), row.get("reasonable", {})
        lines.append(
            f"| {row['scale']}x | {b['statements']} | {b['asserted_triples']} | "
            f"{b['inferred_triples']} | {s['parse']} | {s['validate']} | {s['reason']} | "
            f"{s['write']} | {b['total_seconds']} | {owl.get('seconds')} | "
            f"{rsn.get('seconds')} | {owl.get('closure_equal', 'not run')} |"
        )
    lines += ["", "Growth relative to the seed (seconds per statement, ratio to 1x):", ""]
    base = results["rows"][0]["build"]
    for row in results["rows"]:
        b = row["build"]
        if "seconds" in b and isinstance(b["seconds"], dict) and "seconds" in base:
            reason = b["seconds"]["reason"] / max(base["seconds"]["reason"], 1e-9)
            total = b["total_seconds"] / max(base["total_seconds"], 1e-9)
            size = b["statements"] / max(base["statements"], 1)
            lines.append(
                f"- {row['scale']}x: {size:.0f}x the statements; reason {reason:.1f}x, "
                f"build {total:.1f}x the seed's time"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(REPO / "data"), help="seed data folder")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--owlrl-timeout", type=float, default=300)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    results = run(Path(args.data), args.scales, args.owlrl_timeout, args.timeout)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reasoning.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "reasoning.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
