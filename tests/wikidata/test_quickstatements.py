"""QuickStatements lines, read back with a V1 parser of our own and compared with the
statements they come from (Help:QuickStatements: TAB-separated item, property, value,
then qualifier pairs, then source pairs; times +YYYY-MM-DDT00:00:00Z/precision)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS, XSD

from iraqkg.linking.quickstatements import write_quickstatements
from iraqkg.namespaces import IKG, WD

EX = Namespace("https://w3id.org/iraqkg/id/")
ST = Namespace("https://w3id.org/iraqkg/statement/")
ITEM = re.compile(r"^Q[1-9]\d*$")
TIME = re.compile(r"^\+(\d{4})-(\d\d)-(\d\d)T00:00:00Z/(9|10|11)$")
TEXT = re.compile(r'^([a-z]+(?:-[a-z]+)*):"([^\t\r\n]*)"$')


@dataclass(frozen=True)
class Parsed:
    item: str
    prop: str
    value: tuple
    qualifiers: tuple
    sources: tuple


def parse_value(text: str) -> tuple:
    if ITEM.match(text):
        return ("item", text)
    time = TIME.match(text)
    if time:
        year, month, day, precision = time.groups()
        precision = int(precision)
        # The unknown parts are 00, the known ones are not.
        assert (month == "00") == (precision == 9), text
        assert (day == "00") == (precision < 11), text
        return ("time", int(year), int(month), int(day), precision)
    mono = TEXT.match(text)
    if mono:
        return ("text", mono.group(1), mono.group(2))
    raise AssertionError(f"not a QuickStatements value: {text!r}")


def parse_line(line: str) -> Parsed:
    cells = line.split("\t")
    assert len(cells) >= 3 and len(cells) % 2 == 1, line
    assert ITEM.match(cells[0]) and re.fullmatch(r"P[1-9]\d*", cells[1]), line
    qualifiers, sources = [], []
    for key, value in zip(cells[3::2], cells[4::2], strict=True):
        if re.fullmatch(r"P[1-9]\d*", key):
            assert not sources, f"a qualifier after a source: {line}"
            qualifiers.append((key, parse_value(value)))
        elif re.fullmatch(r"S[1-9]\d*", key):
            sources.append((key, parse_value(value)))
        else:
            raise AssertionError(f"neither a qualifier nor a source: {key!r} in {line}")
    return Parsed(cells[0], cells[1], parse_value(cells[2]), tuple(qualifiers), tuple(sources))


def as_time(literal: Literal) -> tuple:
    parts = [int(p) for p in str(literal).split("-")]
    precision = {XSD.gYear: 9, XSD.gYearMonth: 10, XSD.date: 11}[literal.datatype]
    parts += [0] * (3 - len(parts))
    return ("time", *parts, precision)


def lines_of(dataset) -> list[Parsed]:
    out = io.StringIO()
    count = write_quickstatements(dataset, out)
    lines = out.getvalue().splitlines()
    assert count == len(lines)
    return [parse_line(line) for line in lines]


# ---- the repository's build ----------------------------------------------------------

ORACLE = """
PREFIX ikg: <https://w3id.org/iraqkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?st ?s ?pid ?o ?quote WHERE {
  ?st a ikg:Statement ; ikg:status ikg:Reported ; ikg:predicate ?p ;
      ikg:subject ?subject ; ikg:object ?object ; ikg:quote ?quote .
  FILTER NOT EXISTS { ?st ikg:negated true }
  ?p ikg:wikidataProperty ?pid .
  ?subject skos:exactMatch ?s . FILTER(STRSTARTS(STR(?s), "http://www.wikidata.org/entity/Q"))
  OPTIONAL { ?object skos:exactMatch ?linked
             FILTER(STRSTARTS(STR(?linked), "http://www.wikidata.org/entity/Q")) }
  BIND(COALESCE(?linked, ?object) AS ?o)
  FILTER(isIRI(?o) && STRSTARTS(STR(?o), "http://www.wikidata.org/entity/Q")
         || DATATYPE(?o) IN (<http://www.w3.org/2001/XMLSchema#date>,
                             <http://www.w3.org/2001/XMLSchema#gYear>,
                             <http://www.w3.org/2001/XMLSchema#gYearMonth>))
}
"""


@pytest.fixture(scope="module")
def build_dataset(built_dataset_file) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(built_dataset_file, format="nquads")
    return dataset


def short(term) -> str:
    return str(term).rsplit("/", 1)[-1]


def test_the_build_gives_one_line_per_exportable_statement(build_dataset, built_dataset_file):
    got = lines_of(built_dataset_file)
    expected = []
    for row in build_dataset.query(ORACLE):
        value = ("item", short(row.o)) if isinstance(row.o, URIRef) else as_time(row.o)
        quote = ("S1683", ("text", "en", " ".join(str(row.quote).split())))
        expected.append((short(row.s), short(row.pid), value, quote))
    assert sorted((p.item, p.prop, p.value, p.sources[-1]) for p in got) == sorted(expected)
    assert len(got) >= 20  # the seed data has events with linked places, actors and dates


def test_only_reported_statements_are_written(build_dataset, built_dataset_file):
    # A denied perpetrator (the drone strike) never becomes a line, even if both ends link.
    written = {(p.item, p.prop, p.value) for p in lines_of(built_dataset_file)}
    for st in build_dataset.subjects(IKG.status, IKG.Denied):
        s, o = build_dataset.value(st, IKG.subject), build_dataset.value(st, IKG.object)
        sq, oq = build_dataset.value(s, SKOS.exactMatch), build_dataset.value(o, SKOS.exactMatch)
        if sq and oq:
            assert not any(w[0] == short(sq) and w[2] == ("item", short(oq)) for w in written)


# ---- a small synthetic graph: every rule of the writer ----------------------------------
# SYNTHETIC: made-up entities and ids (Q99...), not Wikidata's and not our data.


@pytest.fixture(scope="module")
def synthetic() -> Graph:
    g = Graph()
    g.parse(data=open_mapping(), format="turtle")
    people = {"founder": "Q99000000011", "member": "Q99000000012"}
    orgs = {"org": "Q99000000021", "party": "Q99000000022", "coalition": "Q99000000023"}
    for name, qid in {**people, **orgs, "doc": "Q99000000031"}.items():
        g.add((EX[name], SKOS.exactMatch, WD[qid]))
    for name in people:
        g.add((EX[name], RDF.type, IKG.Person))
    g.add((EX.party, RDF.type, IKG.PoliticalParty))
    g.add((EX.unlinked, RDF.type, IKG.ArmedGroup))

    def statement(name, s, p, o, status=IKG.Reported, source=EX.doc, quote="q", **times):
        st = ST[name]
        g.add((st, RDF.type, IKG.Statement))
        for prop, value in (
            (IKG.subject, s),
            (IKG.predicate, p),
            (IKG.object, o),
            (IKG.status, status),
            (IKG.source, source),
            (IKG.quote, Literal(quote)),
        ):
            g.add((st, prop, value))
        for key, value in times.items():
            g.add((st, IKG[key], value))

    statement("a-founded", EX.founder, IKG.founderOf, EX.org, quote="He founded it.")
    statement("b-party", EX.member, IKG.memberOf, EX.party, quote="a\tquote\nover lines")
    statement(
        "c-coalition",
        EX.org,
        IKG.memberOf,
        EX.coalition,
        source=EX.undocumented,
        quote="joined",
        end=Literal("2012-03", datatype=XSD.gYearMonth),
        start=Literal("2006", datatype=XSD.gYear),
    )
    statement("d-alleged", EX.org, IKG.partOf, EX.coalition, status=IKG.Alleged)
    statement("e-unlinked", EX.unlinked, IKG.partOf, EX.coalition)
    statement("f-close-only", EX.org, IKG.armedWingOf, EX.party)
    statement(
        "g-odd-time",
        EX.org,
        IKG.partOf,
        EX.coalition,
        start=Literal("around 2010"),  # no precision: the statement is left out
    )
    # "was not part of": a negation is no claim for Wikidata, with or without a time
    statement("h-negated", EX.org, IKG.partOf, EX.party, negated=Literal(True))
    return g


def open_mapping() -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parents[2] / "ontology" / "wikidata.ttl").read_text("utf-8")


def test_synthetic_lines(synthetic):
    got = {(p.item, p.prop, p.value[1]): p for p in lines_of(synthetic)}
    # founder of -> the organisation "founded by" (P112) the person: subject and object swap
    founded = got[("Q99000000021", "P112", "Q99000000011")]
    assert founded.sources == (
        ("S248", ("item", "Q99000000031")),  # the source document is linked: stated in
        ("S1683", ("text", "en", "He founded it.")),
    )
    # a person in a political party: member of political party (P102), not P463
    party = got[("Q99000000012", "P102", "Q99000000022")]
    assert party.sources[-1] == ("S1683", ("text", "en", "a quote over lines"))
    # an organisation in a coalition: P463, start before end, no S248 (source not linked)
    coalition = got[("Q99000000021", "P463", "Q99000000023")]
    assert coalition.qualifiers == (
        ("P580", ("time", 2006, 0, 0, 9)),
        ("P582", ("time", 2012, 3, 0, 10)),
    )
    assert [s[0] for s in coalition.sources] == ["S1683"]
    assert len(got) == 3  # alleged, unlinked, close-only, odd-time, negated statements: none


def test_a_dataset_and_a_file_give_the_same_lines(synthetic, tmp_path):
    path = tmp_path / "synthetic.nq"
    dataset = Dataset()
    graph = dataset.graph(URIRef("https://w3id.org/iraqkg/graph/test"))
    for triple in synthetic:
        graph.add(triple)
    dataset.serialize(path, format="nquads")
    assert lines_of(path) == lines_of(dataset) == lines_of(synthetic)


def test_the_readme_shows_real_lines(built_dataset_file):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Wikidata", 1)[1].split("\n## ", 1)[0]
    shown = section.split("QuickStatements.**", 1)[1].split("```text\n", 1)[1].split("```")[0]
    out = io.StringIO()
    count = write_quickstatements(built_dataset_file, out)
    written = set(out.getvalue().splitlines())
    assert shown.strip() and set(shown.strip().splitlines()) <= written
    assert count >= len(shown.strip().splitlines())


def test_the_export_registry_adapter_writes_the_same_lines(built_dataset_file):
    from iraqkg.export import ExportSource
    from iraqkg.linking.quickstatements import write

    binary = io.BytesIO()
    write(ExportSource(built_dataset_file), binary)
    text = io.StringIO()
    write_quickstatements(built_dataset_file, text)
    assert binary.getvalue().decode("utf-8") == text.getvalue() != ""


def test_export_command_writes_the_writers_lines(tmp_path):
    """`iraqkg export quickstatements` gives exactly the library writer's lines."""
    import io

    from click.testing import CliRunner

    from iraqkg import api
    from iraqkg.cli import main
    from iraqkg.linking.quickstatements import write_quickstatements

    dataset = api.current_dataset()
    expected = io.StringIO()
    count = write_quickstatements(dataset, expected)
    out = tmp_path / "wikidata.qs"
    result = CliRunner().invoke(
        main, ["export", "quickstatements", "--dataset", str(dataset), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines == expected.getvalue().splitlines() and len(lines) == count > 0
