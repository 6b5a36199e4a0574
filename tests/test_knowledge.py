"""The repository's own knowledge: the data contract, provenance and coverage.

Answers to the named queries are checked in test_answers.py.
"""

from __future__ import annotations

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SKOS

from iraqkg.build import validate
from iraqkg.build.validation import quote_violations
from iraqkg.loading import load_folder
from iraqkg.namespaces import ID, IKG
from iraqkg.settings import Paths
from iraqkg.statements import statements
from iraqkg.stats import coverage

from .conftest import REPO

AUTHORED = load_folder(REPO / "data").graph


def test_the_data_contract_holds_including_verbatim_quotes(sources_dir):
    validate(Paths(REPO / "ontology", REPO / "data", REPO / "build", sources_dir))


def test_every_quote_is_verbatim_in_its_paragraph(sources_dir, repo_build):
    from iraqkg.statements import derive

    assert quote_violations(derive(AUTHORED).provenance, sources_dir) == []


def test_every_entity_is_used_by_some_statement():
    used = set()
    for statement in statements(AUTHORED):
        used |= {statement.subject, statement.object}
        used |= set(AUTHORED.objects(statement.iri, IKG.accordingTo))
    defined = {
        s
        for s, cls in AUTHORED.subject_objects(RDF.type)
        if str(cls).startswith(str(IKG)) and cls not in (IKG.Statement, IKG.SourceDocument)
    }
    unsourced = sorted(str(e) for e in defined - used)
    assert unsourced == [], f"entities no statement mentions: {unsourced}"


def test_statement_sources_are_the_five_documents():
    sources = {AUTHORED.value(s.iri, IKG.source) for s in statements(AUTHORED)}
    assert sources == {ID[f"source-00{n}"] for n in range(5)}


def test_coverage_reaches_the_expected_size():
    figures = coverage(AUTHORED)
    assert figures.entities > 200
    assert figures.statements > 500
    for status in ("Reported", "Alleged", "Denied", "Claimed"):
        assert figures.statements_per_status.get(status, 0) > 0, status


def _where(s):
    place = (AUTHORED.value(s.iri, IKG.source), AUTHORED.value(s.iri, IKG.paragraph))
    return (s.subject, s.predicate, s.object, *place)


@pytest.mark.parametrize(
    ("entity", "spellings"),
    [
        ("mustafa-al-kadhimi", {"al-Khadimi", "Kadhimi"}),  # 001 para 4, 000 para 1
        ("popular-mobilization-forces", {"PMU", "PMF", "al-Hashd al-Sha’abi"}),  # 000 p1/22
        ("kataib-hezbollah", {"Kata’eb Hezbollah", "Kataib Hezbollah"}),  # 000 p23, 003 p15
        ("badr-organization", {"Faylaq Badr", "Badr Corps"}),  # 000 para 26
        ("peace-brigades", {"Saraya al-Salam"}),  # 000 para 23, 001 para 20
        ("mohammed-al-halbousi", {"Muhammad al-Halboosi", "Mohammad al-Halbousi"}),
    ],
)
def test_spellings_seen_in_the_sources_are_alternative_labels(entity, spellings):
    # the most used spelling is the preferred label, the others are alternatives
    labels = {str(label) for label in AUTHORED.objects(ID[entity], SKOS.altLabel)}
    labels.add(str(AUTHORED.value(ID[entity], SKOS.prefLabel)))
    assert spellings <= labels


def test_no_paragraph_both_reports_and_alleges_the_same_relation():
    # A source may state a fact in one paragraph and report an accusation of it in another
    # (003 para 7 vs para 14); within one paragraph the two readings would contradict.
    reported = {_where(s) for s in statements(AUTHORED) if s.status == IKG.Reported}
    clashes = [
        str(s.iri)
        for s in statements(AUTHORED)
        if s.status in (IKG.Alleged, IKG.Denied) and _where(s) in reported
    ]
    assert clashes == []


def test_wikidata_links_come_only_from_the_reference_table(shared_dir):
    table = (shared_dir / "reference" / "wikidata-qids.tsv").read_text().splitlines()[1:]
    verified = {line.split("\t")[1] for line in table if line.strip()}
    linked = {
        str(o).rsplit("/", 1)[-1]
        for o in AUTHORED.objects(None, SKOS.exactMatch)
        if str(o).startswith("http://www.wikidata.org/entity/")
    }
    assert linked <= verified
    for entity in AUTHORED.subjects(SKOS.exactMatch, None):
        assert isinstance(AUTHORED.value(entity, IKG.wikidataEvidence), Literal), entity


def test_source_004_records_its_printed_author_and_date():
    doc = ID["source-004"]
    assert AUTHORED.value(doc, URIRef("http://purl.org/dc/terms/creator")) == ID["omar-al-nidawi"]
    assert str(AUTHORED.value(doc, URIRef("http://purl.org/dc/terms/date"))) == "2024-04-03"
    for unknown in ("source-000", "source-001", "source-002", "source-003"):
        assert AUTHORED.value(ID[unknown], URIRef("http://purl.org/dc/terms/creator")) is None
        assert AUTHORED.value(ID[unknown], URIRef("http://purl.org/dc/terms/date")) is None


def test_each_entity_has_its_preferred_label_in_one_file_only():
    # :kadhimi-administration was once minted in source-000.ttl and source-001.ttl alike: the
    # identical triples merged silently, so "one thing, one IRI, one home" needs its own test
    from rdflib import Graph

    homes: dict[URIRef, list[str]] = {}
    for path in sorted((REPO / "data").glob("*.ttl")):
        if path.name == "names.ttl":
            continue
        for entity in Graph().parse(path).subjects(SKOS.prefLabel, None):
            homes.setdefault(entity, []).append(path.name)
    assert {entity: files for entity, files in homes.items() if len(files) > 1} == {}
