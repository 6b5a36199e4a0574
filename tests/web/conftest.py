"""Fixtures for the endpoint tests (helpers live in endpoint_helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from endpoint_helpers import MINI, oxigraph_server
from flask import Flask

from iraqkg.engines import open_engine
from iraqkg.settings import EndpointSettings
from iraqkg.web import create_app


@pytest.fixture(scope="session")
def settings() -> EndpointSettings:
    return EndpointSettings()


@pytest.fixture(scope="session")
def oxigraph_engine(settings: EndpointSettings):
    engine = open_engine(settings, [MINI])
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def app(settings: EndpointSettings, oxigraph_engine) -> Flask:
    """The endpoint over the mini dataset, queries in-thread (fast; no hard timeout)."""
    return create_app(settings, oxigraph_engine, {"build_id": "test-build"})


@pytest.fixture()
def client(app: Flask):
    return app.test_client()


@pytest.fixture(scope="session")
def oxigraph_base(tmp_path_factory) -> Iterator[str]:
    """One Oxigraph server for the whole session (remote engine, federation)."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        yield base


@pytest.fixture(scope="session")
def repo_engine(built_dataset_file):
    """The embedded engine over the repository's own build."""
    from iraqkg.engines import open_engine

    engine = open_engine(EndpointSettings(), [built_dataset_file])
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def repo_pages(repo_engine, built_dataset_file):
    """A test client of the app (entity pages, explanations) over the repository's build."""
    from page_helpers import make_app

    return make_app(repo_engine, [built_dataset_file]).test_client()
