"""Hatchling build hook: the wheel carries the ontology, data, named queries and a build.

When a wheel is built (from the checkout or from the sdist), the dataset is built from the
tree being packaged into a temporary folder and force-included, with the folders it was
built from, under ``iraqkg/_data/`` (the layout ``iraqkg.project`` reads). Editable
installs skip this: they read the checkout's own folders.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

FOLDERS = ("ontology", "data", "queries")
TARGET = "iraqkg/_data"


class DatasetBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        sys.path.insert(0, str(root / "src"))
        try:
            from iraqkg.build import CURRENT_FILE
            from iraqkg.build import build as build_dataset
            from iraqkg.settings import BuildSettings, Paths
        finally:
            sys.path.remove(str(root / "src"))
        self._staging = Path(tempfile.mkdtemp(prefix="iraqkg-wheel-"))
        out = self._staging / "build"
        # Quotes are checked against the source texts by the test suite, not here: the
        # sources are not part of the package.
        paths = Paths(root / "ontology", root / "data", out, None, root / "queries")
        result = build_dataset(paths, BuildSettings(keep_builds=0, check_quotes=False))
        self.app.display_info(f"iraqkg: packaged build {result.build_id} {result.triples}")
        force = build_data["force_include"]
        for folder in FOLDERS:
            force[str(root / folder)] = f"{TARGET}/{folder}"
        force[str(result.folder)] = f"{TARGET}/build/{result.build_id}"
        force[str(out / CURRENT_FILE)] = f"{TARGET}/build/{CURRENT_FILE}"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        staging = getattr(self, "_staging", None)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
