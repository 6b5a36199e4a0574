"""granian's event loop (EndpointSettings.event_loop): uvloop when installed, else asyncio;
asked for by name, it must be there. The granian tests elsewhere run on the default."""

from __future__ import annotations

import asyncio
import sys

import pytest
from click.testing import CliRunner

from iraqkg.cli import main
from iraqkg.errors import InputError
from iraqkg.settings import EndpointSettings
from iraqkg.web.server import _loop_runner


def test_asyncio_by_name_is_asyncio():
    assert _loop_runner("asyncio") is asyncio.run


def test_auto_is_uvloop_when_installed():
    uvloop = pytest.importorskip("uvloop")
    assert _loop_runner("auto") is uvloop.run
    assert _loop_runner("uvloop") is uvloop.run


def test_without_uvloop_auto_falls_back_and_uvloop_is_an_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import uvloop now raises ImportError
    assert _loop_runner("auto") is asyncio.run
    with pytest.raises(InputError, match="pip install uvloop"):
        _loop_runner("uvloop")


def test_an_unknown_loop_is_refused():
    with pytest.raises(ValueError, match="event_loop='trio'"):
        EndpointSettings(event_loop="trio")
    done = CliRunner().invoke(main, ["serve", "--event-loop", "trio"])
    assert done.exit_code == 2
    assert "trio" in done.output
