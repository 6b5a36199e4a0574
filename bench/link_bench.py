"""How fast ``iraqkg link`` reads a Wikidata JSON dump: lines and megabytes per second.

    python bench/link_bench.py [--lines 5000]      # -> bench/results/link.json

The dump is SYNTHETIC (made-up entities in the dump's line format, ids beyond any real
item): each line carries labels and aliases in 20 languages and 40 claims, about 9 KB;
one line in ten shares a word with a name of ours (so it is parsed and compared), one in a
thousand is a namesake (a candidate). Measured: plain, gzip and bzip2 files, with and
without the pre-filter, against the repository's unlinked entities. One run on a shared
machine is an indication, not a measurement.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO / "src"))

from iraqkg.linking.names import links, unlinked_subjects  # noqa: E402
from iraqkg.linking.reconcile import reconcile  # noqa: E402
from iraqkg.loading import load_folder  # noqa: E402
from iraqkg.settings import LinkSettings  # noqa: E402

LANGUAGES = ["en", "ar", "de", "fr", "es", "it", "nl", "pl", "ru", "fa", "tr", "ku", "he",
             "ja", "zh", "pt", "sv", "uk", "ur", "id"]  # fmt: skip


def entity(n: int) -> dict:
    if n % 1000 == 0:
        name = "Qais al-Khazali"
    elif n % 10 == 0:
        name = f"Kataib synthetic {n}"
    else:
        name = f"synthetic entity {n}"
    value = {"value": {"entity-type": "item", "id": "Q99000000999"}, "type": "wikibase-entityid"}
    claim = {
        "mainsnak": {
            "snaktype": "value",
            "property": "P31",
            "datavalue": value,
            "datatype": "wikibase-item",
        },
        "type": "statement",
        "id": f"Q99{n:09d}$00000000-0000-4000-8000-000000000000",
        "rank": "normal",
        "references": [{"hash": "0" * 40, "snaks": {}, "snaks-order": []}],
    }  # fmt: skip
    return {
        "type": "item",
        "id": f"Q99{n:09d}",
        "labels": {lang: {"language": lang, "value": f"{name} {lang}"} for lang in LANGUAGES},
        "descriptions": {lang: {"language": lang, "value": "synthetic"} for lang in LANGUAGES},
        "aliases": {"en": [{"language": "en", "value": f"alias {n}"}]},
        "claims": {f"P{p}": [claim] for p in range(31, 71)},
        "sitelinks": {},
    }


def write_dump(path: Path, lines: int) -> None:
    opener = gzip.open if path.suffix == ".gz" else bz2.open if path.suffix == ".bz2" else open
    with opener(path, "wt", encoding="utf-8") as out:
        out.write("[\n")
        for n in range(1, lines + 1):
            out.write(json.dumps(entity(n)) + ("," if n < lines else "") + "\n")
        out.write("]\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    args = parser.parse_args()
    data = load_folder(REPO / "data").graph
    subjects, linked = unlinked_subjects(data), links(data)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "dump.json"
        write_dump(plain, args.lines)
        text_bytes = plain.stat().st_size
        for suffix in ("", ".gz", ".bz2"):
            path = plain if not suffix else Path(tmp) / f"dump.json{suffix}"
            if suffix:
                write_dump(path, args.lines)
            for prefilter in (True, False):
                start = time.perf_counter()
                found = reconcile(path, subjects, LinkSettings(prefilter=prefilter), None, linked)
                seconds = time.perf_counter() - start
                runs.append(
                    {
                        "file": "plain" if not suffix else suffix[1:],
                        "prefilter": prefilter,
                        "seconds": round(seconds, 3),
                        "lines_per_second": round(args.lines / seconds),
                        "text_mb_per_second": round(text_bytes / seconds / 1e6, 2),
                        "file_mb_per_second": round(path.stat().st_size / seconds / 1e6, 2),
                        "candidates": len(found),
                    }
                )
                print(runs[-1], flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "lines": args.lines,
        "bytes_per_line": round(text_bytes / args.lines),
        "subjects": len(subjects),
        "runs": runs,
    }
    (RESULTS / "link.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
