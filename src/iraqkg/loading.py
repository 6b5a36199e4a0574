"""Reading the ontology and data folders into rdflib graphs, with precise errors.

Hostile or broken files end in an error naming the file (and the line where one can be
found), never in a traceback: syntax errors (file:line:column), text that is not UTF-8,
literals that are not what their datatype says (``"2021-13-45"^^xsd:date``), files and
literals over the size limits of ``BuildSettings``, and symbolic links that lead out of
the folder (refused unread).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .errors import DataLimitError, DataSyntaxError, InputError, SyntaxProblem, Violation
from .lexical import datatype_name, is_valid
from .locations import FileIndex, Locations
from .settings import BuildSettings
from .store import CompactStore

RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# pyoxigraph says "Parser error at line 4 between columns 1 and 6: ..."; we say file:4:1.
_POSITION = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")
_BOM = b"\xef\xbb\xbf"
PARSER_LIMIT = 16 * 1024 * 1024  # pyoxigraph's largest token
_LITERAL_SETTING = (
    "(setting max_literal_bytes: --max-literal-bytes or IRAQKG_BUILD_MAX_LITERAL_BYTES)"
)


class _IllTypedLogFilter(logging.Filter):
    """rdflib logs a traceback for every ill-typed literal it is given; the loader reports
    them itself, as violations with file and line (``LoadedFiles.problems``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_IllTypedLogFilter())


@dataclass
class LoadedFiles:
    """The triples of a folder, merged, and which file each subject was written in
    (``graph`` is None once the build has made it the provenance view)."""

    graph: Graph | None
    files: list[Path]
    origin: dict = field(default_factory=dict)  # subject -> first file that describes it
    # Literals that are not what their datatype says: contract violations with file:line.
    problems: list[Violation] = field(default_factory=list)
    iris: set = field(default_factory=set)  # every distinct IRI in the files
    locations: Locations = field(default_factory=Locations)
    parents: dict = field(default_factory=dict)  # blank node -> subject it hangs from

    def where(self, node) -> str:
        """``file:line`` where the node is first described (``file`` if the line is unclear);
        a blank node is placed where the named subject it hangs from is."""
        path = self.origin.get(node)  # a blank node's own file, then its root's line there
        node = self.root(node)
        path = path or self.origin.get(node)
        if path is None:
            return ""
        return self.locations.subject(path, str(node)) if isinstance(node, URIRef) else str(path)

    def term_where(self, iri: str) -> str:
        """``file:line`` of the first place an IRI is written (in full or prefix:local)."""
        for path in self.files:
            index = self.locations.index(path)
            line = index.term_line(iri) if index is not None else None
            if line:
                return f"{path}:{line}"
        return ""

    def describe(self, node) -> str:
        """How a violation names a node: its IRI, or for a blank node the subject it is in."""
        if not isinstance(node, BNode):
            return str(node)
        root = self.root(node)
        return f"[a blank node in {root}]" if root is not node else "[a blank node]"

    def root(self, node):
        """The named subject a blank node is nested in (itself when none)."""
        parents = self.parents
        seen = set()
        chain = []
        while isinstance(node, BNode) and node in parents and node not in seen:
            seen.add(node)
            chain.append(node)
            node = parents[node]
        for nested in chain:  # memoised: deep nesting is placed in linear time
            parents[nested] = node
        return node


def rdf_files(folder: Path) -> list[Path]:
    """The RDF files of a folder and its subfolders, in a stable order. A symbolic link
    that leads outside the folder is refused without being read."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"no such folder: {folder}")
    root = folder.resolve()
    found = []
    for path in sorted(folder.rglob("*")):  # does not descend into linked folders
        if path.is_symlink() and (path.suffix in RDF_SUFFIXES or path.is_dir()):
            if not path.resolve().is_relative_to(root):
                kind = "folder" if path.is_dir() else "file"
                raise InputError(
                    f"{path}: a symbolic link to a {kind} outside {folder}; refused (not read)"
                )
            if path.is_dir():
                continue  # inside the folder: its files are read where they are
        if path.suffix in RDF_SUFFIXES and path.is_file():
            found.append(path)
    return found


def new_graph() -> Graph:
    """An empty graph on the build's compact context-free store (``store.py``): the build's
    graphs need no contexts, and it holds a triple in a fraction of rdflib's memory."""
    return Graph(store=CompactStore())


class _Terms:
    """pyoxigraph terms to rdflib terms, each distinct term made once (shared, so a large
    graph holds one object per IRI, not one per occurrence); checks literals as it goes."""

    def __init__(self, settings: BuildSettings | None = None) -> None:
        self._cache: dict = {}
        self.settings = settings or BuildSettings()
        self.problems: list[Violation] = []
        self.parents: dict = {}  # blank node -> the subject it is the object of (first seen)

    def iris(self) -> set:
        return {node for node in self._cache.values() if isinstance(node, URIRef)}

    def triples(self, quads, path: Path, data: bytes) -> Iterator[tuple]:
        """The quads of one file as rdflib triples."""
        cache, blank, parents = self._cache, {}, self.parents
        limit = self.settings.max_literal_bytes
        for quad in quads:
            triple = []
            for term in (quad.subject, quad.predicate, quad.object):
                node = cache.get(term)
                if node is None:
                    if isinstance(term, ox.BlankNode):  # labels are local to their file
                        node = blank.get(term.value)
                        if node is None:
                            node = blank[term.value] = BNode()
                        if len(triple) == 2:  # an object: remember what it hangs from
                            parents.setdefault(node, triple[0])
                        triple.append(node)
                        continue
                    if isinstance(term, ox.Literal):
                        if len(term.value) > limit // 4 and len(term.value.encode()) > limit:
                            raise _too_long(path, data, term.value, limit)
                        node = _to_rdflib(term)
                        if not _well_typed(term, node):
                            # Not cached: every occurrence is reported.
                            self.problems.append(_ill_typed(path, data, quad, term, triple))
                            triple.append(node)
                            continue
                    else:
                        node = _to_rdflib(term)
                    cache[term] = node
                triple.append(node)
            yield tuple(triple)


def _well_typed(term: ox.Literal, node: Literal) -> bool:
    datatype = term.datatype.value
    if datatype in (_XSD_STRING, _LANG_STRING):
        return True
    return is_valid(term.value, datatype) and node.ill_typed is not True


def _ill_typed(path: Path, data: bytes, quad, term: ox.Literal, triple: list) -> Violation:
    line = FileIndex(data).find(_quoted(term.value)) if data else None
    where = f"{path}:{line}" if line else str(path)
    subject = triple[0] if triple else quad.subject
    return Violation(
        str(subject) if not isinstance(subject, BNode) else "[a blank node]",
        quad.predicate.value,
        f'"{_printable(term.value[:80])}" is not a valid {datatype_name(term.datatype.value)}',
        where,
    )


def _quoted(value: str) -> bytes:
    return b'"' + value.encode("utf-8") + b'"'


def _too_long(path: Path, data: bytes, value: str, limit: int) -> DataLimitError:
    size = len(value.encode("utf-8"))
    line = FileIndex(data).find(value[:64].encode("utf-8"))
    place = f"{path}:{line}" if line else str(path)
    return DataLimitError(
        f"{place}: a literal of {size:,} bytes is longer than the limit of {limit:,} "
        + _LITERAL_SETTING
    )


def _to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))


def parse_file(
    path: Path, graph: Graph | None = None, settings: BuildSettings | None = None
) -> Graph:
    """Parse one file; a syntax error becomes DataSyntaxError naming file, line and column,
    an ill-typed literal ValidationFailed (see ``read_folder_files`` to collect them)."""
    graph = new_graph() if graph is None else graph
    terms = _Terms(settings)
    add = graph.add
    for triple in read_triples(path, terms):
        add(triple)
    _raise_problems(terms.problems)
    return graph


def _raise_problems(problems: list[Violation]) -> None:
    if problems:
        from .errors import ValidationFailed

        raise ValidationFailed(problems)


def read_triples(path: Path, terms: _Terms) -> Iterator[tuple]:
    """The triples of one file as rdflib terms; raises DataSyntaxError or InputError."""
    limit = terms.settings.max_file_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            raise DataLimitError(
                f"{path}: {size:,} bytes is larger than the limit of {limit:,} per file "
                "(setting max_file_bytes: --max-file-bytes or IRAQKG_BUILD_MAX_FILE_BYTES)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    if data.startswith(_BOM):  # a byte order mark is harmless (editors on Windows add one)
        data = data[len(_BOM) :]
    # pyoxigraph parses about ten times faster than rdflib and says where an error is.
    fmt = RDF_SUFFIXES.get(path.suffix, ox.RdfFormat.TURTLE)
    quads = ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())
    try:
        yield from terms.triples(quads, path, data)
    except SyntaxError as exc:
        raise DataSyntaxError(_problem(path, data, exc)) from None
    except MemoryError as exc:  # "Reached the buffer maximal size": one token over 16 MiB
        raise _token_too_long(path, data, terms.settings.max_literal_bytes) from exc


def _token_too_long(path: Path, data: bytes, limit: int) -> DataLimitError:
    # Over the parser's own buffer (16 MiB), so over max_literal_bytes too (capped there).
    place = f"{path}:{FileIndex(data).longest_line()}"
    return DataLimitError(
        f"{place}: a literal or IRI of more than {PARSER_LIMIT:,} bytes is longer than the "
        f"limit of {limit:,} {_LITERAL_SETTING}"
    )


def _printable(text: str) -> str:
    """Control and invisible characters spelled as escapes, so a message shows them."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def _problem(path: Path, data: bytes, exc: SyntaxError) -> SyntaxProblem:
    message = _printable(_POSITION.sub("", exc.msg or str(exc)))
    if exc.lineno is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            return SyntaxProblem(str(path), line, 1, "not UTF-8 text")
    return SyntaxProblem(str(path), exc.lineno or 0, exc.offset or 1, message)


def read_folder_files(files: list[Path], settings: BuildSettings | None = None) -> LoadedFiles:
    """Parse files into one graph, remembering where subjects come from (ill-typed literals
    are collected in ``problems``, not raised)."""
    merged = new_graph()
    add = merged.add
    origin: dict = {}
    remember = origin.setdefault
    terms = _Terms(settings)
    for path in files:
        for triple in read_triples(path, terms):
            add(triple)
            remember(triple[0], path)
    return LoadedFiles(merged, files, origin, terms.problems, terms.iris(), parents=terms.parents)


def load_folder(folder: Path, settings: BuildSettings | None = None) -> LoadedFiles:
    """Parse every RDF file in a folder into one graph (see ``read_folder_files``)."""
    return read_folder_files(rdf_files(folder), settings)
