"""Build-time benchmark: parse, validate, reason and write on the seed graph and on
synthetic graphs 10x and 100x its size, with plain owlrl and the Rust reasoner
``reasonable`` run on the same reasoning input, side by side in one run.

    python bench/reasoning_bench.py                 # seed, 10x, 100x -> bench/results/
    python bench/reasoning_bench.py --scales 1 10 --reference-timeout 120

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

    from iraqkg.build import Stages, _write, check, dataset, load_inputs
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
        graphs = dataset(inputs, views, reasoning)
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


def _pyshacl(data: str, queue) -> None:
    """pySHACL on the same views and shapes the build validates, and whether it reports
    what the compiled shapes report."""
    from collections import Counter

    from iraqkg.build import load_inputs
    from iraqkg.reasoning import paused_gc
    from iraqkg.settings import Paths
    from iraqkg.shacl import check, compile_shapes, reference_check
    from iraqkg.statements import derive

    with paused_gc():
        inputs = load_inputs(Paths(REPO / "ontology", Path(data), Path(data) / "out", None))
        views = derive(inputs.data.graph)
        graphs = [views.asserted, views.provenance, inputs.ontology]
        started = time.perf_counter()
        theirs = reference_check(inputs.shapes, graphs)
        seconds = time.perf_counter() - started
        ours = check(compile_shapes(inputs.shapes), graphs)
    same = Counter(ours) == Counter(theirs)
    queue.put({"seconds": round(seconds, 3), "results": len(theirs), "same": same})


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


def run(seed: Path, scales: list[int], reference_timeout: float, timeout: float) -> dict:
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
                row["owlrl"] = _child(_owlrl, (str(out),), reference_timeout)
                print(f"scale {scale}x: pySHACL...", file=sys.stderr, flush=True)
                row["pyshacl"] = _child(_pyshacl, (str(data),), reference_timeout)
            rows.append(row)
    return {
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"python": platform.python_version(), "cpus": mp.cpu_count()},
        "seed": str(seed),
        "rows": rows,
    }


STAGES = ("parse", "derive", "validate", "reason", "write")


def markdown(results: dict) -> str:
    lines = [
        "# Build and reasoning benchmark",
        "",
        f"{results['created']}, Python {results['machine']['python']}, "
        f"{results['machine']['cpus']} CPUs, seed `{results['seed']}`. "
        "Seconds; one run per cell; every cell in its own process, run one after another. "
        "owlrl and pySHACL are the references the build's reasoner and validator are tested "
        "against, run on the same input (`>N`: stopped at the timeout).",
        "",
        "| scale | statements | asserted | inferred | " + " | ".join(STAGES) + " | "
        "build total | owlrl | closure = owlrl | reasonable | pySHACL | same results |",
        "|---" * (11 + len(STAGES) - 1) + "|",
    ]
    built = [r for r in results["rows"] if isinstance(r["build"].get("seconds"), dict)]
    for row in results["rows"]:
        b = row["build"]
        if row not in built:
            lines.append(f"| {row['scale']}x | {b} |")
            continue
        s = b["seconds"]
        owl, rsn, shacl = row.get("owlrl", {}), row.get("reasonable", {}), row.get("pyshacl", {})
        lines.append(
            f"| {row['scale']}x | {b['statements']} | {b['asserted_triples']} | "
            f"{b['inferred_triples']} | " + " | ".join(str(s.get(x)) for x in STAGES) + " | "
            f"{b['total_seconds']} | {owl.get('seconds')} | "
            f"{owl.get('closure_equal', 'not run')} | {rsn.get('seconds')} | "
            f"{shacl.get('seconds')} | {shacl.get('same', 'not run')} |"
        )
    lines += [
        "",
        "Growth: time ratio against the seed, and against the previous scale, beside the ratio "
        "of statements (linear growth keeps the time ratio at or below the statement ratio):",
        "",
        "| scale | statements vs seed | build vs seed | statements vs previous | "
        + " | ".join(f"{x} vs previous" for x in STAGES)
        + " | build vs previous |",
        "|---" * (5 + len(STAGES)) + "|",
    ]
    for before, row in zip([None, *built], built, strict=False):
        b, base = row["build"], built[0]["build"]
        cells = [
            f"{b['statements'] / base['statements']:.0f}x",
            f"{b['total_seconds'] / base['total_seconds']:.1f}x",
        ]
        if before is None:
            cells += ["", *("" for _ in STAGES), ""]
        else:
            p = before["build"]
            cells.append(f"{b['statements'] / p['statements']:.0f}x")
            cells += [f"{b['seconds'][x] / max(p['seconds'][x], 1e-9):.1f}x" for x in STAGES]
            cells.append(f"{b['total_seconds'] / p['total_seconds']:.1f}x")
        lines.append(f"| {row['scale']}x | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(REPO / "data"), help="seed data folder")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument(
        "--reference-timeout", type=float, default=300, help="seconds for owlrl and pySHACL runs"
    )
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    results = run(Path(args.data), args.scales, args.reference_timeout, args.timeout)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reasoning.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "reasoning.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
