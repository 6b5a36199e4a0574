"""The library API, as a script or notebook would use it."""

from __future__ import annotations

import pytest

import iraqkg
from iraqkg.errors import InputError, ValidationFailed

from .conftest import REPO


def test_build_then_query_the_current_build(mini):
    result = iraqkg.build(mini.ontology, mini.data, mini.out)
    answer = iraqkg.query(
        "PREFIX ikg: <https://w3id.org/iraqkg/ontology#> "
        "SELECT ?wing WHERE { ?wing ikg:armedWingOf ?party }",
        dataset=result.dataset_file,
    )
    assert answer.kind == "select"
    assert [str(row[0]) for row in answer.rows] == [
        "https://w3id.org/iraqkg/id/badr-organization"  # source 000 para 26
    ]


def test_named_query_with_parameters(mini):
    result = iraqkg.build(mini.ontology, mini.data, mini.out)
    answer = iraqkg.named_query(
        "drone-strike-blame", queries=REPO / "queries", dataset=result.dataset_file
    )
    statuses = sorted(str(row[answer.variables.index("status")]) for row in answer.rows)
    assert statuses == ["Alleged", "Denied"]
    with pytest.raises(InputError):
        iraqkg.named_query("no-such-query", queries=REPO / "queries", dataset=result.dataset_file)


def test_validate_raises_on_broken_data(mini):
    iraqkg.validate(mini.ontology, mini.data)
    path = mini.data / "entities.ttl"
    # A second preferred label (an undated event is no longer a violation: issue 12).
    path.write_text(path.read_text() + '\n:x a ikg:Protest ; skos:prefLabel "x"@en , "y"@en .\n')
    with pytest.raises(ValidationFailed):
        iraqkg.validate(mini.ontology, mini.data)
