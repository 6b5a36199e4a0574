"""Reading a Wikidata JSON dump as a stream: one entity at a time, in constant memory.

The dump (``latest-all.json.gz`` / ``.bz2``) is one JSON array with one entity per line:
``[``, then ``{...},`` lines, the last entity without the comma, then ``]`` (Wikibase's JSON
format: "In JSON dumps, each entity is encoded in as a single line",
https://www.mediawiki.org/wiki/Wikibase/DataModel/JSON). Plain, gzip and bzip2 files are
read the same way; progress is the compressed bytes consumed, so it can be shown against
the file's size.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from iraqkg.errors import InputError

Progress = Callable[[int], None]  # called with the bytes of the file read so far
_REPORT_EVERY = 4096  # lines between progress reports (a call per line would cost time)


@dataclass(frozen=True)
class DumpLine:
    """One entity line: its number in the file and its text (without the trailing comma)."""

    number: int
    text: str

    def entity(self, path: Path) -> dict[str, Any]:
        try:
            value = json.loads(self.text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}:{self.number}: not a Wikidata dump line (one JSON entity per line): "
                f"{exc.msg} at column {exc.colno}"
            ) from None
        if not isinstance(value, dict):
            raise InputError(f"{path}:{self.number}: expected a JSON object (an entity)")
        return value


@contextmanager
def open_dump(path: Path) -> Iterator[tuple[IO[str], IO[bytes]]]:
    """(text stream, raw file) of a dump; the raw file's position is the progress."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such dump file: {path}")
    raw = open(path, "rb")  # noqa: SIM115 - closed below, after the decompressor
    try:
        name = path.name.lower()
        if name.endswith(".gz"):
            binary: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb")
        elif name.endswith(".bz2"):
            binary = bz2.BZ2File(raw, mode="rb")
        else:
            binary = raw
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        try:
            yield text, raw
        finally:
            text.detach()
            if binary is not raw:
                binary.close()
    finally:
        raw.close()


def dump_lines(path: Path, progress: Progress | None = None) -> Iterator[DumpLine]:
    """Every entity line of the dump, unparsed (a caller may skip most without parsing)."""
    try:
        with open_dump(path) as (text, raw):
            number = 0
            for number, line in enumerate(text, start=1):  # noqa: B007 - used after the loop
                if progress is not None and number % _REPORT_EVERY == 0:
                    progress(raw.tell())
                body = line.strip()
                # "[" and "]" stand on lines of their own in Wikidata's dumps; accept them
                # glued to the first and last entity too.
                if body.startswith("["):
                    body = body[1:].lstrip()
                if body.endswith("]"):
                    body = body[:-1].rstrip()
                if body.endswith(","):
                    body = body[:-1].rstrip()
                if not body:
                    continue
                yield DumpLine(number, body)
            if progress is not None:
                progress(raw.tell())
    except (OSError, EOFError, UnicodeDecodeError) as exc:  # truncated or corrupt archives
        raise InputError(f"{path}: cannot read the dump: {exc}") from None


def labels_and_aliases(entity: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(kind, language, text) for every label and alias of an entity, in all languages."""
    for language, label in (entity.get("labels") or {}).items():
        if isinstance(label, dict) and isinstance(label.get("value"), str):
            yield "label", language, label["value"]
    for language, aliases in (entity.get("aliases") or {}).items():
        for alias in aliases if isinstance(aliases, list) else ():
            if isinstance(alias, dict) and isinstance(alias.get("value"), str):
                yield "alias", language, alias["value"]


def item_values(entity: dict[str, Any], prop: str) -> list[str]:
    """The item ids of an entity's ``prop`` statements (e.g. its P31 classes), not deprecated."""
    found = []
    for claim in (entity.get("claims") or {}).get(prop) or ():
        if not isinstance(claim, dict) or claim.get("rank") == "deprecated":
            continue
        value = ((claim.get("mainsnak") or {}).get("datavalue") or {}).get("value")
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            found.append(value["id"])
    return found


def text_in(entity: dict[str, Any], field: str, language: str) -> str | None:
    """An entity's label or description in one language, if it has one."""
    value = (entity.get(field) or {}).get(language)
    return value.get("value") if isinstance(value, dict) else None
