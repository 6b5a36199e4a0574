"""Answers the build computes ahead: every named query with its defaults, kept in the build.

A named query asked with its default parameters is what the /questions pages, their links
and ``kg.question(name)`` ask most; over a build, which never changes, its answer never
changes either. The two largest defaults on the seed (1,500-1,900 rows) cost 33-35 ms at
the engine's floor of about 20 us a row (bench/results/named_queries.md), so the build runs
each named query once and keeps the answer beside the dataset::

    build/<id>/answers/index.json     the queries' digest, and per answer its key, name,
                                      file, kind and rows (or why it was not kept)
    build/<id>/answers/<name>.srj     the answer, SPARQL 1.1 results JSON

The key is a hash of the query text and its bound terms, so an edited query, another
parameter value or another dataset never meets a kept answer: it runs on the engine. Only
answers that depend on the data alone are kept (no SERVICE, no NOW() or RAND()). Each query
runs in a forked child stopped after ``BuildSettings.answer_seconds``, and an answer of more
than ``BuildSettings.answer_rows`` rows is not kept: at 1000x the "everything" defaults are
millions of rows, more than the endpoint's row cap lets through anyway.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .engines.policy import stable_answer
from .queries import Bindings, NamedQuery

FOLDER = "answers"
INDEX = "index.json"
MEDIA_TYPE = "application/sparql-results+json"


def answer_key(text: str, bindings: Bindings) -> str:
    """What an answer is kept under: the query text and its bound terms, hashed."""
    digest = hashlib.sha256(text.encode())
    for name, term in sorted(bindings):
        digest.update(b"\0" + name.encode() + b"=" + term.n3().encode())
    return digest.hexdigest()


def queries_digest(queries: Mapping[str, NamedQuery]) -> str:
    digest = hashlib.sha256()
    for name in sorted(queries):
        digest.update(name.encode() + b"\0" + queries[name].text.encode() + b"\0")
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class KeptAnswer:
    name: str
    kind: str  # "select" | "ask"
    rows: int
    path: Path

    def body(self) -> bytes:
        return self.path.read_bytes()


class Answers:
    """The answers one build keeps, by key; read from ``build/<id>/answers/``."""

    def __init__(self, folder: Path, index: dict) -> None:
        self.folder = folder
        self.digest = index.get("queries", "")
        self.seconds = float(index.get("seconds", 0.0))
        self.skipped: dict[str, str] = dict(index.get("skipped", {}))
        self._by_key = {
            key: KeptAnswer(found["name"], found["kind"], found["rows"], folder / found["file"])
            for key, found in index.get("answers", {}).items()
        }

    def __len__(self) -> int:
        return len(self._by_key)

    def names(self) -> list[str]:
        return sorted(a.name for a in self._by_key.values())

    def find(self, text: str, bindings: Bindings = ()) -> KeptAnswer | None:
        return self._by_key.get(answer_key(text, bindings))


def read_answers(build_dir: Path) -> Answers | None:
    """The answers kept in a build folder, or None (none kept, or an unreadable index)."""
    folder = Path(build_dir) / FOLDER
    try:
        index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Answers(folder, index) if isinstance(index, dict) else None


def answers_for_dataset(files: list[Path] | tuple[Path, ...]) -> Answers | None:
    """The kept answers that belong to exactly these dataset files: a build's own dataset
    file, alone; anything else (several files, a file outside a build) has none."""
    from .build import DATASET_FILE

    if len(files) != 1 or Path(files[0]).name != DATASET_FILE:
        return None
    return read_answers(Path(files[0]).parent)


_TOO_MANY, _FAILED = "too many rows", "failed"


def _answer_all(engine, jobs: list, max_rows: int, folder: Path, conn) -> None:
    """In the child: run the queries in turn, writing each answer, and tell the parent after
    each one (the parent stops a child that takes too long and starts another past it)."""
    for name, text, bindings in jobs:
        outcome, kind, rows = "", "", 0
        try:
            result = engine.query_native(text, bindings=dict(bindings), max_rows=max_rows)
            if result.truncated:
                outcome = _TOO_MANY
            else:
                (folder / f"{name}.srj").write_bytes(result.serialize(MEDIA_TYPE))
                kind, rows = result.kind, len(result)  # the parent need not read it back
        except Exception:  # the engine, asked when served, gives the error
            outcome = _FAILED
        conn.send((outcome, kind, rows))
    conn.close()
    os._exit(0)


def compute_answers(
    build_dir: Path,
    queries: Mapping[str, NamedQuery],
    seconds: float,
    max_rows: int,
) -> Answers | None:
    """Run every named query with its defaults on the build's dataset and keep the answers
    in ``build_dir/answers`` (replacing what was there). ``seconds``: each query's limit
    (0: keep none). Returns what was kept."""
    from .build import DATASET_FILE
    from .engines.oxigraph_engine import OxigraphEngine
    from .settings import EndpointSettings

    if seconds <= 0 or not queries:
        return None
    build_dir = Path(build_dir)
    staging = build_dir / (FOLDER + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    started = time.perf_counter()
    engine = OxigraphEngine(EndpointSettings(), [build_dir / DATASET_FILE])
    skipped: dict[str, str] = {}
    jobs: list[tuple[str, str, Bindings]] = []
    for name, named in sorted(queries.items()):
        bound = named.bind()
        if stable_answer(bound.text):
            jobs.append((name, bound.text, bound.bindings))
        else:
            skipped[name] = "depends on more than the data (SERVICE, NOW(), RAND()...)"
    kept: dict[str, dict] = {}
    while jobs:
        done = _run_jobs(engine, jobs, seconds, max_rows, staging, kept, skipped)
        jobs = jobs[done:]
    index = {
        "queries": queries_digest(queries),
        "seconds": round(time.perf_counter() - started, 3),
        "answers": kept,
        "skipped": skipped,
    }
    (staging / INDEX).write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")
    final = build_dir / FOLDER
    # A reader sees the old folder or the new one; between the two renames, none (it then
    # asks the engine, which gives the same answer).
    old = build_dir / (FOLDER + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.rename(final, old)
    os.rename(staging, final)
    shutil.rmtree(old, ignore_errors=True)
    return read_answers(build_dir)


def _run_jobs(engine, jobs, seconds: float, max_rows: int, folder: Path, kept: dict,
              skipped: dict) -> int:  # fmt: skip
    """Run ``jobs`` in one forked child (it shares the loaded store; a fork per query cost
    more than the seed's queries); return how many were settled before it finished or was
    stopped on one that took longer than ``seconds``."""
    context = mp.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_answer_all, args=(engine, jobs, max_rows, folder, send))
    child.start()
    send.close()
    done = 0
    try:
        for name, text, bindings in jobs:
            began = time.perf_counter()
            done += 1
            if not receive.poll(seconds):
                skipped[name] = f"took over {seconds:g} s"
                break
            try:
                outcome, kind, rows = receive.recv()
            except EOFError:  # the child died (out of memory?)
                skipped[name] = "its process ended without an answer"
                break
            if outcome:
                skipped[name] = f"more than {max_rows} rows" if outcome == _TOO_MANY else outcome
                continue
            kept[answer_key(text, bindings)] = {
                "name": name,
                "file": f"{name}.srj",
                "kind": kind,
                "rows": rows,
                "seconds": round(time.perf_counter() - began, 4),
            }
    finally:
        child.kill()
        child.join()
        receive.close()
    return done
