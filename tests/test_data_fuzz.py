"""Hostile data files: whatever bytes a data file holds, validate ends with a clear error
(or passes), never a traceback; found with hypothesis, each fix has a case in
tests/test_broken_data.py."""

from __future__ import annotations

import logging
import os
import shutil

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iraqkg.cli import main

from .conftest import MINI, REPO

VALID = (MINI / "data" / "statements.ttl").read_bytes()


def _mutations():
    """Valid data, then broken in the ways files break: cut, spliced with junk, re-encoded,
    given a BOM or CRLF line ends, a huge line, control characters."""
    position = st.integers(0, len(VALID))
    junk = st.one_of(
        st.binary(max_size=40),
        st.text(max_size=40).map(lambda t: t.encode("utf-8")),
        st.sampled_from(
            [b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b'"', b"<", b"[", b"(", b"\\u0000", b'"""']
        ),
    )
    splice = st.tuples(position, junk).map(lambda pj: VALID[: pj[0]] + pj[1] + VALID[pj[0] :])
    cut = position.map(lambda n: VALID[:n])
    recoded = st.sampled_from(["latin-1", "utf-16", "utf-8-sig", "cp1252"]).map(
        lambda enc: VALID.decode("utf-8").encode(enc, errors="replace")
    )
    crlf = st.just(VALID.replace(b"\n", b"\r\n"))
    long_line = st.integers(1, 200_000).map(lambda n: b"# " + b"x" * n + b"\n" + VALID)
    return st.one_of(splice, cut, recoded, crlf, long_line, st.binary(max_size=200))


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(MINI / "data", root / "data")
    return root


@settings(
    max_examples=int(os.environ.get("IRAQKG_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=_mutations(), suffix=st.sampled_from([".ttl", ".nt", ".trig", ".nq"]))
def test_any_bytes_give_a_clear_error_not_a_traceback(folders, content, suffix, caplog):
    for old in (folders / "data").glob("fuzzed.*"):
        old.unlink()
    (folders / "data" / f"fuzzed{suffix}").write_bytes(content)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        result = CliRunner().invoke(
            main,
            ["validate", "--ontology", str(folders / "ontology"), "--data", str(folders / "data")],
            catch_exceptions=False,  # any exception fails the test
        )
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    if result.exit_code == 0:
        assert result.output.startswith("valid: 4 data files")
    else:
        assert result.output.startswith("error: "), result.output
        first = result.output.splitlines()[0]
        # A syntax or input error names the file; a contract violation lists where it is.
        assert "fuzzed" in result.output or "violation(s) of the data contract" in first
