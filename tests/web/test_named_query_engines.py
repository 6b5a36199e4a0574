"""Every named query gives the same answers on all three engines: embedded Oxigraph, rdflib,
and a remote Oxigraph server fed over the Graph Store Protocol.

All three run on a build of the reasoning fixture (a sourced slice of the data with dated
statements). On the full build only the two Oxigraph engines are compared: rdflib's
evaluator needs minutes for some of these queries at that size (measured while writing
this test), which is a reason to keep Oxigraph the default, not a difference in answers.
"""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from endpoint_helpers import oxigraph_server
from test_endpoint_differential import assert_same

from iraqkg.build import build
from iraqkg.engines import open_engine
from iraqkg.queries import load_named_queries
from iraqkg.settings import Paths

REPO = Path(__file__).resolve().parents[2]
NAMED = load_named_queries(REPO / "queries")
# Federated queries call Wikidata: test_wikidata_service.py runs them against a local mirror.
LOCAL = sorted(n for n, q in NAMED.items() if not q.services)


@pytest.fixture(scope="module")
def fixture_dataset(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reasoning-fixture")
    shutil.copytree(REPO / "tests" / "fixtures" / "reasoning" / "data", root / "data")
    return build(Paths(REPO / "ontology", root / "data", root / "build")).dataset_file


def _engines(settings, base: str, dataset: Path, kinds: tuple[str, ...]) -> dict:
    configured = {
        "oxigraph": settings,
        "rdflib": replace(settings, engine="rdflib"),
        "remote": replace(settings, engine="remote", endpoint=f"{base}/query"),
    }
    return {kind: open_engine(configured[kind], [dataset]) for kind in kinds}


@contextmanager
def _opened(settings, folder: Path, dataset: Path, kinds: tuple[str, ...]):
    # Each set gets a server of its own: the remote engine mirrors its dataset onto the store.
    with oxigraph_server(folder) as base:
        engines = _engines(settings, base, dataset, kinds)
        yield engines
        for engine in engines.values():
            engine.close()


def _compare(engines: dict, name: str, values: dict[str, str] | None = None) -> None:
    bound = NAMED[name].bind(values)
    answers = {
        kind: engine.query(bound.text, bindings=bound.as_dict()) for kind, engine in engines.items()
    }
    assert_same(answers)


# Each parameter's own example ("e.g. id:qais-al-khazali" in its description), bound.
EXAMPLES = {
    name: {p: m.group(1).rstrip(",") for p in q.parameters
           if (m := re.search(r"e\.g\. (\S+)", q.parameters[p]))}
    for name, q in NAMED.items()
}  # fmt: skip


@pytest.fixture(scope="module")
def fixture_engines(settings, fixture_dataset, tmp_path_factory):
    kinds = ("oxigraph", "rdflib", "remote")
    with _opened(settings, tmp_path_factory.mktemp("ox-a"), fixture_dataset, kinds) as engines:
        yield engines


@pytest.fixture(scope="module")
def full_build_engines(settings, built_dataset_file, tmp_path_factory):
    kinds = ("oxigraph", "remote")
    with _opened(settings, tmp_path_factory.mktemp("ox-b"), built_dataset_file, kinds) as engines:
        yield engines


@pytest.mark.parametrize("name", LOCAL)
def test_named_queries_agree_on_all_three_engines(fixture_engines, name):
    _compare(fixture_engines, name)


def test_the_fixture_gives_the_named_queries_something_to_answer(fixture_engines):
    engine = fixture_engines["oxigraph"]
    answered = [
        n for n in LOCAL if engine.query(NAMED[n].text, bindings=NAMED[n].bind().as_dict()).rows
    ]
    assert len(answered) >= 12


@pytest.mark.parametrize("name", LOCAL)
def test_named_queries_agree_on_the_full_build(full_build_engines, name):
    _compare(full_build_engines, name)


@pytest.mark.parametrize("name", [n for n in LOCAL if EXAMPLES[n]])
def test_named_queries_agree_with_parameters_bound(fixture_engines, name):
    _compare(fixture_engines, name, EXAMPLES[name])
