"""Where commands find their folders: the working directory's, else the installed copy.

The installed layout is made here the way the wheel's build hook makes it (the folders and
a build under iraqkg/_data); the real wheel is built and installed by .ci/wheel-smoke.
"""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from iraqkg import project
from iraqkg.build import build
from iraqkg.cli import main
from iraqkg.settings import BuildSettings, Paths

from .conftest import MINI, REPO


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """A fake installed copy (the wheel's layout) with its build, and an empty working dir."""
    root = tmp_path / "site" / "_data"
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(MINI / "data", root / "data")
    shutil.copytree(REPO / "queries", root / "queries")
    build(
        Paths(root / "ontology", root / "data", root / "build"), BuildSettings(check_quotes=False)
    )
    monkeypatch.setattr(project, "packaged_root", lambda: root)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return root


def test_without_a_clone_the_installed_copy_and_its_build_are_used(installed):
    found = project.locate()
    assert (found.ontology, found.data, found.queries) == (
        installed / "ontology",
        installed / "data",
        installed / "queries",
    )
    assert found.packaged_build and found.out == installed / "build"
    files, build_id = found.dataset_files()
    assert files[0].is_relative_to(installed / "build") and build_id


def test_commands_work_from_any_directory_and_write_nothing(installed, tmp_path):
    runner = CliRunner()
    listed = runner.invoke(main, ["queries"])
    assert listed.exit_code == 0 and "pmf-members:" in listed.output
    asked = runner.invoke(main, ["query", "armed-wings", "--format", "csv"])
    assert asked.exit_code == 0, asked.output
    assert "Badr Organization" in asked.output  # mini data: source 000 paragraph 26
    health = runner.invoke(main, ["serve", "--get", "/healthz"])
    assert health.exit_code == 0, health.output
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_clone_uses_its_own_folders(installed, tmp_path, monkeypatch):
    clone = tmp_path / "clone"
    shutil.copytree(REPO / "ontology", clone / "ontology")
    shutil.copytree(MINI / "data", clone / "data")
    (clone / "queries").mkdir()
    monkeypatch.chdir(clone)
    found = project.locate()
    assert (found.ontology, found.data, found.queries, found.out) == (
        project.Path("ontology"),
        project.Path("data"),
        project.Path("queries"),
        project.Path("build"),
    )
    assert not found.packaged_build


def test_queries_with_none_found_is_an_error_not_silence(tmp_path):
    empty = tmp_path / "no-queries"
    empty.mkdir()
    result = CliRunner().invoke(main, ["queries", "--queries", str(empty)])
    assert result.exit_code == 2
    assert "no named queries" in result.output


def test_no_file_of_the_package_is_ignored_by_git():
    # Regression: .gitignore's "build/" matched src/iraqkg/build/, so the build package was
    # never committed and a clean clone could not import iraqkg.
    import subprocess

    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    files = [str(p.relative_to(REPO)) for p in (REPO / "src").rglob("*") if p.is_file()]
    files = [f for f in files if "__pycache__" not in f]
    found = subprocess.run(["git", "check-ignore", "--no-index", *files], cwd=REPO,
                           capture_output=True, text=True)  # fmt: skip
    assert found.stdout.split() == []
