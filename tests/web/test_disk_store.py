"""store="disk": one on-disk Oxigraph store beside the dataset, opened read-only by every
worker (src/iraqkg/engines/disk_store.py). It must answer exactly as the in-memory store."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from endpoint_helpers import make_pool_app

from iraqkg.engines import EngineFactory, open_engine
from iraqkg.engines.disk_store import PREFIX, store_dir
from iraqkg.queries import load_named_queries
from iraqkg.settings import EndpointSettings

REPO = Path(__file__).resolve().parents[2]
QUERIES = {n: q for n, q in load_named_queries(REPO / "queries").items() if not q.services}
MEMORY = EndpointSettings()
DISK = replace(MEMORY, store="disk")


@pytest.fixture(scope="module")
def dataset(built_dataset_file, tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("disk-store") / "dataset.nq"
    shutil.copy(built_dataset_file, copy)
    return copy


@pytest.fixture(scope="module")
def engines(dataset):
    memory, disk = open_engine(MEMORY, [dataset]), open_engine(DISK, [dataset])
    yield memory, disk
    memory.close()
    disk.close()


def _answer(engine, name: str):
    bound = QUERIES[name].bind({})
    result = engine.query(bound.text, bindings=bound.as_dict())
    if result.kind == "ask":
        return result.boolean
    return result.variables, Counter(result.rows)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_named_query_answers_alike_from_disk_and_memory(engines, name: str):
    memory, disk = engines
    assert _answer(disk, name) == _answer(memory, name)


def test_the_store_is_written_once_and_counts_the_same(engines, dataset):
    memory, disk = engines
    assert disk.counts() == memory.counts()
    stores = sorted(p for p in dataset.parent.glob(PREFIX + "*") if p.is_dir())
    assert stores == [store_dir([dataset], True)]  # no half-written store left beside it
    before = stores[0].stat().st_mtime_ns
    again = open_engine(DISK, [dataset])  # opens the store, does not write it again
    assert again.counts() == memory.counts()
    again.close()
    assert stores[0].stat().st_mtime_ns == before


def test_a_changed_dataset_gets_a_new_store(tmp_path, dataset):
    copy = tmp_path / "dataset.nq"
    shutil.copy(dataset, copy)
    first = store_dir([copy], True)
    lines = copy.read_text(encoding="utf-8").splitlines(True)
    copy.write_text("".join(lines[:-1]), encoding="utf-8")  # one quad fewer
    assert store_dir([copy], True) != first
    engine = open_engine(DISK, [copy])
    assert sum(engine.counts().values()) < sum(open_engine(DISK, [dataset]).counts().values())
    engine.close()


def test_query_workers_open_the_store_the_parent_wrote(tmp_path, dataset):
    from iraqkg.web import close_app
    from iraqkg.web.state import EXTENSION
    from iraqkg.web.tasks import Task

    copy = tmp_path / "dataset.nq"
    shutil.copy(dataset, copy)
    settings = replace(DISK, workers=2, cache_bytes=0, fast_lane_ms=0)
    factory = EngineFactory(settings, [copy])
    factory.prepare()
    assert store_dir([copy], True).is_dir()  # written in the parent, before any worker
    app = make_pool_app(settings, [copy])
    try:
        pool = app.extensions[EXTENSION].executor
        bodies = {pool.run(Task("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")).body for _ in range(4)}
        assert len(bodies) == 1 and b'"n"' in bodies.pop()
        assert len(pool.pids()) == 2
    finally:
        close_app(app)
