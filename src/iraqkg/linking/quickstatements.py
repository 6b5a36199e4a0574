"""QuickStatements (V1 command syntax) for the statements Wikidata could take from us.

    from iraqkg.linking.quickstatements import write_quickstatements
    with open("edits.qs", "w") as out:
        count = write_quickstatements("build/<id>/dataset.nq", out)

One line per **Reported** statement record whose predicate has a Wikidata property in the
ontology's mappings (ontology/wikidata.ttl: ``ikg:wikidataProperty``, or
``ikg:wikidataInverseProperty`` with subject and object swapped), whose subject is linked to
Wikidata (``skos:exactMatch wd:Q…``), and whose object is linked too, or is a date for a
date property (an event's point in time, start, end). Nothing alleged, claimed, denied or
disputed is ever written.

The V1 syntax (https://www.wikidata.org/wiki/Help:QuickStatements): TAB-separated
``ITEM  PROPERTY  VALUE``, then qualifier pairs (``P580  +2006-00-00T00:00:00Z/9``), then
source pairs (``S248  Q…``, ``S1683  en:"…"``). Times are ``+YYYY-MM-DDT00:00:00Z/P`` with
precision 9 (year), 10 (month) or 11 (day), unknown parts written as 00. A reference says
*stated in* (S248) only when the source document is itself linked to Wikidata; the quote
(S1683, monolingual text) is always given. Quotes cannot hold a TAB or a line break in this
syntax: those become spaces.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SKOS, XSD

from iraqkg.namespaces import IKG, WD

# A quote's language when its literal has none: the source documents are in English.
DEFAULT_QUOTE_LANGUAGE = "en"
_PRECISION = {XSD.gYear: 9, XSD.gYearMonth: 10, XSD.date: 11}
_DATE = re.compile(r"^(\d{4})(?:-(\d\d))?(?:-(\d\d))?$")
_BREAKS = re.compile(r"[\t\r\n]+")
QUALIFIERS = (IKG.start, IKG.end, IKG.pointInTime)  # written in this order


@dataclass(frozen=True)
class Mapping:
    """How a predicate of ours becomes a Wikidata statement."""

    prop: str  # "P463"
    inverse: bool = False


def _pid(term) -> str | None:
    text = str(term)
    if text.startswith(str(WD)) and re.fullmatch(r"P[1-9]\d*", text[len(str(WD)) :]):
        return text[len(str(WD)) :]
    return None


def _qid(graph: Graph, entity) -> str | None:
    for target in graph.objects(entity, SKOS.exactMatch):
        text = str(target)
        if text.startswith(str(WD)) and re.fullmatch(r"Q[1-9]\d*", text[len(str(WD)) :]):
            return text[len(str(WD)) :]
    return None


def qs_time(value: Literal) -> str | None:
    """A time value as QuickStatements writes it, or None if its precision is unknown."""
    precision = _PRECISION.get(value.datatype) if isinstance(value, Literal) else None
    found = _DATE.match(str(value)) if precision else None
    if not found:
        return None
    year, month, day = found.group(1), found.group(2) or "00", found.group(3) or "00"
    return f"+{year}-{month}-{day}T00:00:00Z/{precision}"


def qs_text(text: str, language: str) -> str:
    """A monolingual text value: ``en:"…"`` (no TAB or line break can survive in V1)."""
    flat = _BREAKS.sub(" ", text).strip()
    return f'{language}:"{flat}"'


def mappings(graph: Graph) -> dict[URIRef, Mapping]:
    found = {}
    for term, target in graph.subject_objects(IKG.wikidataProperty):
        if _pid(target):
            found[term] = Mapping(_pid(target))  # type: ignore[arg-type]
    for term, target in graph.subject_objects(IKG.wikidataInverseProperty):
        if _pid(target):
            found[term] = Mapping(_pid(target), inverse=True)  # type: ignore[arg-type]
    return found


def _membership_property(graph: Graph, subject, obj) -> str | None:
    """P102 and the like: a person's membership in an instance of a class that says so."""
    if (subject, RDF.type, IKG.Person) not in graph:
        return None
    for cls in graph.objects(obj, RDF.type):
        pid = _pid(graph.value(cls, IKG.wikidataMembershipProperty))
        if pid:
            return pid
    return None


def quickstatements(graph: Graph) -> Iterator[str]:
    """The lines, in statement order (by record IRI), one per exportable statement."""
    table = mappings(graph)
    for record in sorted(graph.subjects(RDF.type, IKG.Statement), key=str):
        line = _line(graph, record, table)
        if line is not None:
            yield line


def _line(graph: Graph, record, table: dict[URIRef, Mapping]) -> str | None:
    if graph.value(record, IKG.status) != IKG.Reported:
        return None
    negated = graph.value(record, IKG.negated)
    if isinstance(negated, Literal) and negated.toPython() is True:
        return None  # "was not part of": no claim Wikidata can hold (it has no negation)
    predicate = graph.value(record, IKG.predicate)
    mapping = table.get(predicate)
    subject, obj = graph.value(record, IKG.subject), graph.value(record, IKG.object)
    if mapping is None or subject is None or obj is None:
        return None
    subject_qid = _qid(graph, subject)
    if isinstance(obj, Literal):
        value = qs_time(obj)
        if mapping.inverse:
            return None
    else:
        value = _qid(graph, obj)
    if subject_qid is None or value is None:
        return None
    prop = mapping.prop
    if predicate == IKG.memberOf:
        prop = _membership_property(graph, subject, obj) or prop
    item, target = (value, subject_qid) if mapping.inverse else (subject_qid, value)
    cells = [item, prop, target]
    for qualifier in QUALIFIERS:
        time = graph.value(record, qualifier)
        if time is None:
            continue
        written = qs_time(time)
        pid = _pid(graph.value(qualifier, IKG.wikidataQualifier))
        if written is None or pid is None:
            return None  # a qualifier we cannot state faithfully: leave the statement out
        cells += [pid, written]
    source_qid = _qid(graph, graph.value(record, IKG.source))
    if source_qid:
        cells += ["S248", source_qid]
    quote = graph.value(record, IKG.quote)
    if isinstance(quote, Literal) and str(quote).strip():
        cells += ["S1683", qs_text(str(quote), quote.language or DEFAULT_QUOTE_LANGUAGE)]
    return "\t".join(cells)


def _as_graph(dataset: Path | str | Graph) -> Graph:
    if isinstance(dataset, Graph) and not isinstance(dataset, Dataset):
        return dataset
    merged = Graph()
    if isinstance(dataset, Dataset):
        source = dataset
    else:
        source = Dataset()
        path = Path(dataset)
        source.parse(path, format="nquads" if path.suffix == ".nq" else None)
    for s, p, o, _ in source.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def write(source, out: IO[bytes]) -> None:
    """The ``iraqkg export quickstatements`` writer: an ``iraqkg.export.ExportSource``
    (its parsed dataset) to a binary stream, UTF-8."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    try:
        write_quickstatements(source.dataset(), text)
    finally:
        text.flush()
        text.detach()


def write_quickstatements(dataset: Path | str | Graph, out: IO[str]) -> int:
    """Write the QuickStatements lines for ``dataset`` to ``out``; return how many.

    ``dataset`` is a build's N-Quads file (or any RDF file rdflib reads), an rdflib
    Dataset (all its graphs are read: the ontology's mappings, the links, the statement
    records), or a Graph holding all three.
    """
    count = 0
    for line in quickstatements(_as_graph(dataset)):
        out.write(line + "\n")
        count += 1
    return count
