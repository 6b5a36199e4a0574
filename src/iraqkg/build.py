"""The build: parse, validate, reason, and write one dataset atomically.

Output layout (``out`` defaults to ``build/``)::

    build/CURRENT                 id of the last good build (replaced atomically)
    build/<id>/dataset.nq         the whole dataset: five named graphs, N-Quads
    build/<id>/manifest.json      counts, timings, inputs
    build/<id>/answers/           the named queries' default answers (answers.py)

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
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import RDF, Graph

from . import __version__, periods
from .contest import contest_marks, contested_view, find_contests, set_aside
from .errors import InputError, ValidationFailed, Violation
from .inferences import aside_intervals, contested_records, inference_records
from .loading import LoadedFiles, load_folder, new_graph, rdf_files, read_folder_files
from .namespaces import (
    ASSERTED_GRAPH,
    CONTESTED_GRAPH,
    IKG,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    PROVENANCE_GRAPH,
)
from .nquads import write_graphs
from .quantities import amount_violations
from .reasoning import paused_gc, reason
from .settings import BuildSettings, Paths
from .statements import Views, derive
from .temporal import time_context
from .validation import (
    authoring_violations,
    quote_violations,
    shacl_violations,
    undeclared_terms,
)

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
            # A stage timed in parts (validate, around derive) adds up.
            spent = self.seconds.get(name, 0.0) + time.perf_counter() - start
            self.seconds[name] = round(spent, 4)


@dataclass
class BuildResult:
    build_id: str
    folder: Path
    triples: dict[str, int]
    entities: dict[str, int]
    seconds: dict[str, float]
    reused: bool = False
    # The named queries' default answers kept with the build (keep_answers), if any.
    answers: dict | None = None

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


def load_inputs(paths: Paths, settings: BuildSettings | None = None) -> Inputs:
    """Parse the ontology, shapes and data; raises DataSyntaxError, InputError, or
    ValidationFailed for literals that are not what their datatype says (file:line)."""
    onto_files, shape_files = ontology_files(paths)
    if not onto_files:
        raise InputError(f"no ontology files in {paths.ontology}")
    ontology = read_folder_files(onto_files, settings)
    shapes = read_folder_files(shape_files, settings)
    data = load_folder(paths.data, settings)
    if not data.files:
        raise InputError(f"no data files in {paths.data}")
    problems = ontology.problems + shapes.problems + data.problems
    if problems:  # before anything reads their values
        raise ValidationFailed(problems)
    return Inputs(ontology.graph, shapes.graph, data)


def check(inputs: Inputs, views: Views, paths: Paths, settings: BuildSettings) -> list[Violation]:
    """Every violation of the data contract, each with the file and line it was written at."""
    return authored_violations(inputs) + view_violations(inputs, views, paths, settings)


def authored_violations(inputs: Inputs) -> list[Violation]:
    """What only the authored data shows: terms the ontology lacks, relations written
    outside statement records."""
    data = inputs.data
    found = undeclared_terms(
        data.graph, data.iris, inputs.ontology, data.where, data.describe, data.term_where
    )
    found += authoring_violations(data.graph, data.where, data.describe)
    found += periods.violations(data.graph, data.where)
    return found + amount_violations(data.graph, inputs.ontology, data.where)


def view_violations(
    inputs: Inputs, views: Views, paths: Paths, settings: BuildSettings
) -> list[Violation]:
    """The shapes, on the published views with the ontology, and the quotes."""
    data = inputs.data
    graphs = [views.asserted, views.provenance, inputs.ontology]
    found = shacl_violations(graphs, inputs.shapes, data.where, data.describe)
    if paths.sources is not None and settings.check_quotes:
        found += quote_violations(views.provenance, paths.sources)
    return found


def validate(paths: Paths, settings: BuildSettings | None = None) -> tuple[Inputs, Views, Stages]:
    """Parse and validate; raises DataSyntaxError or ValidationFailed. The authored graph
    is checked, then becomes the provenance view (``inputs.data.graph`` is then None)."""
    settings = settings or BuildSettings()
    stages = Stages()
    stages.seconds.update(parse=0.0, derive=0.0, validate=0.0)  # the order they are shown
    with stages.timed("parse"):
        inputs = load_inputs(paths, settings)
    with stages.timed("validate"):
        violations = authored_violations(inputs)
    with stages.timed("derive"):
        views = derive(inputs.data.graph, consume=True)
        inputs.data.graph = None  # consumed: held once, as the provenance view
    with stages.timed("validate"):
        violations += view_violations(inputs, views, paths, settings)
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
        existing.answers = keep_answers(existing.folder, paths, settings, only_if_stale=True)
        return existing
    # rdflib allocates millions of small objects; full cyclic collections rescan all of
    # them and made every stage grow faster than the data (bench/results/reasoning.md).
    with paused_gc():
        inputs, views, stages = validate(paths, settings)
        with stages.timed("reason"):
            sources = reasoned(inputs, views)
        result = _write(paths.out, build_id, sources, stages, settings)
    # The graphs go first: the answers load the dataset into an engine of their own.
    del inputs, views, sources
    result.answers = keep_answers(result.folder, paths, settings)
    return result


def keep_answers(
    folder: Path, paths: Paths, settings: BuildSettings, only_if_stale: bool = False
) -> dict | None:
    """Keep the named queries' default answers in the build (answers.py): what was kept
    and skipped, or None when there are no queries or ``answer_seconds`` is 0. With
    ``only_if_stale``, answers already kept for these very queries are left as they are."""
    from .answers import compute_answers, queries_digest, read_answers
    from .queries import load_named_queries

    if paths.queries is None or settings.answer_seconds <= 0:
        return None
    queries = load_named_queries(paths.queries)
    kept = read_answers(folder) if only_if_stale else None
    if kept is None or kept.digest != queries_digest(queries):
        kept = compute_answers(folder, queries, settings.answer_seconds, settings.answer_rows)
    if kept is None:
        return None
    return {"kept": len(kept), "skipped": kept.skipped, "seconds": kept.seconds}


def reasoned(inputs: Inputs, views: Views) -> dict[str, list[Iterable]]:
    """Reason over the validated views (what a source contradicts is set aside first) and
    give the five named graphs, each as the triple sources written into it. The records
    (how and when each inferred relation holds, for explanations and time slicing; which
    statement contests which) are written as they are made: held in the provenance graph
    they were a third of the build's memory at 1000x."""
    provenance = views.provenance
    context = time_context(provenance, views.asserted)
    # What a source contradicts leaves the asserted graph before reasoning.
    contests = find_contests(inputs.ontology, provenance, context)
    aside = set_aside(views, contests)
    reasoning = reason(inputs.ontology, views.asserted)
    contested = new_graph()
    if contests:
        view = contested_view(inputs.ontology, views.asserted, aside, contests, reasoning)
        contested.addN((*t, contested) for t in view.graph_triples())
        records = contested_records(view, views, context)
        contested.addN((*t, contested) for t in records)
    return {
        ONTOLOGY_GRAPH: [inputs.ontology],
        ASSERTED_GRAPH: [views.asserted],
        INFERRED_GRAPH: [reasoning.inferred],
        PROVENANCE_GRAPH: [
            provenance,
            inference_records(reasoning, views, context),
            contest_marks(contests),
            aside_intervals(aside, context),
        ],
        CONTESTED_GRAPH: [contested],
    }


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
    remove_stale_staging(out)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    started = time.perf_counter()
    lock = _hold(staging)
    try:
        # Written row by row: copying every triple into an rdflib Dataset first cost more
        # than the rest of the build at 100x (bench/results/reasoning.md). Sorted for diffs,
        # in chunks (nquads.py), so memory does not grow with the largest graph.
        with open(staging / DATASET_FILE, "w", encoding="utf-8") as handle:
            counts = write_graphs(handle, graphs, staging)
        triples = {iri.split("/")[-1]: n for iri, n in counts.items()}
        entities = entities_per_class(graphs[ASSERTED_GRAPH][0], graphs[INFERRED_GRAPH][0])
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
        (staging / _LOCK_FILE).unlink()  # still held: a fresh unlocked folder is left alone
        if final.exists():
            shutil.rmtree(final)
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        lock.close()
    _point_current(out, build_id)
    _prune(out, keep=settings.keep_builds, current=build_id)
    return BuildResult(build_id, final, triples, entities, stages.seconds)


STAGING_PREFIX = ".staging-"
_LOCK_FILE = ".lock"
# A staging folder younger than this with no lock yet may be one a build just made.
_GRACE_SECONDS = 60.0


def _hold(staging: Path):
    """Lock a staging folder for as long as this build writes it. The lock (flock) goes
    with the process, so a killed build leaves a folder that the next build can tell is
    stale, while one being written by a concurrent build stays locked."""
    handle = open(staging / _LOCK_FILE, "w")  # noqa: SIM115 (held until the write ends)
    try:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
    except (ImportError, OSError):
        pass  # no flock here: the folder is then only removed by this build
    return handle


def remove_stale_staging(out: Path) -> list[Path]:
    """Remove staging folders left by killed builds (not one a running build holds)."""
    removed = []
    for folder in Path(out).glob(STAGING_PREFIX + "*"):
        if folder.is_dir() and not folder.is_symlink() and _is_stale(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _is_stale(folder: Path) -> bool:
    try:
        import fcntl
    except ImportError:
        return False
    try:
        handle = open(folder / _LOCK_FILE, "r+")  # noqa: SIM115
    except FileNotFoundError:  # locked a moment after it is made: wait out the grace
        try:
            return time.time() - folder.stat().st_mtime > _GRACE_SECONDS
        except OSError:
            return False
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a running build holds it
        return True


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
        if not in_use(old):  # a running server's build is never pulled from under it
            shutil.rmtree(old, ignore_errors=True)


LEASE_PREFIX = ".serving-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def _pid_in(name: str, prefix: str) -> int | None:
    head = name[len(prefix) :].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def lease(folder: Path, pid: int | None = None) -> Path:
    """Mark a build folder as served by process ``pid`` (default: this one): pruning
    skips it while that process lives. Remove the file (release) when done."""
    path = Path(folder) / f"{LEASE_PREFIX}{pid or os.getpid()}"
    path.write_text("a running iraqkg server uses this build\n")
    return path


def in_use(folder: Path) -> bool:
    """True when a live process holds a lease on this build; stale leases are removed."""
    used = False
    for path in Path(folder).glob(f"{LEASE_PREFIX}*"):
        pid = _pid_in(path.name, LEASE_PREFIX)
        if pid is not None and _alive(pid):
            used = True
        else:
            path.unlink(missing_ok=True)
    return used


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
