"""Reading the ontology and data folders into rdflib graphs, with precise syntax errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import DataSyntaxError, InputError, SyntaxProblem

RDF_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads"}


@dataclass
class LoadedFiles:
    """The triples of a folder, merged, and which file each subject was written in."""

    graph: Graph
    files: list[Path]
    origin: dict = field(default_factory=dict)  # subject -> first file that describes it

    def where(self, subject) -> str:
        """``file:line`` where the subject is first described (``file`` if the line is unclear)."""
        path = self.origin.get(subject)
        if path is None:
            return ""
        line = _line_of(path, str(subject))
        return f"{path}:{line}" if line else str(path)


def _line_of(path: Path, iri: str) -> int | None:
    # rdflib keeps no positions: find the subject as written, in full or as prefix:local.
    local = re.escape(re.split(r"[/#]", iri)[-1])
    pattern = re.compile(rf"(^|\s)(<{re.escape(iri)}>|[\w-]*:{local})(?=[\s;,.])")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, text in enumerate(lines, 1):
        if pattern.match(text):
            return number
    return None


def rdf_files(folder: Path) -> list[Path]:
    """The RDF files of a folder and its subfolders, in a stable order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"no such folder: {folder}")
    return sorted(p for p in folder.rglob("*") if p.suffix in RDF_SUFFIXES and p.is_file())


def parse_file(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one file; a syntax error becomes DataSyntaxError naming file, line and column."""
    graph = Graph() if graph is None else graph
    fmt = RDF_SUFFIXES.get(path.suffix, "turtle")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        graph.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        raise DataSyntaxError(_problem_from_badsyntax(path, exc)) from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataSyntaxError(SyntaxProblem(str(path), line, 1, "not UTF-8 text")) from None
    except Exception as exc:  # other parsers (N-Triples, N-Quads) raise their own types
        raise DataSyntaxError(SyntaxProblem(str(path), *_line_col(exc), str(exc))) from None
    return graph


def _problem_from_badsyntax(path: Path, exc: BadSyntax) -> SyntaxProblem:
    text = exc._str if isinstance(exc._str, bytes) else str(exc._str).encode()
    index = min(exc._i, len(text))
    line_start = text.rfind(b"\n", 0, index) + 1
    column = len(text[line_start:index].decode("utf-8", "replace")) + 1
    return SyntaxProblem(str(path), exc.lines + 1, column, exc._why)


def _line_col(exc: Exception) -> tuple[int, int]:
    # N-Triples errors say "Invalid line (...)": no position is offered, so report line 0.
    return (getattr(exc, "line", 0) or 0, 1)


def load_folder(folder: Path) -> LoadedFiles:
    """Parse every RDF file in a folder into one graph, remembering where subjects come from."""
    files = rdf_files(folder)
    merged = Graph()
    origin: dict = {}
    for path in files:
        graph = parse_file(path)
        for subject in set(graph.subjects()):
            origin.setdefault(subject, path)
        merged += graph
    return LoadedFiles(merged, files, origin)
