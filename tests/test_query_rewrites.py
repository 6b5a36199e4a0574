"""Named queries rewritten for speed give the same answers as before the rewrite.

tests/fixtures/queries-before-rewrite/ keeps each query as it was; both versions run on the
repository's build with their defaults and with the other values below, and the answers must
be the same multiset of rows (ORDER BY ties may come out in another order).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from iraqkg.engines import open_engine
from iraqkg.queries import load_named_queries, parse_named_query
from iraqkg.settings import EndpointSettings

ROOT = Path(__file__).resolve().parent.parent
BEFORE = ROOT / "tests" / "fixtures" / "queries-before-rewrite"
REWRITTEN = sorted(p.stem for p in BEFORE.glob("*.rq"))

# Values besides the defaults, each giving rows: a rewrite must hold for every binding, and a
# bound parameter changes which pattern is most selective. (The old versions are slow: a few.)
OTHER_VALUES: dict[str, list[dict[str, str]]] = {
    "affiliated-at-date": [
        {"org": "id:popular-mobilization-forces", "date": '"2021-11-07"^^xsd:date'},
        {"date": '"2021-11-07"^^xsd:date'},
    ],
    "affiliated-during": [
        {
            "org": "id:popular-mobilization-forces",
            "from": '"2016-01-01"^^xsd:date',
            "until": '"2016-12-31"^^xsd:date',
        },
    ],
    "alliances-and-rivalries": [{"actor": "id:kataib-hezbollah"}],
    "actor-timeline": [
        {"actor": "id:popular-mobilization-forces"},
        {"actor": "id:kataib-hezbollah"},
        {"actor": "id:mustafa-al-kadhimi"},
    ],
    "events-timeline": [{"from": '"2020"'}],
    "figures": [
        {"entity": "id:popular-mobilization-forces"},
        {"measure": "ikg:seatsWon"},
    ],
    "office-holders-at-date": [
        {"date": '"2020-06-01"'},  # two possible holders: "open"
        {"date": '"2000-01-01"'},  # no dated term: one row, unbound holder
        {"office": "id:speaker-of-the-council-of-representatives", "date": '"2022-06-01"'},
    ],
    "relations-at-date": [
        {"entity": "id:qais-al-khazali"},
        {"relation": "ikg:memberOf"},
        {"date": '"2020-01-15"^^xsd:date'},
        {"entity": "id:qais-al-khazali", "date": '"2020-01-15"^^xsd:date'},
    ],
    "statements-by-source": [{"source": "id:source-002"}, {"source": "id:source-000"}],
}
# Their old texts gave one row per type of an event that has several (a path outside any
# DISTINCT; rdflib and Virtuoso gave it once): the rewrite keeps each row once.
ONE_ROW_PER_TYPE = {"actor-timeline"}
CASES = [(name, {}) for name in REWRITTEN] + [
    (name, values) for name, cases in sorted(OTHER_VALUES.items()) for values in cases
]


@pytest.fixture(scope="module")
def engine(built_dataset_file):
    opened = open_engine(EndpointSettings(), [built_dataset_file])
    yield opened
    opened.close()


def test_other_values_are_given_only_for_rewritten_queries() -> None:
    assert set(OTHER_VALUES) <= set(REWRITTEN)


@pytest.mark.parametrize(
    ("name", "values"), CASES, ids=[f"{n}{sorted(v.items())}" for n, v in CASES]
)
def test_a_rewritten_query_gives_the_same_answers(engine, name: str, values: dict) -> None:
    old = parse_named_query(BEFORE / f"{name}.rq").bind(values)
    new = load_named_queries(ROOT / "queries")[name].bind(values)
    assert old.text != new.text, "the fixture should hold the query as it was before"
    assert old.bindings == new.bindings
    before = engine.query(old.text, bindings=old.as_dict())
    after = engine.query(new.text, bindings=new.as_dict())
    assert before.variables == after.variables
    assert len(after.rows) > 0
    if name in ONE_ROW_PER_TYPE:
        # the old text repeated a row once per type of the event: the new gives it once
        assert set(after.rows) == set(before.rows)
        assert Counter(after.rows) <= Counter(before.rows)
    else:
        assert Counter(after.rows) == Counter(before.rows)
