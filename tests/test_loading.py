"""Loading reads what rdflib's own parsers read, and says where a file is broken."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from iraqkg.errors import DataSyntaxError
from iraqkg.loading import load_folder, parse_file, rdf_files

REPO = Path(__file__).resolve().parents[1]
FILES = [
    *rdf_files(REPO / "ontology"),
    *rdf_files(REPO / "data"),
    *(p for p in rdf_files(REPO / "tests" / "fixtures") if "broken" not in p.parts),
]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_file_reads_as_rdflib_reads_it(path):
    ours = parse_file(path)
    theirs = Graph().parse(path, publicID=path.resolve().as_uri())
    assert len(ours) == len(theirs) > 0
    assert isomorphic(ours, theirs)


def test_blank_node_labels_belong_to_their_file(tmp_path):
    for name in ("a.ttl", "b.ttl"):
        (tmp_path / name).write_text(f'_:x <http://example.org/p> "{name}" .\n')
    loaded = load_folder(tmp_path)
    subjects = set(loaded.graph.subjects())
    assert len(subjects) == 2 and all(isinstance(s, BNode) for s in subjects)


def test_subjects_remember_the_first_file_that_describes_them(tmp_path):
    (tmp_path / "a.ttl").write_text('<http://example.org/s> <http://example.org/p> "1" .\n')
    (tmp_path / "b.ttl").write_text(
        '<http://example.org/t> <http://example.org/p> "2" .\n'
        '<http://example.org/s> <http://example.org/p> "3" .\n'
    )
    loaded = load_folder(tmp_path)
    assert {str(s): p.name for s, p in loaded.origin.items()} == {
        "http://example.org/s": "a.ttl",
        "http://example.org/t": "b.ttl",
    }
    assert loaded.where(next(iter(loaded.graph.subjects(None, None)))).startswith(str(tmp_path))


def test_text_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "latin1.ttl"
    path.write_bytes(
        b'<http://example.org/s> <http://example.org/p> "ok" .\n'
        b'<http://example.org/s> <http://example.org/p> "caf\xe9" .\n'
    )
    with pytest.raises(DataSyntaxError) as caught:
        parse_file(path)
    assert caught.value.problem.line == 2
    assert str(caught.value).startswith(f"{path}:2:")


def test_ntriples_errors_name_the_line(tmp_path):
    path = tmp_path / "broken.nt"
    path.write_text(
        '<http://example.org/s> <http://example.org/p> "1" .\n'
        "<http://example.org/s> <http://example.org/p> oops .\n"
        '<http://example.org/s> <http://example.org/p> "3" .\n'
    )
    with pytest.raises(DataSyntaxError) as caught:
        parse_file(path)
    assert (caught.value.problem.line, caught.value.problem.column) == (2, 47)
