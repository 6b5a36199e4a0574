"""Writing the dataset as sorted, duplicate-free N-Quads in bounded memory.

Sorting every row of a graph in memory held all of them as strings at once (gigabytes at
1000x the seed). Rows are sorted in chunks instead; chunks beyond the first are spilled
to files beside the output and merged. Triples may come from graphs or from generators
(the inference records are written as they are made, never held in a graph); duplicates
are dropped in the merge, so each graph's count is of distinct triples.
"""

from __future__ import annotations

import heapq
import os
import tempfile
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import IO

from rdflib import Literal
from rdflib.plugins.serializers.nt import _quoteLiteral

CHUNK_ROWS = 200_000  # rows sorted in memory at once (about 40 MB)
_CACHE_TERMS = 400_000  # spellings kept (an IRI recurs in thousands of rows)


class _Spelling:
    """N-Quads spelling of terms, each spelled once while the cache has room."""

    def __init__(self) -> None:
        self._cache: dict = {}

    def __call__(self, term) -> str:
        text = self._cache.get(term)
        if text is None:
            text = _quoteLiteral(term) if isinstance(term, Literal) else term.n3()
            if len(self._cache) >= _CACHE_TERMS:
                self._cache.clear()
            self._cache[term] = text
        return text


def _unique(rows: Iterable[str]) -> Iterator[str]:
    last = None
    for row in rows:
        if row != last:
            yield row
            last = row


def write_graphs(
    handle: IO[str], graphs: dict[str, Iterable[Iterable]], spill: Path, chunk: int = CHUNK_ROWS
) -> dict[str, int]:
    """Write each graph's triples (one or more iterables) as N-Quads rows, sorted and
    without duplicates; return the rows written per graph."""
    spell = _Spelling()
    counts = {}
    for iri, sources in graphs.items():
        name = f" <{iri}> .\n"
        rows = chain.from_iterable(_rows(source, spell, name) for source in sources)
        counts[iri] = _write_sorted(handle, rows, spill, chunk)
    return counts


def _rows(source: Iterable, spell: _Spelling, name: str) -> Iterator[str]:
    by_subject = getattr(getattr(source, "store", None), "by_subject", None)
    if by_subject is None:
        for s, p, o in source:
            yield f"{spell(s)} {spell(p)} {spell(o)}{name}"
        return
    # The compact store's own index: each subject and predicate spelled once per group.
    for s, predicates in by_subject():
        subject = spell(s) + " "
        for p, objects in predicates:
            head = subject + spell(p) + " "
            for o in objects:
                yield head + spell(o) + name


def _write_sorted(handle: IO[str], rows: Iterator[str], spill: Path, chunk: int) -> int:
    runs: list[Path] = []
    written = 0
    try:
        while True:
            block = [row for _, row in zip(range(chunk), rows, strict=False)]
            if not block:
                break
            block.sort()
            if not runs and len(block) < chunk:  # everything fitted: no files
                block_rows: Iterable[str] = _unique(block)
                for row in block_rows:
                    handle.write(row)
                    written += 1
                return written
            fd, name = tempfile.mkstemp(prefix="rows-", suffix=".nq", dir=spill)
            with os.fdopen(fd, "w", encoding="utf-8") as run:
                run.writelines(_unique(block))
            runs.append(Path(name))
            del block
        files = [open(run, encoding="utf-8") for run in runs]  # noqa: SIM115
        try:
            for row in _unique(heapq.merge(*files)):
                handle.write(row)
                written += 1
        finally:
            for file in files:
                file.close()
        return written
    finally:
        for run in runs:
            run.unlink(missing_ok=True)
