"""Every verified identifier of shared/reference/wikidata-qids.tsv is used where its entity
is in the data, on that entity, with its evidence beside it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from iraqkg.linking.names import normalise
from iraqkg.loading import load_folder
from iraqkg.namespaces import IKG, WD

REPO = Path(__file__).resolve().parents[2]
DATA = load_folder(REPO / "data").graph


def name_variants(name: str) -> set[str]:
    """'Karbala (city)' -> {'karbala'}; 'Tishreen movement / 2019–2021 Iraqi protests' ->
    both halves; a parenthesis of aliases ('PMF/PMU, al-Hashd al-Sha'abi') adds those."""
    variants = set()
    for part in name.split(" / "):
        base = re.sub(r"\s*\([^)]*\)", "", part).strip()
        variants.add(normalise(base))
        variants.add(normalise(part))
        for inner in re.findall(r"\(([^)]*)\)", part):
            variants.update(normalise(v) for v in re.split(r"[,/]", inner) if v.strip())
    return {v for v in variants if v}


def entity_names(entity) -> set[str]:
    names = {
        normalise(str(o)) for p in (SKOS.prefLabel, SKOS.altLabel) for o in DATA.objects(entity, p)
    }
    # "Iraqi civil war (2006-2008)" is also "Iraqi civil war"
    return names | {
        normalise(re.sub(r"\s*\([^)]*\)", "", str(o))) for o in DATA.objects(entity, SKOS.prefLabel)
    }


@pytest.fixture(scope="module")
def table(shared_dir):
    with (shared_dir / "reference" / "wikidata-qids.tsv").open(encoding="utf-8") as rows:
        return list(csv.DictReader(rows, delimiter="\t"))


def test_every_table_row_whose_entity_exists_is_linked_to_it(table):
    entities = {e for e in DATA.subjects(SKOS.prefLabel, None) if isinstance(e, URIRef)}
    unmatched = []
    for row in table:
        variants = name_variants(row["name"])
        same = [e for e in entities if entity_names(e) & variants]
        if not same:
            unmatched.append(row["name"])
            continue
        linked = {e for e in same if (e, SKOS.exactMatch, WD[row["qid"]]) in DATA}
        assert linked, f"{row['qid']} ({row['name']}) is not linked on {sorted(same)}"
        for entity in linked:
            evidence = DATA.value(entity, IKG.wikidataEvidence)
            assert isinstance(evidence, Literal) and "wikidata-qids.tsv" in str(evidence)
    # Rows with no entity in the data are the only ones left unlinked; today that is a few
    # (the table also covers entities no source statement names yet).
    assert len(unmatched) < len(table) / 5, unmatched


def test_no_identifier_is_used_twice():
    used = [o for o in DATA.objects(None, SKOS.exactMatch) if str(o).startswith(str(WD))]
    assert len(used) == len(set(used))
