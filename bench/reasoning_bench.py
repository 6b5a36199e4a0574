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
import os
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


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _pipeline(data: str, out: str, references: bool, queue) -> None:
    """Every build stage timed on its own (a failed validation does not stop the run), as
    ``iraqkg.build.validate`` and ``build`` run them; wall and CPU seconds, peak memory."""
    import resource

    from rdflib import Graph

    from iraqkg.build import (
        Stages,
        _write,
        authored_violations,
        load_inputs,
        reasoned,
        view_violations,
    )
    from iraqkg.reasoning import paused_gc
    from iraqkg.settings import BuildSettings, Paths
    from iraqkg.statements import derive, statements

    sources = SOURCES if SOURCES.is_dir() else None
    paths = Paths(REPO / "ontology", Path(data), Path(out), sources)
    stages, cpu = Stages(), Stages()
    for timing in (stages, cpu):
        timing.seconds.update(parse=0.0, derive=0.0, validate=0.0, reason=0.0, write=0.0)
    baseline = _rss_mb()

    class both:  # wall and CPU seconds of one stage
        def __init__(self, name: str) -> None:
            self.name = name

        def __enter__(self):
            self.wall, self.cpu = time.perf_counter(), time.process_time()

        def __exit__(self, *_):
            stages.seconds[self.name] += time.perf_counter() - self.wall
            cpu.seconds[self.name] += time.process_time() - self.cpu

    # As iraqkg.build.build does: the whole build runs with the cyclic GC paused.
    with paused_gc():
        with both("parse"):
            inputs = load_inputs(paths)
        count = sum(1 for _ in statements(inputs.data.graph))  # not timed
        with both("validate"):
            violations = authored_violations(inputs)
        with both("derive"):
            views = derive(inputs.data.graph, consume=True)
            inputs.data.graph = None
        with both("validate"):
            violations += view_violations(inputs, views, paths, BuildSettings())
        with both("reason"):
            graphs = reasoned(inputs, views)
        Path(out).mkdir(parents=True, exist_ok=True)
        if references:  # owlrl and reasonable read the reasoning input from a file
            reasoning_input = Graph()
            reasoning_input += inputs.ontology
            reasoning_input += views.asserted
            reasoning_input.serialize(
                Path(out) / "reasoning-input.nt", format="nt", encoding="utf-8"
            )
        started = time.process_time()
        result = _write(Path(out), "bench", graphs, Stages(), BuildSettings(keep_builds=0))
        cpu.seconds["write"] = time.process_time() - started
        stages.seconds["write"] = result.seconds["write"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds = {k: round(v, 3) for k, v in stages.seconds.items()}
    queue.put(
        {
            "statements": count,
            "asserted_triples": len(views.asserted),
            "inferred_triples": result.triples["inferred"],
            "violations": len(violations),
            "seconds": seconds,
            "cpu_seconds": {k: round(v, 3) for k, v in cpu.seconds.items()},
            "total_seconds": round(sum(seconds.values()), 3),
            "total_cpu_seconds": round(sum(cpu.seconds.values()), 3),
            "peak_rss_mb": round(peak, 1),
            "baseline_rss_mb": round(baseline, 1),
            "triples": result.triples,
            "dataset_file": str(result.dataset_file),
        }
    )


def _serve_startup(dataset_file: str) -> dict:
    """``iraqkg serve`` from an existing build to its first answer, in a fresh process:
    loading the store, then /healthz, then one SPARQL query."""
    import resource
    import subprocess
    from urllib.parse import quote

    iraqkg = str(Path(sys.executable).with_name("iraqkg"))
    found = {}
    ask = "/sparql?query=" + quote("ASK { ?s ?p ?o }")
    # --store disk: the first start writes the on-disk store beside the dataset (once per
    # build), every later start only opens it
    for name, path, extra in (
        ("healthz", "/healthz", ()),
        ("first_query", ask, ()),
        ("first_query_disk_writing", ask, ("--store", "disk")),
        ("first_query_disk", ask, ("--store", "disk")),
    ):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [iraqkg, "serve", "--dataset", dataset_file, *extra, "--get", path],
            capture_output=True,
            check=False,
            timeout=600,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        found[name] = {
            "ok": done.returncode == 0,
            "wall_seconds": round(wall, 3),
            "cpu_seconds": round(
                after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 3
            ),
            "peak_rss_mb": round(after.ru_maxrss / 1024, 1),
        }
    return found


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
    from iraqkg.build.shacl import check, compile_shapes, reference_check
    from iraqkg.reasoning import paused_gc
    from iraqkg.settings import Paths
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


def run(
    seed: Path,
    scales: list[int],
    reference_timeout: float,
    timeout: float,
    reference_max: int,
    keep: Path | None = None,
    serve: bool = True,
) -> dict:
    rows = []
    with tempfile.TemporaryDirectory(prefix="iraqkg-bench-") as tmp:
        for scale in scales:
            data = make_synthetic(seed, scale, Path(tmp) / f"data-{scale}")
            out = Path(tmp) / f"out-{scale}"
            references = scale <= reference_max
            print(f"scale {scale}x: build stages...", file=sys.stderr, flush=True)
            build = _child(_pipeline, (str(data), str(out), references), timeout)
            row = {"scale": scale, "build": build}
            if "statements" in build:
                dataset_file = build.pop("dataset_file")
                if serve:
                    print(f"scale {scale}x: serve start-up...", file=sys.stderr, flush=True)
                    row["serve"] = _serve_startup(dataset_file)
                if keep is not None:  # for the query and HTTP benches at this scale
                    keep.mkdir(parents=True, exist_ok=True)
                    shutil.copy(dataset_file, keep / f"dataset-{scale}x.nq")
            if "statements" in build and references:
                print(f"scale {scale}x: reasonable...", file=sys.stderr, flush=True)
                row["reasonable"] = _child(_reasonable, (str(out),), timeout)
                print(f"scale {scale}x: owlrl...", file=sys.stderr, flush=True)
                row["owlrl"] = _child(_owlrl, (str(out),), reference_timeout)
                print(f"scale {scale}x: pySHACL...", file=sys.stderr, flush=True)
                row["pyshacl"] = _child(_pyshacl, (str(data),), reference_timeout)
            rows.append(row)
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(data, ignore_errors=True)
    return {
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "python": platform.python_version(),
            "cpus": mp.cpu_count(),
            "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        },
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


def _per_statement(row: dict) -> tuple[float, float]:
    """(CPU milliseconds, peak KiB above the empty process) per statement."""
    b = row["build"]
    memory = (b["peak_rss_mb"] - b["baseline_rss_mb"]) * 1024
    return 1000 * b["total_cpu_seconds"] / b["statements"], memory / b["statements"]


def _marginal(before: dict, row: dict) -> tuple[float, float]:
    """(CPU ms, peak KiB) per statement added from ``before`` to ``row``."""
    a, b = before["build"], row["build"]
    added = b["statements"] - a["statements"]
    cpu = 1000 * (b["total_cpu_seconds"] - a["total_cpu_seconds"]) / added
    return cpu, (b["peak_rss_mb"] - a["peak_rss_mb"]) * 1024 / added


def scale_markdown(results: dict) -> str:
    """Cost per statement, memory and serve start-up from the seed up (the growth table)."""
    built = [r for r in results["rows"] if "peak_rss_mb" in r.get("build", {})]
    load = results["machine"].get("load_average_at_end")
    lines = [
        "# Build at scale",
        "",
        f"{results['created']}, Python {results['machine']['python']}, "
        f"{results['machine']['cpus']} CPUs shared with other work (load average {load} at "
        "the end: wall seconds are inflated by other processes; CPU seconds are this build's "
        "own). Peak memory is the build process's maximum resident set "
        "(`ru_maxrss`); per statement it is counted above the empty process.",
        "",
        "| scale | statements | asserted | inferred | "
        + " | ".join(f"{x} CPU" for x in STAGES)
        + " | CPU total | wall total | peak MB | CPU ms / statement | KiB / statement | "
        "serve to /healthz (wall / CPU s) | serve to first query (wall / CPU s) | "
        "--store disk: first start, writing the store | --store disk: later starts |",
        "|---" * (13 + len(STAGES)) + "|",
    ]
    for row in built:
        b, serve = row["build"], row.get("serve", {})
        ms, kib = _per_statement(row)
        health, first = serve.get("healthz", {}), serve.get("first_query", {})
        writing, disk = serve.get("first_query_disk_writing", {}), serve.get("first_query_disk", {})
        lines.append(
            f"| {row['scale']}x | {b['statements']} | {b['asserted_triples']} | "
            f"{b['inferred_triples']} | "
            + " | ".join(f"{b['cpu_seconds'][x]:.2f}" for x in STAGES)
            + f" | {b['total_cpu_seconds']:.1f} | {b['total_seconds']:.1f} | "
            f"{b['peak_rss_mb']:.0f} | {ms:.3f} | {kib:.2f} | "
            f"{health.get('wall_seconds')} / {health.get('cpu_seconds')} | "
            f"{first.get('wall_seconds')} / {first.get('cpu_seconds')} | "
            f"{writing.get('wall_seconds')} / {writing.get('cpu_seconds')} | "
            f"{disk.get('wall_seconds')} / {disk.get('cpu_seconds')} |"
        )
    if built:
        base_ms, base_kib = _per_statement(built[0])
        lines += [
            "",
            "Growth of the cost per statement against the smallest scale (flat is 1.0x):",
            "",
            "| scale | CPU per statement | memory per statement |",
            "|---|---|---|",
        ]
        for row in built:
            ms, kib = _per_statement(row)
            lines.append(f"| {row['scale']}x | {ms / base_ms:.2f}x | {kib / base_kib:.2f}x |")
        lines += [
            "",
            "Marginal cost of a statement between consecutive scales (what each added "
            "statement costs, without the fixed cost of the ontology and the process):",
            "",
            "| from | to | CPU ms per added statement | peak KiB per added statement |",
            "|---|---|---|---|",
        ]
        for before, row in zip(built, built[1:], strict=False):
            ms, kib = _marginal(before, row)
            lines.append(f"| {before['scale']}x | {row['scale']}x | {ms:.3f} | {kib:.2f} |")
        last = built[-1]
        if last["scale"] >= 1000:  # measured, nothing to extrapolate
            return "\n".join(lines) + "\n"
        statements = last["build"]["statements"] * 1000 / last["scale"]
        ms, kib = _marginal(built[-2], last) if len(built) > 1 else _per_statement(last)
        added = statements - last["build"]["statements"]
        cpu = last["build"]["total_cpu_seconds"] + ms * added / 1000
        gib = (last["build"]["peak_rss_mb"] * 1024 + kib * added) / 1024**2
        lines += [
            "",
            f"Extrapolated to 1000x ({statements:,.0f} statements) from {last['scale']}x at the "
            f"last marginal cost: about {cpu:,.0f} CPU seconds and {gib:,.1f} GiB peak.",
        ]
    return "\n".join(lines) + "\n"


def plot(results: dict, path: Path) -> None:
    """CPU time and peak memory per statement against scale (log scale)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    built = [r for r in results["rows"] if "peak_rss_mb" in r.get("build", {})]
    scales = [r["scale"] for r in built]
    ms, kib = zip(*(_per_statement(r) for r in built), strict=True) if built else ((), ())
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(scales, ms, marker="o")
    left.set(xscale="log", xlabel="scale (x seed)", ylabel="CPU ms per statement", ylim=(0, None))
    left.set_title("build time per statement")
    right.plot(scales, kib, marker="o", color="tab:red")
    right.set(xscale="log", xlabel="scale (x seed)", ylabel="peak KiB per statement")
    right.set_ylim(0, None)
    right.set_title("build memory per statement")
    for axes in (left, right):
        axes.grid(True, alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(REPO / "data"), help="seed data folder")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument(
        "--reference-timeout", type=float, default=300, help="seconds for owlrl and pySHACL runs"
    )
    parser.add_argument(
        "--reference-max-scale",
        type=int,
        default=100,
        help="run owlrl, pySHACL and reasonable only up to this scale",
    )
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--keep", type=Path, default=None,
                        help="copy each scale's dataset here (dataset-Nx.nq)")  # fmt: skip
    parser.add_argument(
        "--name", default="reasoning", help="results file stem in bench/results/ (.json, .md)"
    )
    parser.add_argument("--no-serve", action="store_true",
                        help="skip serve start-up (1000x does not fit in memory)")  # fmt: skip
    args = parser.parse_args()
    results = run(Path(args.data), args.scales, args.reference_timeout, args.timeout,
                  args.reference_max_scale, args.keep, serve=not args.no_serve)  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = markdown(results) + "\n" + scale_markdown(results)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / f"{args.name}.md").write_text(text)
    plot(results, RESULTS / f"{args.name}.png")
    print(text)


if __name__ == "__main__":
    main()
