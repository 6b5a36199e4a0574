"""Fixtures shared by all tests: the repository, the mini fixture, the shared folder, builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iraqkg.build import build
from iraqkg.settings import Paths

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared folder beside the checkout (sources, reference, W3C tests); skip without it."""
    if not (SHARED / "sources").is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def sources_dir(shared_dir: Path) -> Path:
    return shared_dir / "sources"


@pytest.fixture
def mini(tmp_path: Path) -> Paths:
    """A private copy of the mini fixture (real ontology, a small sourced data slice)."""
    shutil.copytree(REPO / "ontology", tmp_path / "ontology")
    shutil.copytree(MINI / "data", tmp_path / "data")
    sources = SHARED / "sources" if (SHARED / "sources").is_dir() else None
    return Paths(tmp_path / "ontology", tmp_path / "data", tmp_path / "build", sources)


@pytest.fixture(scope="session")
def repo_build(tmp_path_factory: pytest.TempPathFactory):
    """The repository's own ontology and data, built once per test session."""
    out = tmp_path_factory.mktemp("repo-build")
    return build(Paths(REPO / "ontology", REPO / "data", out, None))


@pytest.fixture(scope="session")
def built_dataset_file(repo_build) -> Path:
    """N-Quads file of the repository's build (four named graphs)."""
    return repo_build.dataset_file


@pytest.fixture(scope="session")
def ask(built_dataset_file):
    """Run a named query on the repository's build (embedded Oxigraph), defaults applied;
    rows as dicts of short strings (prefixed IRIs, literal text), unbound cells left out."""
    from iraqkg.engines import open_engine
    from iraqkg.queries import load_named_queries
    from iraqkg.settings import EndpointSettings
    from iraqkg.tables import short

    queries = load_named_queries(REPO / "queries")
    engine = open_engine(EndpointSettings(), [built_dataset_file])

    def run(name: str, **params: str) -> list[dict[str, str]]:
        bound = queries[name].bind(params)
        result = engine.query(bound.text, bindings=bound.as_dict())
        return [
            {v: short(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.rows
        ]

    yield run
    engine.close()
