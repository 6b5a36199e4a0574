"""The review file ``iraqkg link`` writes: one candidate per line, for a person to check.

JSON lines by default (every field, nested evidence included); a ``.tsv`` file gets one
flat row per candidate instead, for a spreadsheet. A reviewer who accepts a candidate adds
``skos:exactMatch`` and ``ikg:wikidataEvidence`` to the data by hand, citing what they saw.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from iraqkg.linking.reconcile import Candidate

TSV_COLUMNS = (
    "entity", "entity_label", "qid", "wikidata_label", "wikidata_description", "score",
    "name_score", "ours", "ours_language", "theirs", "theirs_language", "theirs_kind",
    "type_agreement", "wikidata_p31", "already_linked_to", "dump_line",
)  # fmt: skip


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _tsv_row(record: dict) -> list[str]:
    matched, types = record["matched"], record["types"]
    flat = {
        **record,
        **{k: matched[k] for k in ("ours", "ours_language", "theirs", "theirs_language")},
        "theirs_kind": matched["theirs_kind"],
        "type_agreement": types["agreement"],
        "wikidata_p31": " ".join(types["wikidata_p31"]),
    }
    return [_cell(flat.get(column)) for column in TSV_COLUMNS]


def write_review(candidates: Iterable[Candidate], out: IO[str], tsv: bool = False) -> int:
    """Write the candidates to ``out``; returns how many were written."""
    count = 0
    if tsv:
        out.write("\t".join(TSV_COLUMNS) + "\n")
    for candidate in candidates:
        record = candidate.as_record()
        if tsv:
            out.write("\t".join(_tsv_row(record)) + "\n")
        else:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def write_review_file(candidates: Iterable[Candidate], path: Path) -> int:
    """Write to ``path`` (TSV when it ends in .tsv), replacing it only once complete."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as out:
        count = write_review(candidates, out, tsv=path.suffix.lower() == ".tsv")
    partial.replace(path)
    return count
