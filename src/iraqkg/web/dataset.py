"""The whole dataset for download, and what describes it: /dataset.nq, /dataset.trig,
/dataset.jsonld (streamed, the served files' named graphs as they are), /context.jsonld
(the JSON-LD context every JSON-LD answer uses), and the VoID facts the service
description adds (entities, source documents; ``description.py`` writes them).

The served files are ``info["dataset_files"]`` (the CLI sets them) or the engine factory's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, send_file, stream_with_context

from iraqkg.engines.jsonld import CONTEXT, write_quads
from iraqkg.engines.loading import file_kind
from iraqkg.namespaces import ID, IKG, PREFIXES
from iraqkg.web.errors import ApiError
from iraqkg.web.pages import run_select
from iraqkg.web.state import current_state

bp = Blueprint("dataset", __name__)

# Download name -> (media type, content type sent)
DUMPS = {
    "nq": ("application/n-quads", "application/n-quads"),
    "trig": ("application/trig", "application/trig; charset=utf-8"),
    "jsonld": ("application/ld+json", "application/ld+json"),
}
_CHUNK = 5000  # quads per TriG piece: memory stays flat whatever the dataset's size


def served_files() -> list[Path]:
    info = current_state().info
    return [Path(f) for f in info.get("dataset_files") or info.get("dump_files") or []]


def _files_or_404() -> list[Path]:
    files = served_files()
    if not files:
        raise ApiError(404, "no_dump", "this server was started without dataset files to download")
    return files


def _quads(files: list[Path]) -> Iterator[ox.Quad]:
    for path in files:
        kind = file_kind(path)
        yield from ox.parse(path=str(path), format=ox.RdfFormat.from_media_type(kind.media_type))


def _pieces(files: list[Path], fmt: ox.RdfFormat) -> Iterator[bytes]:
    """The files' quads written as ``fmt`` (N-Quads or TriG), a batch at a time."""
    batch: list[ox.Quad] = []
    first = True
    for quad in _quads(files):
        batch.append(quad)
        if len(batch) == _CHUNK:
            yield _piece(batch, fmt, first)
            batch, first = [], False
    if batch or first:
        yield _piece(batch, fmt, first)


def _piece(quads: list[ox.Quad], fmt: ox.RdfFormat, first: bool) -> bytes:
    if fmt != ox.RdfFormat.TRIG:
        return ox.serialize(quads, format=fmt)
    text = ox.serialize(quads, format=fmt, prefixes=PREFIXES)
    if first:
        return text
    # TriG allows the same graph in several blocks; the prefixes are declared once, above.
    return b"".join(line for line in text.splitlines(True) if not line.startswith(b"@prefix"))


def _name(key: str) -> str:
    build = current_state().info.get("build_id")
    return f"iraqkg-{build}.{key}" if build else f"iraqkg.{key}"


@bp.get("/dataset.<any(nq, trig, jsonld):key>")
def dump(key: str) -> Response:
    files = _files_or_404()
    media, content_type = DUMPS[key]
    if key == "nq" and len(files) == 1 and file_kind(files[0]).media_type == media:
        # absolute: Flask resolves a relative path against the package, not the cwd
        path = os.path.abspath(files[0])
        response = send_file(path, mimetype=media, conditional=True, etag=True)
    else:
        if key == "jsonld":
            body: Iterator[bytes] = (c.encode("utf-8") for c in write_quads(_quads(files)))
        else:
            fmt = ox.RdfFormat.TRIG if key == "trig" else ox.RdfFormat.N_QUADS
            body = _pieces(files, fmt)
        response = Response(stream_with_context(body))
        response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = f'inline; filename="{_name(key)}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/context.jsonld")
def context() -> Response:
    body = json.dumps({"@context": CONTEXT}, indent=1) + "\n"
    response = Response(body, content_type="application/ld+json")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def void_facts() -> dict[str, Any]:
    """Entities and source documents of the served dataset (asked once, then kept)."""
    state = current_state()
    facts = state.info.get("_void")
    if facts is None:
        entities = run_select(
            f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e <{PREFIXES['skos']}prefLabel> ?l "
            f'FILTER(STRSTARTS(STR(?e), "{ID}")) }}'
        )
        sources = run_select(
            f"SELECT DISTINCT ?doc ?label WHERE {{ ?doc a <{IKG.SourceDocument}> OPTIONAL "
            f"{{ ?doc <{PREFIXES['skos']}prefLabel> ?label }} }} ORDER BY ?doc"
        )
        facts = {
            "entities": int(entities[0]["n"]) if entities else 0,
            "sources": [(row["doc"], row.get("label")) for row in sources],
            "dumps": list(DUMPS) if served_files() else [],
        }
        state.info["_void"] = facts
    return facts
