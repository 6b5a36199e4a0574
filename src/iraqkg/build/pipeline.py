"""The build's stages: parse, validate, derive, reason, then write (output.py).

A build that fails at any stage writes nothing that ``CURRENT`` points to, so the
previous good build keeps serving.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .. import __version__, periods
from ..contest import contest_marks, contested_view, find_contests, set_aside
from ..errors import InputError, ValidationFailed, Violation
from ..loading import LoadedFiles, load_folder, new_graph, rdf_files, read_folder_files
from ..namespaces import (
    ASSERTED_GRAPH,
    CONTESTED_GRAPH,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    PROVENANCE_GRAPH,
)
from ..quantities import amount_violations
from ..reasoning import paused_gc, reason
from ..settings import BuildSettings, Paths
from ..statements import Views, derive
from ..temporal import time_context
from .inferences import aside_intervals, contested_records, inference_records
from .output import BuildResult, Stages, current_id, point_current, read_build, write_build
from .validation import (
    authoring_violations,
    quote_violations,
    shacl_violations,
    undeclared_terms,
)


@dataclass
class Inputs:
    ontology: Graph
    shapes: Graph
    data: LoadedFiles


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
        point_current(paths.out, build_id)
        existing.reused = True
        existing.answers = keep_answers(existing.folder, paths, settings, only_if_stale=True)
        return existing
    # rdflib allocates millions of small objects; full cyclic collections rescan all of
    # them and made every stage grow faster than the data (bench/results/reasoning.md).
    with paused_gc():
        inputs, views, stages = validate(paths, settings)
        with stages.timed("reason"):
            sources = reasoned(inputs, views)
        result = write_build(paths.out, build_id, sources, stages, settings)
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
    from ..answers import compute_answers, queries_digest, read_answers
    from ..queries import load_named_queries

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


def is_stale(paths: Paths) -> bool:
    """True when there is no current build or the inputs changed since it was made."""
    return current_id(paths.out) != fingerprint(paths)
