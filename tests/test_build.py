"""The build pipeline on the mini fixture: outputs, reuse, atomicity and every error path."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Dataset

from iraqkg.build import build, current_id, fingerprint, is_stale, read_build, validate
from iraqkg.errors import DataSyntaxError, ValidationFailed
from iraqkg.namespaces import (
    ASSERTED_GRAPH,
    ID,
    IKG,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    PROVENANCE_GRAPH,
)


def _dataset(result) -> Dataset:
    dataset = Dataset()
    dataset.parse(result.dataset_file, format="nquads")
    return dataset


def test_build_writes_the_named_graphs_and_a_manifest(mini):
    result = build(mini)
    dataset = _dataset(result)
    sizes = {g.identifier: len(g) for g in dataset.graphs() if len(g)}
    assert set(sizes) == {ONTOLOGY_GRAPH, ASSERTED_GRAPH, INFERRED_GRAPH, PROVENANCE_GRAPH}
    assert result.triples == {
        "ontology": sizes[ONTOLOGY_GRAPH],
        "asserted": sizes[ASSERTED_GRAPH],
        "inferred": sizes[INFERRED_GRAPH],
        "provenance": sizes[PROVENANCE_GRAPH],
        "contested": 0,  # the mini data has no contradiction: the graph is declared, empty
    }
    assert current_id(mini.out) == result.build_id
    assert set(result.seconds) == {"parse", "derive", "validate", "reason", "write"}
    assert result.entities["Person"] == 3


def test_statements_live_in_provenance_and_plain_triples_in_asserted(mini):
    dataset = _dataset(build(mini))
    asserted = dataset.graph(ASSERTED_GRAPH)
    provenance = dataset.graph(PROVENANCE_GRAPH)
    assert (ID["badr-organization"], IKG.armedWingOf, ID["sciri"]) in asserted
    assert len(list(provenance.subjects(RDF.type, IKG.Statement))) == 9
    assert not list(asserted.subjects(RDF.type, IKG.Statement))


def test_alleged_perpetrator_appears_nowhere_as_a_fact(mini):
    dataset = _dataset(build(mini))
    strike = ID["drone-attack-on-kadhimi-residence"]
    for graph_iri in (ASSERTED_GRAPH, INFERRED_GRAPH):
        graph = dataset.graph(graph_iri)
        assert (strike, IKG.perpetrator, ID["pmu-factions"]) not in graph
        assert (strike, IKG.participant, ID["pmu-factions"]) not in graph
        assert not list(graph.triples((ID["pmu-factions"], IKG.affiliatedWith, None)))
    assert (ID["pmu-factions"], IKG.blamedFor, strike) in dataset.graph(ASSERTED_GRAPH)
    assert (ID["qais-al-khazali"], IKG.deniedResponsibilityFor, strike) in dataset.graph(
        ASSERTED_GRAPH
    )


def test_inferred_graph_has_inferences_and_no_owlrl_noise(mini):
    inferred = _dataset(build(mini)).graph(INFERRED_GRAPH)
    # Source 000 para 27: Ameri is Badr's chief of staff -> affiliated with Badr.
    assert (ID["hadi-al-ameri"], IKG.affiliatedWith, ID["badr-organization"]) in inferred
    # Source 003 para 10: Khazali leads AAH -> org:headOf through the ontology alignment.
    assert (ID["qais-al-khazali"], IKG.affiliatedWith, ID["asaib-ahl-al-haq"]) in inferred
    for s, p, o in inferred:
        assert not (p == OWL.sameAs and s == o)
        assert not (p == RDF.type and o in (OWL.Thing, RDFS.Resource, RDFS.Literal))
        assert not str(s).startswith("http://www.w3.org/2001/XMLSchema#")
    assert not list(inferred.triples((None, None, ID["hadi-al-ameri"])))  # no inverse noise


def test_identical_inputs_reuse_the_build_and_changes_make_it_stale(mini):
    first = build(mini)
    assert not is_stale(mini)
    again = build(mini)
    assert again.reused and again.build_id == first.build_id
    (mini.data / "entities.ttl").write_text(
        (mini.data / "entities.ttl").read_text() + "\n# a comment changes the hash\n"
    )
    assert is_stale(mini)
    assert fingerprint(mini) != first.build_id


BROKEN = {
    "syntax error": (
        "statements.ttl",
        lambda t: t.replace("ikg:paragraph 26 ;", "ikg:paragraph 26 ;;\n ikg:oops ,"),
        DataSyntaxError,
    ),
    "undefined prefix": (
        "entities.ttl",
        lambda t: t + '\nfoo:thing a ikg:Person ; skos:prefLabel "X"@en .\n',
        DataSyntaxError,
    ),
    "statement without source": (
        "statements.ttl",
        lambda t: t.replace(
            "ikg:status ikg:Reported ; ikg:source :source-003 ;", "ikg:status ikg:Reported ;"
        ),
        ValidationFailed,
    ),
    "event date that is no time": (
        "entities.ttl",
        lambda t: (
            t
            + '\n:some-protest a ikg:Protest ; skos:prefLabel "A protest"@en .\n'
            + ':some-protest ikg:date "soon"@en .\n'
        ),
        ValidationFailed,
    ),
    "relation outside a statement": (
        "entities.ttl",
        lambda t: t + "\n:hadi-al-ameri ikg:memberOf :badr-organization .\n",
        ValidationFailed,
    ),
    "undefined object": (
        "statements.ttl",
        lambda t: t.replace("ikg:object :sciri", "ikg:object :nobody-defined-this"),
        ValidationFailed,
    ),
    "second preferred label": (
        "entities.ttl",
        lambda t: t + '\n:hadi-al-ameri skos:prefLabel "Ameri"@en .\n',
        ValidationFailed,
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_failed_build_leaves_the_previous_build_current(mini, case):
    good = build(mini)
    name, edit, error = BROKEN[case]
    path = mini.data / name
    path.write_text(edit(path.read_text()))
    with pytest.raises(error):
        build(mini)
    assert current_id(mini.out) == good.build_id
    kept = read_build(mini.out)
    assert kept is not None and kept.dataset_file.is_file()
    assert len(_dataset(kept)) == sum(good.triples.values())


def test_syntax_error_names_file_line_and_column(mini):
    path = mini.data / "entities.ttl"
    lines = path.read_text().splitlines()
    lines.append(':broken a ikg:Person ; skos:prefLabel "x"@en')  # no final dot
    lines.append(":next a ikg:Person .")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataSyntaxError) as caught:
        validate(mini)
    problem = caught.value.problem
    assert problem.file.endswith("entities.ttl")
    assert problem.line == len(lines)  # the parser notices at the start of the next statement
    assert problem.column >= 1
    assert str(problem).startswith(f"{path}:{problem.line}:{problem.column}: ")


def test_undefined_prefix_message_names_the_prefix(mini):
    path = mini.data / "entities.ttl"
    path.write_text(path.read_text() + "\nfoo:x a ikg:Person .\n")
    with pytest.raises(DataSyntaxError, match="prefix foo: has not been declared") as caught:
        validate(mini)
    assert caught.value.problem.line == len(path.read_text().splitlines())
    assert caught.value.problem.column == 1


def test_violations_name_focus_path_message_and_file(mini):
    path = mini.data / "statements.ttl"
    path.write_text(path.read_text().replace("ikg:paragraph 27 ;", ""))
    with pytest.raises(ValidationFailed) as caught:
        validate(mini)
    [violation] = caught.value.violations
    assert violation.focus.endswith("000-27-ameri-chief-of-staff")
    assert violation.path == str(IKG.paragraph)
    assert "paragraph" in violation.message
    lines = path.read_text().splitlines()
    assert (
        violation.where
        == f"{path}:{lines.index('st:000-27-ameri-chief-of-staff a ikg:Statement ;') + 1}"
    )


def test_wrong_quote_is_a_violation_when_sources_are_given(mini, sources_dir):
    path = mini.data / "statements.ttl"
    path.write_text(path.read_text().replace("its chief of staff", "its chief of staffs"))
    with pytest.raises(ValidationFailed) as caught:
        validate(mini)
    messages = [v.message for v in caught.value.violations]
    assert messages == ["quote not found verbatim in the source"]


def test_the_dataset_file_holds_exactly_the_graphs_written(tmp_path):
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.compare import isomorphic

    from iraqkg.build.output import Stages, write_build
    from iraqkg.settings import BuildSettings

    tricky = [
        Literal('He said "no"\nand left \\ at once'),
        Literal("الحشد الشعبي", lang="ar"),
        Literal("2021-11-07", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")),
        Literal(26),
        URIRef("https://w3id.org/iraqkg/id/kata%27ib"),
        BNode(),
    ]
    graphs = {}
    for n, iri in enumerate((ONTOLOGY_GRAPH, ASSERTED_GRAPH, INFERRED_GRAPH, PROVENANCE_GRAPH)):
        graph = Graph()
        for k, value in enumerate(tricky):
            graph.add((URIRef(f"{ID}s{n}"), URIRef(f"{IKG}p{k}"), value))
        graph.add((tricky[-1], RDF.type, IKG.Thing))  # the blank node is shared across graphs
        graphs[iri] = graph
    sources = {iri: [graph] for iri, graph in graphs.items()}
    result = write_build(tmp_path, "test", sources, Stages(), BuildSettings())
    written = _dataset(result)
    for iri, graph in graphs.items():
        assert isomorphic(written.graph(iri), graph)
    [blank] = {s for s, _, _, _ in written.quads((None, RDF.type, IKG.Thing, None))}
    assert len({g for *_, g in written.quads((blank, None, None, None))}) == 4


@pytest.mark.parametrize("chunk", [1, 2, 3, 1000])
def test_rows_are_written_sorted_and_once_whatever_the_chunk_size(tmp_path, chunk):
    import io

    from rdflib import Literal, URIRef

    from iraqkg.build.nquads import write_graphs

    triples = [(URIRef(f"{ID}s{n % 4}"), IKG.p, Literal(n % 5)) for n in range(23)]
    handle = io.StringIO()
    # Two sources for one graph, overlapping (as the inference records repeat intervals).
    counts = write_graphs(handle, {"g": [triples[:15], iter(triples[10:])]}, tmp_path, chunk)
    rows = handle.getvalue().splitlines()
    assert rows == sorted(set(rows)) and len(rows) == len(set(triples)) == counts["g"]
    assert list(tmp_path.iterdir()) == []  # spilled chunks are removed


def test_an_event_without_a_date_is_built_and_stays_undated(mini):
    # Issue 12: the texts describe events without a day; such an event is kept, with no
    # date invented for it (no ikg:earliest / ikg:latest).
    path = mini.data / "entities.ttl"
    path.write_text(
        path.read_text() + '\n:some-protest a ikg:Protest ; skos:prefLabel "A protest"@en .\n'
    )
    dataset = _dataset(build(mini))
    event = ID["some-protest"]
    assert (event, RDF.type, IKG.Protest, dataset.graph(ASSERTED_GRAPH)) in dataset
    assert not any(dataset.quads((event, IKG.earliest, None, None)))
    assert not any(dataset.quads((event, IKG.latest, None, None)))
