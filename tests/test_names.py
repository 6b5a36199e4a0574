"""Which source uses which name (``iraqkg.authoring``, ``iraqkg names``, data/names.ttl).

The generator runs on a small fixture written here (two source texts, a few entities);
what each test expects is read off those texts. With ../shared, data/names.ttl must be
what the generator writes from data/ and the real sources (that test keeps it regenerated).
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef

from iraqkg.authoring import generate
from iraqkg.authoring.name_statements import quote_window
from iraqkg.cli import main
from iraqkg.namespaces import ASSERTED_GRAPH, ID, IKG
from iraqkg.provenance import SourceLibrary, normalise, word_count

from .conftest import REPO

TEXT_A = """The Popular Mobilization Forces (PMF) were formed in 2014. The PMF absorbed militias.

Al-Sadr spoke first. Later al-Sadr and the Badr Organization met; Badr said nothing. Abu Ali too.

Kata’ib Hezbollah, also called KH, is not the PMUs or the pmu.
"""
TEXT_B = """Our report calls it the PMU.   The PMU grew.

Abu Ali was seen with Kataib Hezbollah in Baghdad and with the Popular Mobilization Units again.
"""

DATA = """@prefix :     <https://w3id.org/iraqkg/id/> .
@prefix ikg:  <https://w3id.org/iraqkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

:source-000 a ikg:SourceDocument ; skos:prefLabel "A"@en ; ikg:fileName "000_a.txt" .
:source-001 a ikg:SourceDocument ; skos:prefLabel "B"@en ; ikg:fileName "001_b.txt" .

:pmf a ikg:Organization ;
    skos:prefLabel "Popular Mobilization Forces"@en ;
    skos:altLabel "PMF"@en , "PMU"@en , "Popular Mobilization Units"@en , "Hashd"@en .
:badr a ikg:Organization ; skos:prefLabel "Badr Organization"@en ; skos:altLabel "Badr"@en .
:sadr a ikg:Person ; skos:prefLabel "Muqtada al-Sadr"@en ; skos:altLabel "al-Sadr"@en .
:kh a ikg:Organization ;
    skos:prefLabel "Kata'ib Hezbollah"@en ; skos:altLabel "Kataib Hezbollah"@en , "KH"@en .
:militias a ikg:Group ; skos:prefLabel "Iraqi militias"@en ; skos:altLabel "militias"@en .
:abu-ali-one a ikg:Person ; skos:prefLabel "Abu Ali"@en .
:abu-ali-two a ikg:Person ; skos:prefLabel "Abu Ali"@en .
:baghdad a ikg:City ; skos:prefLabel "Baghdad"@en .
"""


@pytest.fixture
def tiny(tmp_path):
    sources, data = tmp_path / "sources", tmp_path / "data"
    sources.mkdir()
    data.mkdir()
    (sources / "000_a.txt").write_text(TEXT_A, encoding="utf-8")
    (sources / "001_b.txt").write_text(TEXT_B, encoding="utf-8")
    (data / "entities.ttl").write_text(DATA, encoding="utf-8")
    return data, sources


def _statements(text: str) -> set[tuple[str, str, str, int]]:
    """(entity slug, name, source slug, paragraph) of every name statement in Turtle."""
    graph = Graph().parse(data=text, format="turtle")
    found = set()
    for st in graph.subjects(IKG.predicate, IKG.name):
        assert graph.value(st, IKG.status) == IKG.Reported
        name = graph.value(st, IKG.object)
        assert isinstance(name, Literal) and name.language == "en"
        found.add(
            (
                str(graph.value(st, IKG.subject)).removeprefix(str(ID)),
                str(name),
                str(graph.value(st, IKG.source)).removeprefix(str(ID)),
                int(graph.value(st, IKG.paragraph)),
            )
        )
    return found


def test_each_entity_name_and_source_gets_one_statement_at_its_first_paragraph(tiny):
    run = generate(*tiny)
    assert _statements(run.text) == {
        # "Popular Mobilization Forces (PMF)": both names, each whole
        ("pmf", "Popular Mobilization Forces", "source-000", 1),
        ("pmf", "PMF", "source-000", 1),
        ("pmf", "PMU", "source-001", 1),  # not "PMUs" nor "pmu" (000 paragraph 3)
        ("pmf", "Popular Mobilization Units", "source-001", 2),
        # "Badr" inside "Badr Organization" counts for the longer name only; alone in the
        # same paragraph it is a use of "Badr"
        ("badr", "Badr Organization", "source-000", 2),
        ("badr", "Badr", "source-000", 2),
        # al-Sadr as mostly written (paragraph 2's second sentence), not the sentence's Al-Sadr
        ("sadr", "al-Sadr", "source-000", 2),
        # the curly apostrophe of the text is the label's straight one
        ("kh", "Kata’ib Hezbollah", "source-000", 3),
        ("kh", "KH", "source-000", 3),
        ("kh", "Kataib Hezbollah", "source-001", 2),
        ("baghdad", "Baghdad", "source-001", 2),
    }


def test_ambiguous_names_are_skipped_and_reported_and_lower_case_labels_not_sought(tiny):
    findings = generate(*tiny).findings
    one, two = str(ID["abu-ali-one"]), str(ID["abu-ali-two"])
    assert findings.ambiguous_forms() == {"Abu Ali": ((one, two), 2)}  # 000 p2, 001 p2
    assert {la.text for la in findings.descriptions()} == {"militias"}
    # "Badr" is written twice (once inside "Badr Organization"): used, though one statement
    # cites it alone
    assert sum(findings.written["Badr"].values()) == 2
    unused = {(la.entity.removeprefix(str(ID)), la.text) for la in findings.unused()}
    assert unused == {("pmf", "Hashd"), ("sadr", "Muqtada al-Sadr"), ("militias", "Iraqi militias")}


def test_a_preferred_label_the_sources_spell_otherwise_is_reported(tiny):
    # Kataib Hezbollah (001) against Kata’ib Hezbollah (000): one each, so no change; a
    # third use of Kataib tips it.
    data, sources = tiny
    assert generate(data, sources).findings.spellings() == []
    (sources / "001_b.txt").write_text(TEXT_B + "\nKataib Hezbollah again.\n", encoding="utf-8")
    (spelling,) = generate(data, sources).findings.spellings()
    assert (spelling.entity, spelling.current, spelling.proposed) == (
        str(ID["kh"]),
        "Kata'ib Hezbollah",
        "Kataib Hezbollah",
    )
    assert spelling.uses == {"Kata'ib Hezbollah": 1, "Kataib Hezbollah": 2}


def test_every_quote_is_verbatim_short_and_holds_its_name(tiny):
    data, sources = tiny
    run = generate(data, sources)
    library = SourceLibrary(sources)
    files = {"source-000": "000_a.txt", "source-001": "001_b.txt"}
    for s in run.statements:
        file_name = files[s.source.removeprefix(str(ID))]
        assert library.check_quote(s.iri, file_name, s.paragraph, s.quote) is None
        assert normalise(s.name) in normalise(s.quote)
    assert len({s.iri for s in run.statements}) == len(run.statements)


def test_the_file_is_the_same_bytes_on_every_run_and_says_how_to_regenerate(tiny):
    first, second = generate(*tiny).text, generate(*tiny).text
    assert first == second
    assert "iraqkg names --sources ../shared/sources --write" in first.splitlines()[1]


PARAGRAPH = (
    "One two three. " + " ".join(f"w{i}" for i in range(40)) + " NAME " + "x " * 30 + "end. Last."
)


@pytest.mark.parametrize(
    ("paragraph", "name", "expected"),
    [
        # a short sentence is quoted whole, and only that sentence
        ("First one. The PMU grew fast. Then more.", "PMU", "The PMU grew fast."),
        # a sentence over 25 words: 25 words centred on the name
        (PARAGRAPH, "NAME", " ".join([f"w{i}" for i in range(28, 40)] + ["NAME"] + ["x"] * 12)),
        # the window does not run into the sentence before
        ("Short. NAME " + "y " * 40 + "z.", "NAME", "NAME" + " y" * 24),
        # "U.S." followed by a capital ends no sentence the name needs
        ("The U.S. Army and the PMU met.", "PMU", "Army and the PMU met."),
    ],
)
def test_quote_windows(paragraph, name, expected):
    start = paragraph.index(name)
    quote = quote_window(paragraph, start, start + len(name))
    assert quote == expected
    assert word_count(quote) <= 25 and name in quote and quote in paragraph


def _cli(*args: str):
    return CliRunner().invoke(main, ["names", *args], catch_exceptions=False)


def test_check_exits_1_when_stale_0_when_current_2_without_sources(tiny, tmp_path):
    data, sources = tiny
    folders = ["--data", str(data), "--sources", str(sources)]
    assert _cli(*folders, "--check").exit_code == 1  # not written yet
    written = _cli(*folders, "--write")
    assert written.exit_code == 0 and "wrote" in written.output
    assert (data / "names.ttl").is_file()
    current = _cli(*folders, "--check")
    assert current.exit_code == 0 and "is current" in current.output
    assert "unchanged" in _cli(*folders, "--write").output
    # A label added to the data: names.ttl no longer says everything
    entities = data / "entities.ttl"
    entities.write_text(entities.read_text() + ':baghdad skos:altLabel "Our report"@en .\n')
    stale = _cli(*folders, "--check")
    assert stale.exit_code == 1 and "out of date" in stale.output
    missing = _cli("--data", str(data), "--sources", str(tmp_path / "nowhere"), "--check")
    assert missing.exit_code == 2
    assert _cli(*folders, "--write", "--check").exit_code == 2


def test_report_lists_unused_ambiguous_and_spellings_as_json(tiny):
    import json

    data, sources = tiny
    result = _cli("--data", str(data), "--sources", str(sources), "--report", "--json")
    body = json.loads(result.output)
    assert body["statements"] == len(generate(data, sources).statements)
    assert [a["name"] for a in body["report"]["ambiguous"]] == ["Abu Ali"]
    assert {u["label"] for u in body["report"]["unused_labels"]} == {
        "Hashd",
        "Muqtada al-Sadr",
        "Iraqi militias",
    }


def test_the_names_statements_are_built_into_plain_triples(tiny, tmp_path):
    # The written file is data like any other: validated (quotes too) and built.
    import shutil

    from iraqkg.build import build
    from iraqkg.settings import Paths

    data, sources = tiny
    generate(data, sources).write()
    shutil.copytree(REPO / "ontology", tmp_path / "ontology")
    result = build(Paths(tmp_path / "ontology", data, tmp_path / "build", sources))
    dataset = Dataset()
    dataset.parse(result.dataset_file, format="nquads")
    asserted = dataset.graph(ASSERTED_GRAPH)
    assert (URIRef(ID["pmf"]), IKG.name, Literal("PMU", lang="en")) in asserted
    assert (URIRef(ID["sadr"]), IKG.name, Literal("al-Sadr", lang="en")) in asserted


# The repository's own data and the real sources.


def test_data_names_ttl_is_what_the_generator_writes(sources_dir):
    run = generate(REPO / "data", sources_dir)
    assert run.current, "data/names.ttl is out of date: run `iraqkg names --write`"


def test_every_name_in_data_names_ttl_is_in_its_quote(sources_dir):
    graph = Graph().parse(REPO / "data" / "names.ttl", format="turtle")
    statements = list(graph.subjects(IKG.predicate, IKG.name))
    assert statements
    for st in statements:
        name, quote = str(graph.value(st, IKG.object)), str(graph.value(st, IKG.quote))
        assert re.search(rf"(?<!\w){re.escape(normalise(name))}(?!\w)", normalise(quote)), st
        assert word_count(quote) <= 25


# The named query over the repository's build, answered from the source texts.


def _documents_writing(sources_dir, pattern: str) -> set[str]:
    """The source documents (id:source-NNN) whose text matches ``pattern``."""
    graph = Graph().parse(REPO / "data" / "sources.ttl", format="turtle")
    return {
        "id:" + str(doc).removeprefix(str(ID))
        for doc, file_name in graph.subject_objects(IKG.fileName)
        if re.search(pattern, (sources_dir / str(file_name)).read_text(encoding="utf-8"))
    }


def test_names_by_source_says_which_documents_call_the_pmf_the_pmu(ask, sources_dir):
    rows = ask("names-by-source")  # the default: the PMF
    assert {r["entity"] for r in rows} == {"id:popular-mobilization-forces"}
    used: dict[str, set[str]] = {}
    for r in rows:
        used.setdefault(r["name"], set()).add(r["source"])
        assert r["name"] in normalise(r["quote"]) or r["name"] in r["quote"]
    for name in ("PMU", "PMF"):
        # the documents whose text has the abbreviation as a whole word, case and all
        assert used[name] == _documents_writing(sources_dir, rf"(?<!\w){name}(?!\w)"), name
    assert used["PMU"] and used["PMF"] and not used["PMU"] & used["PMF"]


def test_names_by_source_for_another_entity(ask, sources_dir):
    rows = ask("names-by-source", entity="id:mustafa-al-kadhimi")
    assert {r["entity"] for r in rows} == {"id:mustafa-al-kadhimi"}
    khadimi = {r["source"] for r in rows if "Khadimi" in r["name"]}
    assert khadimi == _documents_writing(sources_dir, r"(?<!\w)Khadimi(?!\w)")


def test_a_lower_case_word_inside_a_label_is_matched_as_written(tmp_path):
    # Regression: the form key capitalises lower-case words ("Sadrist Movement"); the
    # pattern must still match the text's "Sadrist movement", and "Sadrist Movement" too.
    from iraqkg.authoring import Label, find_names

    (tmp_path / "t.txt").write_text("The rival, the Sadrist movement.\n\nThe Sadrist Movement.")
    labels = [Label(str(ID["sadrists"]), "Sadrist movement", "prefLabel")]
    found = find_names(labels, SourceLibrary(tmp_path), ["t.txt"])
    assert [(o.written, o.paragraph) for o in found.occurrences] == [
        ("Sadrist movement", 1),
        ("Sadrist Movement", 2),
    ]


def test_a_shared_form_is_told_apart_by_its_exact_case_else_skipped(tmp_path):
    # Regression: "U.S.-led Coalition forces" (004, the coalition against IS) and "U.S.-led
    # coalition forces" (002, those of 2003) are one form; each as written names one entity.
    from iraqkg.authoring import Label, find_names

    (tmp_path / "t.txt").write_text(
        "Against the U.S.-led coalition forces.\n\nOf the U.S.-led Coalition forces.\n\n"
        "U.S.-led Coalition Forces."
    )
    labels = [
        Label(str(ID["coalition-2003"]), "U.S.-led coalition forces", "prefLabel"),
        Label(str(ID["coalition-isis"]), "U.S.-led Coalition forces", "altLabel"),
    ]
    found = find_names(labels, SourceLibrary(tmp_path), ["t.txt"])
    assert [(o.paragraph, o.entities) for o in found.occurrences] == [
        (1, (str(ID["coalition-2003"]),)),
        (2, (str(ID["coalition-isis"]),)),
    ]
    # written as neither label: not guessed
    assert [(o.paragraph, len(o.entities)) for o in found.ambiguous] == [(3, 2)]


def test_a_preferred_label_spelling_a_name_inside_it_as_no_source_does_is_reported(tmp_path):
    from iraqkg.authoring import Label, Spelling, find_names

    (tmp_path / "t.txt").write_text("They arrested Qassim Musleh.\n\nQassim Musleh walked free.")
    person, arrest = str(ID["musleh"]), str(ID["arrest"])
    labels = [
        Label(person, "Qassim Musleh", "prefLabel"),
        Label(person, "Qasim Muslih", "altLabel"),  # written nowhere
        Label(arrest, "Arrest of Qasim Muslih", "prefLabel"),
        Label(str(ID["release"]), "Release of Qassim Musleh", "prefLabel"),  # spelled right
    ]
    found = find_names(labels, SourceLibrary(tmp_path), ["t.txt"])
    assert found.respellings() == [
        Spelling(arrest, "Arrest of Qasim Muslih", "Arrest of Qassim Musleh", {})
    ]


def test_a_spelling_in_capitals_only_is_no_other_spelling(tmp_path):
    # Regression: a byline in capitals (HAIDAR HAMDANI) proposed itself as preferred label.
    from iraqkg.authoring import Label, find_names

    (tmp_path / "t.txt").write_text("BY HAIDAR HAMDANI\n\nThe text.")
    person = str(ID["haidar-hamdani"])
    labels = [
        Label(person, "Haidar Hamdani", "prefLabel"),
        Label(person, "HAIDAR HAMDANI", "altLabel"),
    ]
    assert find_names(labels, SourceLibrary(tmp_path), ["t.txt"]).spellings() == []


# Names inside longer labels of other entities (issue 12): each phrase is quoted from the
# source paragraph named beside it (checked below when ../shared is there).
NESTED = [
    # a description: the name inside it is written as its own entity's name
    ("000", 1, "residence of Iraqi prime minister Mustafa al-Kadhimi", "Mustafa al-Kadhimi", True),
    (
        "002",
        10,
        "legislation that legalized the Popular Mobilization Forces",
        "Popular Mobilization Forces",
        True,
    ),  # noqa: E501
    ("001", 12, "arrest of Qassim Musleh", "Qassim Musleh", True),
    ("002", 37, "Saddam Hussein’s government", "Saddam Hussein", True),
    ("000", 17, "Mohammad al-Halbousi’s house", "Mohammad al-Halbousi", True),
    ("001", 8, "head of the Iraqi intelligence service", "Iraqi intelligence service", True),
    # a proper name, or a work's title: the name inside is part of it
    ("000", 52, "Carnegie Middle East Center", "Middle East", False),
    ("000", 33, "Coalition Provisional Authority", "Coalition", False),
    ("001", 8, "IRGC-QF", "IRGC", False),
    (
        "000",
        52,
        "The Popular Mobilization Forces and Iraq’s Future",
        "Popular Mobilization Forces",
        False,
    ),  # noqa: E501
    # a party's name leading its armed wing's, a compound built on a name, a modifier, part
    # of a word
    ("000", 19, "KDP peshmerga", "KDP", False),
    ("000", 19, "Patriotic Union of Kurdistan peshmerga", "Patriotic Union of Kurdistan", False),
    ("003", 17, "Syria strike", "Syria", False),
    ("004", 24, "Tower 22 attack", "Tower 22", False),
    ("000", 20, "armed Shia networks", "Shia", False),
    ("001", 19, "al-Karbala’e", "Karbala", False),
]


@pytest.mark.parametrize(("source", "paragraph", "outer", "inner", "counts"), NESTED)
def test_a_name_inside_a_longer_label_counts_when_the_label_describes(
    source, paragraph, outer, inner, counts
):
    from iraqkg.authoring.nesting import names_itself

    text = f"In the text, {outer}, as written."
    start = text.index(outer) + outer.index(inner)
    assert (
        names_itself(
            text, start, start + len(inner), text.index(outer), text.index(outer) + len(outer)
        )
        is counts
    )  # noqa: E501


def test_the_nested_examples_are_quoted_from_their_paragraphs(sources_dir):
    library = SourceLibrary(sources_dir)
    files = {p.name[:3]: p.name for p in sources_dir.glob("*.txt")}
    for source, paragraph, outer, _inner, _counts in NESTED:
        text = library.paragraphs_of(files[source])[paragraph - 1]
        assert normalise(outer) in normalise(text), (source, paragraph, outer)


def test_a_name_inside_another_entitys_name_counts_only_where_it_stands_alone(tmp_path):
    # The shape of source 000: "KDP" leads its armed wing's name "KDP peshmerga" (paragraph
    # 19) and stands alone in paragraphs 17 and 34; Kadhimi is named only inside the
    # description of his residence (paragraph 1).
    from iraqkg.authoring import Label, find_names

    (tmp_path / "t.txt").write_text(
        "The drone hit the residence of Iraqi prime minister Mustafa al-Kadhimi.\n\n"
        "The logic applies to the KDP peshmerga too.\n\n"
        "An alliance with the Kurdistan Democratic Party (KDP)."
    )
    kdp, wing, pm, home = (str(ID[n]) for n in ("kdp", "kdp-peshmerga", "pm", "home"))
    labels = [
        Label(kdp, "KDP", "altLabel"),
        Label(kdp, "Kurdistan Democratic Party", "prefLabel"),
        Label(wing, "KDP peshmerga", "prefLabel"),
        Label(pm, "Mustafa al-Kadhimi", "prefLabel"),
        Label(home, "residence of Iraqi prime minister Mustafa al-Kadhimi", "altLabel"),
    ]
    found = find_names(labels, SourceLibrary(tmp_path), ["t.txt"])
    assert [(o.entities[0], o.written, o.paragraph, o.within) for o in found.occurrences] == [
        (home, "residence of Iraqi prime minister Mustafa al-Kadhimi", 1, ""),
        (pm, "Mustafa al-Kadhimi", 1, "residence of Iraqi prime minister Mustafa al-Kadhimi"),
        (wing, "KDP peshmerga", 2, ""),
        (kdp, "Kurdistan Democratic Party", 3, ""),
        (kdp, "KDP", 3, ""),
    ]


def test_a_works_title_is_a_name_whatever_its_case(tmp_path):
    from iraqkg.authoring import Label, find_names

    (tmp_path / "t.txt").write_text("See “What’s behind Iraq’s Explosive Political Crisis?”")
    iraq, work = str(ID["iraq"]), str(ID["work"])
    labels = [
        Label(iraq, "Iraq", "prefLabel"),
        Label(work, "What’s behind Iraq’s Explosive Political Crisis?", "prefLabel"),
    ]
    described = find_names(labels, SourceLibrary(tmp_path), ["t.txt"])
    assert iraq in {o.entities[0] for o in described.occurrences}  # read as a description
    titled = find_names(labels, SourceLibrary(tmp_path), ["t.txt"], frozenset({work}))
    assert [o.entities[0] for o in titled.occurrences] == [work]


def _names_used(ask, entity: str) -> set[tuple[str, str, str]]:
    return {(r["name"], r["source"], r["paragraph"]) for r in ask("names-by-source", entity=entity)}


def test_names_inside_longer_labels_in_the_sources(ask, sources_dir):
    # 000 para 1: Kadhimi named only inside "the residence of Iraqi prime minister Mustafa
    # al-Kadhimi": source 000 calls him Mustafa al-Kadhimi.
    assert ("Mustafa al-Kadhimi", "id:source-000", "1") in _names_used(ask, "id:mustafa-al-kadhimi")
    # 002 para 10: "passed legislation that legalized the Popular Mobilization Forces".
    pmf = _names_used(ask, "id:popular-mobilization-forces")
    assert ("Popular Mobilization Forces", "id:source-002", "10") in pmf
    # 000 writes it only in the title "The Popular Mobilization Forces and Iraq’s Future"
    # (para 52): part of the work's name, so not source 000's name for the PMF.
    assert not {row for row in pmf if row[:2] == ("Popular Mobilization Forces", "id:source-000")}
    # 000 para 19: "KDP peshmerga" is the armed wing's name; 000 calls the party KDP where
    # the name stands alone, first in para 17 ("the Kurdistan Democratic Party (KDP)").
    kdp = _names_used(ask, "id:kurdistan-democratic-party")
    assert ("KDP", "id:source-000", "17") in kdp
    findings = generate(REPO / "data", sources_dir).findings
    counted = {
        o.paragraph
        for o in findings.occurrences
        if o.entities == (str(ID["kurdistan-democratic-party"]),)
        and o.form == "KDP"
        and o.file_name.startswith("000")
    }
    assert 17 in counted and 34 in counted and 19 not in counted
