"""The build: parse, validate, reason, and write one dataset atomically.

Output layout (``out`` defaults to ``build/``)::

    build/CURRENT                 id of the last good build (replaced atomically)
    build/<id>/dataset.nq         the whole dataset: five named graphs, N-Quads
    build/<id>/manifest.json      counts, timings, inputs

A build that fails at any stage writes nothing that ``CURRENT`` points to, so the
previous good build keeps serving.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral

from . import __version__, periods
from .contest import contest_marks, contested_view, find_contests, set_aside
from .errors import InputError, ValidationFailed, Violation
from .inferences import aside_intervals, contested_records, inference_records
from .loading import LoadedFiles, load_folder, new_graph, parse_file, rdf_files
from .namespaces import (
    ASSERTED_GRAPH,
    CONTESTED_GRAPH,
    IKG,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    PROVENANCE_GRAPH,
)
from .quantities import amount_violations
from .reasoning import paused_gc, reason
from .settings import BuildSettings, Paths
from .statements import Views, derive
from .temporal import time_context
from .validation import authoring_violations, quote_violations, shacl_violations

DATASET_FILE = "dataset.nq"
MANIFEST_FILE = "manifest.json"
CURRENT_FILE = "CURRENT"


@dataclass
class Inputs:
    ontology: Graph
    shapes: Graph
    data: LoadedFiles


@dataclass
class Stages:
    """Seconds spent per stage, in order."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(time.perf_counter() - start, 4)


@dataclass
class BuildResult:
    build_id: str
    folder: Path
    triples: dict[str, int]
    entities: dict[str, int]
    seconds: dict[str, float]
    reused: bool = False

    @property
    def dataset_file(self) -> Path:
        return self.folder / DATASET_FILE


def ontology_files(paths: Paths) -> tuple[list[Path], list[Path]]:
    """(ontology files, shapes files) of the ontology folder."""
    files = rdf_files(paths.ontology)
    shapes = [p for p in files if p.stem.startswith("shapes")]
    return [p for p in files if p not in shapes], shapes


def fingerprint(paths: Paths) -> str:
    """Content hash of everything a build reads: changes when any input or the code version does."""
    digest = hashlib.sha256(__version__.encode())
    onto, shapes = ontology_files(paths)
    for group, root in ((onto + shapes, paths.ontology), (rdf_files(paths.data), paths.data)):
        for path in group:
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def load_inputs(paths: Paths) -> Inputs:
    onto_files, shape_files = ontology_files(paths)
    if not onto_files:
        raise InputError(f"no ontology files in {paths.ontology}")
    ontology = load_folder_files(onto_files)
    shapes = load_folder_files(shape_files)
    data = load_folder(paths.data)
    if not data.files:
        raise InputError(f"no data files in {paths.data}")
    return Inputs(ontology, shapes, data)


def load_folder_files(files: list[Path]) -> Graph:
    graph = new_graph()
    for path in files:
        parse_file(path, graph)
    return graph


def check(inputs: Inputs, views: Views, paths: Paths, settings: BuildSettings) -> list[Violation]:
    """Every violation of the data contract, each with the file it was written in."""
    data = inputs.data
    found = authoring_violations(data.graph, data.where)
    found += periods.violations(data.graph, data.where)
    found += amount_violations(data.graph, inputs.ontology, data.where)
    graphs = [views.asserted, views.provenance, inputs.ontology]
    for v in shacl_violations(graphs, inputs.shapes):
        found.append(Violation(v.focus, v.path, v.message, data.where(URIRef(v.focus))))
    if paths.sources is not None and settings.check_quotes:
        found += quote_violations(views.provenance, paths.sources)
    return found


def validate(paths: Paths, settings: BuildSettings | None = None) -> tuple[Inputs, Views, Stages]:
    """Parse and validate; raises DataSyntaxError or ValidationFailed."""
    settings = settings or BuildSettings()
    stages = Stages()
    with stages.timed("parse"):
        inputs = load_inputs(paths)
    with stages.timed("derive"):
        views = derive(inputs.data.graph)
    with stages.timed("validate"):
        violations = check(inputs, views, paths, settings)
    if violations:
        raise ValidationFailed(violations)
    return inputs, views, stages


def build(paths: Paths, settings: BuildSettings | None = None, force: bool = False) -> BuildResult:
    """Build the dataset into ``paths.out`` and make it current; reuse an identical build."""
    settings = settings or BuildSettings()
    build_id = fingerprint(paths)
    existing = read_build(paths.out, build_id)
    if existing is not None and not force:
        _point_current(paths.out, build_id)
        existing.reused = True
        return existing
    # rdflib allocates millions of small objects; full cyclic collections rescan all of
    # them and made every stage grow faster than the data (bench/results/reasoning.md).
    with paused_gc():
        inputs, views, stages = validate(paths, settings)
        with stages.timed("reason"):
            provenance = views.provenance
            context = time_context(provenance, views.asserted)
            # What a source contradicts leaves the asserted graph before reasoning.
            contests = find_contests(inputs.ontology, provenance, context)
            aside = set_aside(views, contests)
            reasoning = reason(inputs.ontology, views.asserted)
            inferred = reasoning.inferred
            # How and when each inferred relation holds, for explanations and time slicing.
            provenance.addN((*t, provenance) for t in inference_records(reasoning, views, context))
            provenance.addN((*t, provenance) for t in contest_marks(contests))
            provenance.addN((*t, provenance) for t in aside_intervals(aside, context))
            contested = new_graph()
            if contests:
                view = contested_view(inputs.ontology, views.asserted, aside, contests, reasoning)
                contested.addN((*t, contested) for t in view.graph_triples())
                records = contested_records(view, views, context)
                contested.addN((*t, contested) for t in records)
        graphs = {
            ONTOLOGY_GRAPH: inputs.ontology,
            ASSERTED_GRAPH: views.asserted,
            INFERRED_GRAPH: inferred,
            PROVENANCE_GRAPH: views.provenance,
            CONTESTED_GRAPH: contested,
        }
        return _write(paths.out, build_id, graphs, stages, settings)


def entities_per_class(asserted: Graph, inferred: Graph) -> dict[str, int]:
    """Entities per ontology class, counting subclass members (types are materialised)."""
    counts: Counter[str] = Counter()
    for graph in (asserted, inferred):
        for _, cls in graph.subject_objects(RDF.type):
            if str(cls).startswith(str(IKG)):
                counts[cls.fragment] += 1
    return dict(sorted(counts.items()))


def _write(out: Path, build_id: str, graphs: dict, stages: Stages, settings: BuildSettings):
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    started = time.perf_counter()
    try:
        # Written row by row: copying every triple into an rdflib Dataset first cost more
        # than the rest of the build at 100x (bench/results/reasoning.md). Sorted for diffs.
        with open(staging / DATASET_FILE, "w", encoding="utf-8") as handle:
            n3 = _N3()
            for iri, graph in graphs.items():
                name = f"<{iri}> .\n"
                handle.writelines(sorted(f"{n3(s)} {n3(p)} {n3(o)} {name}" for s, p, o in graph))
        triples = {iri.split("/")[-1]: len(g) for iri, g in graphs.items()}
        entities = entities_per_class(graphs[ASSERTED_GRAPH], graphs[INFERRED_GRAPH])
        stages.seconds["write"] = round(time.perf_counter() - started, 4)
        manifest = {
            "build_id": build_id,
            "version": __version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "triples": triples,
            "entities": entities,
            "seconds": stages.seconds,
            "graphs": {iri.split("/")[-1]: str(iri) for iri in graphs},
        }
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
        final = out / build_id
        if final.exists():
            shutil.rmtree(final)
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _point_current(out, build_id)
    _prune(out, keep=settings.keep_builds, current=build_id)
    return BuildResult(build_id, final, triples, entities, stages.seconds)


class _N3:
    """N-Quads spelling of terms, each spelled once (an IRI recurs in thousands of rows)."""

    def __init__(self) -> None:
        self._cache: dict = {}

    def __call__(self, term) -> str:
        text = self._cache.get(term)
        if text is None:
            text = _quoteLiteral(term) if isinstance(term, Literal) else term.n3()
            self._cache[term] = text
        return text


def _point_current(out: Path, build_id: str) -> None:
    # os.replace is atomic: readers see the old id or the new one, never a torn file.
    fd, tmp = tempfile.mkstemp(prefix=".current-", dir=out)
    with os.fdopen(fd, "w") as handle:
        handle.write(build_id + "\n")
    os.replace(tmp, out / CURRENT_FILE)


def _prune(out: Path, keep: int, current: str) -> None:
    builds = [p for p in out.iterdir() if p.is_dir() and (p / MANIFEST_FILE).exists()]
    builds.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in builds if p.name != current][keep:]:
        shutil.rmtree(old, ignore_errors=True)


def current_id(out: Path) -> str | None:
    try:
        return (Path(out) / CURRENT_FILE).read_text().strip() or None
    except OSError:
        return None


def read_build(out: Path, build_id: str | None = None) -> BuildResult | None:
    """The build with this id (default: the current one), or None if absent or incomplete."""
    build_id = build_id or current_id(out)
    if not build_id:
        return None
    folder = Path(out) / build_id
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not (folder / DATASET_FILE).is_file():
        return None
    return BuildResult(
        build_id, folder, manifest["triples"], manifest["entities"], manifest["seconds"]
    )


def is_stale(paths: Paths) -> bool:
    """True when there is no current build or the inputs changed since it was made."""
    return current_id(paths.out) != fingerprint(paths)
