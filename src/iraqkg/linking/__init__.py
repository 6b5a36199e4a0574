"""Linking to Wikidata: reconciling unlinked entities against a Wikidata JSON dump
(``reconcile``, written to a review file by ``review``; never adding a link itself) and
writing QuickStatements for the statements Wikidata could take (``quickstatements``).

    from iraqkg.linking import reconcile_dump
    candidates = reconcile_dump("latest-all.json.gz", ontology="ontology", data="data")
"""

from __future__ import annotations

from pathlib import Path

from iraqkg.errors import InputError
from iraqkg.linking.names import Subject, links, unlinked_subjects
from iraqkg.linking.reconcile import (
    Candidate,
    Progress,
    read_type_map,
    reconcile,
    type_map_from_ontology,
)
from iraqkg.linking.review import write_review, write_review_file
from iraqkg.settings import LinkSettings

__all__ = [
    "Candidate",
    "LinkSettings",
    "Subject",
    "reconcile",
    "reconcile_dump",
    "write_review",
    "write_review_file",
]


def reconcile_dump(
    dump: Path | str,
    ontology: Path | str = "ontology",
    data: Path | str = "data",
    settings: LinkSettings | None = None,
    types: Path | str | None = None,
    progress: Progress | None = None,
) -> list[Candidate]:
    """Candidates for every unlinked entity of ``data`` from one pass over ``dump``.

    Classes map to Wikidata classes through the ontology's mappings (ontology/wikidata.ttl);
    a ``types`` file (CLASS<TAB>QID lines) adds classes that agree.
    """
    from iraqkg.build import ontology_files
    from iraqkg.loading import load_folder, new_graph, parse_file
    from iraqkg.settings import Paths

    if not Path(data).is_dir() or not Path(ontology).is_dir():
        raise InputError(f"no such folder: {data if not Path(data).is_dir() else ontology}")
    entities = load_folder(Path(data)).graph
    onto_files, _ = ontology_files(Paths(ontology=Path(ontology)))
    onto = new_graph()
    for path in onto_files:
        parse_file(path, onto)
    type_map = type_map_from_ontology(onto)
    if types is not None:
        type_map = type_map.extended(read_type_map(Path(types)))
    return reconcile(
        Path(dump),
        unlinked_subjects(entities),
        settings or LinkSettings(),
        type_map,
        links(entities),
        progress,
    )
