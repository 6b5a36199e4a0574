"""The CLI, in process: commands, summaries, messages and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from iraqkg.build import current_id
from iraqkg.cli import main

from .conftest import REPO


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _folders(paths) -> list[str]:
    return ["--ontology", str(paths.ontology), "--data", str(paths.data)]


def test_validate_ok_exits_0(mini):
    result = _run("validate", *_folders(mini))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid: 3 data files")


def test_build_prints_counts_per_graph_class_and_stage(mini):
    result = _run("build", *_folders(mini), "--out", str(mini.out))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("built ") and lines[0].endswith("dataset.nq")
    assert lines[1].startswith("triples:  ontology ")
    assert "Person 3" in lines[2]
    assert lines[3].startswith("seconds:  parse ")
    again = _run("build", *_folders(mini), "--out", str(mini.out))
    assert again.output.startswith("unchanged ")


def test_syntax_error_exits_2_naming_file_line_column(mini):
    path = mini.data / "entities.ttl"
    path.write_text(path.read_text() + "\n:x a ikg:Person ikg:oops .\n")
    result = _run("build", *_folders(mini), "--out", str(mini.out))
    assert result.exit_code == 2
    assert f"error: {path}:" in result.output
    line = len(path.read_text().splitlines())
    assert f"entities.ttl:{line}:" in result.output


def test_contract_violation_exits_1_with_focus_path_and_message(mini):
    good = _run("build", *_folders(mini), "--out", str(mini.out))
    path = mini.data / "statements.ttl"
    path.write_text(path.read_text().replace("ikg:source :source-003 ;", ""))
    result = _run("build", *_folders(mini), "--out", str(mini.out))
    assert result.exit_code == 1
    assert "1 violation(s) of the data contract" in result.output
    assert "003-10-khazali-leads-aah https://w3id.org/iraqkg/ontology#source:" in result.output
    assert current_id(mini.out) == good.output.split()[1]


def test_missing_data_folder_exits_2(mini, tmp_path):
    result = _run("validate", "--ontology", str(mini.ontology), "--data", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "no such folder" in result.output


def test_stats_counts_statements_per_source_and_status(mini):
    result = _run("stats", "--data", str(mini.data), "--json")
    assert result.exit_code == 0
    figures = json.loads(result.output)
    assert figures["statements"] == 9
    assert figures["statements_per_source"] == {"source-000": 7, "source-002": 1, "source-003": 1}
    assert figures["statements_per_status"] == {"Alleged": 1, "Denied": 1, "Reported": 7}
    assert figures["statements_with_time_qualifier"] == 1  # the drone strike's date


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["serve", "--help"]])
def test_help_is_available(args):
    result = _run(*args)
    assert result.exit_code == 0 and "Usage:" in result.output


def _mini_args(paths) -> list[str]:
    return [*_folders(paths), "--out", str(paths.out), "--queries", str(REPO / "queries")]


def test_query_builds_when_needed_and_prints_a_table(mini):
    result = _run("query", "drone-strike-blame", *_mini_args(mini))
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if line.startswith(("Alleged", "Denied"))]
    # Source 000 para 1: the Kadhimi administration blamed PMU factions;
    # source 002 para 26: al-Khazali denied any involvement.
    cells = [[cell.strip() for cell in row.split(" | ")] for row in rows]
    assert (cells[0][3], cells[0][5]) == ("PMU factions", "Kadhimi administration")
    assert (cells[1][3], cells[1][5]) == ("Qais al-Khazali", "Qais al-Khazali")
    assert result.output.rstrip().endswith("(2 rows)")
    assert current_id(mini.out) is not None


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_query_formats_parse_back(mini, fmt):
    import csv
    import io

    result = _run("query", "armed-wings", "--format", fmt, *_mini_args(mini))
    assert result.exit_code == 0, result.output
    if fmt == "json":
        bindings = json.loads(result.stdout)["results"]["bindings"]
        wings = {b["wingName"]["value"] for b in bindings}
    else:
        reader = csv.DictReader(io.StringIO(result.stdout), delimiter="," if fmt == "csv" else "\t")
        wings = {row["wingName"] for row in reader}
    assert wings == {"Badr Organization"}  # source 000 para 26


def test_query_param_binds_and_bad_values_exit_2(mini):
    ok = _run(
        "query", "armed-wings", "--param", "party=id:sciri", "--format", "csv", *_mini_args(mini)
    )
    assert ok.exit_code == 0 and "Badr Organization" in ok.output
    none = _run(
        "query",
        "armed-wings",
        "--param",
        "party=id:fatah-alliance",
        "--format",
        "csv",
        *_mini_args(mini),
    )
    assert none.exit_code == 0 and "Badr" not in none.output
    bad = _run("query", "armed-wings", "--param", "party=} DROP ALL {", *_mini_args(mini))
    assert bad.exit_code == 2


def test_malformed_query_exits_2_with_the_parser_message(mini, tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("SELECT ?x WHERE { ?x ?y }")
    result = _run("query", str(path), *_mini_args(mini))
    assert result.exit_code == 2
    assert "error: syntax error at 1:26: expected" in result.stderr


def test_serve_get_healthz_reports_the_current_build(mini):
    result = _run("serve", *_mini_args(mini), "--get", "/healthz")
    assert result.exit_code == 0, result.output
    health = json.loads(result.output[result.output.index("{") :])
    assert health["build_id"] == current_id(mini.out)
    assert health["engine"] == "oxigraph"
    assert health["triples"]["https://w3id.org/iraqkg/graph/provenance"] > 0


def test_serve_keeps_the_last_good_build_when_the_rebuild_fails(mini):
    good = _run("build", *_folders(mini), "--out", str(mini.out))
    good_id = good.output.split()[1]
    path = mini.data / "statements.ttl"
    path.write_text(path.read_text() + "\nthis is not turtle\n")
    result = _run("serve", *_mini_args(mini), "--get", "/healthz")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["build_id"] == good_id
    assert f"using the last good build {good_id}" in result.stderr
    assert "statements.ttl:" in result.stderr  # the failure is still reported


def test_serve_without_any_good_build_fails_with_the_build_error(mini):
    path = mini.data / "statements.ttl"
    path.write_text(path.read_text() + "\nthis is not turtle\n")
    result = _run("serve", *_mini_args(mini), "--get", "/healthz")
    assert result.exit_code == 2
    assert "statements.ttl:" in result.stderr


def test_serve_offers_the_dump_of_a_dataset_named_by_a_relative_path(mini, monkeypatch):
    # regression: /dataset.nq was a 500 when --dataset was relative (Flask resolved it
    # against the package folder)
    built = _run("build", *_folders(mini), "--out", str(mini.out))
    dump = mini.out / built.output.split()[1] / "dataset.nq"
    monkeypatch.chdir(dump.parent)
    result = _run("serve", "--dataset", "dataset.nq", "--get", "/dataset.nq")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == dump.read_bytes()


def test_python_dash_m_iraqkg_is_the_command():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "iraqkg", "queries"], capture_output=True,
                          text=True, cwd=REPO, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "drone-strike-blame" in done.stdout
    assert "Usage: iraqkg" in subprocess.run([sys.executable, "-m", "iraqkg", "--help"],
                                             capture_output=True, text=True).stdout  # fmt: skip
