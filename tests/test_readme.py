"""The README's promises: the quick start matches CI, and the CLI reference matches --help."""

from __future__ import annotations

import re

import pytest

from iraqkg.cli.reference import with_reference

from .conftest import REPO

README = (REPO / "README.md").read_text()


def test_cli_reference_is_current():
    assert with_reference(README) == README, "run: python -m iraqkg.cli.reference"


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", quick)
    assert len(commands) == 3  # install+serve, install+test, and the curl check
    serve, test = commands[0], commands[1]
    assert serve.endswith("iraqkg serve") and "pip install -e ." in serve
    assert test.endswith("python -m pytest")
    assert test in (REPO / ".ci" / "run").read_text()


def test_the_example_query_prints_what_the_readme_shows(built_dataset_file):
    from click.testing import CliRunner

    from iraqkg.cli import main

    example = README.split("## An example", 1)[1]
    query = re.search(r"<<'EOF'\n(.+?)EOF\n", example, re.S).group(1)
    shown = re.search(r"```text\n(.+?)```", example, re.S).group(1)
    result = CliRunner().invoke(
        main, ["query", "-", "--dataset", str(built_dataset_file)], input=query
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == shown


def test_every_endpoint_setting_is_documented():
    from dataclasses import fields

    from iraqkg.settings import EndpointSettings

    table = README.split("Settings (all in", 1)[1].split("\n\n", 2)[1]
    missing = [f.name for f in fields(EndpointSettings) if f"`{f.name}`" not in table]
    assert missing == []


def test_the_python_api_example_prints_what_the_readme_shows(built_dataset_file, monkeypatch):
    import contextlib
    import io

    pytest.importorskip("pandas")
    section = README.split("## Python API", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.+?)```", section, re.S).group(1)
    shown = re.search(r"```text\n(.+?)```", section, re.S).group(1)
    # iraqkg.open() in the clone builds it when stale; point it at the session's build
    import iraqkg

    real_open = iraqkg.open
    monkeypatch.setattr(iraqkg, "open", lambda path=None: real_open(path or built_dataset_file))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {})
    assert printed.getvalue() == shown
