"""The dataset as an on-disk Oxigraph store that every query worker opens read-only.

With ``store="memory"`` (the default) each worker parses the whole dataset into its own
in-memory store when it starts: at 100x the seed that took 17 CPU seconds per worker,
and memory for a copy per worker. With ``store="disk"`` the server writes one store (RocksDB)
beside the dataset files once, and each worker opens it read-only in a fraction of a
second; the page cache then holds the data once for every worker. A build folder never
changes, so its store stays valid; the folder name carries a fingerprint of the files
(name, size, modification time), the union setting and the pyoxigraph version, so a
changed file or a new pyoxigraph gets a new store rather than a stale one. The store is
written under a temporary name and renamed into place: a half-written store is never
opened.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from iraqkg.engines.errors import DatasetError

log = logging.getLogger(__name__)
PREFIX = ".oxigraph-"


def store_dir(files: Sequence[Path], union_default_graph: bool) -> Path:
    """Where the store for ``files`` lives: beside the first file, named by fingerprint."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"{ox.__version__}|{union_default_graph}".encode())
    for path in files:
        stat = Path(path).stat()
        digest.update(f"|{Path(path).resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return Path(files[0]).resolve().parent / f"{PREFIX}{digest.hexdigest()}"


def ensure_store(files: Sequence[Path], union_default_graph: bool, load, count) -> Path:
    """The store for ``files``, written first if there is none. ``load(store)`` fills an
    empty writable store (the in-memory engine's loader, so both hold the same triples);
    ``count(store)`` gives its triple counts, kept beside it (``stored_counts``): counting
    a large store at every start would cost seconds."""
    target = store_dir(files, union_default_graph)
    if target.is_dir():
        return target
    temporary = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(temporary, ignore_errors=True)
    try:
        store = ox.Store(str(temporary))
        load(store)
        store.flush()
        _counts_file(target).write_text(json.dumps(count(store)), encoding="utf-8")
        del store  # closes the database before it is renamed
        try:
            temporary.rename(target)
        except OSError:
            if not target.is_dir():  # not another process's store, put there first
                raise
            shutil.rmtree(temporary, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        raise DatasetError(f"cannot write the on-disk store {target}: {exc}") from None
    log.info("wrote the on-disk store %s", target)
    return target


def _counts_file(store: Path) -> Path:
    return store.with_name(store.name + ".counts.json")


def stored_counts(store: Path) -> dict[str, int] | None:
    """The triple counts written with the store (None for a store without them)."""
    try:
        return json.loads(_counts_file(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def open_read_only(path: Path) -> ox.Store:
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise DatasetError(f"cannot open the on-disk store {path}: {exc}") from None
