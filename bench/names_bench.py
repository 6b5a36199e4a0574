"""How long ``iraqkg names`` takes on the repository's data and the five sources.

    python bench/names_bench.py            # -> bench/results/names.json

The median of N runs of each stage: reading the labels from data/, finding every label in
every paragraph (``find_names``: per paragraph, only the forms whose longest word it
holds, each searched alone, overlaps resolved leftmost then longest), writing the
statements (quote windows and checks), and the same search as one alternation of every form
over every paragraph (how it was first written) for comparison. Needs ../shared/sources.
One run on a shared machine is an indication, not a measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
SOURCES = REPO.parent / "shared" / "sources"
sys.path.insert(0, str(REPO / "src"))

from iraqkg.authoring import name_statements, names  # noqa: E402
from iraqkg.loading import rdf_files, read_folder_files  # noqa: E402
from iraqkg.provenance import SourceLibrary  # noqa: E402


def _median_ms(run, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1), value


def _one_alternation(labels, library, files) -> int:
    forms: dict[str, list[str]] = {}
    for label in filter(names.is_name, labels):
        forms.setdefault(label.form, []).append(label.text)
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    finder = re.compile(
        r"(?<!\w)(?:" + "|".join(f"({names._form_pattern(forms[f])})" for f in ordered) + r")(?!\w)"
    )
    return sum(
        len(finder.findall(names.fold_quotes(p)))
        for f in files
        for p in library.paragraphs_of(f) or ()
    )


def run(repeat: int) -> dict:
    data = REPO / "data"
    files = [p for p in rdf_files(data) if p.name != name_statements.NAMES_FILE]
    load_ms, graph = _median_ms(lambda: read_folder_files(files).graph, repeat)
    labels = names.read_labels(graph)
    documents = names.source_files(graph)
    library = SourceLibrary(SOURCES)
    sources = sorted(documents.values())
    find_ms, findings = _median_ms(lambda: names.find_names(labels, library, sources), repeat)
    write_ms, found = _median_ms(
        lambda: name_statements.statements(findings, library, documents), repeat
    )
    naive_ms, naive = _median_ms(lambda: _one_alternation(labels, library, sources), repeat)
    paragraphs = sum(len(library.paragraphs_of(f) or ()) for f in sources)
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "repeat": repeat,
        "labels": len(labels),
        "paragraphs": paragraphs,
        "occurrences": len(findings.occurrences),
        "statements": len(found),
        "ms": {
            "read_labels": load_ms,
            "find_names": find_ms,
            "statements": write_ms,
            "one_alternation_for_comparison": naive_ms,
        },
        "one_alternation_matches": naive,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not SOURCES.is_dir():
        sys.exit(f"no source texts in {SOURCES}")
    results = run(args.repeat)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "names.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
