"""The name statements written to ``data/names.ttl``: one per entity, name and source.

Each is a Reported ``ikg:Statement`` with predicate ``ikg:name``, the name as the source
first writes it (``"PMU"@en``) as object, the first paragraph it appears in, and a quote
of at most 25 words around it: its sentence, or the words either side of it when the
sentence is longer. Every quote is checked with ``SourceLibrary.check_quote`` before it is
written. The file is generated: the same data and sources give the same bytes.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal

from iraqkg.authoring.names import (
    Findings,
    Occurrence,
    findings_for,
    fold_quotes,
    source_files,
)
from iraqkg.errors import IraqkgError
from iraqkg.loading import rdf_files, read_folder_files
from iraqkg.namespaces import ID, IKG, ST
from iraqkg.provenance import MAX_QUOTE_WORDS, SourceLibrary
from iraqkg.search.normalise import fold

NAMES_FILE = "names.ttl"
REGENERATE = "iraqkg names --sources ../shared/sources --write"
_TOKEN = re.compile(r"\S+")
# A token that ends a sentence (closing quotes and a footnote number may follow the stop).
_STOP = re.compile(r"[.!?][\"'”’)\]]*\d*$")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class NameStatement:
    iri: str
    entity: str
    name: str  # as the source writes it
    source: str  # the source document's IRI
    paragraph: int
    quote: str


def quote_window(paragraph: str, start: int, end: int, limit: int = MAX_QUOTE_WORDS) -> str:
    """The words of ``paragraph`` around ``[start, end)``: its sentence when that has at most
    ``limit`` words, else ``limit`` words centred on it. Verbatim (whitespace folded)."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(paragraph)]
    first = next(i for i, (_, e) in enumerate(tokens) if e > start)
    last = max(i for i, (s, _) in enumerate(tokens) if s < end)
    if last - first + 1 > limit:
        raise ValueError(f"a name of {last - first + 1} words does not fit a quote")

    def ends_sentence(i: int) -> bool:
        following = paragraph[tokens[i + 1][0]] if i + 1 < len(tokens) else "A"
        return bool(_STOP.search(paragraph[tokens[i][0] : tokens[i][1]])) and (
            following.isupper() or following in "\"'“‘("
        )

    low = first
    while low > 0 and not ends_sentence(low - 1):
        low -= 1
    high = last
    while high < len(tokens) - 1 and not ends_sentence(high):
        high += 1
    if high - low + 1 > limit:
        room = limit - (last - first + 1)
        left = min(first - low, room // 2)
        right = min(high - last, room - left)
        left = min(first - low, room - right)
        low, high = first - left, last + right
    return " ".join(paragraph[tokens[low][0] : tokens[high][1]].split())


def _slug(text: str) -> str:
    return _SLUG.sub("-", fold(text)).strip("-") or "name"


def statements(
    findings: Findings, library: SourceLibrary, documents: dict[str, str]
) -> list[NameStatement]:
    """One NameStatement per (entity, form, source) (``documents``: source IRI -> file).

    It cites the source's first occurrence written as the sources most often write the form
    (al-Kadhimi rather than a sentence's Al-Kadhimi), else its first occurrence: one name
    reads the same in every source that writes it so."""
    by_file = {name: doc for doc, name in documents.items()}
    written: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for o in findings.occurrences:
        written[(o.entities[0], o.form)][fold_quotes(o.written)] += 1
    usual = {key: max(c, key=lambda w: (c[w], w)) for key, c in written.items()}
    first: dict[tuple[str, str, str], Occurrence] = {}
    for o in findings.occurrences:  # in text order: the first one stays
        key = (o.entities[0], o.form, o.file_name)
        if key not in first or (
            fold_quotes(o.written) == usual[key[:2]]
            and fold_quotes(first[key].written) != usual[key[:2]]
        ):
            first[key] = o
    found, taken = [], set()
    for (entity, _form, file_name), at in sorted(first.items()):
        source = by_file[file_name]
        paragraph = library.paragraphs_of(file_name)[at.paragraph - 1]
        quote = quote_window(paragraph, at.start, at.end)
        number = source.rsplit("-", 1)[-1]
        # The form names one entity (ambiguous ones are not written): its slug is enough.
        base = f"{number}-{at.paragraph}-name-{_slug(at.written)}"
        iri, n = base, 1
        while iri in taken:  # two forms with one slug (Kata'eb / Kataeb)
            n += 1
            iri = f"{base}-{n}"
        taken.add(iri)
        statement = NameStatement(str(ST[iri]), entity, at.written, source, at.paragraph, quote)
        problem = library.check_quote(statement.iri, file_name, at.paragraph, quote)
        if problem is not None:  # a bug here, not in the data: never write a bad quote
            raise IraqkgError(f"name quote would not pass the quote check: {problem}")
        found.append(statement)
    return found


def _short(iri: str) -> str:
    for prefix, namespace in (("st:", ST), (":", ID)):
        if iri.startswith(str(namespace)):
            return prefix + iri[len(str(namespace)) :]
    return f"<{iri}>"


def to_turtle(found: list[NameStatement]) -> str:
    """The Turtle text of ``names.ttl``."""
    lines = [
        "# Generated: which source calls each entity by which name (ikg:name statements).",
        f"# Do not edit: regenerate with `{REGENERATE}`",
        "# after changing labels in data/; `iraqkg names --check` says whether it is current.",
        "",
        f"@prefix :    <{ID}> .",
        f"@prefix st:  <{ST}> .",
        f"@prefix ikg: <{IKG}> .",
        "",
    ]
    for s in found:
        lines += [
            f"{_short(s.iri)} a ikg:Statement ;",
            f"    ikg:subject {_short(s.entity)} ;",
            "    ikg:predicate ikg:name ;",
            f"    ikg:object {Literal(s.name, lang='en').n3()} ;",
            "    ikg:status ikg:Reported ;",
            f"    ikg:source {_short(s.source)} ; ikg:paragraph {s.paragraph} ;",
            f"    ikg:quote {Literal(s.quote).n3()} .",
            "",
        ]
    return "\n".join(lines)


@dataclass(frozen=True)
class NamesRun:
    """What one run over the data and sources found and would write."""

    findings: Findings
    statements: list[NameStatement]
    text: str
    target: Path

    @property
    def current(self) -> bool:
        """True when the file on disk holds exactly what would be written."""
        return self.target.is_file() and self.target.read_text(encoding="utf-8") == self.text

    def write(self) -> bool:
        """Write the file; False when it was already current (left untouched)."""
        if self.current:
            return False
        self.target.write_text(self.text, encoding="utf-8")
        return True


def generate(data: Path | str, sources: Path | str) -> NamesRun:
    """Read the labels of ``data`` (all files but names.ttl itself) and the texts in
    ``sources``; the statements and text of ``data/names.ttl``."""
    data, sources = Path(data), Path(sources)
    if not sources.is_dir():
        raise IraqkgError(f"no such folder of source texts: {sources}")
    target = data / NAMES_FILE
    files = [p for p in rdf_files(data) if p.resolve() != target.resolve()]
    graph: Graph = read_folder_files(files).graph
    library = SourceLibrary(sources)
    documents = source_files(graph)
    missing = sorted(n for n in documents.values() if library.paragraphs_of(n) is None)
    if missing:
        raise IraqkgError(f"source texts not found in {sources}: {', '.join(missing)}")
    findings = findings_for(graph, library)
    found = statements(findings, library, documents)
    return NamesRun(findings, found, to_turtle(found), target)
