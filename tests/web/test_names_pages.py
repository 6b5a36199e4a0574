"""Names in the sources on the entity pages (HTML and JSON twin) and in search.

What the pages must show is what data/names.ttl states (parsed here as a graph); with
../shared, the documents said to write "PMU" and "PMF" are those whose texts do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from endpoint_helpers import media_type
from page_helpers import BROWSER_ACCEPT, Element, parse_html
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from iraqkg.namespaces import ID, IKG
from iraqkg.search import SearchIndex, search

REPO = Path(__file__).resolve().parents[2]
PMF = "popular-mobilization-forces"
NAMES = Graph().parse(REPO / "data" / "names.ttl", format="turtle")


def _term(statement: URIRef) -> str:
    return "st:" + str(statement).rsplit("/", 1)[-1]


def _stated(entity: str) -> set[tuple[str, str, str, int, str]]:
    """(name, source term, statement term, paragraph, quote) of an entity's name statements."""
    found = set()
    for st in NAMES.subjects(IKG.subject, URIRef(ID[entity])):
        if NAMES.value(st, IKG.predicate) != IKG.name:
            continue
        found.add(
            (
                str(NAMES.value(st, IKG.object)),
                "id:" + str(NAMES.value(st, IKG.source)).removeprefix(str(ID)),
                _term(st),
                int(NAMES.value(st, IKG.paragraph)),
                str(NAMES.value(st, IKG.quote)),
            )
        )
    return found


@pytest.fixture(scope="module")
def client(repo_pages):
    return repo_pages


def _json(client, path: str) -> dict:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 200 and media_type(response.content_type) == "application/json"
    return json.loads(response.data)


def _html(client, path: str) -> Element:
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200 and media_type(response.content_type) == "text/html"
    return parse_html(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "entity", [PMF, "mustafa-al-kadhimi", "kataib-hezbollah", "badr-organization"]
)
def test_json_twin_lists_every_name_with_the_sources_that_use_it(client, entity):
    body = _json(client, f"/id/{entity}")
    shown = {
        (n["name"], u["source"]["term"], u["statement"], u["paragraph"], u["quote"])
        for n in body["names"]
        for u in n["sources"]
    }
    assert shown == _stated(entity) and shown
    assert len({n["name"] for n in body["names"]}) == len(body["names"])  # one entry a name


@pytest.mark.parametrize("entity", [PMF, "mustafa-al-kadhimi"])
def test_page_lists_the_names_each_linked_to_its_quote(client, entity):
    doc = _html(client, f"/id/{entity}")
    section = next(s for s in doc.find_all("section") if s.attrs.get("id") == "names")
    assert section.find("h2").text == "Names in the sources"
    terms = [dt.text for dt in section.find("dl", "names").find_all("dt")]
    assert sorted(terms) == sorted({name for name, *_ in _stated(entity)})
    quotes = {li.attrs["id"]: li for li in section.find_all("li", "name-quote")}
    for dd in section.find("dl", "names").find_all("dd"):
        for href, _ in dd.links():
            target = quotes[href.removeprefix("#")]  # the link leads to the passage
            assert target.find("blockquote").text.strip("“”") in {q for *_, q in _stated(entity)}
    # The name statements are shown there only, not again among the statements
    for s in doc.find_all("section"):
        if s.attrs.get("id") == "subject":
            assert "name used" not in [h.text for h in s.find_all("h3")]


def test_pmu_and_pmf_are_the_documents_whose_texts_write_them(client, sources_dir):
    body = _json(client, f"/id/{PMF}")
    used = {n["name"]: {u["source"]["term"] for u in n["sources"]} for n in body["names"]}
    files = Graph().parse(REPO / "data" / "sources.ttl", format="turtle")
    for name in ("PMU", "PMF"):
        writing = {
            "id:" + str(doc).removeprefix(str(ID))
            for doc, file_name in files.subject_objects(IKG.fileName)
            if re.search(rf"(?<!\w){name}(?!\w)", (sources_dir / str(file_name)).read_text())
        }
        assert used[name] == writing


def test_a_document_page_lists_the_names_it_uses(client):
    body = _json(client, "/id/source-000")
    rows = {(u["name"], u["entity"]["term"], u["statement"]) for u in body["names_used"]}
    expected = {
        (str(o), "id:" + str(NAMES.value(st, IKG.subject)).removeprefix(str(ID)), _term(st))
        for st, o in NAMES.subject_objects(IKG.object)
        if NAMES.value(st, IKG.source) == URIRef(ID["source-000"])
    }
    assert rows == expected and rows
    doc = _html(client, "/id/source-000")
    table = next(s for s in doc.find_all("section") if s.attrs.get("id") == "names-used")
    assert len(table.find("tbody").find_all("tr")) == len(expected)


def _index(*names: str) -> SearchIndex:
    pmf = URIRef(ID[PMF])
    graph = Graph()
    graph.add((pmf, RDF.type, IKG.UmbrellaOrganization))
    graph.add((pmf, SKOS.prefLabel, Literal("Popular Mobilization Forces", lang="en")))
    graph.add((pmf, SKOS.altLabel, Literal("Kata'ib", lang="en")))
    for name in names:
        graph.add((pmf, IKG.name, Literal(name, lang="en")))
    return SearchIndex.from_graph(graph)


def test_search_finds_an_entity_by_a_name_only_a_source_uses():
    assert not search(_index(), "Hashd Shaabi")
    (hit,) = search(_index("al-Hashd al-Sha’abi"), "Hashd Shaabi")
    assert hit.entity.iri == str(ID[PMF]) and hit.matched == "al-Hashd al-Sha’abi"
    # a source's name that folds to a label adds no key (curly or straight apostrophe)
    kinds = [k.kind for k in _index("Kata’ib").keys]
    assert "name" not in kinds and [k.kind for k in _index("Hashd").keys].count("name") == 1
