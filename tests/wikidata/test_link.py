"""``iraqkg link``: reconciling unlinked entities against a dump in Wikidata's JSON format.

The dumps here are SYNTHETIC: every entity below is made up for the tests (ids from
Q99000000001 up, eleven digits, beyond any real Wikidata item; descriptions say
"synthetic"). Only the names are taken from our own data, so that they can match.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import json
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from iraqkg.cli import main
from iraqkg.errors import InputError
from iraqkg.linking import reconcile_dump
from iraqkg.linking.dump import dump_lines
from iraqkg.linking.names import normalise
from iraqkg.linking.reconcile import read_type_map, reconcile
from iraqkg.loading import load_folder
from iraqkg.settings import LinkSettings

REPO = Path(__file__).resolve().parents[2]
ID = "https://w3id.org/iraqkg/id/"
IKG = "https://w3id.org/iraqkg/ontology#"
SYNTHETIC = "synthetic test entity, not Wikidata's"


def item(qid, labels=None, aliases=None, p31=(), kind="item"):
    """An entity in Wikidata's JSON dump shape (labels, aliases, claims with mainsnaks)."""
    return {
        "type": kind,
        "id": qid,
        "labels": {lang: {"language": lang, "value": v} for lang, v in (labels or {}).items()},
        "descriptions": {"en": {"language": "en", "value": SYNTHETIC}},
        "aliases": {
            lang: [{"language": lang, "value": v} for v in values]
            for lang, values in (aliases or {}).items()
        },
        "claims": {
            "P31": [
                {
                    "mainsnak": {
                        "snaktype": "value",
                        "property": "P31",
                        "datavalue": {
                            "value": {"entity-type": "item", "id": q},
                            "type": "wikibase-entityid",
                        },
                        "datatype": "wikibase-item",
                    },
                    "type": "statement",
                    "rank": "normal",
                }
                for q in p31
            ]
        },
        "sitelinks": {},
    }


ENTITIES = [
    item("Q99000000001", {"en": "Asa'ib Ahl al-Haq"}),
    item("Q99000000002", {"en": "Unrelated fixture name"}, {"de": ["Kataib Hisbollah"]}),
    item("Q99000000003", {"en": "Qais al-Khazali", "ar": "اختبار"}, p31=["Q5"]),
    item("Q99000000004", {"en": "Qais al-Khazali"}, p31=["Q7278"]),  # a party: types disagree
    item("Q99000000005", {"fr": "Hadi al-Amiri", "en": "Hadi al-Amiri"}),  # en preferred
    item("Q99000000006", {"en": "Badr Organization"}),  # ours is linked already: not a subject
    item("P99000000007", {"en": "Hadi al-Ameri"}, kind="property"),  # not an item
    item("Q99000000008", {"en": "Completely different words"}),
    # A city whose P31 is some subclass: our City only broadly matches human settlement.
    item("Q99000000009", {"en": "Basra"}, p31=["Q99000000999"]),
]


def write_dump(path: Path, entities, suffix: str = "") -> Path:
    """Wikidata's dump layout: '[', one entity per line with a trailing comma, ']'."""
    target = path.with_name(path.name + suffix)
    opener = {"": open, ".gz": gzip.open, ".bz2": bz2.open}[suffix]
    with opener(target, "wt", encoding="utf-8") as out:
        out.write("[\n")
        for i, entity in enumerate(entities):
            comma = "," if i < len(entities) - 1 else ""
            out.write(json.dumps(entity, ensure_ascii=False) + comma + "\n")
        out.write("]\n")
    return target


@pytest.fixture(scope="module")
def data_graph():
    return load_folder(REPO / "data").graph


def names_of(graph, entity: str) -> set[str]:
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    return {
        str(o) for p in (SKOS.prefLabel, SKOS.altLabel) for o in graph.objects(URIRef(entity), p)
    }


def by_pair(candidates):
    return {(c.entity, c.qid): c for c in candidates}


@pytest.fixture(scope="module", params=["", ".gz", ".bz2"])
def result(request, tmp_path_factory):
    dump = write_dump(tmp_path_factory.mktemp("dump") / "dump.json", ENTITIES, request.param)
    return reconcile_dump(dump, REPO / "ontology", REPO / "data")


def test_an_exact_label_scores_100_with_its_evidence(result, data_graph):
    found = by_pair(result)[(ID + "asaib-ahl-al-haq", "Q99000000001")]
    assert found.score == 100.0
    matched = found.evidence["matched"]
    assert matched["theirs"] == "Asa'ib Ahl al-Haq" and matched["theirs_kind"] == "label"
    assert matched["ours"] in names_of(data_graph, ID + "asaib-ahl-al-haq")
    assert found.evidence["wikidata_description"] == SYNTHETIC


def test_an_alias_in_another_language_matches_fuzzily(result):
    found = by_pair(result)[(ID + "kataib-hezbollah", "Q99000000002")]
    matched = found.evidence["matched"]
    assert (matched["theirs"], matched["theirs_language"], matched["theirs_kind"]) == (
        "Kataib Hisbollah",
        "de",
        "alias",
    )
    assert 85 <= found.evidence["name_score"] < 100
    assert normalise(matched["ours"]) != normalise(matched["theirs"])


def test_type_agreement_ranks_the_person_above_the_party(result):
    khazali = [c for c in result if c.entity == ID + "qais-al-khazali"]
    assert [c.qid for c in khazali[:2]] == ["Q99000000003", "Q99000000004"]
    person, party = khazali[0], khazali[1]
    assert person.evidence["types"]["agreement"] == "agree"
    assert "Q5" in person.evidence["types"]["expected_p31"]  # from ontology/wikidata.ttl
    assert party.evidence["types"]["agreement"] == "disagree"
    assert person.score > party.score == person.evidence["name_score"] - 15


def test_a_missing_broad_class_is_no_disagreement(result):
    found = by_pair(result)[(ID + "basra", "Q99000000009")]
    assert found.evidence["types"]["agreement"] == "unknown"
    assert found.score == found.evidence["name_score"] == 100.0


def test_a_preferred_language_wins_a_tie(result):
    found = by_pair(result)[(ID + "hadi-al-ameri", "Q99000000005")]
    assert found.evidence["matched"]["theirs_language"] == "en"


def test_linked_entities_properties_and_non_matches_are_left_out(result):
    pairs = by_pair(result)
    assert not any(e == ID + "badr-organization" for e, _ in pairs)
    assert not any(q in ("P99000000007", "Q99000000008") for _, q in pairs)
    assert all(c.score >= LinkSettings().threshold for c in result)


def test_every_compression_gives_the_same_candidates(tmp_path):
    results = [
        [c.as_record() for c in reconcile_dump(write_dump(tmp_path / "d.json", ENTITIES, s))]
        for s in ("", ".gz", ".bz2")
    ]
    for records in results:  # dump_line differs in no format; the whole record must agree
        assert records == results[0]
    assert results[0]


def test_the_prefilter_changes_nothing_here(tmp_path):
    dump = write_dump(tmp_path / "d.json", ENTITIES)
    on = reconcile_dump(dump, REPO / "ontology", REPO / "data")
    off = reconcile_dump(dump, REPO / "ontology", REPO / "data", LinkSettings(prefilter=False))
    assert [c.as_record() for c in on] == [c.as_record() for c in off]


def test_already_linked_ids_are_flagged(tmp_path, data_graph):
    from iraqkg.linking.names import unlinked_subjects

    dump = write_dump(tmp_path / "d.json", ENTITIES)
    linked = {"Q99000000001": ID + "some-other-entity"}
    found = reconcile(dump, unlinked_subjects(data_graph), LinkSettings(), None, linked)
    flagged = {c.qid: c.evidence["already_linked_to"] for c in found}
    assert flagged["Q99000000001"] == ID + "some-other-entity"
    assert flagged["Q99000000003"] is None


def _data_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((REPO / "data").rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("review_name", ["review.jsonl", "review.tsv"])
def test_cli_writes_the_review_file_and_never_a_link(tmp_path, review_name):
    dump = write_dump(tmp_path / "dump.json", ENTITIES, ".bz2")
    review = tmp_path / review_name
    before = _data_digest()
    args = ["link", str(dump), "--review", str(review), "--data", str(REPO / "data")]
    args += ["--ontology", str(REPO / "ontology")]
    outcome = CliRunner().invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    assert _data_digest() == before
    expected = [c.as_record() for c in reconcile_dump(dump, REPO / "ontology", REPO / "data")]
    if review_name.endswith(".tsv"):
        rows = list(csv.DictReader(review.open(encoding="utf-8"), delimiter="\t"))
        got = [(r["entity"], r["qid"], float(r["score"]), r["theirs"]) for r in rows]
        want = [(r["entity"], r["qid"], r["score"], r["matched"]["theirs"]) for r in expected]
        assert got == want
    else:
        lines = review.read_text(encoding="utf-8").splitlines()
        assert [json.loads(line) for line in lines] == expected
    assert "reading dump" in outcome.output  # the progress bar (stderr, mixed in by CliRunner)


def test_a_broken_line_is_named_by_file_and_line(tmp_path):
    dump = tmp_path / "broken.json"
    good = json.dumps(ENTITIES[0])
    dump.write_text(f'[\n{good},\n{{"id": "Q1", broken\n]\n', encoding="utf-8")
    outcome = CliRunner().invoke(
        main,
        [
            "link",
            str(dump),
            "--review",
            str(tmp_path / "r.jsonl"),
            "--no-prefilter",
            "--no-progress",
        ],
    )
    assert outcome.exit_code == 2
    assert f"{dump}:3:" in outcome.output
    assert not (tmp_path / "r.jsonl").exists()  # nothing half-written


def test_a_missing_dump_and_bad_settings_are_usage_errors(tmp_path):
    outcome = CliRunner().invoke(main, ["link", str(tmp_path / "nope.json.gz")])
    assert outcome.exit_code == 2 and "no such dump file" in outcome.output
    outcome = CliRunner().invoke(main, ["link", str(tmp_path / "x.json"), "--threshold", "120"])
    assert outcome.exit_code == 2 and "threshold" in outcome.output


def test_the_type_map_file(tmp_path):
    good = tmp_path / "types.tsv"
    good.write_text("# class\tqid\nikg:ArmedGroup\tQ99000000100\n", encoding="utf-8")
    assert read_type_map(good) == {IKG + "ArmedGroup": frozenset({"Q99000000100"})}
    bad = tmp_path / "bad.tsv"
    bad.write_text("ikg:ArmedGroup Q1\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.tsv:1"):
        read_type_map(bad)


@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2"])
def test_progress_counts_the_bytes_of_the_file(tmp_path, suffix):
    noise = [item(f"Q99{n:09d}", {"en": f"noise {n}"}) for n in range(10_000)]
    dump = write_dump(tmp_path / "noise.json", noise, suffix)
    seen: list[int] = []
    assert sum(1 for _ in dump_lines(dump, seen.append)) == len(noise)
    assert seen == sorted(seen) and len(seen) > 1
    assert seen[-1] == dump.stat().st_size


def _peak_bytes(dump: Path, subjects, settings) -> tuple[int, list]:
    tracemalloc.start()
    try:
        found = reconcile(dump, subjects, settings, None, {})
        return tracemalloc.get_traced_memory()[1], found
    finally:
        tracemalloc.stop()


def noise_entity(n: int) -> dict:
    """Mostly unrelated names (skipped unparsed); every 10th shares a word with ours (parsed
    and compared); every 1000th is one more namesake of ours (a candidate: heaps stay at top)."""
    if n % 1000 == 0:
        return item(f"Q99{n:09d}", {"en": "Qais al-Khazali"})
    if n % 10 == 0:
        return item(f"Q99{n:09d}", {"en": f"Kataib noise {n}", "de": f"Hezbollah rauschen {n}"})
    return item(f"Q99{n:09d}", {"en": f"noise {n}", "de": f"rauschen {n}"})


@pytest.mark.slow
def test_memory_does_not_grow_with_the_dump(tmp_path, data_graph):
    from iraqkg.linking.names import unlinked_subjects

    subjects = unlinked_subjects(data_graph)
    settings = LinkSettings()

    def dump_of(size: int) -> Path:
        entities = [*ENTITIES, *(noise_entity(n) for n in range(1, size + 1))]
        return write_dump(tmp_path / f"dump-{size}.json", entities, ".gz")

    small, large = dump_of(4_000), dump_of(24_000)
    reconcile(write_dump(tmp_path / "warm.json", ENTITIES), subjects, settings)  # warm caches
    peak_small, _ = _peak_bytes(small, subjects, settings)
    peak_large, found = _peak_bytes(large, subjects, settings)
    print(f"tracemalloc peak: {peak_small} B at 4k lines, {peak_large} B at 24k lines")
    assert peak_large < peak_small * 1.25 + 256 * 1024, (peak_small, peak_large)
    assert sum(c.entity == ID + "qais-al-khazali" for c in found) == settings.top


def test_brackets_glued_to_the_first_and_last_entity_are_accepted(tmp_path):
    dump = tmp_path / "glued.json"
    first, last = json.dumps(ENTITIES[0]), json.dumps(ENTITIES[2])
    dump.write_text(f"[{first},\n{last}]\n", encoding="utf-8")
    assert [json.loads(line.text)["id"] for line in dump_lines(dump)] == [
        "Q99000000001",
        "Q99000000003",
    ]
