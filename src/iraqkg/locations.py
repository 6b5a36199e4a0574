"""Where things are written: the line of a subject or a literal in a data file.

The parsers keep no positions, so a file is read again when (and only when) a problem in
it must be placed, and indexed once: every later lookup in the same file is a dictionary
or binary search, never another pass (200,000 violations in one file once took over
eleven minutes, one pass each).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path

# A subject at the start of a line: <iri> or prefix:local (Turtle, N-Triples, TriG).
_SUBJECT = re.compile(r"[ \t]*(?:<([^<>\"{}|^`\\\s]*)>|([A-Za-z][\w.-]*)?:((?:[\w.%:-]|\\.)*))")
_PREFIX = re.compile(r"[ \t]*(?:@prefix|PREFIX)[ \t]+([A-Za-z][\w.-]*)?:[ \t]*<([^>]*)>", re.I)


class FileIndex:
    """Line numbers in one file: subjects as first written, and any byte offset."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._newlines = [m.start() for m in re.finditer(b"\n", data)]
        self._subjects: dict[str, int] | None = None

    def line_at(self, offset: int) -> int:
        """The 1-based line of a byte offset."""
        return bisect_right(self._newlines, offset - 1) + 1 if offset >= 0 else 0

    def longest_line(self) -> int:
        """The 1-based number of the longest line."""
        starts = [-1, *self._newlines, len(self._data)]
        lengths = [b - a for a, b in zip(starts, starts[1:], strict=False)]
        return lengths.index(max(lengths)) + 1

    def find(self, needle: bytes) -> int | None:
        """The line of the first occurrence of ``needle``, or None."""
        offset = self._data.find(needle)
        return self.line_at(offset) if offset >= 0 else None

    def term_line(self, iri: str) -> int | None:
        """The line where an IRI first appears, as <iri> or as prefix:local."""
        full = self.find(f"<{iri}>".encode())
        local = re.split(r"[/#]", iri)[-1]
        written = re.search(rb"[\w-]*:" + re.escape(local.encode()) + rb"(?![\w.-]*\w)", self._data)
        lines = [n for n in (full, self.line_at(written.start()) if written else None) if n]
        return min(lines) if lines else None

    def subject_line(self, iri: str) -> int | None:
        """The first line that starts with this IRI, written in full or as prefix:local."""
        if self._subjects is None:
            self._subjects = self._index_subjects()
        return self._subjects.get(iri)

    def _index_subjects(self) -> dict[str, int]:
        found: dict[str, int] = {}
        prefixes: dict[str, str] = {}
        text = self._data.decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            declared = _PREFIX.match(line)
            if declared:
                prefixes[declared.group(1) or ""] = declared.group(2)
                continue
            match = _SUBJECT.match(line)
            if match is None:
                continue
            full, prefix, local = match.groups()
            if full is None:
                namespace = prefixes.get(prefix or "")
                if namespace is None or local is None:
                    continue
                full = namespace + re.sub(r"\\(.)", r"\1", local.rstrip("."))
            found.setdefault(full, number)
        return found


class Locations:
    """File indexes made on first use and kept (one read and one pass per file)."""

    def __init__(self) -> None:
        self._files: dict[Path, FileIndex | None] = {}

    def index(self, path: Path) -> FileIndex | None:
        if path not in self._files:
            try:
                self._files[path] = FileIndex(path.read_bytes())
            except OSError:
                self._files[path] = None
        return self._files[path]

    def subject(self, path: Path, iri: str) -> str:
        """``file:line`` where ``iri`` is first described, ``file`` if no line starts with it."""
        index = self.index(path)
        line = index.subject_line(iri) if index is not None else None
        return f"{path}:{line}" if line else str(path)
