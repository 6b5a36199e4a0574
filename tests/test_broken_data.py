"""The corpus of broken data: each case, added to a copy of the mini data, gives exactly
this message and exit code from ``iraqkg validate`` and ``iraqkg build``, with no traceback
and nothing published. Small cases are files under tests/fixtures/broken/<case>/; large
or unstorable ones (a 50 MB literal, 200,000 nested blank nodes, symbolic links) are made
by the test."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from iraqkg.build import current_id
from iraqkg.cli import main

from .conftest import MINI, REPO

BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken"
TERM = "is not declared in the ontology (a typo, or a term to declare in the ontology first)"
OUTSIDE = "relation written outside an ikg:Statement: it has no source; write a statement"
IKG = "https://w3id.org/iraqkg/ontology#"
ST = "https://w3id.org/iraqkg/statement/"
ID = "https://w3id.org/iraqkg/id/"
PREFIXES = (
    "@prefix : <https://w3id.org/iraqkg/id/> .\n"
    "@prefix ikg: <https://w3id.org/iraqkg/ontology#> .\n"
)
LITERAL_SETTING = (
    "(setting max_literal_bytes: --max-literal-bytes or IRAQKG_BUILD_MAX_LITERAL_BYTES)"
)
SECRET = "the-content-of-a-file-outside-the-data-folder"


def _huge_literal(data: Path, outside: Path) -> None:
    (data / "huge.ttl").write_text(
        PREFIXES + "\n:sciri ikg:description " + '"' + "A" * 50_000_000 + '"@en .\n'
    )


def _long_literal(data: Path, outside: Path) -> None:
    (data / "long.ttl").write_text(PREFIXES + ':sciri ikg:description "' + "B" * 70_000 + '" .\n')


def _huge_file(data: Path, outside: Path) -> None:
    (data / "huge.nt").write_bytes(b"# padding\n" * 30_000_000)  # 300 MB of comments


def _nested_blank_nodes(data: Path, outside: Path) -> None:
    depth = 200_000
    body = "[ ikg:partOf " * depth + ":sciri" + " ]" * depth
    (data / "deep.ttl").write_text(PREFIXES + f":badr-organization ikg:description {body} .\n")


def _nested_lists(data: Path, outside: Path) -> None:
    depth = 100_000
    body = "(" * depth + ":sciri" + ")" * depth
    (data / "lists.ttl").write_text(PREFIXES + f"\n:badr-organization ikg:description {body} .\n")


def _symlink_file(data: Path, outside: Path) -> None:
    (outside / "secret.ttl").write_text(SECRET + "\n")
    (data / "evil.ttl").symlink_to(outside / "secret.ttl")


def _symlink_folder(data: Path, outside: Path) -> None:
    (outside / "more.ttl").write_text(SECRET + "\n")
    (data / "linked").symlink_to(outside, target_is_directory=True)


# case -> (how to make it, exit code, exact output). Exit 1: the data parses but breaks the
# contract (an ill-typed literal is such a value: valid Turtle, not a valid date). Exit 2:
# input error (unreadable, unparsable, over a limit, refused).
CASES = {
    "undeclared-class": (
        None,
        1,
        "error: 1 violation(s) of the data contract:\n"
        f"  - {ID}gandalf http://www.w3.org/1999/02/22-rdf-syntax-ns#type: "
        f"ikg:Wizard {TERM} [data/wizard.ttl:8]\n",
    ),
    "undeclared-predicate": (
        None,
        1,
        "error: 1 violation(s) of the data contract:\n"
        f"  - {ST}000-26-badr-controls-sciri {IKG}predicate: "
        f"ikg:secretlyControls {TERM} [data/controls.ttl:9]\n",
    ),
    "undeclared-property": (
        None,
        1,
        "error: 2 violation(s) of the data contract:\n"
        f"  - {ID}badr-organization {IKG}secretlyControls: "
        f"ikg:secretlyControls {TERM} [data/controls.ttl:8]\n"
        f"  - {ID}badr-organization {IKG}secretlyControls: {OUTSIDE} [data/controls.ttl:8]\n",
    ),
    "malformed-date": (
        None,
        1,
        "error: 1 violation(s) of the data contract:\n"
        f'  - {ST}000-01-drone-end {IKG}pointInTime: "2021-13-45" is not a valid xsd:date '
        "[data/dates.ttl:13]\n",
    ),
    "malformed-year-month": (
        None,
        1,
        "error: 1 violation(s) of the data contract:\n"
        f'  - {ST}000-01-when {IKG}start: "2021-13" is not a valid xsd:gYearMonth '
        "[data/dates.ttl:13]\n",
    ),
    "binary-file": (None, 2, "error: data/image.ttl:1:1: Invalid UTF-8 character encoding\n"),
    "latin-1": (
        None,
        2,
        "error: data/latin.ttl:3:35: Invalid UTF-8: invalid utf-8 sequence of 1 bytes "
        "from index 12\n",
    ),
    "empty-file": (None, 0, "valid: 4 data files"),
    "bom-and-crlf": (None, 0, "valid: 4 data files"),
    "huge-literal": (
        _huge_literal,
        2,
        "error: data/huge.ttl:4: a literal or IRI of more than 16,777,216 bytes is longer "
        f"than the limit of 65,536 {LITERAL_SETTING}\n",
    ),
    "long-literal": (
        _long_literal,
        2,
        "error: data/long.ttl:3: a literal of 70,000 bytes is longer than the limit of "
        f"65,536 {LITERAL_SETTING}\n",
    ),
    "huge-file": (
        _huge_file,
        2,
        "error: data/huge.nt: 300,000,000 bytes is larger than the limit of 268,435,456 per "
        "file (setting max_file_bytes: --max-file-bytes or IRAQKG_BUILD_MAX_FILE_BYTES)\n",
    ),
    "nested-blank-nodes": (
        _nested_blank_nodes,
        1,
        "error: 399999 violation(s) of the data contract:\n"
        f"  - [a blank node in {ID}badr-organization] {IKG}partOf: {OUTSIDE} "
        "[data/deep.ttl:3] (200,000 times)\n"
        f"  - [a blank node in {ID}badr-organization]: is the object of a relation but is "
        "not defined: give it a type and a skos:prefLabel [data/deep.ttl:3] (199,999 times)\n",
    ),
    "nested-lists": (
        _nested_lists,
        1,
        "error: 200000 violation(s) of the data contract:\n"
        f"  - [a blank node in {ID}badr-organization] "
        f"http://www.w3.org/1999/02/22-rdf-syntax-ns#first: {OUTSIDE} "
        "[data/lists.ttl:4] (100,000 times)\n"
        f"  - [a blank node in {ID}badr-organization] "
        f"http://www.w3.org/1999/02/22-rdf-syntax-ns#rest: {OUTSIDE} "
        "[data/lists.ttl:4] (100,000 times)\n",
    ),
    "symlink-to-file-outside": (
        _symlink_file,
        2,
        "error: data/evil.ttl: a symbolic link to a file outside data; refused (not read)\n",
    ),
    "symlink-to-folder-outside": (
        _symlink_folder,
        2,
        "error: data/linked: a symbolic link to a folder outside data; refused (not read)\n",
    ),
}


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """ontology/ and data/ (the mini data) in a fresh folder, which is the working
    directory, so messages name data/<file> as an author would see them."""
    shutil.copytree(REPO / "ontology", tmp_path / "ontology")
    shutil.copytree(MINI / "data", tmp_path / "data")
    (tmp_path / "outside").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_every_stored_case_is_in_the_table():
    assert {p.name for p in BROKEN.iterdir()} <= set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_broken_case_gives_its_message_and_exit_code(case, workspace, caplog):
    make, code, expected = CASES[case]
    if make is None:
        for path in (BROKEN / case).iterdir():
            shutil.copy(path, workspace / "data" / path.name)
    else:
        make(workspace / "data", workspace / "outside")
    # validate as well as build for the small cases (the large ones take seconds each).
    commands = ["build", "validate"] if make is None else ["build"]
    with caplog.at_level(logging.WARNING):
        results = {command: _run(command) for command in commands}
    for command, result in results.items():
        assert result.exit_code == code, (command, result.output)
        assert SECRET not in result.output
        if code == 0:
            assert result.output.startswith("built " if command == "build" else expected)
        else:
            assert result.output == expected, command
    if code:
        assert current_id(workspace / "build") is None  # nothing was published
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_a_good_build_stays_current_when_a_broken_file_arrives(workspace):
    good = _run("build", "--out", "build")
    assert good.exit_code == 0
    shutil.copy(BROKEN / "malformed-date" / "dates.ttl", workspace / "data")
    assert _run("build", "--out", "build").exit_code == 1
    assert current_id(workspace / "build") == good.output.split()[1]


def test_literal_limit_is_a_setting_from_the_cli_and_the_environment(workspace):
    _long_literal(workspace / "data", workspace / "outside")
    assert _run("validate", "--max-literal-bytes", "100000").exit_code == 0
    result = CliRunner(env={"IRAQKG_VALIDATE_MAX_LITERAL_BYTES": "100"}).invoke(
        main, ["validate", "--max-literal-bytes", "100000"]
    )
    assert result.exit_code == 0  # the option wins over the environment
    result = CliRunner(env={"IRAQKG_BUILD_MAX_LITERAL_BYTES": "1000"}).invoke(main, ["build"])
    assert result.exit_code == 2
    assert "longer than the limit of 1,000 (setting max_literal_bytes" in result.output
    bad = _run("validate", "--max-literal-bytes", "10")
    assert bad.exit_code == 2
    assert "max_literal_bytes=10 is outside 64..16777216" in bad.output


def test_a_symlink_inside_the_data_folder_is_read(workspace):
    (workspace / "data" / "alias.ttl").symlink_to(workspace / "data" / "entities.ttl")
    result = _run("validate")
    assert result.exit_code == 0
    assert result.output.startswith("valid: 4 data files")


@pytest.mark.skipif(os.name != "posix", reason="symbolic links and flock")
def test_the_source_library_reads_no_file_outside_its_folder(tmp_path):
    from iraqkg.provenance import SourceLibrary

    sources = tmp_path / "sources"
    sources.mkdir()
    (tmp_path / "secret.txt").write_text(SECRET)
    (sources / "link.txt").symlink_to(tmp_path / "secret.txt")
    (sources / "latin.txt").write_bytes(b"caf\xe9\n")
    (sources / "ok.txt").write_text("First paragraph.\n\nSecond one.\n")
    library = SourceLibrary(sources)
    for name in ("../secret.txt", str(tmp_path / "secret.txt"), "link.txt", "latin.txt", ".."):
        assert library.paragraphs_of(name) is None, name
        problem = library.check_quote("st:x", name, 1, SECRET)
        assert problem is not None and "not found" in problem.message
    assert library.paragraphs_of("ok.txt") == ["First paragraph.", "Second one."]


# A killed build: the staging folder it leaves is removed by the next build, unless a
# build that is still running holds it.

_KILLED_BUILD = """
import os, signal, sys, tempfile
from pathlib import Path
from iraqkg.build.output import STAGING_PREFIX, _hold
staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=sys.argv[1]))
lock = _hold(staging)
(staging / "dataset.nq").write_text("half a dataset")
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(os.name != "posix", reason="flock and SIGKILL")
def test_the_next_build_removes_what_a_killed_build_left(workspace):
    import subprocess
    import sys

    out = workspace / "build"
    out.mkdir()
    killed = subprocess.run([sys.executable, "-c", _KILLED_BUILD, str(out)], check=False)
    assert killed.returncode == -9
    left = list(out.glob(".staging-*"))
    assert len(left) == 1 and (left[0] / "dataset.nq").exists()
    result = _run("build", "--out", "build")
    assert result.exit_code == 0, result.output
    assert list(out.glob(".staging-*")) == []
    assert current_id(out) == result.output.split()[1]


@pytest.mark.skipif(os.name != "posix", reason="flock")
def test_a_staging_folder_a_running_build_holds_is_left_alone(workspace):
    from iraqkg.build.output import STAGING_PREFIX, _hold, remove_stale_staging

    out = workspace / "build"
    out.mkdir()
    running = out / f"{STAGING_PREFIX}running"
    running.mkdir()
    lock = _hold(running)  # as a concurrent build does while it writes
    fresh = out / f"{STAGING_PREFIX}just-made"  # made, not locked yet
    fresh.mkdir()
    old = out / f"{STAGING_PREFIX}old-without-lock"  # from a build killed before it locked
    old.mkdir()
    os.utime(old, (1_000_000_000, 1_000_000_000))
    try:
        assert remove_stale_staging(out) == [old]
        assert _run("build", "--out", "build").exit_code == 0
        assert running.is_dir() and fresh.is_dir()
    finally:
        lock.close()
    assert remove_stale_staging(out) == [running]  # released: now stale
