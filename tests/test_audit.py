"""The paragraph audit of issue 12: every paragraph of every source, what it states, and
the statements and entities in data/ that carry it (tests/audit/README.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from iraqkg.namespaces import IKG
from iraqkg.provenance import paragraphs

AUDIT = Path(__file__).parent / "audit"
DATA = Path(__file__).parents[1] / "data"
ID = "https://w3id.org/iraqkg/id/"
ST = "https://w3id.org/iraqkg/statement/"
KINDS = {"actor", "relation", "event", "time", "figure", "name", "claim", "place", "work", "none"}


@dataclass(frozen=True)
class Row:
    table: str
    line: int
    paragraph: int
    kind: str
    item: str
    ids: tuple[str, ...]
    why: str

    def __str__(self) -> str:
        return f"{self.table}:{self.line} (paragraph {self.paragraph}: {self.item})"


def _rows(path: Path) -> list[Row]:
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [(n, line) for n, line in enumerate(handle, 1) if not line.startswith("#")]
    reader = csv.reader((line for _, line in lines), delimiter="\t")
    for (number, _), cells in zip(lines, reader, strict=True):
        if not cells or cells[0] == "paragraph":
            continue
        cells += [""] * (5 - len(cells))
        paragraph, kind, item, ids, why = (cell.strip() for cell in cells[:5])
        rows.append(
            Row(
                path.name,
                number,
                int(paragraph),
                kind,
                item,
                tuple(i for i in ids.split() if i != "-"),
                why,
            )
        )
    return rows


TABLES = sorted(AUDIT.glob("source-*.tsv"))
ROWS = [row for table in TABLES for row in _rows(table)]


@pytest.fixture(scope="module")
def authored() -> Graph:
    graph = Graph()
    for path in sorted(DATA.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _iri(token: str) -> URIRef:
    if token.startswith("st:"):
        return URIRef(ST + token[3:])
    if token.startswith(":"):
        return URIRef(ID + token[1:])
    raise ValueError(token)


def test_there_is_an_audit_table_per_source():
    assert [t.name for t in TABLES] == [f"source-00{n}.tsv" for n in range(5)]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_row_is_well_formed(row: Row):
    assert row.kind in KINDS, f"{row}: kind {row.kind!r} is not one of {sorted(KINDS)}"
    assert row.item, f"{row}: says nothing"
    assert row.ids or row.why, f"{row}: neither ids nor a reason why nothing is written"
    for token in row.ids:
        assert token.startswith(("st:", ":")), f"{row}: {token!r} is not st:... or :..."


@pytest.mark.parametrize("row", [r for r in ROWS if r.ids], ids=str)
def test_listed_statements_and_entities_are_in_the_data(row: Row, authored: Graph):
    source = URIRef(ID + row.table.removesuffix(".tsv"))
    for token in row.ids:
        node = _iri(token)
        if token.startswith("st:"):
            assert (node, RDF.type, IKG.Statement) in authored, f"{row}: {token} is gone"
            assert (node, IKG.source, source) in authored, f"{row}: {token} cites another source"
            cited = authored.value(node, IKG.paragraph)
            assert cited is not None and int(cited) == row.paragraph, (
                f"{row}: {token} cites paragraph {cited}"
            )
        else:
            assert authored.value(node, SKOS.prefLabel) is not None, f"{row}: {token} is gone"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_paragraph_of_the_source_is_audited(table: Path, authored: Graph, sources_dir):
    source = URIRef(ID + table.name.removesuffix(".tsv"))
    file_name = str(authored.value(source, IKG.fileName))
    count = len(paragraphs((sources_dir / file_name).read_text(encoding="utf-8")))
    seen = {row.paragraph for row in ROWS if row.table == table.name}
    missing = sorted(set(range(1, count + 1)) - seen)
    assert not missing, f"{table.name}: paragraphs with no row: {missing}"
    assert max(seen) <= count, f"{table.name}: rows past the last paragraph {count}"


# The independent re-checks (later readers, paragraph by paragraph): recheck-NNN.tsv (the
# first re-check), recheck2-NNN.tsv and recheck3-NNN.tsv (the later ones), one row per
# paragraph: paragraph, verdict, the ids written or corrected, a note.
VERDICTS = {"ok", "added", "fixed", "added+fixed"}
RECHECKS = sorted(AUDIT.glob("recheck*-*.tsv"))


def _recheck_rows(path: Path) -> list[tuple[int, int, str, tuple[str, ...]]]:
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, cells in enumerate(csv.reader(handle, delimiter="\t"), 1):
            if not cells or cells[0] in ("paragraph", "") or cells[0].startswith("#"):
                continue
            cells += [""] * (4 - len(cells))
            ids = tuple(i for i in cells[2].split() if i != "-")
            rows.append((number, int(cells[0]), cells[1].strip(), ids))
    return rows


@pytest.mark.parametrize("table", RECHECKS, ids=lambda t: t.name)
def test_recheck_verdicts_are_well_formed_and_their_ids_exist(table: Path, authored: Graph):
    for line, paragraph, verdict, ids in _recheck_rows(table):
        where = f"{table.name}:{line} (paragraph {paragraph})"
        assert verdict in VERDICTS, f"{where}: verdict {verdict!r}"
        # ok lists nothing; added lists what was written; a fix may be a removal (no ids)
        if verdict == "ok":
            assert not ids, f"{where}: ok with ids {ids}"
        elif verdict.startswith("added"):
            assert ids, f"{where}: {verdict} without the ids written"
        for token in ids:
            node = _iri(token)
            kind = IKG.Statement if token.startswith("st:") else None
            if kind is not None:
                assert (node, RDF.type, kind) in authored, f"{where}: {token} is not in data/"
            else:
                assert authored.value(node, SKOS.prefLabel) is not None, f"{where}: {token}"


@pytest.mark.parametrize("table", RECHECKS, ids=lambda t: t.name)
def test_recheck_covers_every_paragraph_once(table: Path, authored: Graph, sources_dir):
    source = URIRef(ID + "source-" + table.name.split("-", 1)[1].removesuffix(".tsv"))
    file_name = str(authored.value(source, IKG.fileName))
    count = len(paragraphs((sources_dir / file_name).read_text(encoding="utf-8")))
    seen = [paragraph for _, paragraph, _, _ in _recheck_rows(table)]
    assert sorted(seen) == list(range(1, count + 1)), f"{table.name}: not one row per paragraph"
