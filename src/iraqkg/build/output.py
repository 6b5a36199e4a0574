"""The build's output folder: one folder per build, written atomically, and CURRENT.

Layout (``out`` defaults to ``build/``)::

    build/CURRENT                 id of the last good build (replaced atomically)
    build/<id>/dataset.nq         the whole dataset: five named graphs, N-Quads
    build/<id>/manifest.json      counts, timings, inputs
    build/<id>/answers/           the named queries' default answers (answers.py)
    build/.staging-*              a build being written (locked while it is)
    build/<id>/.serving-PID       a lease: a live server uses this build, pruning skips it

A build that fails at any stage writes nothing that ``CURRENT`` points to, so the
previous good build keeps serving.
"""

from __future__ import annotations

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

from rdflib import RDF, Graph

from .. import __version__
from ..namespaces import ASSERTED_GRAPH, IKG, INFERRED_GRAPH
from ..settings import BuildSettings
from .nquads import write_graphs

DATASET_FILE = "dataset.nq"
MANIFEST_FILE = "manifest.json"
CURRENT_FILE = "CURRENT"


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


def entities_per_class(asserted: Graph, inferred: Graph) -> dict[str, int]:
    """Entities per ontology class, counting subclass members (types are materialised)."""
    counts: Counter[str] = Counter()
    for graph in (asserted, inferred):
        for _, cls in graph.subject_objects(RDF.type):
            if str(cls).startswith(str(IKG)):
                counts[cls.fragment] += 1
    return dict(sorted(counts.items()))


def write_build(out: Path, build_id: str, graphs: dict, stages: Stages, settings: BuildSettings):
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
    point_current(out, build_id)
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


def point_current(out: Path, build_id: str) -> None:
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
