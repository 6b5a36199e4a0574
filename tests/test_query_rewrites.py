"""Named queries rewritten for speed give the same answers as before the rewrite.

tests/fixtures/queries-before-rewrite/ keeps each query as it was; both versions run on the
repository's build with their defaults, and the answers must be the same multiset of rows
(ORDER BY ties may come out in another order).
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


@pytest.fixture(scope="module")
def engine(built_dataset_file):
    opened = open_engine(EndpointSettings(), [built_dataset_file])
    yield opened
    opened.close()


@pytest.mark.parametrize("name", REWRITTEN)
def test_a_rewritten_query_gives_the_same_answers(engine, name: str) -> None:
    old = parse_named_query(BEFORE / f"{name}.rq").bind({})
    new = load_named_queries(ROOT / "queries")[name].bind({})
    assert old.text != new.text, "the fixture should hold the query as it was before"
    assert old.bindings == new.bindings
    before = engine.query(old.text, bindings=old.as_dict())
    after = engine.query(new.text, bindings=new.as_dict())
    assert before.variables == after.variables
    assert len(after.rows) > 0
    assert Counter(after.rows) == Counter(before.rows)
