"""The export library and ``iraqkg export``: RDF round trips, the actor network and its
GraphML / GEXF / CSV / SVG forms, compared with what SPARQL counts over the same build.

Dated expectations come from the sources: source-001 paragraph 8 says Soleimani (head of
the Quds Force) and al-Muhandis (deputy commander of the PMF) were killed on 3 January
2020, so the data ends those roles that day; source-001 paragraph 20 says the Peace Brigades
stay independent of the PMF (a negated statement), which source-000 paragraph 23 contradicts
by reporting that they joined it.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from iraqkg.cli import main
from iraqkg.export import FORMATS, ExportSource, export_file, export_stream, network_of
from iraqkg.export.filters import DEFAULT_STATUSES, View, valid_on, view
from iraqkg.export.network import build_network, oxigraph_select
from iraqkg.export.network_queries import NETWORK_PREDICATES, NOT_DRAWN
from iraqkg.export.svg import render_svg
from iraqkg.namespaces import NAMED_GRAPHS

PREFIXES = """PREFIX ikg: <https://w3id.org/iraqkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""
ACTOR = (
    "GRAPH ?g{v} {{ ?{v} a ikg:Actor }} FILTER(?g{v} != <https://w3id.org/iraqkg/graph/ontology>)"
)
VALUES = "VALUES ?p { " + " ".join(f"ikg:{k}" for k in NETWORK_PREDICATES) + " }"
MUHANDIS_PMF = "st:001-08-muhandis-deputy-commander-pmf"
SOLEIMANI_QUDS = "st:001-08-soleimani-head-quds-force"
AMERI_BADR = "st:000-27-ameri-chief-of-staff-of-badr"


@pytest.fixture(scope="module")
def dataset_file(built_dataset_file: Path) -> Path:
    return built_dataset_file


@pytest.fixture(scope="module")
def build_dataset(dataset_file: Path) -> Dataset:
    found = Dataset()
    found.parse(dataset_file, format="nquads")
    return found


@pytest.fixture(scope="module")
def select(dataset_file: Path):
    return oxigraph_select([dataset_file])


@pytest.fixture(scope="module")
def network(dataset_file: Path):
    return network_of(dataset_file)


def _count(select, query: str) -> int:
    (row,) = list(select(PREFIXES + query))
    return int(row["n"])


# --- RDF ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,fmt", [("nquads", "nquads"), ("trig", "trig"), ("jsonld", "json-ld")]
)
def test_rdf_exports_parse_back_to_the_same_named_graphs(
    name, fmt, dataset_file, build_dataset, tmp_path
):
    [out] = export_file(name, dataset_file, tmp_path / f"x{FORMATS[name].extension}")
    back = Dataset()
    back.parse(out, format=fmt)
    for graph_iri in NAMED_GRAPHS:
        expected, got = build_dataset.graph(graph_iri), back.graph(graph_iri)
        assert len(got) == len(expected) > 0, graph_iri
        assert isomorphic(got, expected), graph_iri


def test_turtle_export_is_the_union_of_the_graphs(dataset_file, build_dataset, tmp_path):
    [out] = export_file("turtle", dataset_file, tmp_path / "x.ttl")
    union = Graph()
    for quad in build_dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    back = Graph().parse(out, format="turtle")
    assert len(back) == len(union) and isomorphic(back, union)


def test_virtuoso_folder_holds_each_graph_its_graph_file_and_the_union(
    dataset_file, build_dataset, tmp_path
):
    written = export_file("virtuoso", dataset_file, tmp_path / "load")
    graphs = {}
    for path in written:
        if path.suffix == ".nt":
            iri = (path.parent / f"{path.name}.graph").read_text().strip()
            graphs[iri] = Graph().parse(path, format="nt")
    union = Graph()
    for quad in build_dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    assert isomorphic(graphs.pop("https://w3id.org/iraqkg/graph/union"), union)
    for graph_iri in NAMED_GRAPHS:
        assert isomorphic(graphs[str(graph_iri)], build_dataset.graph(graph_iri)), graph_iri
    script = (tmp_path / "load" / "load.isql").read_text()
    assert f"ld_dir('{(tmp_path / 'load').resolve()}', '*.nt', NULL);" in script
    assert all(f"SPARQL CLEAR GRAPH <{g}>;" in script for g in NAMED_GRAPHS)


def test_virtuoso_export_to_stdout_is_a_usage_error(dataset_file):
    result = CliRunner().invoke(main, ["export", "virtuoso", "--dataset", str(dataset_file)])
    assert result.exit_code == 2 and "give -o DIR" in result.output


def test_jsonld_export_uses_the_project_prefixes_as_context(dataset_file):
    out = io.BytesIO()
    export_stream("jsonld", dataset_file, out)
    text = out.getvalue().decode()
    assert '"@context"' in text and '"ikg": "https://w3id.org/iraqkg/ontology#"' in text


def test_the_registry_is_what_the_cli_offers():
    from iraqkg.cli.export import export_command

    (argument,) = [p for p in export_command.params if p.name == "format_name"]
    assert list(argument.type.choices) == list(FORMATS)
    assert {"nquads", "trig", "turtle", "jsonld", "graphml", "gexf", "csv"} <= set(FORMATS)


# --- the network, against SPARQL ----------------------------------------------------------


def test_nodes_are_the_actors(network, select):
    expected = _count(
        select,
        "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { " + ACTOR.format(v="x") + " }",
    )
    assert network.graph.number_of_nodes() == expected > 100
    for node, data in network.graph.nodes(data=True):
        assert node.startswith("id:") and data["label"] and data["types"], node


def test_edge_counts_equal_what_sparql_counts(network, select):
    ends = ACTOR.format(v="s") + " " + ACTOR.format(v="o")
    # A statement that a tie holds: Reported, and not one saying it does not (ikg:negated).
    holds = """?st a ikg:Statement ; ikg:status ikg:Reported ; ikg:subject ?s ;
        ikg:predicate ?p ; ikg:object ?o . FILTER NOT EXISTS { ?st ikg:negated true }"""
    ties = "FILTER(?t IN (<{0}asserted>, <{0}inferred>, <{0}contested>))".format(
        "https://w3id.org/iraqkg/graph/"
    )
    stated = _count(
        select,
        f"""SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE {{ {VALUES}
        GRAPH ?t {{ ?s ?p ?o }} {ties} {holds} {ends} }}""",
    )
    # MINUS, not FILTER NOT EXISTS: the same rows here (the inner pattern shares only ?s ?p
    # ?o, all bound), but pyoxigraph 0.5 ran NOT EXISTS once per triple over the union graph
    # and took minutes; MINUS is one anti-join (0.06 s)
    inferred = _count(
        select,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {VALUES}
        GRAPH ?t {{ ?s ?p ?o }} {ties} MINUS {{ {holds} }} {ends} }} }} }}""",
    )
    claims = _count(
        select,
        f"""SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE {{ {VALUES}
        ?st a ikg:Statement ; ikg:status ?status ; ikg:subject ?s ; ikg:predicate ?p ;
            ikg:object ?o . OPTIONAL {{ ?st ikg:negated ?negated }}
        FILTER(?status != ikg:Reported || COALESCE(?negated, false)) {ends} }}""",
    )
    statuses = Counter(d["status"] for _, _, d in network.graph.edges(data=True))
    assert statuses["Reported"] == stated > 0
    assert statuses["Inferred"] == inferred > 0
    assert sum(statuses.values()) - stated - inferred == claims > 0


def test_every_tie_between_actors_is_drawn_or_deliberately_left_out(select):
    rows = select(
        PREFIXES
        + "SELECT DISTINCT ?p WHERE { ?st a ikg:Statement ; ikg:subject ?s ; ikg:predicate ?p ; "
        "ikg:object ?o . FILTER(isIRI(?o)) "
        + ACTOR.format(v="s")
        + " "
        + ACTOR.format(v="o")
        + " }"
    )
    found = {str(r["p"]).rsplit("#", 1)[-1] for r in rows}
    assert found and found <= set(NETWORK_PREDICATES) | set(NOT_DRAWN), found - set(
        NETWORK_PREDICATES
    )


def _edges_with(graph, statement):
    return [(u, v, d) for u, v, d in graph.edges(data=True) if d.get("statement") == statement]


@pytest.mark.parametrize("statement", [MUHANDIS_PMF, SOLEIMANI_QUDS])
def test_roles_that_ended_2020_01_03_are_absent_after(network, statement):
    [(_, _, data)] = _edges_with(network.graph, statement)
    assert data["end"] == "2020-01-03" and data["validity"] == "../2020-01-03"
    assert _edges_with(view(network, View(as_of=date(2020, 1, 3))), statement)
    assert not _edges_with(view(network, View(as_of=date(2021, 11, 7))), statement)


def test_the_date_filter_keeps_exactly_the_edges_valid_that_day(network):
    day = date(2021, 11, 7)
    kept = {k for _, _, k in view(network, View(as_of=day)).edges(keys=True)}
    dated_out = 0
    for _, _, key, data in network.graph.edges(keys=True, data=True):
        assert (key in kept) == valid_on(data["validity"], day)
        dated_out += key not in kept
    assert dated_out > 0
    # An inferred tie resting only on the role that ended is dated too (Muhandis has a
    # leadership role in the PMF because he was its deputy); so is his affiliation with the
    # PMF, now that his Badr post is dated to the 1990s and ended (source 000, paragraphs 27
    # and 36): both end with his death and neither holds that day.
    inferred = [
        d
        for u, v, d in network.graph.edges(data=True)
        if d["inferred"]
        and u == "id:abu-mahdi-al-muhandis"
        and v == "id:popular-mobilization-forces"
    ]
    ended = [d for d in inferred if d["kind"] == "leadershipRoleIn"]
    # It ends with his death; it cannot start before the PMF was founded (2014).
    assert [d["validity"].split("/")[1] for d in ended] == ["2020-01-03"]
    assert ended[0]["validity"].split("/")[0] >= "2014"
    assert not valid_on(ended[0]["validity"], day)
    affiliated = [d for d in inferred if d["kind"] == "affiliatedWith"]
    assert affiliated and [d["validity"].split("/")[1] for d in affiliated] == ["2020-01-03"]
    assert not any(valid_on(d["validity"], day) for d in affiliated)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_neighbourhood_holds_every_actor_within_depth_and_no_other(network, depth):
    centre = "id:badr-organization"
    wanted = View(around=centre, depth=depth, statuses=DEFAULT_STATUSES)
    got = view(network, wanted)
    everything = view(network, View(statuses=DEFAULT_STATUSES)).to_undirected()
    distances = nx.single_source_shortest_path_length(everything, centre)
    assert set(got) == {n for n, d in distances.items() if d <= depth}
    if depth > 1:
        smaller = view(network, View(around=centre, depth=depth - 1, statuses=DEFAULT_STATUSES))
        assert set(smaller) < set(got)


def test_collapsing_implied_ties_keeps_connectivity_and_drops_redundant_ones(network):
    full = view(network, View(statuses=DEFAULT_STATUSES))
    collapsed = view(network, View(statuses=DEFAULT_STATUSES, collapse_implied=True))
    assert collapsed.number_of_edges() < full.number_of_edges()
    pairs = lambda g: {frozenset((u, v)) for u, v in g.edges()}  # noqa: E731
    assert pairs(collapsed) == pairs(full)
    for u, v, data in collapsed.edges(data=True):
        if data["inferred"] and data["kind"] == "affiliatedWith":
            kinds = {d["kind"] for d in collapsed.get_edge_data(u, v).values()}
            narrower = {k for k in kinds if "affiliatedWith" in network.implies[k]}
            assert narrower == {"affiliatedWith"}, (u, v, kinds)


def test_a_contested_tie_and_what_rests_on_it_are_marked(network):
    edges = network.graph.get_edge_data("id:peace-brigades", "id:popular-mobilization-forces")
    part_of = {d["status"]: d for d in edges.values() if d["kind"] == "partOf"}
    # source-000 ¶23 reports it; source-001 ¶20 says the Peace Brigades stay independent.
    assert part_of["Reported"]["statement"] == "st:000-23-peace-brigades-joined-pmu"
    assert part_of["Negated"]["statement"] == "st:001-20-peace-brigades-independent-of-pmf"
    assert all(d["contested"] for d in part_of.values())
    # The affiliation the reasoner draws from that membership rests on it: contested too.
    follows = [d for d in edges.values() if d["inferred"] and d["kind"] == "affiliatedWith"]
    assert follows and all(d["contested"] and d["graph"] == "contested" for d in follows)
    assert not network.graph.get_edge_data("id:hadi-al-ameri", "id:badr-organization")[AMERI_BADR][
        "contested"
    ]
    # The actor's own claim that the tie does not hold (source-001 ¶20: "Al-Sadr's claim is
    # that he is free from ... influence, including that of Iran") is marked contested too.
    (claimed,) = [
        d
        for d in network.graph.get_edge_data("id:muqtada-al-sadr", "id:iran").values()
        if d["kind"] == "alignedWith"
    ]
    assert claimed["status"] == "Negated" and claimed["contested"]
    assert claimed["statement"] == "st:001-20-sadr-claims-free-of-iran"


# --- GraphML, GEXF, CSV, SVG ----------------------------------------------------------------


def _edge_multiset(graph) -> Counter:
    return Counter((u, v, d["kind"], d["status"]) for u, v, d in graph.edges(data=True))


def test_graphml_reads_back_with_the_same_nodes_edges_and_attributes(
    network, dataset_file, tmp_path
):
    [out] = export_file("graphml", dataset_file, tmp_path / "n.graphml")
    back = nx.read_graphml(out, force_multigraph=True)
    assert set(back) == set(network.graph)
    assert set(back.edges(keys=True)) == set(network.graph.edges(keys=True))
    assert _edge_multiset(back) == _edge_multiset(network.graph)
    for node, data in network.graph.nodes(data=True):
        assert back.nodes[node]["label"] == data["label"]
        assert back.nodes[node]["types"] == data["types"]
    for u, v, key, data in network.graph.edges(keys=True, data=True):
        assert back.edges[u, v, key] == data


def test_gexf_is_1_2_with_labels_and_reads_back(network, dataset_file, tmp_path):
    [out] = export_file("gexf", dataset_file, tmp_path / "n.gexf")
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.gexf.net/1.2draft}gexf" and root.get("version") == "1.2"
    nodes = root.iter("{http://www.gexf.net/1.2draft}node")
    labels = {n.get("id"): n.get("label") for n in nodes}
    assert labels == {n: d["label"] for n, d in network.graph.nodes(data=True)}
    graph = root.find("{http://www.gexf.net/1.2draft}graph")
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    edge_ids = {e.get("id") for e in root.iter("{http://www.gexf.net/1.2draft}edge")}
    assert edge_ids == {k for _, _, k in network.graph.edges(keys=True)}
    back = nx.read_gexf(out)
    assert set(back) == set(network.graph)
    assert set(back.edges(keys=True)) == set(network.graph.edges(keys=True))
    assert _edge_multiset(back) == _edge_multiset(network.graph)
    some = back.edges["id:abu-mahdi-al-muhandis", "id:popular-mobilization-forces", MUHANDIS_PMF]
    assert some["validity"] == "../2020-01-03" and some["inferred"] is False
    assert some["label"] == "deputy of"  # the edge label Gephi shows
    # Validity as GEXF spells (Gephi's timeline); the source's own qualifier kept beside.
    assert some["stated_end"] == "2020-01-03"
    g = "{http://www.gexf.net/1.2draft}"
    (edge,) = [e for e in root.iter(f"{g}edge") if e.get("id") == MUHANDIS_PMF]
    (spell,) = edge.iter(f"{g}spell")
    assert spell.attrib == {"end": "2020-01-03"}  # no start: the sources give none
    # an edge the sources give no time (validity "../..") has no spell at all
    u, v, key = next((u, v, k) for u, v, k, d in network.graph.edges(keys=True, data=True)
                     if d["validity"] == "../..")  # fmt: skip
    assert "spells" not in back.edges[u, v, key]


def test_csv_is_a_nodes_table_and_an_edges_table(network, dataset_file, tmp_path):
    files = export_file("csv", dataset_file, tmp_path / "csv")
    assert [f.name for f in files] == ["nodes.csv", "edges.csv"]
    nodes = list(csv.DictReader(files[0].open(encoding="utf-8")))
    edges = list(csv.DictReader(files[1].open(encoding="utf-8")))
    assert {r["id"] for r in nodes} == set(network.graph)
    assert len(edges) == network.graph.number_of_edges()
    assert Counter((r["source"], r["target"], r["kind"], r["status"]) for r in edges) == (
        _edge_multiset(network.graph)
    )
    (row,) = [r for r in edges if r["statement"] == MUHANDIS_PMF]
    assert row["document"] == "id:source-001" and row["paragraph"] == "8"


def test_svg_is_deterministic_and_links_every_node(network, dataset_file):
    wanted = View(as_of=date(2021, 11, 7), statuses=DEFAULT_STATUSES, collapse_implied=True)
    graph = view(network, wanted)
    href = lambda n: f"/id/{n[3:]}"  # noqa: E731
    first = render_svg(graph, href, labels=network.labels)
    rebuilt = build_network(oxigraph_select([dataset_file]))  # a fresh read of the same file
    assert render_svg(view(rebuilt, wanted), href, labels=rebuilt.labels) == first
    root = ET.fromstring(first)
    assert root.get("viewBox") and len(root.get("viewBox").split()) == 4
    ns = "{http://www.w3.org/2000/svg}"
    linked = {
        a.get("data-id"): a.get("href") for a in root.iter(f"{ns}a") if "node" in a.get("class", "")
    }
    assert linked == {n: href(n) for n in graph}
    dashed = [p for p in root.iter(f"{ns}path") if p.get("stroke-dasharray")]
    assert dashed, "inferred ties are dashed"


# --- the command ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in FORMATS if n != "csv"])
def test_cli_writes_each_format_to_a_file(name, dataset_file, tmp_path):
    target = tmp_path / f"out{FORMATS[name].extension}"
    result = CliRunner().invoke(
        main, ["export", name, "-o", str(target), "--dataset", str(dataset_file)]
    )
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 1000


def test_cli_csv_to_stdout_is_the_edges_table_and_says_so(dataset_file, network):
    result = CliRunner().invoke(main, ["export", "csv", "--dataset", str(dataset_file)])
    assert result.exit_code == 0
    assert "edges table only" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == network.graph.number_of_edges()


def test_cli_usage_errors_exit_2(dataset_file, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["export", "xlsx", "--dataset", str(dataset_file)]).exit_code == 2
    assert (
        runner.invoke(main, ["export", "trig", "--dataset", str(tmp_path / "no.nq")]).exit_code == 2
    )
    bad = tmp_path / "bad.nq"
    bad.write_text("not n-quads <\n")
    result = runner.invoke(main, ["export", "trig", "--dataset", str(bad)])
    assert result.exit_code == 2 and "bad.nq" in result.stderr


def test_export_source_parses_once(dataset_file):
    source = ExportSource(dataset_file)
    assert source.dataset() is source.dataset()


def test_svg_escapes_text_from_the_data():
    hostile = '<script>alert(1)</script> & "Kata\'ib"'
    graph = nx.MultiDiGraph()
    graph.add_node("id:a", label=hostile, types="ArmedGroup", description=hostile)
    graph.add_node("id:b", label="B", types="Person")
    graph.add_edge("id:a", "id:b", key="st:x", kind="memberOf", status="Reported", inferred=False)
    svg = render_svg(graph, lambda n: f"/id/{n[3:]}?q=\"'&", labels={"memberOf": hostile})
    root = ET.fromstring(svg)  # well-formed: nothing unescaped broke the markup
    ns = "{http://www.w3.org/2000/svg}"
    assert not list(root.iter(f"{ns}script")) and not list(root.iter("script"))
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert hostile in texts  # the label, shown as text (and in the legend)
    assert {a.get("href") for a in root.iter(f"{ns}a") if a.get("data-id")} == {
        "/id/a?q=\"'&",
        "/id/b?q=\"'&",
    }


@pytest.mark.parametrize(
    "name,fmt", [("trig", "trig"), ("turtle", "turtle"), ("jsonld", "json-ld")]
)
def test_literals_keep_their_lexical_form(name, fmt, tmp_path):
    """Regression: rdflib's TriG writer turned "48"^^xsd:decimal into 48.0, and an Oxigraph
    store keeps only the value ("2600000000.0" -> "2600000000"): other RDF terms."""
    decimal = "<http://www.w3.org/2001/XMLSchema#decimal>"
    values = ["48", "2600000000.0", "1.50", "-0.0"]
    lines = [
        f'<https://w3id.org/iraqkg/id/x> <https://w3id.org/iraqkg/ontology#v{i}> "{v}"^^{decimal} '
        "<https://w3id.org/iraqkg/graph/asserted> ."
        for i, v in enumerate(values)
    ]
    source = tmp_path / "tiny.nq"
    source.write_text("\n".join(lines) + "\n")
    [out] = export_file(name, source, tmp_path / f"out{FORMATS[name].extension}")
    back = Dataset()
    back.parse(out, format=fmt)
    found = sorted(str(o) for _, _, o, _ in back.quads((None, None, None, None)))
    assert found == sorted(values)
