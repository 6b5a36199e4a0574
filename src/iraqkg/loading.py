"""Reading the ontology and data folders into rdflib graphs, with precise syntax errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .errors import DataSyntaxError, InputError, SyntaxProblem

RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# pyoxigraph says "Parser error at line 4 between columns 1 and 6: ..."; we say file:4:1.
_POSITION = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")


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


def new_graph() -> Graph:
    """An empty graph on rdflib's context-free store: the build's graphs need no contexts,
    and it adds and iterates several times faster in less memory than the default store."""
    return Graph(store="SimpleMemory")


class _Terms:
    """pyoxigraph terms to rdflib terms, each distinct term made once (shared, so a large
    graph holds one object per IRI, not one per occurrence)."""

    def __init__(self) -> None:
        self._cache: dict = {}

    def triples(self, quads) -> Iterator[tuple]:
        """The quads of one file as rdflib triples."""
        cache, blank = self._cache, {}
        for quad in quads:
            triple = []
            for term in (quad.subject, quad.predicate, quad.object):
                node = cache.get(term)
                if node is None:
                    if isinstance(term, ox.BlankNode):  # labels are local to their file
                        node = blank.get(term.value)
                        if node is None:
                            node = blank[term.value] = BNode()
                        triple.append(node)
                        continue
                    node = cache[term] = _to_rdflib(term)
                triple.append(node)
            yield tuple(triple)


def _to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))


def parse_file(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one file; a syntax error becomes DataSyntaxError naming file, line and column."""
    graph = new_graph() if graph is None else graph
    add = graph.add
    for triple in read_triples(path, _Terms()):
        add(triple)
    return graph


def read_triples(path: Path, terms: _Terms) -> Iterator[tuple]:
    """The triples of one file as rdflib terms; raises DataSyntaxError or InputError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    # pyoxigraph parses about ten times faster than rdflib and says where an error is.
    fmt = RDF_SUFFIXES.get(path.suffix, ox.RdfFormat.TURTLE)
    quads = ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())
    try:
        yield from terms.triples(quads)
    except SyntaxError as exc:
        raise DataSyntaxError(_problem(path, data, exc)) from None


def _problem(path: Path, data: bytes, exc: SyntaxError) -> SyntaxProblem:
    message = _POSITION.sub("", exc.msg or str(exc))
    if exc.lineno is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            return SyntaxProblem(str(path), line, 1, "not UTF-8 text")
    return SyntaxProblem(str(path), exc.lineno or 0, exc.offset or 1, message)


def load_folder(folder: Path) -> LoadedFiles:
    """Parse every RDF file in a folder into one graph, remembering where subjects come from."""
    files = rdf_files(folder)
    merged = new_graph()
    add = merged.add
    origin: dict = {}
    remember = origin.setdefault
    terms = _Terms()
    for path in files:
        for triple in read_triples(path, terms):
            add(triple)
            remember(triple[0], path)
    return LoadedFiles(merged, files, origin)
