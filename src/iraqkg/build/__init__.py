"""The build: parse, validate, derive, reason, and write one dataset atomically.

``pipeline.py`` runs the stages; ``validation.py`` (with ``shacl.py``, the compiled shapes
checker) is the data contract; ``inferences.py`` writes how and when each inferred
relation holds; ``nquads.py`` and ``output.py`` write the dataset and keep the output
folder (one folder per build, ``CURRENT``, leases, pruning).
"""

from __future__ import annotations

from .output import (
    CURRENT_FILE,
    DATASET_FILE,
    MANIFEST_FILE,
    STAGING_PREFIX,
    BuildResult,
    Stages,
    current_id,
    in_use,
    lease,
    read_build,
    remove_stale_staging,
)
from .pipeline import (
    Inputs,
    build,
    check,
    fingerprint,
    is_stale,
    load_inputs,
    ontology_files,
    validate,
)

__all__ = [
    "CURRENT_FILE",
    "DATASET_FILE",
    "MANIFEST_FILE",
    "STAGING_PREFIX",
    "BuildResult",
    "Inputs",
    "Stages",
    "build",
    "check",
    "current_id",
    "fingerprint",
    "in_use",
    "is_stale",
    "lease",
    "load_inputs",
    "ontology_files",
    "read_build",
    "remove_stale_staging",
    "validate",
]
